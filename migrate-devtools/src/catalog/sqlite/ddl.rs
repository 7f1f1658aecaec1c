//! What SQLite keeps only in `sqlite_schema.sql`: check constraints,
//! generation expressions, collations, `AUTOINCREMENT`, constraint names,
//! partial-index predicates and index expressions. The text is the engine's
//! own copy (rewritten by it on renames), parsed with sqlparser's SQLite
//! dialect; expressions are printed back by sqlparser, so two spellings of
//! one expression (`a>0`, `a > 0`) read the same on both sides of a diff.

use std::collections::HashMap;

use migrate_schema::{Check, IndexPart};
use sqlparser::ast::{
    ColumnOption, CreateIndex, CreateTable, Expr, ObjectName, Statement, TableConstraint,
};
use sqlparser::dialect::SQLiteDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::Token;

use super::untyped::without_types;

/// A stored definition sqlparser could not read.
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot read the definition of {object} stored in sqlite_schema ({reason}); \
     the schema reader needs it for check constraints, generated columns and collations"
)]
pub(crate) struct DdlError {
    object: String,
    reason: String,
}

impl DdlError {
    fn new(object: &str, reason: impl ToString) -> Self {
        DdlError {
            object: object.to_string(),
            reason: reason.to_string(),
        }
    }

    /// The text lacks something the pragmas say is there.
    pub(crate) fn missing(table: &str, object: &str, what: &str) -> Self {
        DdlError::new(
            &format!("table {table}"),
            format!("no {what} found for {object}"),
        )
    }
}

/// The parts of a `CREATE TABLE` the pragmas do not give. Column names are
/// keyed in lowercase: SQLite compares identifiers without case, and the
/// pragmas may spell a name differently from a constraint clause.
#[derive(Debug, Default)]
pub(crate) struct TableDdl {
    /// Per column (lowercase name).
    pub(crate) columns: HashMap<String, ColumnDdl>,
    /// `CONSTRAINT name PRIMARY KEY ...`.
    pub(crate) primary_key_name: Option<String>,
    /// Names of unique constraints by their lowercase column list.
    pub(crate) unique_names: Vec<(Vec<String>, String)>,
    /// Names of foreign keys by their lowercase column list and referenced table.
    pub(crate) foreign_key_names: Vec<(Vec<String>, String, String)>,
    /// Check constraints, column-level ones included, in declaration order.
    pub(crate) checks: Vec<Check>,
}

/// What a column's clause says beyond the pragmas.
#[derive(Debug, Default)]
pub(crate) struct ColumnDdl {
    /// `COLLATE x`, unless it is the default `BINARY`.
    pub(crate) collation: Option<String>,
    /// The generation expression.
    pub(crate) generated: Option<String>,
    /// `PRIMARY KEY AUTOINCREMENT`.
    pub(crate) autoincrement: bool,
}

/// The parts of a `CREATE INDEX`: its key parts and its `WHERE` predicate.
#[derive(Debug, Default)]
pub(crate) struct IndexDdl {
    pub(crate) parts: Vec<IndexPart>,
    pub(crate) predicate: Option<String>,
}

fn parse_one(object: &str, sql: &str) -> Result<Statement, DdlError> {
    let mut statements =
        Parser::parse_sql(&SQLiteDialect {}, sql).map_err(|e| DdlError::new(object, e))?;
    match statements.len() {
        1 => Ok(statements.remove(0)),
        n => Err(DdlError::new(object, format!("{n} statements"))),
    }
}

/// Parses the stored `CREATE TABLE` of `table`.
pub(crate) fn table(table: &str, sql: &str) -> Result<TableDdl, DdlError> {
    let object = format!("table {table}");
    // Table options after the column list (`WITHOUT ROWID`, `STRICT`) are not
    // SQL sqlparser reads, and nothing the model holds.
    let body = sql.rfind(')').map_or(sql, |end| &sql[..=end]);
    let parsed = parse_one(&object, body).or_else(|first| {
        // The types come from the pragmas: without them the text may parse.
        without_types(body)
            .and_then(|text| parse_one(&object, &text).ok())
            .ok_or(first)
    })?;
    let Statement::CreateTable(create) = parsed else {
        return Err(DdlError::new(&object, "not a CREATE TABLE statement"));
    };
    Ok(table_parts(&create))
}

