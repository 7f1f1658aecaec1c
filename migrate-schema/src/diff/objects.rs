//! Views, routines, triggers and the other objects beside the tables:
//! created, dropped or replaced from the definitions the catalog printed,
//! in dependency order, and dropped and created again around a change to
//! something they read (a view over a column whose type changes, a SQLite
//! trigger on a table that is rebuilt).
//!
//! What no SQL can be written for (a kind the drafts do not know, an object
//! the reader gave no definition for, a domain whose definition changed) is
//! listed as [`NotGenerated`], never passed over.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::object_order::{dependency_order, key, Key};
use super::order::Reorder;
use super::plan::{Phase, Plan};
use crate::change::{Change, NotGenerated, Presence};
use crate::model::{ObjectKind, OtherObject, QualifiedName, Schema};

/// Kinds of [`ObjectKind::Other`] the drafts write.
const OTHER_KINDS: [&str; 10] = [
    "partition",
    "table setting",
    "constraint setting",
    "constraint comment",
    "type comment",
    "exclusion constraint",
    "policy",
    "rule",
    "row level security",
    "event",
];

/// A MariaDB/MySQL table's `PARTITION BY` setting.
fn is_partitioning(o: &OtherObject) -> bool {
    matches!(&o.kind, ObjectKind::Other(k) if k == "table setting")
        && o.definition
            .as_deref()
            .is_some_and(|d| d.starts_with("PARTITION BY "))
}

/// Whether drafts can create and drop `o` from what the reader gave.
pub(crate) fn generated(o: &OtherObject) -> bool {
    o.definition.is_some()
        && match &o.kind {
            // A partition is created under its parent.
            ObjectKind::Other(kind) if kind == "partition" => o.table.is_some(),
            ObjectKind::Other(kind) => OTHER_KINDS.contains(&kind.as_str()),
            _ => true,
        }
}

/// Kinds tables may use (a column's type, a default's sequence): created
/// before the tables, and dropped after them when they go for good.
fn early(kind: &ObjectKind) -> bool {
    matches!(
        kind,
        ObjectKind::Extension | ObjectKind::Sequence | ObjectKind::Domain
    )
}

/// Kinds that stop (PostgreSQL) or die with (a SQLite rebuild) a change to
/// a table they read, and so are dropped and created again around one.
fn follows_tables(kind: &ObjectKind) -> bool {
    match kind {
        ObjectKind::View | ObjectKind::MaterializedView | ObjectKind::Trigger => true,
        ObjectKind::Other(k) => {
            k == "rule" || k == "policy" || k == "constraint setting" || k == "constraint comment"
        }
        _ => false,
    }
}

/// Whether `from` can become `to` in place: a routine keeping its return
/// type (`CREATE OR REPLACE`), a sequence's options (`ALTER SEQUENCE`), an
/// extension's version, a table's row-level security switches.
fn replaceable(from: &OtherObject, to: &OtherObject) -> bool {
    match &from.kind {
        ObjectKind::Function | ObjectKind::Procedure => {
            returns(from.definition.as_deref()) == returns(to.definition.as_deref())
        }
        ObjectKind::Sequence | ObjectKind::Extension => true,
        // New bounds: detached and attached again, rows kept (a partition
        // partitioned in turn cannot change so).
        ObjectKind::Other(k) if k == "partition" => !subpartitioned(from) && !subpartitioned(to),
        ObjectKind::Other(k) => {
            k == "row level security"
                || k == "table setting"
                || k == "constraint setting"
                || k == "constraint comment"
                || k == "type comment"
        }
        _ => false,
    }
}

/// The `RETURNS ...` line of a routine's definition (PostgreSQL prints it
/// on a line of its own; MySQL's text is the whole header).
fn returns(definition: Option<&str>) -> Option<&str> {
    let def = definition?;
    def.lines()
        .map(str::trim)
        .find(|l| {
            l.get(..8)
                .is_some_and(|w| w.eq_ignore_ascii_case("returns "))
        })
        .or(Some(def))
}

