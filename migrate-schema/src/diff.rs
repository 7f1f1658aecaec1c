//! Compares two schemas and lists the changes that turn the current one into
//! the desired one, ordered so that each change finds what it needs.
//!
//! Objects are matched through hash maps keyed by name, so the work is linear
//! in the number of objects. Renames come only from [`Hints`].
//!
//! # Imports
//!
//! `table`, `objects`, `keys`, `renames` → `options`, `order`, `object_order` → `items`, `plan`

mod items;
mod keys;
mod object_order;
mod objects;
mod options;
mod order;
mod plan;
mod renames;
mod table;

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::change::{Change, EnumPosition, NotGenerated};
use crate::hints::Hints;
use crate::model::{EnumType, QualifiedName, Schema, Table};
pub(crate) use order::{Reorder, KIND as COLUMN_ORDER, NOT_GENERATED_NOTE as COLUMN_ORDER_NOTE};
use plan::{Phase, Plan};
use table::Renames;

/// The result of [`diff`]: changes in execution order and notes for the reader.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diff {
    /// Changes, current → desired, in the order they must run.
    pub changes: Vec<Change>,
    /// Suggestions, such as a drop and an add that may be a rename.
    pub notes: Vec<String>,
    /// Objects beside the tables that differ but that no change was made
    /// for (a kind the drafts cannot write, or no definition to compare):
    /// not in [`Diff::changes`], so a caller that must not pass them over
    /// reports them as not compared.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_generated: Vec<NotGenerated>,
}

