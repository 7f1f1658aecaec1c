//! Renames of indexes, constraints, enum types and enum labels declared by
//! hints. The diff first sees each as a drop and a create (names are all
//! that tells them apart); a hinted pair whose definitions agree but for
//! the name becomes one rename, so nothing is rebuilt and no data is
//! converted. A pair that differs in more than its name stays a drop and
//! a create.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::items::Item;
use super::plan::{Phase, Plan};
use crate::change::Change;
use crate::hints::Hints;
use crate::model::{QualifiedName, Schema, Table};

/// Turns the hinted drop/create pairs of `plan` into renames. `tables`
/// maps renamed tables old → new (hints name tables by desired name;
/// drops carry the current one).
pub(crate) fn hinted_renames(
    hints: &Hints,
    tables: &HashMap<QualifiedName, QualifiedName>,
    (current, desired): (&Schema, &Schema),
    plan: &mut Plan,
) {
    let current_name: HashMap<&QualifiedName, &QualifiedName> =
        tables.iter().map(|(old, new)| (new, old)).collect();
    for ((table, old), new) in &hints.indexes {
        let from_table = current_name.get(table).copied().unwrap_or(table);
        // Both: MySQL names a foreign key's own index after the key.
        index_rename(from_table, table, old, new, plan);
        if constraint_rename(from_table, table, old, new, plan) {
            continue;
        }
        // Constraints match by content: a renamed one the diff found
        // unchanged, renamed here.
        if let (Some(cur), Some(des)) = (current.table(from_table), desired.table(table)) {
            if let Some((drop, add)) = unchanged_pair(cur, des, old, new) {
                let change = Change::RenameConstraint {
                    table: table.clone(),
                    drop: Box::new(drop),
                    add: Box::new(add),
                };
                plan.push(Phase::RenameColumns, change);
            }
        }
    }
    for (old, new) in &hints.enums {
        enum_rename(old, new, plan);
    }
    let mut by_enum: HashMap<&QualifiedName, Vec<(&String, &String)>> = HashMap::new();
    for ((name, old), new) in &hints.enum_values {
        by_enum.entry(name).or_default().push((old, new));
    }
    for (name, labels) in by_enum {
        label_renames(name, &labels, plan);
    }
    // Ordered: the draft's statements must not depend on a hash's order.
    let mut by_column: BTreeMap<(&QualifiedName, &String), Vec<(&String, &String)>> =
        BTreeMap::new();
    for ((table, column, old), new) in &hints.column_labels {
        by_column
            .entry((table, column))
            .or_default()
            .push((old, new));
    }
    for ((table, column), labels) in by_column {
        column_label_renames(table, column, &labels, plan);
    }
}

/// Turns the [`Change::AlterColumn`] of an inline `enum(...)` column whose
/// labels are hinted as renamed into a [`Change::RenameLabels`], for the
/// hints whose old label goes and whose new one comes.
fn column_label_renames(
    table: &QualifiedName,
    column: &str,
    labels: &[(&String, &String)],
    plan: &mut Plan,
) {
    let taken = plan.take(
        |c| matches!(c, Change::AlterColumn { table: t, to, .. } if t == table && to.name == column),
    );
    let Some((phase, Change::AlterColumn { table, from, to })) = taken else {
        put_back(plan, taken);
        return;
    };
    let (was, will) = (from.data_type.enum_labels(), to.data_type.enum_labels());
    let mut renamed: Vec<(String, String)> = Vec::new();
    // A backslash may be an escape in the catalog's text (left to a plain
    // MODIFY rather than guessed at), and a list holding `done` and `Done`
    // is refused under a case-insensitive collation.
    let escaped = from.data_type.raw.contains('\\') || to.data_type.raw.contains('\\');
    if let (Some(was), Some(will), false) = (&was, &will, escaped) {
        for label in was {
            if let Some((_, new)) = labels.iter().find(|(old, _)| *old == label) {
                let fresh = !was.iter().any(|w| w.eq_ignore_ascii_case(new));
                if !will.contains(label) && will.contains(new) && fresh {
                    renamed.push((label.clone(), (*new).clone()));
                }
            }
        }
    }
    let change = if renamed.is_empty() {
        Change::AlterColumn { table, from, to }
    } else {
        Change::RenameLabels {
            table,
            from,
            to,
            labels: renamed,
        }
    };
    let table = change.table().cloned();
    plan.push(phase, change);
    // The column's move (`MODIFY ... AFTER` with its desired definition)
    // must come after the rows moved to the new labels.
    let reorder = plan.take(
        |c| matches!(c, Change::ReorderColumns { table: t, .. } if Some(t) == table.as_ref()),
    );
    put_back(plan, reorder);
}

