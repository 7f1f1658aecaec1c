//! What a primary key being dropped needs out of the way first: the
//! foreign keys that lean on it (those referencing its columns, and on
//! MySQL those of its own table using it as their index) are dropped
//! before it and added again after the new key, and an `AUTO_INCREMENT`
//! column in it loses the attribute before and takes it back after (MySQL
//! wants an auto-increment column to be a key at every moment). Without
//! this, `DROP PRIMARY KEY` fails and only verification says so.

use std::collections::HashSet;

use super::plan::{Phase, Plan};
use crate::change::Change;
use crate::model::{Column, ForeignKey, Identity, PrimaryKey, QualifiedName, Schema};

/// A key going: its table, its columns, its name (none for a primary
/// key) and, for a primary key, the key.
type Dropped = (
    QualifiedName,
    Vec<String>,
    Option<String>,
    Option<PrimaryKey>,
);

/// Completes `plan` around every primary key, unique key and unique index
/// it drops. Only tables keeping their name are handled (a renamed table's
/// changes run under both names), and only foreign keys that stay as they
/// are (the diff already drops and adds those that change).
pub(crate) fn around_primary_keys(current: &Schema, desired: &Schema, plan: &mut Plan) {
    // A key added back differing only in its comment (MySQL's: PostgreSQL
    // comments no key) goes in one statement with its drop (`DROP PRIMARY
    // KEY, ADD ...`), which foreign keys and AUTO_INCREMENT let through.
    let uncommented = |k: &PrimaryKey| PrimaryKey {
        comment: None,
        ..k.clone()
    };
    let same_again: Vec<(QualifiedName, PrimaryKey)> = plan
        .phase_mut(Phase::AddConstraints)
        .iter()
        .filter_map(|c| match c {
            Change::AddPrimaryKey { table, key } => Some((table.clone(), uncommented(key))),
            _ => None,
        })
        .collect();
    let mut dropped: Vec<Dropped> = Vec::new();
    for c in plan.phase_mut(Phase::DropConstraints).iter() {
        match c {
            Change::DropPrimaryKey { table, key }
                if same_again.iter().any(|(t, k)| {
                    t == table && k.columns == key.columns && k.deferrable == key.deferrable
                }) => {}
            Change::DropPrimaryKey { table, key } => {
                dropped.push((table.clone(), key.columns.clone(), None, Some(key.clone())))
            }
            Change::DropUnique { table, unique } => dropped.push((
                table.clone(),
                unique.columns.clone(),
                unique.name.clone(),
                None,
            )),
            // A plain index: nothing references it (InnoDB could, but
            // the desired schema then keeps a key for the reference).
            Change::DropIndex { table, index } if index.unique => {
                let columns: Option<Vec<String>> = index
                    .parts
                    .iter()
                    .map(|p| p.column_name().map(str::to_owned))
                    .collect();
                if let Some(columns) = columns {
                    dropped.push((table.clone(), columns, Some(index.name.clone()), None));
                }
            }
            _ => {}
        }
    }
    for (table, columns, name, key) in dropped {
        if desired.table(&table).is_none() {
            continue;
        }
        for (owner, fk) in leaning_foreign_keys(current, &table, &columns, name.as_deref()) {
            let Some(kept) = desired
                .table(&owner)
                .and_then(|t| t.foreign_keys.iter().find(|f| **f == fk))
            else {
                continue;
            };
            let already = plan.phase_mut(Phase::DropForeignKeys).iter().any(|c| {
                matches!(c, Change::DropForeignKey { table, foreign_key }
                    if *table == owner && *foreign_key == fk)
            });
            if already {
                continue;
            }
            let foreign_key = kept.clone();
            plan.phase_mut(Phase::DropForeignKeys)
                .push(Change::DropForeignKey {
                    table: owner.clone(),
                    foreign_key: fk,
                });
            plan.phase_mut(Phase::AddForeignKeys)
                .push(Change::AddForeignKey {
                    table: owner,
                    foreign_key,
                });
        }
        if let Some(key) = key {
            auto_increment_aside(current, desired, &table, &key, plan);
        }
    }
}

