//! Pieces of SQL every dialect shares: constraint clauses, the
//! `CREATE TABLE` frame and the `ALTER TABLE` statements all three spell alike.

use super::quote::{ident, literal, qualified};
use crate::model::{
    Check, Deferral, Dialect, FkAction, ForeignKey, Generated, GeneratedKind, IndexKey, IndexPart,
    NullsOrder, PrimaryKey, QualifiedName, SortOrder, Table, Unique,
};

pub(crate) fn columns(dialect: Dialect, names: &[String]) -> String {
    let list: Vec<String> = names.iter().map(|c| ident(dialect, c)).collect();
    format!("({})", list.join(", "))
}

/// `CONSTRAINT "name" ` or nothing.
pub(crate) fn constraint(dialect: Dialect, name: &Option<String>) -> String {
    name.as_ref()
        .map(|n| format!("CONSTRAINT {} ", ident(dialect, n)))
        .unwrap_or_default()
}

/// `[CONSTRAINT "name" ]PRIMARY KEY (...)`. MySQL calls every primary key
/// `PRIMARY` whatever it is given, so no name is written there; its key
/// may carry a `COMMENT`.
pub(crate) fn primary_key(dialect: Dialect, key: &PrimaryKey) -> String {
    let name = match dialect {
        Dialect::MySql => String::new(),
        Dialect::Postgres | Dialect::Sqlite => constraint(dialect, &key.name),
    };
    let comment = match (&key.comment, dialect) {
        (Some(c), Dialect::MySql) => format!(" COMMENT {}", literal(dialect, c)),
        _ => String::new(),
    };
    format!(
        "{name}PRIMARY KEY {}{comment}{}",
        columns(dialect, &key.columns),
        deferral(dialect, key.deferrable)
    )
}

/// ` DEFERRABLE INITIALLY ...` (PostgreSQL) or nothing.
fn deferral(dialect: Dialect, deferrable: Option<Deferral>) -> String {
    match (deferrable, dialect) {
        (Some(d), Dialect::Postgres) => format!(" {}", d.sql()),
        _ => String::new(),
    }
}

/// ` NOT VALID` (PostgreSQL, which takes it in `ALTER TABLE ... ADD` only)
/// or nothing.
fn not_valid(dialect: Dialect, not_valid: bool) -> &'static str {
    if not_valid && dialect == Dialect::Postgres {
        " NOT VALID"
    } else {
        ""
    }
}

/// `[CONSTRAINT "name" ]UNIQUE [NULLS NOT DISTINCT ](...)`.
pub(crate) fn unique(dialect: Dialect, unique: &Unique) -> String {
    let nulls = if unique.nulls_not_distinct && dialect == Dialect::Postgres {
        "NULLS NOT DISTINCT "
    } else {
        ""
    };
    format!(
        "{}UNIQUE {nulls}{}{}",
        constraint(dialect, &unique.name),
        columns(dialect, &unique.columns),
        deferral(dialect, unique.deferrable)
    )
}

/// `[CONSTRAINT "name" ]CHECK (expression)[ NO INHERIT]`.
pub(crate) fn check(dialect: Dialect, check: &Check) -> String {
    let no_inherit = if check.no_inherit && dialect == Dialect::Postgres {
        " NO INHERIT"
    } else {
        ""
    };
    format!(
        "{}CHECK ({}){no_inherit}{}",
        constraint(dialect, &check.name),
        check.expression,
        not_valid(dialect, check.not_valid)
    )
}

/// `FOREIGN KEY (...) REFERENCES t (...) [ON DELETE ..] [ON UPDATE ..]`.
pub(crate) fn foreign_key(dialect: Dialect, fk: &ForeignKey) -> String {
    let mut sql = format!(
        "{}FOREIGN KEY {} REFERENCES {} {}",
        constraint(dialect, &fk.name),
        columns(dialect, &fk.columns),
        qualified(dialect, &fk.referenced_table),
        columns(dialect, &fk.referenced_columns),
    );
    if fk.match_full && dialect == Dialect::Postgres {
        sql.push_str(" MATCH FULL");
    }
    if fk.on_delete != FkAction::NoAction {
        sql.push_str(&format!(" ON DELETE {}", fk.on_delete.sql()));
    }
    if fk.on_update != FkAction::NoAction {
        sql.push_str(&format!(" ON UPDATE {}", fk.on_update.sql()));
    }
    sql.push_str(not_valid(dialect, fk.not_valid));
    sql
}

