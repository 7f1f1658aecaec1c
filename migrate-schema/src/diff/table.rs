//! The changes inside one table that exists on both sides.

use std::collections::{HashMap, HashSet};

use super::items::{unmatched, unmatched_unless, Item};
use super::plan::{Phase, Plan};
use crate::change::{Change, NotGenerated};
use crate::hints::Hints;
use crate::model::{Column, ForeignKey, IndexKey, QualifiedName, Table};

/// Renames accepted from the hints: they passed the sanity checks of
/// [`Hints`] against the two schemas.
#[derive(Debug, Default)]
pub(crate) struct Renames {
    /// Old table name → new table name.
    pub(crate) tables: HashMap<QualifiedName, QualifiedName>,
    /// Desired table name → (old column → new column).
    pub(crate) columns: HashMap<QualifiedName, HashMap<String, String>>,
}

impl Renames {
    pub(crate) fn add_columns(&mut self, cur: &Table, des: &Table, hints: &Hints) {
        for ((table, old), new) in hints.columns.range((des.name.clone(), String::new())..) {
            if table != &des.name {
                break;
            }
            if cur.column(old).is_some()
                && des.column(old).is_none()
                && des.column(new).is_some()
                && cur.column(new).is_none()
            {
                let map = self.columns.entry(des.name.clone()).or_default();
                map.insert(old.clone(), new.clone());
            }
        }
    }

    fn table(&self, name: &QualifiedName) -> QualifiedName {
        self.tables
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.clone())
    }

    /// Column `column` of the table whose desired name is `table`, renamed.
    pub(crate) fn column(&self, table: &QualifiedName, column: &str) -> String {
        self.columns
            .get(table)
            .and_then(|m| m.get(column))
            .cloned()
            .unwrap_or_else(|| column.to_string())
    }

    fn columns(&self, table: &QualifiedName, columns: &[String]) -> Vec<String> {
        columns.iter().map(|c| self.column(table, c)).collect()
    }

    /// `cur` as it reads after the renames, which the engine applies to every
    /// reference (constraint columns, referenced tables); expressions are
    /// kept as they are.
    fn translate(&self, cur: &Table, name: &QualifiedName) -> Table {
        let mut t = cur.clone();
        t.name = name.clone();
        for c in &mut t.columns {
            c.name = self.column(name, &c.name);
        }
        if let Some(pk) = &mut t.primary_key {
            pk.columns = self.columns(name, &pk.columns);
        }
        for u in &mut t.uniques {
            u.columns = self.columns(name, &u.columns);
        }
        for fk in &mut t.foreign_keys {
            fk.columns = self.columns(name, &fk.columns);
            fk.referenced_table = self.table(&fk.referenced_table);
            fk.referenced_columns = self.columns(&fk.referenced_table, &fk.referenced_columns);
        }
        for index in &mut t.indexes {
            for part in &mut index.parts {
                if let IndexKey::Column(c) = &mut part.key {
                    *c = self.column(name, c);
                }
            }
            index.include = self.columns(name, &index.include);
        }
        t
    }
}

/// Columns (by desired table and column name) whose type changes. Foreign keys
/// on them, on either end, are dropped and added again around the change:
/// MySQL refuses to retype a column in a foreign key, and PostgreSQL checks the
/// two ends' types while the first of them is converted.
pub(crate) fn retyped_columns(
    pairs: &[(&Table, &Table)],
    renames: &Renames,
) -> HashSet<(QualifiedName, String)> {
    let mut out = HashSet::new();
    for (cur, des) in pairs {
        let wanted: HashMap<&str, &Column> =
            des.columns.iter().map(|c| (c.name.as_str(), c)).collect();
        for column in &cur.columns {
            let name = renames.column(&des.name, &column.name);
            if let Some(to) = wanted.get(name.as_str()) {
                if to.data_type.normalized != column.data_type.normalized {
                    out.insert((des.name.clone(), name));
                }
            }
        }
    }
    out
}