/// Foreign keys (with their table) that need the key or index `columns`
/// of `table` (named `name` unless it is the primary key): those whose
/// referenced columns begin it, and those of `table` whose columns begin
/// it with no other index to use.
fn leaning_foreign_keys(
    current: &Schema,
    table: &QualifiedName,
    columns: &[String],
    name: Option<&str>,
) -> Vec<(QualifiedName, ForeignKey)> {
    let begins = |cols: &[String]| {
        !cols.is_empty()
            && cols.len() <= columns.len()
            && columns[..cols.len()].iter().collect::<HashSet<_>>()
                == cols.iter().collect::<HashSet<_>>()
    };
    let mut out = Vec::new();
    for t in &current.tables {
        for fk in &t.foreign_keys {
            let references = fk.referenced_table == *table && begins(&fk.referenced_columns);
            let indexed_by = t.name == *table
                && begins(&fk.columns)
                && !t.indexes.iter().any(|i| {
                    let names: Vec<Option<&str>> =
                        i.parts.iter().map(|p| p.column_name()).collect();
                    Some(i.name.as_str()) != name
                        && fk
                            .columns
                            .iter()
                            .enumerate()
                            .all(|(n, c)| names.get(n) == Some(&Some(c.as_str())))
                })
                && !t
                    .uniques
                    .iter()
                    .any(|u| u.name.as_deref() != name && u.columns.starts_with(&fk.columns))
                && (name.is_none()
                    || !t
                        .primary_key
                        .as_ref()
                        .is_some_and(|k| k.columns.starts_with(&fk.columns)));
            if references || indexed_by {
                out.push((t.name.clone(), fk.clone()));
            }
        }
    }
    out
}

/// An `AUTO_INCREMENT` column of `key` that keeps the attribute: it is
/// changed to a plain column before the key goes and back (to what it
/// should be) after the new key is there. A change the diff already
/// planned for the column is folded into the second step. One dropped with
/// the key only loses the attribute first.
fn auto_increment_aside(
    current: &Schema,
    desired: &Schema,
    table: &QualifiedName,
    key: &PrimaryKey,
    plan: &mut Plan,
) {
    let (Some(cur), Some(des)) = (current.table(table), desired.table(table)) else {
        return;
    };
    let auto = |c: &Column| c.identity == Some(Identity::AutoIncrement);
    // `from` without the attribute, before the key goes.
    let plain_first = |plan: &mut Plan, from: &Column| {
        let mut plain = from.clone();
        plain.identity = None;
        plan.phase_mut(Phase::DropIdentity)
            .push(Change::AlterColumn {
                table: table.clone(),
                from: from.clone(),
                to: plain.clone(),
            });
        plain
    };
    for name in &key.columns {
        let same = |c: &Change| matches!(c, Change::AlterColumn { table: t, to, .. } if t == table && to.name == *name);
        let Some(from) = cur.column(name).filter(|c| auto(c)) else {
            continue;
        };
        let Some(to) = des.column(name) else {
            // Dropped with the key: plain first, so that the key can go.
            if !plan.phase_mut(Phase::DropIdentity).iter().any(same) {
                plain_first(plan, from);
            }
            continue;
        };
        if !auto(to) {
            continue;
        }
        for phase in [Phase::DropIdentity, Phase::AddIdentity] {
            if plan.phase_mut(phase).iter().any(same) {
                return;
            }
        }
        plan.phase_mut(Phase::AlterColumns).retain(|c| !same(c));
        let plain = plain_first(plan, from);
        plan.phase_mut(Phase::AddIdentity)
            .push(Change::AlterColumn {
                table: table.clone(),
                from: plain,
                to: to.clone(),
            });
    }
}
