//! One row in every table, made from the model: the same value for every
//! column of a type (`1`, `'x'`...), so that a foreign key column holds the
//! value its referenced key holds; parents are filled before children.

use std::collections::{HashMap, HashSet};

use migrate_schema::{Column, QualifiedName, Schema, Table};

/// `INSERT` statements, one per table, parents first.
pub fn inserts(schema: &Schema) -> Vec<String> {
    let enums: HashMap<String, &str> = schema
        .enums
        .iter()
        .filter_map(|e| Some((e.name.to_string(), e.values.first()?.as_str())))
        .collect();
    parents_first(&schema.tables)
        .into_iter()
        .map(|table| insert(table, &enums))
        .collect()
}

/// Counts rows: `SELECT count(*)` of every table, one statement.
pub fn count_all(tables: &[QualifiedName]) -> String {
    let parts: Vec<String> = tables
        .iter()
        .map(|t| format!("(SELECT count(*) FROM {})", name(t)))
        .collect();
    format!("SELECT {}::int8", parts.join(" + "))
}

fn insert(table: &Table, enums: &HashMap<String, &str>) -> String {
    let columns: Vec<&Column> = table
        .columns
        .iter()
        .filter(|c| c.generated.is_none())
        .collect();
    if columns.is_empty() {
        return format!("INSERT INTO {} DEFAULT VALUES;", name(&table.name));
    }
    let names: Vec<String> = columns.iter().map(|c| ident(&c.name)).collect();
    let values: Vec<String> = columns.iter().map(|c| value(c, enums)).collect();
    format!(
        "INSERT INTO {} ({}) OVERRIDING SYSTEM VALUE VALUES ({});",
        name(&table.name),
        names.join(", "),
        values.join(", ")
    )
}

fn value(column: &Column, enums: &HashMap<String, &str>) -> String {
    let ty = column.data_type.normalized.as_str();
    if ty.ends_with("[]") {
        return "'{}'".into();
    }
    if let Some(label) = enums.get(&ty.replace('"', "")) {
        return format!("'{}'", label.replace('\'', "''"));
    }
    let base = ty.split('(').next().unwrap_or(ty).trim();
    match base {
        "smallint" | "integer" | "bigint" | "numeric" | "real" | "double precision"
        | "smallserial" | "serial" | "bigserial" => "1",
        "text" | "character varying" | "character" | "citext" => "'x'",
        "boolean" => "true",
        "date" => "'2020-01-01'",
        "timestamp without time zone" | "timestamp with time zone" => "'2020-01-01 00:00:00'",
        "time without time zone" | "time with time zone" => "'12:00'",
        "interval" => "'1 day'",
        "uuid" => "'00000000-0000-0000-0000-000000000001'",
        "json" | "jsonb" => "'{}'",
        "bytea" => "'\\x00'",
        "inet" | "cidr" => "'127.0.0.1'",
        "tsvector" => "'x'",
        _ if column.default.is_some() => "DEFAULT",
        _ => "NULL",
    }
    .to_string()
}

/// Tables ordered so that a referenced table comes before the ones
/// referencing it (self-references and cycles do not hold the order up).
fn parents_first(tables: &[Table]) -> Vec<&Table> {
    let mut done: HashSet<&QualifiedName> = HashSet::new();
    let mut out = Vec::with_capacity(tables.len());
    let mut left: Vec<&Table> = tables.iter().collect();
    while !left.is_empty() {
        let ready = |t: &&Table| {
            t.foreign_keys.iter().all(|fk| {
                fk.referenced_table == t.name
                    || done.contains(&fk.referenced_table)
                    || !tables.iter().any(|o| o.name == fk.referenced_table)
            })
        };
        let (now, later): (Vec<&Table>, Vec<&Table>) = left.into_iter().partition(ready);
        if now.is_empty() {
            out.extend(later); // a cycle: let the database say what it thinks
            break;
        }
        for t in &now {
            done.insert(&t.name);
        }
        out.extend(now);
        left = later;
    }
    out
}

fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn name(name: &QualifiedName) -> String {
    match &name.schema {
        Some(schema) => format!("{}.{}", ident(schema), ident(&name.name)),
        None => ident(&name.name),
    }
}
