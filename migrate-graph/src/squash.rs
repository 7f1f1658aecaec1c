//! Squash revisions: one revision that `Replaces:` a closed prefix of the
//! graph ending at its `Revises:` point.
//!
//! The graph stays one graph whether or not the replaced files are still on
//! disk, so targets, history and plans need no second view:
//!
//! - **Replaced files present** (the squash was just written, or older
//!   databases still need them): the squash `S` sits right after the last
//!   replaced revision `R`, and whatever revised `R` now follows `S`. A plan
//!   from a fresh database contains the replaced revisions and `S`; the
//!   runtime runs `S`'s SQL alone and skips them. A database holding some of
//!   them runs the rest, and `S` only records the collapse.
//! - **Replaced files deleted**: `S` is a base, and every reference to a
//!   replaced id means `S`.
//!
//! Deleting some of the replaced files but not all is refused: a database
//! in the middle of them could no longer be brought forward.
//!
//! This file holds what a built graph does with its squashes (applied sets,
//! plans, where a new squash may end); how they bend edges while the graph
//! is built is `squash_layout`, which `graph` imports. This file imports
//! `graph`, never the other way.

impl crate::Graph {
    /// Adds to `applied` what its squashes imply: the replaced revisions of
    /// a recorded squash, and a squash whose replaced revisions are all
    /// recorded (its collapse pending). Returns the pending squashes.
    pub fn with_squashes(&self, applied: &mut crate::Applied) -> Vec<usize> {
        let mut pending = Vec::new();
        for (s, members) in self.squashes() {
            if members.is_empty() {
                continue;
            }
            if applied.contains(s) {
                for m in members {
                    applied.insert(m);
                }
            } else if members.iter().all(|&m| applied.contains(m)) {
                applied.insert(s);
                pending.push(s);
            }
        }
        pending
    }

    /// The rows a database at `applied` keeps: a squash's row instead of
    /// its replaced revisions' rows once the squash is applied.
    pub fn canonical_rows(&self, applied: &crate::Applied) -> crate::Applied {
        let mut rows = applied.clone();
        for (s, members) in self.squashes() {
            if applied.contains(s) {
                for m in members {
                    rows.remove(m);
                }
            }
        }
        rows
    }

    /// The inserts and deletes that turn the rows `before` into `after`
    /// (a stamp, once [`Graph::canonical_rows`] made both rows).
    ///
    /// [`Graph::canonical_rows`]: crate::Graph::canonical_rows
    pub fn rows_plan(&self, before: &crate::Applied, after: &crate::Applied) -> crate::StampPlan {
        let mut insert = after.clone();
        insert.subtract(before);
        let mut delete = before.clone();
        delete.subtract(after);
        let mut delete = self.in_order(&delete);
        delete.reverse();
        crate::StampPlan {
            insert: self.in_order(&insert),
            delete,
        }
    }

    /// An upgrade plan with squashes taken into account: where none of a
    /// squash's replaced revisions is applied, the squash runs alone and
    /// they are left out. (Where some are, they run and the squash only
    /// records the collapse; the runtime tells the two apart the same way.)
    pub fn squash_upgrade(&self, mut plan: Vec<usize>, applied: &crate::Applied) -> Vec<usize> {
        for (s, members) in self.squashes() {
            if !members.is_empty()
                && plan.contains(&s)
                && !members.iter().any(|&m| applied.contains(m))
            {
                plan.retain(|i| !members.contains(i));
            }
        }
        plan
    }

    /// Whether applying squash `s` only records the collapse of replaced
    /// revisions already applied (rather than running its SQL).
    pub fn collapses(&self, s: usize, applied: &crate::Applied) -> bool {
        self.replaced_nodes(s).any(|m| applied.contains(m))
    }

    /// A downgrade plan with squashes taken into account. `recorded` holds
    /// the revisions with a row. A recorded squash is reverted by its own
    /// down section, its replaced revisions (applied only through it) are
    /// left out, and stopping inside it is an error; a squash applied only
    /// through its replaced revisions has no row and no SQL to revert.
    pub fn squash_downgrade(
        &self,
        mut plan: Vec<usize>,
        recorded: &crate::Applied,
    ) -> Result<Vec<usize>, crate::TargetError> {
        for (s, members) in self.squashes() {
            if !plan.contains(&s) {
                continue;
            }
            if !recorded.contains(s) {
                plan.retain(|&i| i != s);
                continue;
            }
            if let Some(&kept) = members.iter().rev().find(|m| !plan.contains(m)) {
                return Err(crate::TargetError::InsideSquash {
                    squash: self.describe(s),
                    target: self.describe(kept),
                });
            }
            plan.retain(|i| !members.contains(i));
        }
        Ok(plan)
    }
}

/// Why a revision cannot be where a new squash ends.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SquashPointError {
    /// A revision outside the prefix builds on one inside it.
    #[error("cannot squash here: {child} builds on {inside}, which the squash would replace; squash at a revision after the branches merge (or at {inside} itself)")]
    Branch {
        /// The revision inside the prefix.
        inside: String,
        /// The revision outside that builds on it.
        child: String,
    },
    /// The prefix holds a squash whose replaced files are still present.
    #[error("cannot squash here: squash revision {inner} is in the way and its replaced files are still present; delete them first (once every database is past it), then squash again")]
    Nested {
        /// The squash inside the prefix.
        inner: String,
    },
    /// A revision of the prefix is already replaced by a squash.
    #[error("cannot squash here: {revision} is already replaced by squash revision {squash}; squash at {squash} or after it")]
    Replaced {
        /// The replaced revision.
        revision: String,
        /// The squash replacing it.
        squash: String,
    },
}

impl crate::Graph {
    /// What a new squash ending at `to` replaces: `to` and everything
    /// before it, in apply order; refused when that is not a closed prefix
    /// a squash may stand for (the rules `Replaces:` is validated by).
    pub fn squash_prefix(&self, to: usize) -> Result<Vec<usize>, SquashPointError> {
        let mut set = self.ancestors([to]);
        set.insert(to);
        for i in set.iter() {
            let outside = self
                .children(i)
                .iter()
                .chain(self.dependents(i))
                .find(|&&c| i != to && !set.contains(c));
            if let Some(&child) = outside {
                return Err(SquashPointError::Branch {
                    inside: self.describe(i),
                    child: self.describe(child),
                });
            }
            // Inside an existing squash (one that is itself in the prefix
            // is the nested case below).
            if let Some(s) = self.replaced_by(self.id(i)).filter(|&s| !set.contains(s)) {
                return Err(SquashPointError::Replaced {
                    revision: self.describe(i),
                    squash: self.describe(s),
                });
            }
            if self.replaced_nodes(i).next().is_some() {
                return Err(SquashPointError::Nested {
                    inner: self.describe(i),
                });
            }
        }
        Ok(self.in_order(&set))
    }
}