/// Index key parts: quoted columns, expressions in parentheses, each with
/// its order.
pub(crate) fn index_parts(dialect: Dialect, parts: &[IndexPart]) -> String {
    let list: Vec<String> = parts.iter().map(|p| index_part(dialect, p)).collect();
    format!("({})", list.join(", "))
}

/// One key part: `"col"`, `` `col`(10) `` or `(expression)`, then ` DESC` and
/// (PostgreSQL) ` NULLS FIRST|LAST` when not what the order implies. A prefix
/// length is MySQL's only, and NULL placement PostgreSQL's: other dialects
/// have no syntax for them, and their readers never fill them.
fn index_part(dialect: Dialect, part: &IndexPart) -> String {
    let mut sql = match &part.key {
        IndexKey::Column(c) => ident(dialect, c),
        IndexKey::Expression(e) => format!("({e})"),
    };
    if let (Some(length), Dialect::MySql, IndexKey::Column(_)) =
        (part.prefix_length, dialect, &part.key)
    {
        sql.push_str(&format!("({length})"));
    }
    if dialect == Dialect::Postgres {
        if let Some(collation) = &part.collation {
            sql.push_str(&collate(dialect, collation));
        }
        if let Some(opclass) = &part.opclass {
            sql.push(' ');
            sql.push_str(opclass);
        }
    }
    if part.order == SortOrder::Desc {
        sql.push_str(" DESC");
    }
    if let (Some(nulls), Dialect::Postgres) = (part.normalized_nulls(), dialect) {
        sql.push_str(match nulls {
            NullsOrder::First => " NULLS FIRST",
            NullsOrder::Last => " NULLS LAST",
        });
    }
    sql
}

/// ` COLLATE name`: quoted, but for MySQL, whose collation names are plain
/// words its catalog prints unquoted.
pub(crate) fn collate(dialect: Dialect, collation: &str) -> String {
    match dialect {
        Dialect::MySql => format!(" COLLATE {collation}"),
        Dialect::Postgres | Dialect::Sqlite => format!(" COLLATE {}", ident(dialect, collation)),
    }
}

/// ` GENERATED ALWAYS AS (expression) STORED|VIRTUAL`.
pub(crate) fn generated(generated: &Generated) -> String {
    let kind = match generated.kind {
        GeneratedKind::Stored => "STORED",
        GeneratedKind::Virtual => "VIRTUAL",
    };
    format!(" GENERATED ALWAYS AS ({}) {kind}", generated.expression)
}

/// The constraint lines of `CREATE TABLE`, after its columns: the primary key
/// (unless `inline_key`: a column definition holds it), uniques, checks, and
/// the table's foreign keys followed by `extra_fks`.
pub(crate) fn table_constraints(
    dialect: Dialect,
    table: &Table,
    inline_key: bool,
    extra_fks: &[ForeignKey],
) -> Vec<String> {
    let key = table.primary_key.as_ref().filter(|_| !inline_key);
    key.map(|k| primary_key(dialect, k))
        .into_iter()
        .chain(table.uniques.iter().map(|u| unique(dialect, u)))
        .chain(table.checks.iter().map(|c| check(dialect, c)))
        .chain(
            table
                .foreign_keys
                .iter()
                .chain(extra_fks)
                .map(|fk| foreign_key(dialect, fk)),
        )
        .collect()
}

/// `CREATE TABLE name (\n    line,\n    line\n)tail;` with the lines given.
pub(crate) fn create_table(
    dialect: Dialect,
    name: &QualifiedName,
    lines: &[String],
    tail: &str,
) -> String {
    format!(
        "CREATE TABLE {} (\n    {}\n){tail};",
        qualified(dialect, name),
        lines.join(",\n    ")
    )
}

/// `ALTER TABLE name`, the head of the statements below.
pub(crate) fn alter_table(dialect: Dialect, table: &QualifiedName) -> String {
    format!("ALTER TABLE {}", qualified(dialect, table))
}

/// `ALTER TABLE t ADD COLUMN definition;`.
pub(crate) fn add_column(dialect: Dialect, table: &QualifiedName, definition: &str) -> String {
    format!("{} ADD COLUMN {definition};", alter_table(dialect, table))
}

