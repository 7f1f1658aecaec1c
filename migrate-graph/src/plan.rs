//! What each command does to the version table: the revisions an upgrade
//! applies, a downgrade reverts, a stamp writes, an offline script runs and
//! `history -r` lists, from parsed targets.

use crate::bitset::Applied;
use crate::graph::Graph;
use crate::resolve::Point;
use crate::target::{clip, Anchor, Range, Spec, TargetError};

/// Rows to write for a stamp: no SQL runs, the version table is made to match.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StampPlan {
    /// Revisions to record as applied, in apply order.
    pub insert: Vec<usize>,
    /// Revisions to remove from the record, in revert order.
    pub delete: Vec<usize>,
}

impl Graph {
    /// The revisions `upgrade TARGET` applies from `applied`, in apply order.
    ///
    /// ```
    /// # use migrate_graph::{Graph, Node};
    /// # let n = |id, p: &[&'static str]| Node { id, file_name: id, parents: p.to_vec(), depends_on: vec![], branch_labels: vec![], replaces: vec![] };
    /// let g = Graph::build([n("a", &[]), n("b", &["a"]), n("c", &["b"])]).unwrap();
    /// let applied = g.applied_from_ids(["a"]).unwrap();
    /// let plus_one = "+1".parse().unwrap();
    /// assert_eq!(g.plan_upgrade(&plus_one, &applied).unwrap(), [g.index_of("b").unwrap()]);
    /// assert_eq!(g.plan_upgrade(&"head".parse().unwrap(), &applied).unwrap().len(), 2);
    /// ```
    pub fn plan_upgrade(&self, spec: &Spec, applied: &Applied) -> Result<Vec<usize>, TargetError> {
        let (point, _) = self.resolve_spec(spec, applied)?;
        let plan = self.upgrade_to(&point, applied);
        if spec.anchor == Anchor::Current {
            check_count(spec, "apply", spec.relative, plan.len())?;
        }
        Ok(plan)
    }

    /// The revisions `downgrade TARGET` reverts from `applied`, in revert order
    /// (the exact reverse of the apply order).
    ///
    /// A plain revision reverts what was built on it through `Revises:` (and
    /// whatever depends on that); a `label@` target reverts only that branch,
    /// keeping what other branches still need, as Alembic does.
    pub fn plan_downgrade(
        &self,
        spec: &Spec,
        applied: &Applied,
    ) -> Result<Vec<usize>, TargetError> {
        let (point, scope) = self.resolve_spec(spec, applied)?;
        if let Point::Revisions(revs) = &point {
            if let Some(&r) = revs.iter().find(|&&r| !applied.contains(r)) {
                return Err(TargetError::NotApplied {
                    revision: self.describe(r),
                });
            }
        }
        let plan = self.downgrade_to(&point, scope.as_ref(), applied);
        if spec.anchor == Anchor::Current {
            check_count(spec, "revert", -spec.relative, plan.len())?;
        }
        Ok(plan)
    }

    /// What `stamp TARGET...` writes: each target and its ancestors become
    /// applied, and the current heads on a target's line are replaced by it;
    /// unrelated branches stay. With `purge`, the record starts empty.
    pub fn plan_stamp(
        &self,
        targets: &[Spec],
        applied: &Applied,
        purge: bool,
    ) -> Result<StampPlan, TargetError> {
        let empty = Applied::empty(self.len());
        let current = if purge { &empty } else { applied };
        let mut heads: Vec<usize> = self.heads_of(current);
        let mut new_heads: Vec<usize> = Vec::new();
        let mut replaced = Applied::empty(self.len());
        for spec in targets {
            let (point, scope) = self.resolve_spec(spec, current)?;
            match point {
                Point::Base => {
                    for &h in &heads {
                        if scope.as_ref().is_none_or(|s| s.contains(h)) {
                            replaced.insert(h);
                        }
                    }
                }
                Point::Revisions(revs) => {
                    for t in revs {
                        let line = {
                            let mut l = self.ancestors([t]);
                            l.union(&self.descendants([t]));
                            l
                        };
                        for &h in &heads {
                            if line.contains(h) && scope.as_ref().is_none_or(|s| s.contains(h)) {
                                replaced.insert(h);
                            }
                        }
                        new_heads.push(t);
                    }
                }
            }
        }
        if !purge {
            for (k, &a) in new_heads.iter().enumerate() {
                for &b in &new_heads[k + 1..] {
                    let (x, y) = if self.ancestors([b]).contains(a) {
                        (a, b)
                    } else {
                        (b, a)
                    };
                    if x != y && self.ancestors([y]).contains(x) {
                        return Err(TargetError::OverlappingStamp {
                            ancestor: self.describe(x),
                            descendant: self.describe(y),
                        });
                    }
                }
            }
        }
        heads.retain(|&h| !replaced.contains(h));
        heads.extend(new_heads);
        let after = self.ancestors(heads);
        let mut insert = after.clone();
        insert.subtract(applied);
        let mut delete = applied.clone();
        delete.subtract(&after);
        let mut delete = self.in_order(&delete);
        delete.reverse();
        Ok(StampPlan {
            insert: self.in_order(&insert),
            delete,
        })
    }

