//! Names and types as the database compares them: unquoted names fold to
//! lowercase, a table is keyed by its full name (so `archive.users` is not
//! `users`), and a VARCHAR that only grows is not a type change.

use migrate_graph::Dialect;
use sqlparser::ast::{ColumnDef, ColumnOption, DataType, Ident, ObjectName, ObjectNamePart};

/// An identifier as the database compares it.
pub(crate) fn ident_key(ident: &Ident) -> String {
    if ident.quote_style.is_some() {
        ident.value.clone()
    } else {
        ident.value.to_lowercase()
    }
}

/// A table's full name, `schema.table`, without the schema an unqualified
/// name resolves to (PostgreSQL's `public`, SQLite's `main`, and `temp`,
/// which SQLite searches first): `public.t` is `t`, `archive.t` is another
/// table. MySQL's `db.t` is kept qualified, as the current database is not
/// known here.
pub(crate) fn key(dialect: Dialect, name: &ObjectName) -> String {
    let mut parts: Vec<String> = name
        .0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(ident) => ident_key(ident),
            other => other.to_string(),
        })
        .collect();
    let default: &[&str] = match dialect {
        Dialect::Postgres => &["public"],
        Dialect::Sqlite => &["main", "temp"],
        Dialect::MySql => &[],
    };
    if parts.len() == 2 && default.contains(&parts[0].as_str()) {
        parts.remove(0);
    }
    parts.join(".")
}

/// A type as the history keeps it: sqlparser's spelling, lowercased.
pub(crate) fn type_key(data_type: &DataType) -> String {
    data_type.to_string().to_lowercase()
}

/// A column's type as the history keeps it, `generated ` before the type
/// of a generated column (whose values are computed, not stored data).
pub(crate) fn column_key(column: &ColumnDef) -> String {
    let generated = column.options.iter().any(|o| {
        matches!(
            o.option,
            ColumnOption::Generated {
                generation_expr: Some(_),
                ..
            }
        )
    });
    let ty = type_key(&column.data_type);
    if generated {
        format!("generated {ty}")
    } else {
        ty
    }
}

/// The character-varying length of a type: `Some(Some(n))` for
/// `varchar(n)`, `Some(None)` for an unbounded text type, `None` otherwise.
fn varchar(type_key: &str) -> Option<Option<u64>> {
    let (base, args) = match type_key.split_once('(') {
        Some((base, args)) => (base.trim(), Some(args.trim_end_matches(')').trim())),
        None => (type_key.trim(), None),
    };
    match (base, args) {
        ("varchar" | "character varying", Some(n)) => n.parse().ok().map(Some),
        ("varchar" | "character varying" | "text", None) => Some(None),
        _ => None,
    }
}

/// Whether `from` → `to` only lets a VARCHAR hold longer values
/// (`varchar(50)` → `varchar(100)` or `text`): no value changes, and
/// PostgreSQL neither rewrites nor scans the table.
pub(crate) fn is_widening(from: &str, to: &str) -> bool {
    match (varchar(from), varchar(to)) {
        (Some(Some(a)), Some(Some(b))) => b >= a,
        (Some(_), Some(None)) => true,
        _ => false,
    }
}
