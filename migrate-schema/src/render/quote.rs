//! Quoting: the one way every piece of generated SQL writes a name or a
//! string (the drafts, the rows and objects of a squash, the statements on
//! scratch databases).
//!
//! Identifiers are always quoted (`"x"`, or `` `x` `` on MySQL): the model holds
//! the catalog's exact names, and quoting keeps them exact whatever their case
//! or whether they are keywords.

use crate::model::{Dialect, QualifiedName};

/// `name` as an identifier: `"name"`, or `` `name` `` on MySQL, the quote
/// character doubled inside.
pub fn ident(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::MySql => format!("`{}`", name.replace('`', "``")),
        Dialect::Postgres | Dialect::Sqlite => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

/// A name with its schema, each part quoted: `"schema"."name"`, or
/// `"name"` in the default one.
pub fn qualified(dialect: Dialect, name: &QualifiedName) -> String {
    match &name.schema {
        Some(schema) => format!("{}.{}", ident(dialect, schema), ident(dialect, &name.name)),
        None => ident(dialect, &name.name),
    }
}

/// `text` as a string literal: `'text'`, quotes doubled, and on MySQL
/// backslashes doubled too.
pub fn literal(dialect: Dialect, text: &str) -> String {
    let escaped = text.replace('\'', "''");
    match dialect {
        // MySQL reads backslash escapes in strings unless NO_BACKSLASH_ESCAPES.
        Dialect::MySql => format!("'{}'", escaped.replace('\\', "\\\\")),
        Dialect::Postgres | Dialect::Sqlite => format!("'{escaped}'"),
    }
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
        let name = QualifiedName {
            schema: Some("app".into()),
            name: "t".into(),
        };
        assert_eq!(qualified(Dialect::Postgres, &name), "\"app\".\"t\"");
    }
}