impl Diff {
    /// Whether the two schemas are the same.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// The changes that turn `current` into `desired`.
///
/// Both schemas must come from the same kind of catalog reader, which has
/// already normalized types, defaults and expressions. Objects in
/// [`Schema::other_objects`] are compared by their definitions: the kinds
/// drafts can write become changes, the others [`Diff::not_generated`].
pub fn diff(current: &Schema, desired: &Schema, hints: &Hints) -> Diff {
    diff_with(current, desired, hints, Reorder::InPlace)
}

/// [`diff`] for a dialect whose column moves are `reorder`.
pub(crate) fn diff_with(
    current: &Schema,
    desired: &Schema,
    hints: &Hints,
    reorder: Reorder,
) -> Diff {
    let mut plan = Plan::default();
    diff_schemas(current, desired, &mut plan);
    diff_enums(current, desired, &mut plan);

    let cur_tables: HashMap<&QualifiedName, &Table> =
        current.tables.iter().map(|t| (&t.name, t)).collect();
    let des_tables: HashMap<&QualifiedName, &Table> =
        desired.tables.iter().map(|t| (&t.name, t)).collect();
    let mut renames = Renames::default();
    for (old, new) in &hints.tables {
        if cur_tables.contains_key(old)
            && !des_tables.contains_key(old)
            && des_tables.contains_key(new)
            && !cur_tables.contains_key(new)
        {
            renames.tables.insert(old.clone(), new.clone());
        }
    }
    let renamed_to: HashMap<QualifiedName, QualifiedName> = renames
        .tables
        .iter()
        .map(|(old, new)| (new.clone(), old.clone()))
        .collect();

    let mut desired_sorted: Vec<&Table> = desired.tables.iter().collect();
    desired_sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let mut pairs = Vec::new();
    let mut created = Vec::new();
    let mut paired_current = HashSet::new();
    for des in desired_sorted {
        let from = renamed_to.get(&des.name).unwrap_or(&des.name);
        match cur_tables.get(from) {
            Some(cur) => {
                paired_current.insert(from);
                renames.add_columns(cur, des, hints);
                pairs.push((*cur, des));
            }
            None => created.push(des),
        }
    }
    let mut dropped: Vec<&Table> = current
        .tables
        .iter()
        .filter(|t| !paired_current.contains(&t.name))
        .collect();
    dropped.sort_by(|a, b| a.name.cmp(&b.name));

    let retyped = table::retyped_columns(&pairs, &renames);
    let mut column_orders = Vec::new();
    for (cur, des) in &pairs {
        column_orders.extend(table::diff_table(cur, des, &renames, &retyped, &mut plan));
    }
    drop_tables(&dropped, &mut plan);
    create_tables(&created, &mut plan);
    suggest_table_renames(&dropped, &created, &mut plan);
    renames::hinted_renames(hints, &renames.tables, (current, desired), &mut plan);
    let touched = objects::touched_tables(&plan, &renames.tables, reorder);
    let gone: HashSet<QualifiedName> = dropped.iter().map(|t| t.name.clone()).collect();
    let tables = (&touched, &gone, &renames.tables);
    let mut not_generated = objects::diff_objects(current, desired, tables, &mut plan);
    not_generated.extend(column_orders);
    not_generated.extend(
        pairs
            .iter()
            .filter_map(|(cur, des)| options::repartitioned(cur, des)),
    );
    plan.routines_before_tables(desired);
    keys::around_primary_keys(current, desired, &mut plan);

    let (changes, notes) = plan.finish();
    Diff {
        changes,
        notes,
        not_generated,
    }
}

fn diff_schemas(current: &Schema, desired: &Schema, plan: &mut Plan) {
    let cur: HashSet<&String> = current.schemas.iter().collect();
    let des: HashSet<&String> = desired.schemas.iter().collect();
    let mut created: Vec<_> = desired
        .schemas
        .iter()
        .filter(|s| !cur.contains(s))
        .collect();
    created.sort();
    created.dedup();
    for name in created {
        plan.push(
            Phase::CreateSchemas,
            Change::CreateSchema { name: name.clone() },
        );
    }
    let mut gone: Vec<_> = current
        .schemas
        .iter()
        .filter(|s| !des.contains(s))
        .collect();
    gone.sort();
    gone.dedup();
    for name in gone {
        plan.push(
            Phase::DropSchemas,
            Change::DropSchema { name: name.clone() },
        );
    }
}

fn diff_enums(current: &Schema, desired: &Schema, plan: &mut Plan) {
    let cur: HashMap<&QualifiedName, &EnumType> =
        current.enums.iter().map(|e| (&e.name, e)).collect();
    let des: HashSet<&QualifiedName> = desired.enums.iter().map(|e| &e.name).collect();
    let mut wanted: Vec<&EnumType> = desired.enums.iter().collect();
    wanted.sort_by(|a, b| a.name.cmp(&b.name));
    for to in wanted {
        let Some(from) = cur.get(&to.name) else {
            let enum_type = to.clone();
            plan.push(Phase::CreateEnums, Change::CreateEnum { enum_type });
            continue;
        };
        if from.values == to.values {
            continue;
        }
        match added_values(&from.values, &to.values) {
            Some(added) => {
                for (value, position) in added {
                    let name = to.name.clone();
                    plan.push(
                        Phase::Enums,
                        Change::AddEnumValue {
                            name,
                            value,
                            position,
                        },
                    );
                }
            }
            None => {
                let columns = enum_columns(current, &from.name);
                let (from, to) = ((*from).clone(), to.clone());
                plan.push(Phase::Enums, Change::RecreateEnum { from, to, columns });
            }
        }
    }
    let mut gone: Vec<&EnumType> = current
        .enums
        .iter()
        .filter(|e| !des.contains(&e.name))
        .collect();
    gone.sort_by(|a, b| a.name.cmp(&b.name));
    for e in gone {
        let enum_type = e.clone();
        plan.push(Phase::DropEnums, Change::DropEnum { enum_type });
    }
}

/// The labels to add when `to` keeps every label of `from` in order; `None`
/// when labels were removed or reordered, which `ADD VALUE` cannot express.
pub(crate) fn added_values(from: &[String], to: &[String]) -> Option<Vec<(String, EnumPosition)>> {
    let existing: HashSet<&String> = from.iter().collect();
    let kept: Vec<&String> = to.iter().filter(|v| existing.contains(v)).collect();
    if kept.len() != from.len() || kept.iter().zip(from).any(|(a, b)| *a != b) {
        return None;
    }
    let mut added = Vec::new();
    for (i, value) in to.iter().enumerate() {
        if existing.contains(value) {
            continue;
        }
        // Labels are added in order, so the one before is always there by now.
        let next_existing = to[i + 1..].iter().find(|v| existing.contains(v));
        let position = match (next_existing, i) {
            (None, _) => EnumPosition::End,
            (Some(next), 0) => EnumPosition::Before(next.clone()),
            (Some(_), _) => EnumPosition::After(to[i - 1].clone()),
        };
        added.push((value.clone(), position));
    }
    Some(added)
}

/// Columns whose type is the enum `name` (or an array of it).
pub(crate) fn enum_columns(schema: &Schema, name: &QualifiedName) -> Vec<(QualifiedName, String)> {
    let mut out = Vec::new();
    for table in &schema.tables {
        for column in &table.columns {
            if uses_enum(&column.data_type.normalized, name) {
                out.push((table.name.clone(), column.name.clone()));
            }
        }
    }
    out.sort();
    out
}

/// Whether a normalized column type names the enum `name`.
pub(crate) fn uses_enum(normalized: &str, name: &QualifiedName) -> bool {
    let base = normalized.trim_end_matches("[]").replace('"', "");
    base == name.to_string() || (name.schema.is_none() && base == format!("public.{}", name.name))
}

fn drop_tables(dropped: &[&Table], plan: &mut Plan) {
    let names: HashSet<&QualifiedName> = dropped.iter().map(|t| &t.name).collect();
    // FKs between dropped tables go first, so that any drop order works on
    // engines that check references (a cycle has no order at all).
    for table in dropped {
        for fk in &table.foreign_keys {
            if fk.referenced_table != table.name && names.contains(&fk.referenced_table) {
                plan.push(
                    Phase::DropForeignKeys,
                    Change::DropForeignKey {
                        table: table.name.clone(),
                        foreign_key: fk.clone(),
                    },
                );
            }
        }
    }
    for table in referencing_first(dropped) {
        plan.push(
            Phase::DropTables,
            Change::DropTable {
                table: table.clone(),
            },
        );
    }
}

/// Orders tables so that a table comes before the tables it references (Kahn's
/// algorithm, ties by name; members of a cycle keep name order at the end).
fn referencing_first<'a>(tables: &[&'a Table]) -> Vec<&'a Table> {
    let index: HashMap<&QualifiedName, usize> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| (&t.name, i))
        .collect();
    // referenced_by[i] counts the tables still to drop that reference table i.
    let mut referenced_by = vec![0usize; tables.len()];
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); tables.len()];
    for (i, table) in tables.iter().enumerate() {
        let mut targets: Vec<usize> = table
            .foreign_keys
            .iter()
            .filter_map(|fk| index.get(&fk.referenced_table).copied())
            .filter(|&j| j != i)
            .collect();
        targets.sort_unstable();
        targets.dedup();
        for &j in &targets {
            referenced_by[j] += 1;
        }
        edges[i] = targets;
    }
    let mut ready: std::collections::BTreeSet<usize> = (0..tables.len())
        .filter(|&i| referenced_by[i] == 0)
        .collect();
    let mut done = vec![false; tables.len()];
    let mut out = Vec::with_capacity(tables.len());
    while let Some(i) = ready.pop_first() {
        done[i] = true;
        out.push(tables[i]);
        for &j in &edges[i] {
            referenced_by[j] -= 1;
            if referenced_by[j] == 0 {
                ready.insert(j);
            }
        }
    }
    out.extend((0..tables.len()).filter(|&i| !done[i]).map(|i| tables[i]));
    out
}

