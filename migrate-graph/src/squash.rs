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

use crate::graph::{GraphError, Node, Relation};
use std::collections::HashMap;

/// How squash revisions bend the edges of the graph being built.
pub(crate) struct Layout<'a> {
    /// Replaced id → the squash node standing for it.
    members: HashMap<&'a str, usize>,
    /// Per squash node: whether its replaced files are present.
    present: HashMap<usize, bool>,
}

impl<'a> Layout<'a> {
    /// Reads the `Replaces:` lists and checks what can be checked before
    /// edges exist. `index` maps the ids of the nodes present.
    pub(crate) fn new(
        nodes: &[Node<'a>],
        index: &HashMap<String, usize>,
        errors: &mut Vec<GraphError>,
    ) -> Layout<'a> {
        let mut members: HashMap<&'a str, usize> = HashMap::new();
        let mut present = HashMap::new();
        for (s, node) in nodes.iter().enumerate() {
            if node.replaces.is_empty() {
                continue;
            }
            let last = node.parents.first().copied();
            if node.parents.len() != 1 || !node.replaces.contains(&last.unwrap_or_default()) {
                errors.push(GraphError::SquashRevises {
                    revision: node.id.to_owned(),
                    file: node.file_name.to_owned(),
                });
            }
            for &r in &node.replaces {
                if r == node.id {
                    errors.push(GraphError::SquashRevises {
                        revision: node.id.to_owned(),
                        file: node.file_name.to_owned(),
                    });
                } else if let Some(&other) = members.get(r) {
                    errors.push(GraphError::SquashOverlap {
                        id: r.to_owned(),
                        first: nodes[other].file_name.to_owned(),
                        second: node.file_name.to_owned(),
                    });
                } else {
                    members.insert(r, s);
                }
            }
            let missing: Vec<String> = node
                .replaces
                .iter()
                .filter(|r| !index.contains_key(**r))
                .map(|r| r.to_string())
                .collect();
            present.insert(s, missing.is_empty());
            if !missing.is_empty() && missing.len() < node.replaces.len() {
                errors.push(GraphError::SquashPartial {
                    revision: node.id.to_owned(),
                    file: node.file_name.to_owned(),
                    missing,
                });
            }
        }
        // A squash replaced by a later squash while its own replaced files
        // are still here would need two collapses in one step.
        for (&r, &outer) in &members {
            if let Some(&inner) = index.get(r) {
                if present.get(&inner) == Some(&true) {
                    errors.push(GraphError::SquashNested {
                        inner: r.to_owned(),
                        outer: nodes[outer].id.to_owned(),
                        file: nodes[outer].file_name.to_owned(),
                    });
                }
            }
        }
        Layout { members, present }
    }

    /// Whether a squash replaces `id`.
    pub(crate) fn is_replaced(&self, id: &str) -> bool {
        self.members.contains_key(id)
    }

    /// Whether nothing is squashed, so building can skip every lookup.
    pub(crate) fn is_empty(&self) -> bool {
        self.present.is_empty()
    }

    /// The ids node `i` points at through `relation`, with references into
    /// squashed revisions bent to the squash.
    pub(crate) fn targets(
        &self,
        i: usize,
        nodes: &[Node<'a>],
        relation: Relation,
        errors: &mut Vec<GraphError>,
    ) -> Vec<&'a str> {
        let node = &nodes[i];
        let targets = match relation {
            Relation::Revises => &node.parents,
            Relation::DependsOn => &node.depends_on,
        };
        if self.is_empty() {
            return targets.clone();
        }
        if let Some(&present) = self.present.get(&i) {
            // A squash revises the last revision it replaces: a real edge
            // while that file is here, nothing once it is gone.
            return if present {
                targets.clone()
            } else {
                targets
                    .iter()
                    .copied()
                    .filter(|t| !node.replaces.contains(t))
                    .collect()
            };
        }
        let own = self.members.get(node.id).copied();
        let mut out = Vec::with_capacity(targets.len());
        for &t in targets {
            let Some(&s) = self.members.get(t) else {
                out.push(t);
                continue;
            };
            if own == Some(s) {
                out.push(t);
            } else if !self.present[&s] || nodes[s].parents.first() == Some(&t) {
                out.push(nodes[s].id);
            } else {
                errors.push(GraphError::SquashBranch {
                    revision: node.id.to_owned(),
                    file: node.file_name.to_owned(),
                    relation,
                    inside: t.to_owned(),
                    squash: nodes[s].id.to_owned(),
                });
                out.push(t);
            }
        }
        out
    }

    /// Checks that each squash whose files are present replaces exactly
    /// its `Revises:` point and that point's ancestors (parents and
    /// dependencies), once the edges exist.
    pub(crate) fn check_prefixes(
        &self,
        nodes: &[Node<'a>],
        index: &HashMap<String, usize>,
        parents: &[Vec<usize>],
        deps: &[Vec<usize>],
        errors: &mut Vec<GraphError>,
    ) {
        for (&s, &present) in &self.present {
            let Some(&last) = nodes[s].parents.first().and_then(|p| index.get(*p)) else {
                continue;
            };
            if !present {
                continue;
            }
            let mut seen = vec![false; nodes.len()];
            let mut stack = vec![last];
            seen[last] = true;
            while let Some(i) = stack.pop() {
                for &j in parents[i].iter().chain(&deps[i]) {
                    if !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
            let listed = |id: &str| nodes[s].replaces.contains(&id);
            let missing: Vec<String> = (0..nodes.len())
                .filter(|&i| seen[i] && !listed(nodes[i].id))
                .map(|i| nodes[i].id.to_owned())
                .collect();
            let extra: Vec<String> = nodes[s]
                .replaces
                .iter()
                .filter(|r| index.get(**r).is_some_and(|&i| !seen[i]))
                .map(|r| r.to_string())
                .collect();
            if !missing.is_empty() || !extra.is_empty() {
                errors.push(GraphError::SquashNotPrefix {
                    revision: nodes[s].id.to_owned(),
                    file: nodes[s].file_name.to_owned(),
                    missing,
                    extra,
                });
            }
        }
    }

    /// Replaced id → squash node, and per squash node whether its replaced
    /// files are present, for the built graph to keep.
    pub(crate) fn into_parts(self) -> (HashMap<String, usize>, HashMap<usize, bool>) {
        let members = self
            .members
            .into_iter()
            .map(|(id, s)| (id.to_owned(), s))
            .collect();
        (members, self.present)
    }
}

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
