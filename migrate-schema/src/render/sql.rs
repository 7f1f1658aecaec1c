//! Pieces of SQL every dialect shares: quoting and constraint clauses.
//!
//! Identifiers are always quoted (`"x"`, or `` `x` `` on MySQL): the model holds
//! the catalog's exact names, and quoting keeps them exact whatever their case
//! or whether they are keywords.

use crate::model::{Dialect, FkAction, ForeignKey, IndexPart, QualifiedName};

pub(crate) fn ident(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::MySql => format!("`{}`", name.replace('`', "``")),
        Dialect::Postgres | Dialect::Sqlite => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

pub(crate) fn qualified(dialect: Dialect, name: &QualifiedName) -> String {
    match &name.schema {
        Some(schema) => format!("{}.{}", ident(dialect, schema), ident(dialect, &name.name)),
        None => ident(dialect, &name.name),
    }
}

pub(crate) fn literal(dialect: Dialect, text: &str) -> String {
    let escaped = text.replace('\'', "''");
    match dialect {
        // MySQL reads backslash escapes in strings unless NO_BACKSLASH_ESCAPES.
        Dialect::MySql => format!("'{}'", escaped.replace('\\', "\\\\")),
        Dialect::Postgres | Dialect::Sqlite => format!("'{escaped}'"),
    }
}

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

/// `FOREIGN KEY (...) REFERENCES t (...) [ON DELETE ..] [ON UPDATE ..]`.
pub(crate) fn foreign_key(dialect: Dialect, fk: &ForeignKey) -> String {
    let mut sql = format!(
        "{}FOREIGN KEY {} REFERENCES {} {}",
        constraint(dialect, &fk.name),
        columns(dialect, &fk.columns),
        qualified(dialect, &fk.referenced_table),
        columns(dialect, &fk.referenced_columns),
    );
    if fk.on_delete != FkAction::NoAction {
        sql.push_str(&format!(" ON DELETE {}", fk.on_delete.sql()));
    }
    if fk.on_update != FkAction::NoAction {
        sql.push_str(&format!(" ON UPDATE {}", fk.on_update.sql()));
    }
    sql
}

/// Index key parts: quoted columns, expressions in parentheses.
pub(crate) fn index_parts(dialect: Dialect, parts: &[IndexPart]) -> String {
    let list: Vec<String> = parts
        .iter()
        .map(|p| match p {
            IndexPart::Column(c) => ident(dialect, c),
            IndexPart::Expression(e) => format!("({e})"),
        })
        .collect();
    format!("({})", list.join(", "))
}

/// `CREATE TABLE name (\n    line,\n    line\n)` with the lines given.
pub(crate) fn create_table(head: &str, lines: &[String], tail: &str) -> String {
    format!("{head} (\n    {}\n){tail};", lines.join(",\n    "))
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
    fn quoting_doubles_the_quote_character() {
        assert_eq!(ident(Dialect::Postgres, "we\"ird"), "\"we\"\"ird\"");
        assert_eq!(ident(Dialect::MySql, "we`ird"), "`we``ird`");
        assert_eq!(literal(Dialect::Postgres, "it's"), "'it''s'");
        assert_eq!(literal(Dialect::MySql, "a\\b'"), "'a\\\\b'''");
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