/// The tables (under both names when renamed) that the planned changes
/// alter beyond their indexes and comments: what objects reading them must
/// be dropped and created again around.
pub(crate) fn touched_tables(
    plan: &Plan,
    renamed: &HashMap<QualifiedName, QualifiedName>,
    reorder: Reorder,
) -> HashSet<QualifiedName> {
    let mut out = HashSet::new();
    for change in plan.changes() {
        if let Change::RecreateEnum { columns, .. } = change {
            out.extend(columns.iter().map(|(t, _)| t.clone()));
        }
        let untouched = match change {
            Change::CreateIndex { .. }
            | Change::DropIndex { .. }
            | Change::RenameIndex { .. }
            | Change::SetTableComment { .. }
            | Change::CreateTable { .. } => true,
            Change::ReorderColumns { .. } => reorder == Reorder::InPlace,
            _ => false,
        };
        if untouched {
            continue;
        }
        out.extend(change.table().cloned());
    }
    for (old, new) in renamed {
        if out.contains(new) || out.contains(old) {
            out.insert(old.clone());
            out.insert(new.clone());
        }
    }
    out
}

/// What the table changes already planned do to tables: those they alter
/// (current and desired names), those they drop (which take their
/// triggers, policies and settings with them), and those they rename (old
/// name to new).
pub(crate) type Tables<'a> = (
    &'a HashSet<QualifiedName>,
    &'a HashSet<QualifiedName>,
    &'a HashMap<QualifiedName, QualifiedName>,
);

/// Whether `o` is a partition partitioned in turn (its own key follows its
/// bounds): changed, it cannot be detached and attached again, and dropped
/// it takes its partitions along.
fn subpartitioned(o: &OtherObject) -> bool {
    matches!(&o.kind, ObjectKind::Other(k) if k == "partition")
        && o.definition
            .as_deref()
            .is_some_and(|d| d.contains(" PARTITION BY "))
}

/// Whether the partition `c` (current) hangs under the parent `o` does,
/// across a rename of the parent.
fn same_parent(
    c: &OtherObject,
    o: &OtherObject,
    renamed: &HashMap<QualifiedName, QualifiedName>,
) -> bool {
    let parent = c.table.as_ref().map(|t| renamed.get(t).unwrap_or(t));
    parent == o.table.as_ref()
}