/// `ALTER TABLE t ADD clause;`, for a constraint clause built above.
pub(crate) fn add_constraint(dialect: Dialect, table: &QualifiedName, clause: &str) -> String {
    format!("{} ADD {clause};", alter_table(dialect, table))
}

/// `ALTER TABLE t DROP CONSTRAINT name;`, a constraint the catalog gave no
/// name going by the one the engine gives it (`unnamed`).
pub(crate) fn drop_constraint(
    dialect: Dialect,
    table: &QualifiedName,
    name: &Option<String>,
    unnamed: impl FnOnce() -> String,
) -> String {
    format!(
        "{} DROP CONSTRAINT {};",
        alter_table(dialect, table),
        ident(dialect, &name.clone().unwrap_or_else(unnamed))
    )
}

/// `ALTER TABLE t DROP COLUMN c;`.
pub(crate) fn drop_column(dialect: Dialect, table: &QualifiedName, column: &str) -> String {
    format!(
        "{} DROP COLUMN {};",
        alter_table(dialect, table),
        ident(dialect, column)
    )
}

/// `ALTER TABLE t RENAME COLUMN a TO b;`.
pub(crate) fn rename_column(
    dialect: Dialect,
    table: &QualifiedName,
    from: &str,
    to: &str,
) -> String {
    format!(
        "{} RENAME COLUMN {} TO {};",
        alter_table(dialect, table),
        ident(dialect, from),
        ident(dialect, to)
    )
}

/// `DROP TABLE t;`.
pub(crate) fn drop_table(dialect: Dialect, table: &QualifiedName) -> String {
    format!("DROP TABLE {};", qualified(dialect, table))
}

/// `DROP INDEX`: a MySQL index is named within its table, a PostgreSQL or
/// SQLite one within its table's schema.
pub(crate) fn drop_index(dialect: Dialect, table: &QualifiedName, index: &str) -> String {
    match dialect {
        Dialect::MySql => format!(
            "DROP INDEX {} ON {};",
            ident(dialect, index),
            qualified(dialect, table)
        ),
        Dialect::Postgres | Dialect::Sqlite => format!(
            "DROP INDEX {};",
            qualified(dialect, &index_name(table, index))
        ),
    }
}

/// An index name qualified with its table's schema, where PostgreSQL and
/// SQLite keep indexes.
pub(crate) fn index_name(table: &QualifiedName, index: &str) -> QualifiedName {
    QualifiedName {
        schema: table.schema.clone(),
        name: index.to_string(),
    }
}

/// The name PostgreSQL gives an unnamed constraint, used to drop one whose
/// name the catalog reader left out: `{table}_{columns}_{suffix}`, cut to 63 bytes.
pub(crate) fn postgres_default_name(table: &str, columns: &[String], suffix: &str) -> String {
    let mut name = table.to_string();
    for c in columns {
        name.push('_');
        name.push_str(c);
    }
    let max = 63 - suffix.len() - 1;
    if name.len() > max {
        let mut cut = max;
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        name.truncate(cut);
    }
    format!("{name}_{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mysql_primary_keys_are_never_named_and_inline_keys_are_left_out() {
        let key = PrimaryKey {
            name: Some("pk".into()),
            columns: vec!["id".into()],
            comment: None,
            deferrable: None,
        };
        assert_eq!(primary_key(Dialect::MySql, &key), "PRIMARY KEY (`id`)");
        assert_eq!(
            primary_key(Dialect::Postgres, &key),
            "CONSTRAINT \"pk\" PRIMARY KEY (\"id\")"
        );
        let table = Table {
            primary_key: Some(key),
            uniques: vec![Unique {
                name: None,
                columns: vec!["a".into()],
                nulls_not_distinct: false,
                deferrable: None,
            }],
            ..Table::new("t")
        };
        assert_eq!(
            table_constraints(Dialect::Sqlite, &table, true, &[]),
            ["UNIQUE (\"a\")"]
        );
        assert_eq!(
            table_constraints(Dialect::Sqlite, &table, false, &[]).len(),
            2
        );
    }

    #[test]
    fn postgres_default_names_are_cut_to_63_bytes() {
        let long = "x".repeat(70);
        let name = postgres_default_name(&long, &["id".into()], "key");
        assert_eq!(name.len(), 63);
        assert!(name.ends_with("_key"));
        assert_eq!(
            postgres_default_name("t", &["a".into(), "b".into()], "key"),
            "t_a_b_key"
        );
    }
}
