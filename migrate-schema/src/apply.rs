//! Applies changes to a model the way the engine would apply their SQL.
//!
//! Tests use it to check that a diff is complete (`apply(a, diff(a, b)) == b`);
//! the CLI can use it to show the state a draft leads to without a database.

use crate::change::{Change, EnumPosition};
use crate::model::{Column, IndexKey, QualifiedName, Schema, Table};

/// A change that does not fit the schema it is applied to.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApplyError {
    /// The change names an object the schema does not have.
    #[error("cannot {change}: {missing} does not exist")]
    Missing {
        /// The change, described.
        change: String,
        /// The missing object.
        missing: String,
    },
}

/// `schema` after `changes`, in order.
pub fn apply(schema: &Schema, changes: &[Change]) -> Result<Schema, ApplyError> {
    let mut out = schema.clone();
    for change in changes {
        apply_one(&mut out, change).map_err(|missing| ApplyError::Missing {
            change: change.describe(),
            missing,
        })?;
    }
    Ok(out)
}

fn apply_one(s: &mut Schema, change: &Change) -> Result<(), String> {
    use Change::*;
    match change {
        CreateSchema { name } => s.schemas.push(name.clone()),
        DropSchema { name } => remove(&mut s.schemas, |n| n == name, name)?,
        CreateEnum { enum_type } => s.enums.push(enum_type.clone()),
        AddEnumValue {
            name,
            value,
            position,
        } => {
            let e = s
                .enums
                .iter_mut()
                .find(|e| &e.name == name)
                .ok_or_else(|| format!("type {name}"))?;
            let at = match position {
                EnumPosition::End => Some(e.values.len()),
                EnumPosition::Before(v) => e.values.iter().position(|x| x == v),
                EnumPosition::After(v) => e.values.iter().position(|x| x == v).map(|i| i + 1),
            };
            let at = at.ok_or_else(|| format!("label of type {name}"))?;
            e.values.insert(at, value.clone());
        }
        RecreateEnum { to, .. } => {
            let e = s
                .enums
                .iter_mut()
                .find(|e| e.name == to.name)
                .ok_or_else(|| format!("type {}", to.name))?;
            e.values = to.values.clone();
        }
        DropEnum { enum_type } => {
            let name = &enum_type.name;
            remove(&mut s.enums, |e| &e.name == name, name)?
        }
        CreateTable { table } => s.tables.push(table.clone()),
        DropTable { table } => remove(&mut s.tables, |t| t.name == table.name, &table.name)?,
        RenameTable { from, to } => {
            table_mut(s, from)?.name = to.clone();
            for t in &mut s.tables {
                for fk in &mut t.foreign_keys {
                    if &fk.referenced_table == from {
                        fk.referenced_table = to.clone();
                    }
                }
            }
        }
        AddColumn { table, column } => table_mut(s, table)?.columns.push(column.clone()),
        DropColumn { table, column } => {
            let t = table_mut(s, table)?;
            remove(&mut t.columns, |c| c.name == column.name, &column.name)?;
        }
        RenameColumn { table, from, to } => rename_column(s, table, from, to)?,
        AlterColumn { table, from, to }
        | RenameLabels {
            table, from, to, ..
        } => {
            let t = table_mut(s, table)?;
            *column_mut(t, &from.name)? = to.clone();
        }
        AddPrimaryKey { table, key } => table_mut(s, table)?.primary_key = Some(key.clone()),
        DropPrimaryKey { table, .. } => table_mut(s, table)?.primary_key = None,
        AddUnique { table, unique } => table_mut(s, table)?.uniques.push(unique.clone()),
        DropUnique { table, unique } => remove(
            &mut table_mut(s, table)?.uniques,
            |u| u == unique,
            "unique constraint",
        )?,
        AddForeignKey { table, foreign_key } => {
            table_mut(s, table)?.foreign_keys.push(foreign_key.clone())
        }
        DropForeignKey { table, foreign_key } => remove(
            &mut table_mut(s, table)?.foreign_keys,
            |f| f == foreign_key,
            "foreign key",
        )?,
        AddCheck { table, check } => table_mut(s, table)?.checks.push(check.clone()),
        DropCheck { table, check } => remove(
            &mut table_mut(s, table)?.checks,
            |c| c == check,
            "check constraint",
        )?,
        CreateIndex { table, index } => table_mut(s, table)?.indexes.push(index.clone()),
        DropIndex { table, index } => remove(
            &mut table_mut(s, table)?.indexes,
            |i| i.name == index.name,
            &index.name,
        )?,
        RenameIndex { table, from, to } => {
            let t = table_mut(s, table)?;
            let i = t
                .indexes
                .iter_mut()
                .find(|i| i.name == from.name)
                .ok_or_else(|| from.name.clone())?;
            *i = to.clone();
        }
        RenameConstraint { drop, add, .. } => {
            apply_one(s, drop)?;
            apply_one(s, add)?;
        }
        RenameEnum { from, to } => {
            let e = s
                .enums
                .iter_mut()
                .find(|e| &e.name == from)
                .ok_or_else(|| format!("type {from}"))?;
            e.name = to.clone();
            for t in &mut s.tables {
                for c in &mut t.columns {
                    if crate::diff::uses_enum(&c.data_type.normalized, from) {
                        let array = if c.data_type.normalized.ends_with("[]") {
                            "[]"
                        } else {
                            ""
                        };
                        c.data_type = crate::model::ColumnType::new(
                            crate::model::Dialect::Postgres,
                            format!("{to}{array}"),
                        );
                    }
                }
            }
        }
        RenameEnumValue { name, from, to } => {
            let e = s
                .enums
                .iter_mut()
                .find(|e| &e.name == name)
                .ok_or_else(|| format!("type {name}"))?;
            for v in &mut e.values {
                if v == from {
                    *v = to.clone();
                }
            }
        }
        SetTableComment { table, comment } => table_mut(s, table)?.comment = comment.clone(),
        AlterTableOptions { table, to, .. } => table_mut(s, table)?.options = to.clone(),
        ReorderColumns { table, to, .. } => {
            let t = table_mut(s, table)?;
            let mut rest = std::mem::take(&mut t.columns);
            for c in to {
                if let Some(at) = rest.iter().position(|x| x.name == c.name) {
                    t.columns.push(rest.remove(at));
                }
            }
            t.columns.append(&mut rest);
        }
        CreateObject { object } => s.other_objects.push(object.clone()),
        DropObject { object } => {
            let name = format!("{} {}", object.kind, object.name);
            remove(
                &mut s.other_objects,
                |o| o.kind == object.kind && o.name == object.name,
                &name,
            )?
        }
        ReplaceObject { from, to } => {
            let o = s
                .other_objects
                .iter_mut()
                .find(|o| o.kind == from.kind && o.name == from.name)
                .ok_or_else(|| format!("{} {}", from.kind, from.name))?;
            *o = to.clone();
        }
    }
    Ok(())
}