/// Pushes the changes inside one table; returns the column-order
/// difference no change makes, if any.
pub(crate) fn diff_table(
    cur: &Table,
    des: &Table,
    renames: &Renames,
    retyped: &HashSet<(QualifiedName, String)>,
    plan: &mut Plan,
) -> Option<NotGenerated> {
    let name = &des.name;
    if cur.name != des.name {
        let (from, to) = (cur.name.clone(), name.clone());
        plan.push(Phase::RenameTables, Change::RenameTable { from, to });
    }
    let translated = renames.translate(cur, name);
    let converted = super::options::diff_options(cur, des, plan);
    diff_columns(cur, &translated, des, converted, plan);
    let order = super::order::column_order(&translated, des, plan);

    let key_of = |t: &Table| {
        t.primary_key
            .as_ref()
            .map(|k| (k.columns.clone(), k.comment.clone(), k.deferrable))
    };
    if key_of(&translated) != key_of(des) {
        if let Some(key) = cur.primary_key.clone() {
            let table = cur.name.clone();
            plan.push(
                Phase::DropConstraints,
                Change::DropPrimaryKey { table, key },
            );
        }
        if let Some(key) = des.primary_key.clone() {
            let table = name.clone();
            plan.push(Phase::AddConstraints, Change::AddPrimaryKey { table, key });
        }
    }
    let on_retyped = |fk: &ForeignKey| {
        let local = fk.columns.iter().map(|c| (name, c));
        let remote = fk
            .referenced_columns
            .iter()
            .map(|c| (&fk.referenced_table, c));
        local
            .chain(remote)
            .any(|(t, c)| retyped.contains(&(t.clone(), c.clone())))
    };
    let (drops, adds) = unmatched_unless(&translated.foreign_keys, &des.foreign_keys, on_retyped);
    push_pairs(
        &cur.foreign_keys,
        &des.foreign_keys,
        drops,
        adds,
        plan,
        |fk, add| {
            let table = if add { name.clone() } else { cur.name.clone() };
            let foreign_key: ForeignKey = fk.clone();
            if add {
                (
                    Phase::AddForeignKeys,
                    Change::AddForeignKey { table, foreign_key },
                )
            } else {
                (
                    Phase::DropForeignKeys,
                    Change::DropForeignKey { table, foreign_key },
                )
            }
        },
    );
    let (drops, adds) = unmatched(&translated.uniques, &des.uniques);
    push_pairs(
        &cur.uniques,
        &des.uniques,
        drops,
        adds,
        plan,
        |unique, add| {
            let unique = unique.clone();
            if add {
                (
                    Phase::AddConstraints,
                    Change::AddUnique {
                        table: name.clone(),
                        unique,
                    },
                )
            } else {
                (
                    Phase::DropConstraints,
                    Change::DropUnique {
                        table: cur.name.clone(),
                        unique,
                    },
                )
            }
        },
    );
    let (drops, adds) = unmatched(&translated.checks, &des.checks);
    push_pairs(&cur.checks, &des.checks, drops, adds, plan, |check, add| {
        let check = check.clone();
        if add {
            (
                Phase::AddConstraints,
                Change::AddCheck {
                    table: name.clone(),
                    check,
                },
            )
        } else {
            (
                Phase::DropConstraints,
                Change::DropCheck {
                    table: cur.name.clone(),
                    check,
                },
            )
        }
    });
    let (drops, adds) = unmatched(&translated.indexes, &des.indexes);
    push_pairs(
        &cur.indexes,
        &des.indexes,
        drops,
        adds,
        plan,
        |index, add| {
            let index = index.clone();
            if add {
                (
                    Phase::AddConstraints,
                    Change::CreateIndex {
                        table: name.clone(),
                        index,
                    },
                )
            } else {
                (
                    Phase::DropConstraints,
                    Change::DropIndex {
                        table: cur.name.clone(),
                        index,
                    },
                )
            }
        },
    );
    if cur.comment != des.comment {
        let (table, comment) = (name.clone(), des.comment.clone());
        plan.push(Phase::Comments, Change::SetTableComment { table, comment });
    }
    order
}