fn table_parts(create: &CreateTable) -> TableDdl {
    let mut out = TableDdl::default();
    for column in &create.columns {
        let lower = column.name.value.to_ascii_lowercase();
        let mut ddl = ColumnDdl::default();
        for def in &column.options {
            let named = def.name.as_ref().map(|n| n.value.clone());
            match &def.option {
                ColumnOption::Collation(name) => ddl.collation = collation(name),
                ColumnOption::Generated {
                    generation_expr: Some(expr),
                    ..
                } => ddl.generated = Some(text(expr)),
                ColumnOption::DialectSpecific(tokens) if tokens.iter().any(is_autoincrement) => {
                    ddl.autoincrement = true;
                }
                ColumnOption::PrimaryKey(pk) => {
                    if let Some(name) = named.or_else(|| pk.name.as_ref().map(|n| n.value.clone()))
                    {
                        out.primary_key_name = Some(name);
                    }
                }
                ColumnOption::Unique(u) => {
                    if let Some(name) = named.or_else(|| u.name.as_ref().map(|n| n.value.clone())) {
                        out.unique_names.push((vec![lower.clone()], name));
                    }
                }
                ColumnOption::ForeignKey(fk) => {
                    if let Some(name) = named.or_else(|| fk.name.as_ref().map(|n| n.value.clone()))
                    {
                        out.foreign_key_names.push((
                            vec![lower.clone()],
                            last_part(&fk.foreign_table),
                            name,
                        ));
                    }
                }
                ColumnOption::Check(check) => out.checks.push(Check {
                    name: named.or_else(|| check.name.as_ref().map(|n| n.value.clone())),
                    expression: text(&check.expr),
                    no_inherit: false,
                    not_valid: false,
                }),
                _ => {}
            }
        }
        out.columns.insert(lower, ddl);
    }
    for constraint in &create.constraints {
        match constraint {
            TableConstraint::PrimaryKey(pk) => {
                if let Some(name) = &pk.name {
                    out.primary_key_name = Some(name.value.clone());
                }
            }
            TableConstraint::Unique(u) => {
                if let Some(name) = &u.name {
                    let columns = u.columns.iter().map(|c| key_name(&c.column.expr)).collect();
                    out.unique_names.push((columns, name.value.clone()));
                }
            }
            TableConstraint::ForeignKey(fk) => {
                if let Some(name) = &fk.name {
                    let columns = fk
                        .columns
                        .iter()
                        .map(|c| c.value.to_ascii_lowercase())
                        .collect();
                    out.foreign_key_names.push((
                        columns,
                        last_part(&fk.foreign_table),
                        name.value.clone(),
                    ));
                }
            }
            TableConstraint::Check(check) => out.checks.push(Check {
                name: check.name.as_ref().map(|n| n.value.clone()),
                expression: text(&check.expr),
                no_inherit: false,
                not_valid: false,
            }),
            _ => {}
        }
    }
    out
}

fn is_autoincrement(token: &Token) -> bool {
    matches!(token, Token::Word(w) if w.value.eq_ignore_ascii_case("autoincrement"))
}

/// An expression's text without the parentheses around it: drafts write
/// `CHECK (e)` and index parts `(e)` whatever their source wrote.
fn text(expr: &Expr) -> String {
    match expr {
        Expr::Nested(inner) => text(inner),
        other => other.to_string(),
    }
}

/// Parses the stored `CREATE INDEX` of `index`.
pub(crate) fn index(index: &str, sql: &str) -> Result<IndexDdl, DdlError> {
    let object = format!("index {index}");
    let Statement::CreateIndex(create) = parse_one(&object, sql)? else {
        return Err(DdlError::new(&object, "not a CREATE INDEX statement"));
    };
    Ok(index_parts(&create))
}

fn index_parts(create: &CreateIndex) -> IndexDdl {
    let parts = create
        .columns
        .iter()
        .map(|c| match strip_collate(&c.column.expr) {
            Expr::Identifier(ident) => IndexPart::column(ident.value.clone()),
            other => IndexPart::expression(text(other)),
        })
        .collect();
    IndexDdl {
        parts,
        predicate: create.predicate.as_ref().map(text),
    }
}

/// A key part's collation is not in the model; the part is still a column.
fn strip_collate(expr: &Expr) -> &Expr {
    match expr {
        Expr::Collate { expr, .. } | Expr::Nested(expr) => strip_collate(expr),
        other => other,
    }
}

