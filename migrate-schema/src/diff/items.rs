//! Matching of constraints and indexes: first by name, then by content, so
//! that unnamed constraints (and names the engine made up) compare by what
//! they do, while a name reused for a different definition is a drop + add.

use std::collections::HashMap;
use std::hash::Hash;

use crate::model::{
    Check, Deferral, FkAction, ForeignKey, Index, IndexPart, QualifiedName, Unique,
};

/// A constraint or index, as far as matching goes.
pub(crate) trait Item {
    /// What must be equal for two items to be the same.
    type Key: Hash + Eq;
    fn item_name(&self) -> Option<&str>;
    fn key(&self) -> Self::Key;
    /// Whether an item left without a same-named partner may match one of
    /// the same content. True for constraints, whose names the engine often
    /// makes up; false for indexes, which always carry the name the user
    /// gave, so that a renamed index is a drop + create, not nothing.
    const MATCH_BY_CONTENT: bool = true;
}

impl Item for Unique {
    type Key = (Vec<String>, bool, Option<Deferral>);
    fn item_name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn key(&self) -> Self::Key {
        (
            self.columns.clone(),
            self.nulls_not_distinct,
            self.deferrable,
        )
    }
}

impl Item for ForeignKey {
    type Key = (
        Vec<String>,
        QualifiedName,
        Vec<String>,
        FkAction,
        FkAction,
        (bool, bool),
    );
    fn item_name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn key(&self) -> Self::Key {
        (
            self.columns.clone(),
            self.referenced_table.clone(),
            self.referenced_columns.clone(),
            self.on_delete,
            self.on_update,
            (self.match_full, self.not_valid),
        )
    }
}

impl Item for Check {
    type Key = (String, bool, bool);
    fn item_name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn key(&self) -> Self::Key {
        (self.expression.clone(), self.no_inherit, self.not_valid)
    }
}

/// What an index is besides its parts: `NULLS NOT DISTINCT`, storage
/// parameters and comment (a comment change recreates the index: there is
/// no change for a comment alone yet).
type IndexExtras = (bool, Option<String>, Option<String>);

impl Item for Index {
    type Key = (
        bool,
        Vec<IndexPart>,
        Vec<String>,
        Option<String>,
        String,
        IndexExtras,
    );
    const MATCH_BY_CONTENT: bool = false;
    fn item_name(&self) -> Option<&str> {
        Some(&self.name)
    }
    fn key(&self) -> Self::Key {
        (
            self.unique,
            self.parts.iter().map(IndexPart::normalized).collect(),
            self.include.clone(),
            self.predicate.clone(),
            self.method_or_default(),
            (
                self.nulls_not_distinct,
                self.storage.clone(),
                self.comment.clone(),
            ),
        )
    }
}

/// Indexes into `current` to drop and into `desired` to add.
///
/// `current` is already translated to desired names (renamed columns and
/// tables), so that a rename alone never looks like a changed constraint.
pub(crate) fn unmatched<T: Item>(current: &[T], desired: &[T]) -> (Vec<usize>, Vec<usize>) {
    let mut cur_open = vec![true; current.len()];
    let mut des_open = vec![true; desired.len()];
    let mut drops = Vec::new();
    let mut adds = Vec::new();
    let by_name: HashMap<&str, usize> = desired
        .iter()
        .enumerate()
        .filter_map(|(i, d)| d.item_name().map(|n| (n, i)))
        .collect();
    for (i, c) in current.iter().enumerate() {
        let Some(&j) = c.item_name().and_then(|n| by_name.get(n)) else {
            continue;
        };
        cur_open[i] = false;
        des_open[j] = false;
        // A name reused for another definition stays taken until the old one
        // is dropped, so it never matches something else by content.
        if c.key() != desired[j].key() {
            drops.push(i);
            adds.push(j);
        }
    }
    let mut by_key: HashMap<T::Key, Vec<usize>> = HashMap::new();
    for (i, c) in current.iter().enumerate().rev() {
        if cur_open[i] && T::MATCH_BY_CONTENT {
            by_key.entry(c.key()).or_default().push(i);
        }
    }
    for (j, d) in desired.iter().enumerate() {
        if !des_open[j] {
            continue;
        }
        if let Some(i) = by_key.get_mut(&d.key()).and_then(Vec::pop) {
            cur_open[i] = false;
            des_open[j] = false;
        }
    }
    drops.extend((0..current.len()).filter(|&i| cur_open[i]));
    adds.extend((0..desired.len()).filter(|&j| des_open[j]));
    drops.sort_unstable();
    adds.sort_unstable();
    (drops, adds)
}

/// Like [`unmatched`], but items for which `replace` holds on either side are
/// dropped and added again even when they match.
pub(crate) fn unmatched_unless<T: Item + Clone>(
    current: &[T],
    desired: &[T],
    replace: impl Fn(&T) -> bool,
) -> (Vec<usize>, Vec<usize>) {
    let (cur_kept, mut drops): (Vec<usize>, Vec<usize>) =
        (0..current.len()).partition(|&i| !replace(&current[i]));
    let (des_kept, mut adds): (Vec<usize>, Vec<usize>) =
        (0..desired.len()).partition(|&j| !replace(&desired[j]));
    if drops.is_empty() && adds.is_empty() {
        return unmatched(current, desired);
    }
    let pick =
        |list: &[T], idx: &[usize]| -> Vec<T> { idx.iter().map(|&i| list[i].clone()).collect() };
    let (d, a) = unmatched(&pick(current, &cur_kept), &pick(desired, &des_kept));
    drops.extend(d.into_iter().map(|i| cur_kept[i]));
    adds.extend(a.into_iter().map(|j| des_kept[j]));
    drops.sort_unstable();
    adds.sort_unstable();
    (drops, adds)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unique(name: Option<&str>, columns: &[&str]) -> Unique {
        Unique {
            name: name.map(str::to_string),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            nulls_not_distinct: false,
            deferrable: None,
        }
    }

    #[test]
    fn unnamed_constraints_match_by_content() {
        let cur = [unique(None, &["a"]), unique(Some("old_name_key"), &["b"])];
        let des = [unique(Some("t_a_key"), &["a"]), unique(None, &["b"])];
        assert_eq!(unmatched(&cur, &des), (vec![], vec![]));
    }

    #[test]
    fn a_reused_name_is_a_drop_and_an_add() {
        let cur = [unique(Some("u1"), &["a"])];
        let des = [unique(Some("u1"), &["b"]), unique(Some("u2"), &["a"])];
        assert_eq!(unmatched(&cur, &des), (vec![0], vec![0, 1]));
    }

    #[test]
    fn duplicates_pair_one_to_one() {
        let cur = [unique(None, &["a"]), unique(None, &["a"])];
        let des = [unique(None, &["a"])];
        assert_eq!(unmatched(&cur, &des), (vec![1], vec![]));
    }
}
