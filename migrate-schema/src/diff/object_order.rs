//! The order objects beside the tables are created in (and dropped in,
//! reversed): each after what it depends on and what it belongs to, by kind
//! and then name among those ready.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::model::{ObjectKind, OtherObject, QualifiedName};

/// An object's identity in a schema: its kind and name.
pub(super) type Key = (String, QualifiedName);

/// The [`Key`] of `o`.
pub(super) fn key(o: &OtherObject) -> Key {
    (o.kind.to_string(), o.name.clone())
}

/// The order objects of one dependency level are created in.
fn rank(kind: &ObjectKind) -> u8 {
    match kind {
        ObjectKind::Extension => 0,
        ObjectKind::Sequence => 1,
        ObjectKind::Domain => 2,
        ObjectKind::Function | ObjectKind::Procedure => 3,
        ObjectKind::View => 4,
        ObjectKind::MaterializedView => 5,
        ObjectKind::Trigger => 6,
        _ => 7,
    }
}

/// The objects of `schema` named in `wanted`, each after the objects it
/// depends on (by rank, then name, among those ready); a cycle is broken
/// at its lowest object.
pub(super) fn dependency_order(objects: &[OtherObject], wanted: &BTreeSet<Key>) -> Vec<Key> {
    let chosen: Vec<&OtherObject> = objects
        .iter()
        .filter(|o| wanted.contains(&key(o)))
        .collect();
    let names: HashMap<&QualifiedName, Vec<usize>> =
        chosen
            .iter()
            .enumerate()
            .fold(HashMap::new(), |mut m, (i, o)| {
                m.entry(&o.name).or_default().push(i);
                m
            });
    let mut waits: Vec<usize> = vec![0; chosen.len()];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); chosen.len()];
    for (i, o) in chosen.iter().enumerate() {
        // What it belongs to counts too when that is an object of its own
        // (a partition of a partition, a trigger on a view).
        let deps: BTreeSet<usize> = o
            .depends_on
            .iter()
            .chain(&o.table)
            .filter_map(|d| names.get(d))
            .flatten()
            .copied()
            .filter(|&j| j != i)
            .collect();
        waits[i] = deps.len();
        for j in deps {
            dependents[j].push(i);
        }
    }
    let mut ready: BTreeMap<(u8, Key), usize> = BTreeMap::new();
    for (i, o) in chosen.iter().enumerate() {
        if waits[i] == 0 {
            ready.insert((rank(&o.kind), key(o)), i);
        }
    }
    let mut done = vec![false; chosen.len()];
    let mut out = Vec::with_capacity(chosen.len());
    let mut next_left = 0;
    while out.len() < chosen.len() {
        let next = match ready.pop_first() {
            Some((_, i)) => i,
            // A cycle: the lowest object left goes first.
            None => {
                while done[next_left] {
                    next_left += 1;
                }
                next_left
            }
        };
        if done[next] {
            continue;
        }
        done[next] = true;
        out.push(key(chosen[next]));
        for &i in &dependents[next] {
            waits[i] = waits[i].saturating_sub(1);
            if !done[i] && waits[i] == 0 {
                ready.insert((rank(&chosen[i].kind), key(chosen[i])), i);
            }
        }
    }
    out
}
