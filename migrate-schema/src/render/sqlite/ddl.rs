//! The DDL text of SQLite tables: `CREATE TABLE` with every constraint inline
//! (SQLite cannot add most of them later) and the rebuild that replaces a table.

use std::collections::HashSet;

use super::super::quote::{ident, qualified};
use super::super::sql::{
    alter_table, collate, columns, create_table, drop_table, generated, index_name, index_parts,
    table_constraints,
};
use super::{Tables, D};
use crate::model::{Column, ForeignKey, Identity, Index, QualifiedName, Table};

/// The documented 12-step rebuild of table `name` (its desired name, under
/// which it exists once the renames before it ran), keeping the rows of every
/// column that survives.
pub(super) fn rebuild_table(name: &QualifiedName, tables: &Tables) -> Vec<String> {
    let Some(desired) = tables.desired.get(name) else {
        return vec![];
    };
    let current_name = tables.renamed_from.get(name).unwrap_or(name);
    let mut present: HashSet<&str> = tables
        .current
        .get(current_name)
        .map(|t| t.columns.iter().map(|c| c.name.as_str()).collect())
        .unwrap_or_default();
    for (from, to) in tables.column_renames.get(name).into_iter().flatten() {
        if present.remove(from.as_str()) {
            present.insert(to);
        }
    }
    let copied: Vec<String> = desired
        .columns
        .iter()
        .filter(|c| c.generated.is_none() && present.contains(c.name.as_str()))
        .map(|c| c.name.clone())
        .collect();
    let temp = QualifiedName {
        schema: name.schema.clone(),
        name: format!("new_{}", name.name),
    };
    let list = columns(D, &copied);
    let mut out = vec![create(desired, &temp, &[])];
    // No column survives: there is nothing to copy (the drops are warned about).
    if !copied.is_empty() {
        out.push(format!(
            "INSERT INTO {} {list} SELECT {} FROM {};",
            qualified(D, &temp),
            &list[1..list.len() - 1],
            qualified(D, name)
        ));
    }
    out.push(drop_table(D, name));
    out.push(format!(
        "{} RENAME TO {};",
        alter_table(D, &temp),
        ident(D, &name.name)
    ));
    out.extend(desired.indexes.iter().map(|i| create_index(name, i)));
    out
}

pub(super) fn create(table: &Table, name: &QualifiedName, extra_fks: &[ForeignKey]) -> String {
    let inline_pk = table
        .primary_key
        .as_ref()
        .and_then(|pk| match pk.columns.as_slice() {
            [only]
                if table
                    .column(only)
                    .is_some_and(|c| c.identity == Some(Identity::AutoIncrement)) =>
            {
                Some(only.clone())
            }
            _ => None,
        });
    let mut lines: Vec<String> = table
        .columns
        .iter()
        .map(|c| column_def(c, inline_pk.as_deref() == Some(c.name.as_str())))
        .collect();
    lines.extend(table_constraints(D, table, inline_pk.is_some(), extra_fks));
    let options: Vec<&str> = [
        (table.options.without_rowid, "WITHOUT ROWID"),
        (table.options.strict, "STRICT"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, words)| *words)
    .collect();
    let tail = if options.is_empty() {
        String::new()
    } else {
        format!(" {}", options.join(", "))
    };
    create_table(D, name, &lines, &tail)
}

pub(super) fn column_def(c: &Column, autoincrement_key: bool) -> String {
    let mut sql = ident(D, &c.name);
    if !c.data_type.raw.trim().is_empty() {
        sql.push(' ');
        sql.push_str(&c.data_type.raw);
    }
    if autoincrement_key {
        sql.push_str(" PRIMARY KEY AUTOINCREMENT");
    }
    if !c.nullable {
        sql.push_str(" NOT NULL");
    }
    if let Some(default) = &c.default {
        sql.push_str(&format!(" DEFAULT {default}"));
    }
    if let Some(collation) = &c.collation {
        sql.push_str(&collate(D, collation));
    }
    if let Some(g) = &c.generated {
        sql.push_str(&generated(g));
    }
    sql
}

pub(super) fn create_index(table: &QualifiedName, index: &Index) -> String {
    let name = index_name(table, &index.name);
    let predicate = index
        .predicate
        .as_ref()
        .map(|p| format!(" WHERE {p}"))
        .unwrap_or_default();
    format!(
        "CREATE {}INDEX {} ON {} {}{predicate};",
        if index.unique { "UNIQUE " } else { "" },
        qualified(D, &name),
        ident(D, &table.name),
        index_parts(D, &index.parts)
    )
}