    /// The start state and plan of an offline `FROM:TO` script. `FROM` is taken as
    /// fully applied (with its ancestors); without it the script starts from
    /// base when upgrading and from all heads when downgrading. `TO` defaults
    /// to `heads` when upgrading and `base` when downgrading.
    pub fn plan_offline(
        &self,
        range: &Range,
        upgrade: bool,
    ) -> Result<(Applied, Vec<usize>), TargetError> {
        let empty = Applied::empty(self.len());
        let start = match &range.from {
            Some(spec) => match self.resolve_spec(spec, &empty)?.0 {
                Point::Base => empty.clone(),
                Point::Revisions(revs) => self.ancestors(revs),
            },
            None if upgrade => empty.clone(),
            None => self.ancestors(self.heads().to_vec()),
        };
        let to = match &range.to {
            Some(spec) => spec.clone(),
            None if upgrade => Anchor::Heads.into(),
            None => Anchor::Base.into(),
        };
        let (point, scope) = self.resolve_spec(&to, &start)?;
        let plan = if upgrade {
            self.upgrade_to(&point, &start)
        } else {
            if let Point::Revisions(revs) = &point {
                if let Some(&r) = revs.iter().find(|&&r| !start.contains(r)) {
                    return Err(TargetError::NotApplied {
                        revision: self.describe(r),
                    });
                }
            }
            self.downgrade_to(&point, scope.as_ref(), &start)
        };
        Ok((start, plan))
    }

    /// The revisions `history -r RANGE` lists, in apply order: descendants of
    /// `FROM` (inclusive) that are ancestors of `TO` (inclusive); a missing end
    /// does not limit the list.
    pub fn history_range(
        &self,
        range: &Range,
        applied: &Applied,
    ) -> Result<Vec<usize>, TargetError> {
        let mut set = Applied::empty(self.len());
        for i in 0..self.len() {
            set.insert(i);
        }
        if let Some(spec) = &range.from {
            if let Point::Revisions(revs) = self.resolve_spec(spec, applied)?.0 {
                set.intersect(&self.descendants(revs));
            }
        }
        if let Some(spec) = &range.to {
            match self.resolve_spec(spec, applied)?.0 {
                Point::Revisions(revs) => set.intersect(&self.ancestors(revs)),
                Point::Base => set = Applied::empty(self.len()),
            }
        }
        Ok(self.in_order(&set))
    }

    fn upgrade_to(&self, point: &Point, applied: &Applied) -> Vec<usize> {
        match point {
            Point::Base => Vec::new(),
            Point::Revisions(revs) => {
                let mut need = self.ancestors(revs.iter().copied());
                need.subtract(applied);
                self.in_order(&need)
            }
        }
    }

    fn downgrade_to(
        &self,
        point: &Point,
        scope: Option<&Applied>,
        applied: &Applied,
    ) -> Vec<usize> {
        let mut doomed = match point {
            Point::Base => applied.clone(),
            Point::Revisions(revs) => {
                let mut d = self.parent_descendants(revs.iter().copied());
                for &r in revs {
                    d.remove(r);
                }
                d.intersect(applied);
                d
            }
        };
        if let Some(scope) = scope {
            doomed.intersect(scope);
            // Keep what applied revisions outside the branch still stand on.
            let mut kept = applied.clone();
            kept.subtract(&doomed);
            if let Point::Revisions(revs) = point {
                kept.union(&self.parent_ancestors(revs.iter().copied()));
            }
            doomed.subtract(&self.parent_ancestors(kept.iter()));
        }
        // Whatever stands on a reverted revision goes too.
        let mut stack: Vec<usize> = doomed.iter().collect();
        while let Some(i) = stack.pop() {
            for &c in self.children(i).iter().chain(self.dependents(i)) {
                if applied.contains(c) && doomed.insert(c) {
                    stack.push(c);
                }
            }
        }
        let mut plan = self.in_order(&doomed);
        plan.reverse();
        plan
    }
}

fn check_count(
    spec: &Spec,
    verb: &'static str,
    expected: i64,
    actual: usize,
) -> Result<(), TargetError> {
    if expected < 0 || expected as usize != actual {
        return Err(TargetError::RelativeCount {
            input: clip(&spec.to_string()),
            verb,
            expected: expected.unsigned_abs() as usize,
            actual,
        });
    }
    Ok(())
}