/// Puts a change taken out with [`Plan::take`] back.
fn put_back(plan: &mut Plan, taken: Option<(Phase, Change)>) {
    if let Some((phase, change)) = taken {
        plan.push(phase, change);
    }
}

fn index_rename(
    from_table: &QualifiedName,
    table: &QualifiedName,
    old: &str,
    new: &str,
    plan: &mut Plan,
) -> bool {
    let drop = plan.take(
        |c| matches!(c, Change::DropIndex { table: t, index } if t == from_table && index.name == old),
    );
    let add = plan.take(
        |c| matches!(c, Change::CreateIndex { table: t, index } if t == table && index.name == new),
    );
    if let (
        Some((_, Change::DropIndex { index: from, .. })),
        Some((_, Change::CreateIndex { index: to, .. })),
    ) = (&drop, &add)
    {
        let mut renamed = from.clone();
        renamed.name = to.name.clone();
        if renamed.key() == to.key() {
            let change = Change::RenameIndex {
                table: table.clone(),
                from: from.clone(),
                to: to.clone(),
            };
            plan.push(Phase::RenameColumns, change);
            return true;
        }
    }
    put_back(plan, drop);
    put_back(plan, add);
    false
}

fn constraint_rename(
    from_table: &QualifiedName,
    table: &QualifiedName,
    old: &str,
    new: &str,
    plan: &mut Plan,
) -> bool {
    let is_drop = |c: &Change| {
        matches!(
            c,
            Change::DropUnique { .. }
                | Change::DropCheck { .. }
                | Change::DropForeignKey { .. }
                | Change::DropPrimaryKey { .. }
        ) && c.table() == Some(from_table)
            && c.constraint_name() == Some(old)
    };
    let is_add = |c: &Change| {
        matches!(
            c,
            Change::AddUnique { .. }
                | Change::AddCheck { .. }
                | Change::AddForeignKey { .. }
                | Change::AddPrimaryKey { .. }
        ) && c.table() == Some(table)
            && c.constraint_name() == Some(new)
    };
    let drop = plan.take(is_drop);
    let add = plan.take(is_add);
    if let (Some((_, d)), Some((_, a))) = (&drop, &add) {
        if let Some(drop) = same_but_name(d, a, table) {
            let change = Change::RenameConstraint {
                table: table.clone(),
                drop: Box::new(drop),
                add: Box::new(a.clone()),
            };
            plan.push(Phase::RenameColumns, change);
            return true;
        }
    }
    let found = drop.is_some() || add.is_some();
    put_back(plan, drop);
    put_back(plan, add);
    found
}

/// The drop and the add of constraint `old` of `cur` that `des` holds,
/// the same but for the name, as `new`.
fn unchanged_pair(cur: &Table, des: &Table, old: &str, new: &str) -> Option<(Change, Change)> {
    let t = des.name.clone();
    fn find<'a, T: Item>(items: &'a [T], name: &str) -> Option<&'a T> {
        items.iter().find(|i| i.item_name() == Some(name))
    }
    /// `Some` when both lists hold the named item: the pair when they
    /// agree but for the name.
    fn pair<T: Item + Clone>(
        (cur, des): (&[T], &[T]),
        (old, new): (&str, &str),
        drop: impl FnOnce(T) -> Change,
        add: impl FnOnce(T) -> Change,
    ) -> Option<Option<(Change, Change)>> {
        let (a, b) = (find(cur, old)?, find(des, new)?);
        Some((a.key() == b.key()).then(|| (drop(a.clone()), add(b.clone()))))
    }
    let names = (old, new);
    let found = pair(
        (&cur.uniques, &des.uniques),
        names,
        |unique| Change::DropUnique {
            table: t.clone(),
            unique,
        },
        |unique| Change::AddUnique {
            table: t.clone(),
            unique,
        },
    )
    .or_else(|| {
        pair(
            (&cur.checks, &des.checks),
            names,
            |check| Change::DropCheck {
                table: t.clone(),
                check,
            },
            |check| Change::AddCheck {
                table: t.clone(),
                check,
            },
        )
    })
    .or_else(|| {
        pair(
            (&cur.foreign_keys, &des.foreign_keys),
            names,
            |foreign_key| Change::DropForeignKey {
                table: t.clone(),
                foreign_key,
            },
            |foreign_key| Change::AddForeignKey {
                table: t.clone(),
                foreign_key,
            },
        )
    });
    if let Some(found) = found {
        return found;
    }
    let (a, b) = (cur.primary_key.as_ref()?, des.primary_key.as_ref()?);
    let named = a.name.as_deref() == Some(old) && b.name.as_deref() == Some(new);
    (named && a.columns == b.columns).then(|| {
        let drop = Change::DropPrimaryKey {
            table: t.clone(),
            key: a.clone(),
        };
        (
            drop,
            Change::AddPrimaryKey {
                table: t,
                key: b.clone(),
            },
        )
    })
}