/// Pushes a drop for each `drops` index into `cur` and an add for each `adds`
/// index into `des`, built by `make(item, is_add)`.
fn push_pairs<T: Item>(
    cur: &[T],
    des: &[T],
    drops: Vec<usize>,
    adds: Vec<usize>,
    plan: &mut Plan,
    make: impl Fn(&T, bool) -> (Phase, Change),
) {
    for i in drops {
        let (phase, change) = make(&cur[i], false);
        plan.push(phase, change);
    }
    for j in adds {
        let (phase, change) = make(&des[j], true);
        plan.push(phase, change);
    }
}

fn diff_columns(cur: &Table, translated: &Table, des: &Table, converted: bool, plan: &mut Plan) {
    let name = &des.name;
    let wanted: HashMap<&str, &Column> = des.columns.iter().map(|c| (c.name.as_str(), c)).collect();
    let mut kept: HashMap<&str, ()> = HashMap::new();
    let mut dropped = Vec::new();
    for (old, now) in cur.columns.iter().zip(&translated.columns) {
        let Some(to) = wanted.get(now.name.as_str()) else {
            dropped.push(old);
            let (table, column) = (name.clone(), old.clone());
            plan.push(Phase::DropColumns, Change::DropColumn { table, column });
            continue;
        };
        kept.insert(to.name.as_str(), ());
        if old.name != now.name {
            let (table, from, to) = (name.clone(), old.name.clone(), now.name.clone());
            plan.push(
                Phase::RenameColumns,
                Change::RenameColumn { table, from, to },
            );
        }
        // A conversion also turns TEXT into MEDIUMTEXT when the new
        // character set takes more bytes: those are set back too.
        let reconverted =
            converted && (to.collation.is_some() || to.data_type.normalized.contains("text"));
        if !same_column(now, to) || reconverted {
            // A column losing its identity (MySQL's AUTO_INCREMENT) changes
            // before the key drops: MySQL refuses to drop the primary key of
            // an auto-increment column. Only when neither the table nor the
            // column is renamed, as the early step runs before the renames.
            let early = now.identity.is_some()
                && to.identity.is_none()
                && old.name == now.name
                && cur.name == *name;
            // And one gaining it changes after the keys are added: MySQL
            // wants the auto-increment column to be a key already.
            let late = now.identity.is_none() && to.identity.is_some();
            let phase = if early {
                Phase::DropIdentity
            } else if late {
                Phase::AddIdentity
            } else {
                Phase::AlterColumns
            };
            let (table, from, to) = (name.clone(), now.clone(), (*to).clone());
            plan.push(phase, Change::AlterColumn { table, from, to });
        }
    }
    let mut dropped_by_type: HashMap<&str, &Column> = HashMap::new();
    for column in &dropped {
        dropped_by_type
            .entry(column.data_type.normalized.as_str())
            .or_insert(column);
    }
    for column in &des.columns {
        if kept.contains_key(column.name.as_str()) {
            continue;
        }
        if let Some(old) = dropped_by_type.remove(column.data_type.normalized.as_str()) {
            plan.note(format!(
                "column {name}.{} is dropped and {name}.{} added with the same type {}: if \
                 this is a rename, add `-- @renamed from={}` at the end of the line of column {}",
                old.name, column.name, column.data_type.raw, old.name, column.name
            ));
        }
        let (table, column) = (name.clone(), column.clone());
        plan.push(Phase::AddColumns, Change::AddColumn { table, column });
    }
}

/// Equality for diffing: types compare in normalized form.
pub(crate) fn same_column(a: &Column, b: &Column) -> bool {
    a.name == b.name
        && a.data_type.normalized == b.data_type.normalized
        && a.nullable == b.nullable
        && a.default == b.default
        && a.identity == b.identity
        && a.identity_options == b.identity_options
        && a.generated == b.generated
        && a.comment == b.comment
        && a.collation == b.collation
}