/// The lowercase column a constraint key part names.
fn key_name(expr: &Expr) -> String {
    match strip_collate(expr) {
        Expr::Identifier(ident) => ident.value.to_ascii_lowercase(),
        other => other.to_string().to_ascii_lowercase(),
    }
}

fn last_part(name: &ObjectName) -> String {
    name.0
        .last()
        .and_then(|p| p.as_ident())
        .map(|i| i.value.to_ascii_lowercase())
        .unwrap_or_else(|| name.to_string().to_ascii_lowercase())
}

/// Collation names are case-insensitive in SQLite: the built-in ones are kept
/// in uppercase so `nocase` and `NOCASE` compare equal; `BINARY` is the default.
fn collation(name: &ObjectName) -> Option<String> {
    let text = name
        .0
        .last()
        .and_then(|p| p.as_ident())
        .map_or_else(|| name.to_string(), |i| i.value.clone());
    let upper = text.to_uppercase();
    match upper.as_str() {
        "BINARY" => None,
        "NOCASE" | "RTRIM" => Some(upper),
        _ => Some(text),
    }
}

/// A definition (view, trigger) in sqlparser's spelling when it parses, so
/// whitespace alone does not mark it changed; the stored text otherwise.
pub(crate) fn normalized(sql: &str) -> String {
    match Parser::parse_sql(&SQLiteDialect {}, sql) {
        Ok(statements) if statements.len() == 1 => statements[0].to_string(),
        _ => sql.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_parts_come_from_the_stored_text() {
        let t = table(
            "t",
            "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, \
             a INT CHECK((a>0)), b TEXT COLLATE nocase CONSTRAINT u_b UNIQUE, \
             c INT GENERATED ALWAYS AS (a*2) STORED, d TEXT COLLATE binary, \
             e INT CONSTRAINT fk_e REFERENCES p(id), \
             CONSTRAINT pos CHECK (a < 100), CONSTRAINT u_ab UNIQUE (a, \"B\")) WITHOUT ROWID",
        )
        .unwrap();
        assert!(t.columns["id"].autoincrement);
        assert_eq!(t.columns["b"].collation.as_deref(), Some("NOCASE"));
        assert_eq!(t.columns["d"].collation, None);
        assert_eq!(t.columns["c"].generated.as_deref(), Some("a * 2"));
        assert_eq!(
            t.checks,
            vec![
                Check {
                    name: None,
                    expression: "a > 0".into(),
                    no_inherit: false,
                    not_valid: false
                },
                Check {
                    name: Some("pos".into()),
                    expression: "a < 100".into(),
                    no_inherit: false,
                    not_valid: false
                }
            ]
        );
        assert_eq!(
            t.unique_names,
            vec![
                (vec!["b".to_string()], "u_b".to_string()),
                (vec!["a".to_string(), "b".to_string()], "u_ab".to_string())
            ]
        );
        assert_eq!(
            t.foreign_key_names,
            vec![(vec!["e".to_string()], "p".to_string(), "fk_e".to_string())]
        );
    }

    #[test]
    fn index_parts_come_from_the_stored_text() {
        let i = index(
            "i",
            "CREATE INDEX i ON t ((lower(b)), a COLLATE nocase) WHERE a>0",
        )
        .unwrap();
        assert_eq!(
            i.parts,
            vec![IndexPart::expression("lower(b)"), IndexPart::column("a")]
        );
        assert_eq!(i.predicate.as_deref(), Some("a > 0"));
    }

    #[test]
    fn types_sqlparser_does_not_know_are_left_out() {
        let t = table(
            "odd",
            "CREATE TABLE odd (a UNSIGNED BIG INT CHECK (a > 0), \
             b VARYING CHARACTER(255) NULL COLLATE nocase, c NATIVE CHARACTER (70), \
             d DECIMAL(10, 5) NOT NULL, CONSTRAINT k UNIQUE (a, b))",
        )
        .unwrap();
        assert_eq!(t.checks[0].expression, "a > 0");
        assert_eq!(t.columns["b"].collation.as_deref(), Some("NOCASE"));
        assert_eq!(t.columns.len(), 4);
        assert_eq!(t.unique_names[0].1, "k");
    }

    #[test]
    fn unreadable_text_is_an_error_naming_the_object() {
        let e = table("weird", "CREATE TABLE weird (").unwrap_err();
        assert!(e.to_string().contains("table weird"), "{e}");
    }
}