/// `drop` under the table's desired name, when it removes what `add`
/// adds but for the name.
fn same_but_name(drop: &Change, add: &Change, table: &QualifiedName) -> Option<Change> {
    let t = table.clone();
    match (drop, add) {
        (Change::DropUnique { unique: a, .. }, Change::AddUnique { unique: b, .. }) => {
            let mut a = a.clone();
            let name = std::mem::replace(&mut a.name, b.name.clone());
            (a == *b).then(|| {
                a.name = name;
                Change::DropUnique {
                    table: t,
                    unique: a,
                }
            })
        }
        (Change::DropCheck { check: a, .. }, Change::AddCheck { check: b, .. }) => {
            (a.expression == b.expression).then(|| Change::DropCheck {
                table: t,
                check: a.clone(),
            })
        }
        (
            Change::DropForeignKey { foreign_key: a, .. },
            Change::AddForeignKey { foreign_key: b, .. },
        ) => {
            let mut a = a.clone();
            let name = std::mem::replace(&mut a.name, b.name.clone());
            (a == *b).then(|| {
                a.name = name;
                Change::DropForeignKey {
                    table: t,
                    foreign_key: a,
                }
            })
        }
        (Change::DropPrimaryKey { key: a, .. }, Change::AddPrimaryKey { key: b, .. }) => {
            (a.columns == b.columns).then(|| Change::DropPrimaryKey {
                table: t,
                key: a.clone(),
            })
        }
        _ => None,
    }
}

/// A dropped and a created enum type with the same labels: one rename,
/// and the columns converted from one to the other keep their type.
fn enum_rename(old: &QualifiedName, new: &QualifiedName, plan: &mut Plan) {
    let drop = plan.take(|c| matches!(c, Change::DropEnum { enum_type } if enum_type.name == *old));
    let add =
        plan.take(|c| matches!(c, Change::CreateEnum { enum_type } if enum_type.name == *new));
    let same = matches!(
        (&drop, &add),
        (Some((_, Change::DropEnum { enum_type: a })), Some((_, Change::CreateEnum { enum_type: b })))
            if a.values == b.values
    );
    if !same {
        put_back(plan, drop);
        put_back(plan, add);
        return;
    }
    plan.push(
        Phase::Enums,
        Change::RenameEnum {
            from: old.clone(),
            to: new.clone(),
        },
    );
    // Columns whose only change is the type's name.
    while plan
        .take(|c| match c {
            Change::AlterColumn { from, to, .. } => {
                let mut renamed = from.clone();
                renamed.data_type = to.data_type.clone();
                super::uses_enum(&from.data_type.normalized, old)
                    && super::uses_enum(&to.data_type.normalized, new)
                    && renamed == *to
            }
            _ => false,
        })
        .is_some()
    {}
}

/// An enum recreated because labels were renamed: the labels renamed in
/// place, and any new ones added.
fn label_renames(name: &QualifiedName, labels: &[(&String, &String)], plan: &mut Plan) {
    let taken = plan.take(
        |c| matches!(c, Change::RecreateEnum { from, to, .. } if to.name == *name && from.name == *name),
    );
    let Some((phase, Change::RecreateEnum { from, to, columns })) = taken else {
        put_back(plan, taken);
        return;
    };
    let renamed: Vec<String> = from
        .values
        .iter()
        .map(|v| {
            labels
                .iter()
                .find(|(old, _)| *old == v)
                .map_or_else(|| v.clone(), |(_, new)| (*new).clone())
        })
        .collect();
    let renamed_set: HashSet<&String> = renamed.iter().collect();
    if renamed_set.len() != renamed.len() {
        plan.push(phase, Change::RecreateEnum { from, to, columns });
        return;
    }
    for (old, new) in labels {
        if from.values.contains(old) && !from.values.contains(new) {
            plan.push(
                Phase::Enums,
                Change::RenameEnumValue {
                    name: name.clone(),
                    from: (*old).clone(),
                    to: (*new).clone(),
                },
            );
        }
    }
    let Some(added) = super::added_values(&renamed, &to.values) else {
        // Labels also go or move: the type is still replaced, from its
        // labels as renamed, so that the values renamed convert.
        let mut from = from;
        from.values = renamed;
        plan.push(Phase::Enums, Change::RecreateEnum { from, to, columns });
        return;
    };
    for (value, position) in added {
        plan.push(
            Phase::Enums,
            Change::AddEnumValue {
                name: name.clone(),
                value,
                position,
            },
        );
    }
}

#[cfg(test)]
mod tests;
