//! The PostgreSQL catalog reader: `pg_catalog` read with a fixed number of
//! set-based queries (one per kind of object, whatever the number of tables),
//! printed through the server's own deparsers (`format_type`, `pg_get_expr`,
//! `pg_get_indexdef`...) so that two scratch databases that ran equivalent
//! DDL read back equal.
//!
//! Every query keeps to user namespaces (not `pg_*`, not `information_schema`)
//! and skips objects that belong to an extension: those come and go with
//! `CREATE EXTENSION`, which is listed instead.
//!
//! # Imports
//!
//! `constraints`, `objects`, `tables`

mod constraints;
mod objects;
mod tables;

use std::collections::HashMap;

use migrate_schema::{QualifiedName, Schema, Table};
use sqlx::Connection;

/// The namespaces a user owns: not the system ones (`pg_catalog`, `pg_toast`,
/// `pg_temp_N`...), which PostgreSQL reserves the `pg_` prefix for.
/// `n` is the `pg_namespace` row of the object.
macro_rules! user_namespace {
    () => {
        "n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'"
    };
}
pub(crate) use user_namespace;

/// Reads the schema of the database `conn` is connected to, leaving out
/// the tables named in `exclude` (`name` or `schema.name`).
pub(crate) async fn read(
    conn: &mut sqlx::PgConnection,
    exclude: &[&str],
) -> Result<Schema, sqlx::Error> {
    // One snapshot for all queries, and a fixed search path: `format_type`
    // and `pg_get_expr` qualify names outside the path, so the user's own
    // setting must not change what is read.
    let mut tx = conn
        .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .await?;
    sqlx::query("SELECT set_config('search_path', 'public', true)")
        .execute(&mut *tx)
        .await?;
    let schemas = objects::schemas(&mut tx).await?;
    let enums = objects::enums(&mut tx).await?;
    let mut tables = tables::tables(&mut tx).await?;
    let excluded: Vec<i64> = tables
        .iter()
        .filter(|(_, t)| is_excluded(&t.name, exclude))
        .map(|(oid, _)| *oid)
        .collect();
    for oid in &excluded {
        tables.remove(oid);
    }
    let names = tables::columns(&mut tx, &mut tables).await?;
    let mut other_objects = constraints::constraints(&mut tx, &mut tables, &names).await?;
    constraints::indexes(&mut tx, &mut tables, &names).await?;
    other_objects.extend(objects::others(&mut tx, &excluded).await?);
    tx.commit().await?;
    Ok(Schema {
        schemas,
        enums,
        tables: tables.into_values().collect(),
        other_objects,
    })
}

/// Tables being filled, by `pg_class` oid.
pub(super) type Tables = HashMap<i64, Table>;

/// Column names by `pg_class` oid and `attnum`: keys and indexes name their
/// columns by number, and naming them in SQL costs a lookup per key.
pub(super) type ColumnNames = HashMap<i64, HashMap<i16, String>>;

/// The names of columns `numbers` of relation `rel`; a column that cannot be
/// named (a relation outside the tables read) keeps its number.
fn column_names(names: &ColumnNames, rel: i64, numbers: &[i16]) -> Vec<String> {
    let of = names.get(&rel);
    numbers
        .iter()
        .map(|n| {
            of.and_then(|cols| cols.get(n))
                .cloned()
                .unwrap_or_else(|| format!("#{n}"))
        })
        .collect()
}

/// A name as the model holds it: `public` is the default namespace (`None`).
fn qualified(schema: String, name: String) -> QualifiedName {
    if schema == "public" {
        QualifiedName::new(name)
    } else {
        QualifiedName::in_schema(schema, name)
    }
}

/// Whether `table` is one of `exclude`: `name` means the table in `public`,
/// `schema.name` a table in that schema; double quotes around either part
/// are allowed (the version table may be configured quoted).
fn is_excluded(table: &QualifiedName, exclude: &[&str]) -> bool {
    let unquote = |s: &str| {
        let s = s.trim();
        s.strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .map_or_else(|| s.to_string(), |s| s.replace("\"\"", "\""))
    };
    exclude.iter().any(|entry| {
        let wanted = QualifiedName::parse(entry);
        let schema = wanted.schema.as_deref().map(unquote);
        let schema = schema.filter(|s| s != "public");
        schema == table.schema && unquote(&wanted.name) == table.name
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excluded_names_may_be_qualified_or_quoted() {
        let plain = QualifiedName::new("migrate_versions");
        let other = QualifiedName::in_schema("ops", "migrate_versions");
        assert!(is_excluded(&plain, &["migrate_versions"]));
        assert!(is_excluded(&plain, &["public.migrate_versions"]));
        assert!(is_excluded(&plain, &["\"migrate_versions\""]));
        assert!(!is_excluded(&plain, &["ops.migrate_versions"]));
        assert!(is_excluded(&other, &["ops.migrate_versions"]));
        assert!(!is_excluded(&other, &["migrate_versions"]));
        assert!(!is_excluded(&plain, &[]));
    }

    #[test]
    fn key_columns_are_named_by_number_and_unknown_ones_stay_numbers() {
        let mut names = ColumnNames::new();
        names.insert(7, HashMap::from([(1, "id".into()), (3, "email".into())]));
        assert_eq!(column_names(&names, 7, &[3, 1]), ["email", "id"]);
        assert_eq!(column_names(&names, 7, &[2]), ["#2"]);
        assert_eq!(column_names(&names, 8, &[1]), ["#1"]);
    }
}