/// Renames a column and every reference to it, as engines do.
fn rename_column(
    s: &mut Schema,
    table: &QualifiedName,
    from: &str,
    to: &str,
) -> Result<(), String> {
    let rename = |c: &mut String| {
        if c == from {
            *c = to.to_string();
        }
    };
    let t = table_mut(s, table)?;
    column_mut(t, from)?.name = to.to_string();
    if let Some(pk) = &mut t.primary_key {
        pk.columns.iter_mut().for_each(rename);
    }
    for u in &mut t.uniques {
        u.columns.iter_mut().for_each(rename);
    }
    for fk in &mut t.foreign_keys {
        fk.columns.iter_mut().for_each(rename);
    }
    for index in &mut t.indexes {
        for part in &mut index.parts {
            if let IndexKey::Column(c) = &mut part.key {
                rename(c);
            }
        }
        index.include.iter_mut().for_each(rename);
    }
    for t in &mut s.tables {
        for fk in &mut t.foreign_keys {
            if &fk.referenced_table == table {
                fk.referenced_columns.iter_mut().for_each(rename);
            }
        }
    }
    Ok(())
}

fn table_mut<'a>(s: &'a mut Schema, name: &QualifiedName) -> Result<&'a mut Table, String> {
    s.tables
        .iter_mut()
        .find(|t| &t.name == name)
        .ok_or_else(|| format!("table {name}"))
}

fn column_mut<'a>(t: &'a mut Table, name: &str) -> Result<&'a mut Column, String> {
    let table = t.name.to_string();
    t.columns
        .iter_mut()
        .find(|c| c.name == name)
        .ok_or_else(|| format!("column {table}.{name}"))
}

fn remove<T>(
    list: &mut Vec<T>,
    matches: impl Fn(&T) -> bool,
    what: impl std::fmt::Display,
) -> Result<(), String> {
    let at = list
        .iter()
        .position(matches)
        .ok_or_else(|| what.to_string())?;
    list.remove(at);
    Ok(())
}