fn create_tables(created: &[&Table], plan: &mut Plan) {
    for des in created {
        let mut table = (*des).clone();
        let foreign_keys = std::mem::take(&mut table.foreign_keys);
        let indexes = std::mem::take(&mut table.indexes);
        // PostgreSQL takes `NOT VALID` only in `ALTER TABLE ... ADD`.
        let (not_valid, checks) = std::mem::take(&mut table.checks)
            .into_iter()
            .partition(|c| c.not_valid);
        table.checks = checks;
        let name = table.name.clone();
        plan.push(Phase::CreateTables, Change::CreateTable { table });
        for check in not_valid {
            let table = name.clone();
            plan.push(Phase::AddConstraints, Change::AddCheck { table, check });
        }
        for index in indexes {
            let table = name.clone();
            plan.push(Phase::AddConstraints, Change::CreateIndex { table, index });
        }
        for foreign_key in foreign_keys {
            let table = name.clone();
            plan.push(
                Phase::AddForeignKeys,
                Change::AddForeignKey { table, foreign_key },
            );
        }
    }
}

fn suggest_table_renames(dropped: &[&Table], created: &[&Table], plan: &mut Plan) {
    let shape = |t: &Table| {
        let mut types: Vec<&str> = t
            .columns
            .iter()
            .map(|c| c.data_type.normalized.as_str())
            .collect();
        types.sort_unstable();
        types.join(",")
    };
    let mut by_shape: HashMap<String, Vec<&Table>> = HashMap::new();
    for table in dropped {
        by_shape.entry(shape(table)).or_default().push(table);
    }
    for new in created {
        if let Some(old) = by_shape.get(&shape(new)).and_then(|v| v.first()) {
            plan.note(format!(
                "table {} is dropped and {} created with the same column types: if this is a \
                 rename, add `-- @renamed from={}` on the line before CREATE TABLE {}",
                old.name, new.name, old.name.name, new.name
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_columns_are_recognized_by_type_name() {
        let mood = QualifiedName::new("Mood");
        assert!(uses_enum("\"Mood\"", &mood));
        assert!(uses_enum("\"Mood\"[]", &mood));
        assert!(uses_enum("public.\"Mood\"", &mood));
        assert!(!uses_enum("mood", &mood));
        let qualified = QualifiedName::in_schema("app", "mood");
        assert!(uses_enum("app.mood", &qualified));
        assert!(!uses_enum("mood", &qualified));
    }

    fn values(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn enum_values_are_added_in_place_when_order_is_kept() {
        let added =
            added_values(&values(&["b", "d"]), &values(&["a", "b", "c", "d", "e"])).unwrap();
        assert_eq!(
            added,
            vec![
                ("a".to_string(), EnumPosition::Before("b".into())),
                ("c".to_string(), EnumPosition::After("b".into())),
                ("e".to_string(), EnumPosition::End),
            ]
        );
        assert_eq!(
            added_values(&values(&["a", "b"]), &values(&["b", "a"])),
            None
        );
        assert_eq!(added_values(&values(&["a", "b"]), &values(&["a"])), None);
    }
}