/// Adds the object changes to `plan` and returns what is not generated.
pub(crate) fn diff_objects(
    current: &Schema,
    desired: &Schema,
    (touched, gone, renamed): Tables<'_>,
    plan: &mut Plan,
) -> Vec<NotGenerated> {
    let cur: HashMap<Key, &OtherObject> =
        current.other_objects.iter().map(|o| (key(o), o)).collect();
    let des: HashMap<Key, &OtherObject> =
        desired.other_objects.iter().map(|o| (key(o), o)).collect();
    let mut not_generated = Vec::new();
    // Current objects to drop, and whether they come back.
    let mut dropped: BTreeSet<Key> = BTreeSet::new();
    let mut created: BTreeSet<Key> = BTreeSet::new();
    let mut replaced = Vec::new();
    for o in &desired.other_objects {
        let presence = match cur.get(&key(o)) {
            None if generated(o) => {
                created.insert(key(o));
                continue;
            }
            None => Presence::DesiredOnly,
            // A partition under another parent: detached from one and
            // attached to the other would need both named; it is dropped
            // (a data-loss warning) and created, or said when it cannot be.
            Some(c)
                if matches!(&o.kind, ObjectKind::Other(k) if k == "partition")
                    && !same_parent(c, o, renamed) =>
            {
                if generated(c) && generated(o) && !subpartitioned(c) {
                    dropped.insert(key(o));
                    created.insert(key(o));
                    continue;
                }
                Presence::Changed
            }
            Some(c) if c.same_definition(o) && o.definition.is_some() => continue,
            Some(c) if c.definition.is_none() || o.definition.is_none() => Presence::Unknown,
            // A table repartitioned while its keys or columns change: the
            // old partitioning goes before the table's changes (a new
            // primary key must hold the partition columns of whatever
            // partitioning is in place) and the new one comes after.
            Some(c)
                if generated(c)
                    && generated(o)
                    && is_partitioning(o)
                    && o.table.as_ref().is_some_and(|t| touched.contains(t)) =>
            {
                dropped.insert(key(o));
                created.insert(key(o));
                continue;
            }
            Some(c)
                if generated(c)
                    && generated(o)
                    && (c.definition == o.definition || replaceable(c, o)) =>
            {
                replaced.push(((*c).clone(), o.clone()));
                continue;
            }
            Some(c)
                if generated(c)
                    && generated(o)
                    && o.kind != ObjectKind::Domain
                    && !subpartitioned(c)
                    && !subpartitioned(o) =>
            {
                dropped.insert(key(o));
                created.insert(key(o));
                continue;
            }
            Some(_) => Presence::Changed,
        };
        not_generated.push(NotGenerated {
            object: o.clone(),
            presence,
        });
    }
    let mut removed: BTreeSet<Key> = BTreeSet::new();
    for o in &current.other_objects {
        if des.contains_key(&key(o)) {
            continue;
        }
        if generated(o) {
            removed.insert(key(o));
        } else {
            not_generated.push(NotGenerated {
                object: o.clone(),
                presence: Presence::CurrentOnly,
            });
        }
    }
    // What must go for a while: objects over touched tables, then, until
    // nothing is added, everything that reads something going.
    for o in &current.other_objects {
        let k = key(o);
        if follows_tables(&o.kind)
            && generated(o)
            && des.contains_key(&k)
            && o.depends_on
                .iter()
                .chain(&o.table)
                .any(|t| touched.contains(t))
        {
            dropped.insert(k.clone());
            created.insert(k);
        }
    }
    let mut stuck: HashSet<Key> = HashSet::new();
    loop {
        let going: HashSet<&QualifiedName> =
            dropped.iter().chain(&removed).map(|(_, n)| n).collect();
        let more: Vec<Key> = current
            .other_objects
            .iter()
            .map(|o| (key(o), o))
            .filter(|(k, _)| !dropped.contains(k) && !removed.contains(k) && !stuck.contains(k))
            .filter(|(_, o)| o.depends_on.iter().any(|d| going.contains(d)))
            .map(|(k, _)| k)
            .collect();
        if more.is_empty() {
            break;
        }
        for k in more {
            // A domain is never dropped and created again for what its
            // constraints call: columns use it; its settings change alone.
            let again = |o: &&OtherObject| generated(o) && o.kind != ObjectKind::Domain;
            if des.get(&k).is_some_and(again) {
                created.insert(k.clone());
                dropped.insert(k);
            } else if !des.contains_key(&k) && cur.get(&k).is_some_and(|o| generated(o)) {
                removed.insert(k);
            } else {
                // Neither side can be written: it stays listed as it is.
                stuck.insert(k);
            }
        }
    }
    let drops: BTreeSet<Key> = dropped.union(&removed).cloned().collect();
    for k in dependency_order(&current.other_objects, &drops)
        .into_iter()
        .rev()
    {
        let object = cur[&k].clone();
        if removed.contains(&k) && object.table.as_ref().is_some_and(|t| gone.contains(t)) {
            continue;
        }
        let phase = if removed.contains(&k) && (early(&object.kind) || is_routine(&object.kind)) {
            Phase::DropLateObjects
        } else {
            Phase::DropObjects
        };
        plan.push(phase, Change::DropObject { object });
    }
    for (from, to) in replaced {
        plan.push(Phase::CreateObjects, Change::ReplaceObject { from, to });
    }
    for k in dependency_order(&desired.other_objects, &created) {
        let object = des[&k].clone();
        let phase = if early(&object.kind) {
            Phase::CreateEarlyObjects
        } else {
            Phase::CreateObjects
        };
        plan.push(phase, Change::CreateObject { object });
    }
    not_generated.sort_by(|a, b| {
        (&a.object.name, a.object.kind.to_string())
            .cmp(&(&b.object.name, b.object.kind.to_string()))
    });
    not_generated
}

fn is_routine(kind: &ObjectKind) -> bool {
    matches!(kind, ObjectKind::Function | ObjectKind::Procedure)
}
