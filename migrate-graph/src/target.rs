//! Alembic's revision-target grammar and what each target means for upgrade,
//! downgrade and stamp.
//!
//! | form | meaning |
//! | --- | --- |
//! | `head` | the single head; an error listing them if there are several |
//! | `heads` | every head |
//! | `base` | before the first revision |
//! | `ae10`, `ae1027a6acf` | a revision by full id or unique prefix |
//! | `+2`, `-1` | relative to the current revision |
//! | `ae10+2`, `ae10-1` | relative to a revision |
//! | `mybranch@head`, `mybranch@ae10` | on the branch a label names |
//! | `mybranch@base+2`, `mybranch@-1` | relative, walking only that branch |
//! | `FROM:TO` | a range, for offline SQL and `history -r` |

use crate::bitset::Applied;
use crate::graph::Graph;
use crate::is_valid_id;

/// A parsed target: one spec, or a `FROM:TO` range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A single spec such as `head` or `mybranch@-1`.
    Single(Spec),
    /// `FROM:TO`; either end may be left out.
    Range {
        /// Where the range starts (`base` when absent).
        from: Option<Spec>,
        /// Where it ends (`heads` when absent).
        to: Option<Spec>,
    },
}

/// One target spec: `[branch@]anchor[+N|-N]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    /// The branch label (or revision) before `@`, restricting walks and downgrades to its line.
    pub branch: Option<String>,
    /// What the spec starts from.
    pub anchor: Anchor,
    /// Steps to walk: positive towards heads, negative towards base.
    pub relative: i64,
}

/// What a spec starts from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// `head`.
    Head,
    /// `heads`.
    Heads,
    /// `base`.
    Base,
    /// A full id or a prefix.
    Revision(String),
    /// The database's current revision (a bare `+N` / `-N`).
    Current,
}

/// A target that cannot be parsed or resolved. Each message says what to type instead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TargetError {
    /// Not in the grammar.
    #[error("`{input}` is not a revision target: {reason}; targets look like `head`, `heads`, `base`, an id or id prefix, `+1`, `-2`, `<rev>+1` or `<label>@head`")]
    Syntax {
        /// The text given.
        input: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// No revision (or label) has this id or prefix.
    #[error("no revision or branch label matches `{input}`{}", hint(suggestions))]
    Unknown {
        /// The text given.
        input: String,
        /// The closest ids.
        suggestions: Vec<String>,
    },
    /// A prefix shared by several revisions.
    #[error("`{prefix}` is ambiguous: it starts {}; type more characters", candidates.join(", "))]
    AmbiguousPrefix {
        /// The prefix.
        prefix: String,
        /// Matching revisions as `id (file)`.
        candidates: Vec<String>,
    },
    /// `head` while the graph has several heads.
    #[error("`head` is ambiguous: there are {} heads ({}); use `heads` for all of them, or `<label>@head` / a revision id for one", heads.len(), heads.join(", "))]
    MultipleHeads {
        /// The heads as `id (file)`.
        heads: Vec<String>,
    },
    /// A relative target while the database is at several heads.
    #[error("`{input}` is ambiguous: the database is at {} heads ({}); say which branch, as `<label>@{input}` or `<rev>{input}`", heads.len(), heads.join(", "))]
    AmbiguousCurrent {
        /// The target given.
        input: String,
        /// The current heads.
        heads: Vec<String>,
    },
    /// Walking up reached a branch point.
    #[error("`{input}` walks up through the branch point at {at}, which leads to {}; name the branch, as `<label>@{input}`, or give a revision id", options.join(" and "))]
    BranchPoint {
        /// The target given.
        input: String,
        /// Where the walk forked.
        at: String,
        /// The children it could take.
        options: Vec<String>,
    },
    /// Walking down reached a merge point.
    #[error("`{input}` walks down through the merge point {at}, whose parents are {}; name the branch, as `<label>@{input}`, or give a revision id", options.join(" and "))]
    MergePoint {
        /// The target given.
        input: String,
        /// The merge revision.
        at: String,
        /// Its parents.
        options: Vec<String>,
    },
    /// Walking past the last head or below base.
    #[error("`{input}` goes past {end}: there are not that many revisions {direction}")]
    PastEnd {
        /// The target given.
        input: String,
        /// `base` or the head it stopped at.
        end: String,
        /// `above it` or `below it`.
        direction: &'static str,
    },
    /// A relative step count that does not match the revisions it would run.
    #[error("`{input}` would {verb} {actual} revision(s), not {expected}; name the target revision instead")]
    RelativeCount {
        /// The target given.
        input: String,
        /// `apply` or `revert`.
        verb: &'static str,
        /// The steps asked for.
        expected: usize,
        /// The revisions it would run.
        actual: usize,
    },
    /// A downgrade to a revision that is not applied.
    #[error("cannot downgrade to {revision}: it is not applied; use `upgrade {revision}` to move up, or pick an applied revision (see `cargo migrate history --indicate-current`)")]
    NotApplied {
        /// The revision as `id (file)`.
        revision: String,
    },
    /// `label@rev` where rev is not on the label's line.
    #[error("{revision} is not on branch `{branch}`")]
    NotOnBranch {
        /// The revision.
        revision: String,
        /// The branch.
        branch: String,
    },
    /// A range where one revision is needed, or the reverse.
    #[error("`{input}` is a range; ranges (`FROM:TO`) work with `--sql` and `history -r` only")]
    RangeNotAllowed {
        /// The target given.
        input: String,
    },
    /// `heads` or a label-less `base` walk where one revision is needed.
    #[error("`{input}` names several revisions here; give one revision")]
    NotSingle {
        /// The target given.
        input: String,
    },
    /// Stamp targets where one is an ancestor of another.
    #[error("stamp targets overlap: {ancestor} is an ancestor of {descendant}; drop one, or pass `--purge` to rewrite the table from scratch")]
    OverlappingStamp {
        /// The ancestor.
        ancestor: String,
        /// Its descendant.
        descendant: String,
    },
}

fn hint(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        "; see `cargo migrate history` for the ids".to_owned()
    } else {
        format!("; did you mean {}?", crate::graph::quote_list(suggestions))
    }
}

impl Target {
    /// Parses a target or a `FROM:TO` range.
    ///
    /// ```
    /// use migrate_graph::{Anchor, Spec, Target};
    /// let t = Target::parse("feature@base+2").unwrap();
    /// assert_eq!(t, Target::Single(Spec { branch: Some("feature".into()), anchor: Anchor::Base, relative: 2 }));
    /// assert!(matches!(Target::parse("a1:head").unwrap(), Target::Range { .. }));
    /// assert!(Target::parse("he ad").is_err());
    /// ```
    pub fn parse(input: &str) -> Result<Target, TargetError> {
        let text = input.trim();
        if let Some((from, to)) = text.split_once(':') {
            let side = |s: &str| -> Result<Option<Spec>, TargetError> {
                if s.trim().is_empty() {
                    Ok(None)
                } else {
                    Spec::parse(s).map(Some)
                }
            };
            return Ok(Target::Range {
                from: side(from)?,
                to: side(to)?,
            });
        }
        Spec::parse(text).map(Target::Single)
    }
}

impl Spec {
    /// Parses one spec (no range).
    pub fn parse(input: &str) -> Result<Spec, TargetError> {
        let text = input.trim();
        let syntax = |reason| TargetError::Syntax {
            input: input.to_owned(),
            reason,
        };
        if text.is_empty() {
            return Err(syntax("it is empty"));
        }
        if text.contains(':') {
            return Err(TargetError::RangeNotAllowed {
                input: input.to_owned(),
            });
        }
        let (branch, rest) = match text.split_once('@') {
            Some((b, rest)) => {
                if !is_valid_id(b) {
                    return Err(syntax(
                        "the branch before `@` must be a label or revision id",
                    ));
                }
                (Some(b.to_owned()), rest)
            }
            None => (None, text),
        };
        let split = rest.find(['+', '-']).unwrap_or(rest.len());
        let (anchor, rel) = rest.split_at(split);
        let relative = if rel.is_empty() {
            0
        } else {
            let digits = &rel[1..];
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(syntax(
                    "a relative step is `+N` or `-N` with a whole number N",
                ));
            }
            let n: i64 = digits
                .parse()
                .map_err(|_| syntax("the step count is too large"))?;
            if n == 0 {
                return Err(syntax("a relative step of 0 goes nowhere"));
            }
            if rel.starts_with('-') {
                -n
            } else {
                n
            }
        };
        let anchor = match anchor {
            "" if relative != 0 => Anchor::Current,
            "" => return Err(syntax("nothing after `@`")),
            "head" => Anchor::Head,
            "heads" if relative == 0 => Anchor::Heads,
            "heads" => {
                return Err(syntax(
                    "`heads` names several revisions and cannot take a step",
                ))
            }
            "base" => Anchor::Base,
            id if is_valid_id(id) => Anchor::Revision(id.to_owned()),
            _ => return Err(syntax("a revision id has only letters, digits and `_`")),
        };
        Ok(Spec {
            branch,
            anchor,
            relative,
        })
    }
}

/// Where a resolved spec points.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Point {
    Base,
    Revisions(Vec<usize>),
}

/// Rows to write for a stamp: no SQL runs, the version table is made to match.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StampPlan {
    /// Revisions to record as applied, in apply order.
    pub insert: Vec<usize>,
    /// Revisions to remove from the record, in revert order.
    pub delete: Vec<usize>,
}

impl Graph {
    /// A revision by full id, unique prefix, or branch label (the revision that
    /// declares it), as `show REV` and `label@...` need.
    pub fn resolve_revision(&self, text: &str) -> Result<usize, TargetError> {
        if let Some(i) = self.index_of(text) {
            return Ok(i);
        }
        if let Some(i) = self.label_revision(text) {
            return Ok(i);
        }
        match self.with_prefix(text) {
            [one] => Ok(*one),
            [] => Err(TargetError::Unknown {
                input: text.to_owned(),
                suggestions: self.closest_ids(text),
            }),
            many => Err(TargetError::AmbiguousPrefix {
                prefix: text.to_owned(),
                candidates: many.iter().map(|&i| self.describe(i)).collect(),
            }),
        }
    }

    /// `id (file)`, as messages show a revision.
    pub fn describe(&self, i: usize) -> String {
        format!("{} ({})", self.id(i), self.file_name(i))
    }

    /// The revisions `upgrade TARGET` applies from `applied`, in apply order.
    ///
    /// ```
    /// # use migrate_graph::{Graph, Node};
    /// # let n = |id, p: &[&'static str]| Node { id, file_name: id, parents: p.to_vec(), depends_on: vec![], branch_labels: vec![] };
    /// let g = Graph::build([n("a", &[]), n("b", &["a"]), n("c", &["b"])]).unwrap();
    /// let applied = g.applied_from_ids(["a"]).unwrap();
    /// assert_eq!(g.plan_upgrade("+1", &applied).unwrap(), [g.index_of("b").unwrap()]);
    /// assert_eq!(g.plan_upgrade("head", &applied).unwrap().len(), 2);
    /// ```
    pub fn plan_upgrade(&self, target: &str, applied: &Applied) -> Result<Vec<usize>, TargetError> {
        let spec = single(target)?;
        let (point, _) = self.resolve_spec(&spec, target, applied)?;
        let plan = self.upgrade_to(&point, applied);
        if spec.anchor == Anchor::Current {
            check_count(target, "apply", spec.relative, plan.len())?;
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
        target: &str,
        applied: &Applied,
    ) -> Result<Vec<usize>, TargetError> {
        let spec = single(target)?;
        let (point, scope) = self.resolve_spec(&spec, target, applied)?;
        if let Point::Revisions(revs) = &point {
            if let Some(&r) = revs.iter().find(|&&r| !applied.contains(r)) {
                return Err(TargetError::NotApplied {
                    revision: self.describe(r),
                });
            }
        }
        let plan = self.downgrade_to(&point, scope.as_ref(), applied);
        if spec.anchor == Anchor::Current {
            check_count(target, "revert", -spec.relative, plan.len())?;
        }
        Ok(plan)
    }

    /// What `stamp TARGET...` writes: each target and its ancestors become
    /// applied, and the current heads on a target's line are replaced by it;
    /// unrelated branches stay. With `purge`, the record starts empty.
    pub fn plan_stamp(
        &self,
        targets: &[&str],
        applied: &Applied,
        purge: bool,
    ) -> Result<StampPlan, TargetError> {
        let empty = Applied::empty(self.len());
        let current = if purge { &empty } else { applied };
        let mut heads: Vec<usize> = self.heads_of(current);
        let mut new_heads: Vec<usize> = Vec::new();
        let mut replaced = Applied::empty(self.len());
        for target in targets {
            let spec = single(target)?;
            let (point, scope) = self.resolve_spec(&spec, target, current)?;
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
    /// fully applied (with its ancestors); a lone `TO` starts from base when
    /// upgrading and from all heads when downgrading.
    pub fn plan_offline(
        &self,
        range: &str,
        upgrade: bool,
    ) -> Result<(Applied, Vec<usize>), TargetError> {
        let (from, to) = match Target::parse(range)? {
            Target::Range { from, to } => (from, to),
            Target::Single(spec) => (None, Some(spec)),
        };
        let empty = Applied::empty(self.len());
        let start = match from {
            Some(spec) => match self.resolve_spec(&spec, range, &empty)?.0 {
                Point::Base => empty.clone(),
                Point::Revisions(revs) => self.ancestors(revs),
            },
            None if upgrade => empty.clone(),
            None => self.ancestors(self.heads().to_vec()),
        };
        let to = match to {
            Some(spec) => spec,
            None if upgrade => Spec {
                branch: None,
                anchor: Anchor::Heads,
                relative: 0,
            },
            None => Spec {
                branch: None,
                anchor: Anchor::Base,
                relative: 0,
            },
        };
        let (point, scope) = self.resolve_spec(&to, range, &start)?;
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
    /// `FROM` (inclusive) that are ancestors of `TO` (inclusive).
    pub fn history_range(&self, range: &str, applied: &Applied) -> Result<Vec<usize>, TargetError> {
        let (from, to) = match Target::parse(range)? {
            Target::Range { from, to } => (from, to),
            Target::Single(spec) => (Some(spec), None),
        };
        let mut set = Applied::empty(self.len());
        for i in 0..self.len() {
            set.insert(i);
        }
        if let Some(spec) = from {
            if let Point::Revisions(revs) = self.resolve_spec(&spec, range, applied)?.0 {
                set.intersect(&self.descendants(revs));
            }
        }
        if let Some(spec) = to {
            match self.resolve_spec(&spec, range, applied)?.0 {
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

    /// Resolves a spec to a point and, for `branch@`, the branch's line.
    fn resolve_spec(
        &self,
        spec: &Spec,
        input: &str,
        applied: &Applied,
    ) -> Result<(Point, Option<Applied>), TargetError> {
        let scope = match &spec.branch {
            Some(b) => Some(self.lineage(self.resolve_revision(b)?)),
            None => None,
        };
        let in_scope = |i: usize| scope.as_ref().is_none_or(|s| s.contains(i));
        let start = match &spec.anchor {
            Anchor::Base => Point::Base,
            Anchor::Heads => {
                let heads: Vec<usize> = self
                    .heads()
                    .iter()
                    .copied()
                    .filter(|&h| in_scope(h))
                    .collect();
                return Ok((Point::Revisions(heads), scope));
            }
            Anchor::Head => {
                let heads: Vec<usize> = self
                    .heads()
                    .iter()
                    .copied()
                    .filter(|&h| in_scope(h))
                    .collect();
                match heads[..] {
                    // An empty directory is at base, as Alembic's is: `upgrade head` does nothing.
                    [] => Point::Base,
                    [h] => Point::Revisions(vec![h]),
                    _ => {
                        return Err(TargetError::MultipleHeads {
                            heads: heads.iter().map(|&h| self.describe(h)).collect(),
                        })
                    }
                }
            }
            Anchor::Revision(r) => {
                let i = self.resolve_revision(r)?;
                if !in_scope(i) {
                    return Err(TargetError::NotOnBranch {
                        revision: self.describe(i),
                        branch: spec.branch.clone().unwrap_or_default(),
                    });
                }
                Point::Revisions(vec![i])
            }
            Anchor::Current => {
                let mut mine = applied.clone();
                if let Some(s) = &scope {
                    mine.intersect(s);
                }
                match self.heads_of(&mine)[..] {
                    [] => Point::Base,
                    [h] => Point::Revisions(vec![h]),
                    ref many => {
                        return Err(TargetError::AmbiguousCurrent {
                            input: input.trim().to_owned(),
                            heads: many.iter().map(|&h| self.describe(h)).collect(),
                        })
                    }
                }
            }
        };
        let point = self.walk(start, spec.relative, scope.as_ref(), input)?;
        Ok((point, scope))
    }

    /// Walks `steps` along `Revises:` edges within `scope`, refusing forks.
    fn walk(
        &self,
        mut at: Point,
        steps: i64,
        scope: Option<&Applied>,
        input: &str,
    ) -> Result<Point, TargetError> {
        let in_scope = |i: &usize| scope.is_none_or(|s| s.contains(*i));
        let input = input.trim().to_owned();
        for _ in 0..steps.unsigned_abs() {
            let here = match &at {
                Point::Base => None,
                Point::Revisions(r) => Some(r[0]),
            };
            let next: Vec<usize> = match (here, steps > 0) {
                (None, true) => self.bases().into_iter().filter(in_scope).collect(),
                (Some(i), true) => self.children(i).iter().copied().filter(in_scope).collect(),
                (None, false) => {
                    return Err(TargetError::PastEnd {
                        input,
                        end: "base".into(),
                        direction: "below it",
                    });
                }
                (Some(i), false) => self.parents(i).iter().copied().filter(in_scope).collect(),
            };
            at = match (next.as_slice(), steps > 0) {
                ([], true) => {
                    let end = here.map_or("base".to_owned(), |i| self.describe(i));
                    return Err(TargetError::PastEnd {
                        input,
                        end,
                        direction: "above it",
                    });
                }
                ([], false) => Point::Base,
                ([one], _) => Point::Revisions(vec![*one]),
                (many, up) => {
                    let at = here.map_or("base".to_owned(), |i| self.describe(i));
                    let options = many.iter().map(|&i| self.describe(i)).collect();
                    return Err(if up {
                        TargetError::BranchPoint { input, at, options }
                    } else {
                        TargetError::MergePoint { input, at, options }
                    });
                }
            };
        }
        Ok(at)
    }
}

fn single(target: &str) -> Result<Spec, TargetError> {
    match Target::parse(target)? {
        Target::Single(spec) => Ok(spec),
        Target::Range { .. } => Err(TargetError::RangeNotAllowed {
            input: target.trim().to_owned(),
        }),
    }
}

fn check_count(
    input: &str,
    verb: &'static str,
    expected: i64,
    actual: usize,
) -> Result<(), TargetError> {
    if expected < 0 || expected as usize != actual {
        return Err(TargetError::RelativeCount {
            input: input.trim().to_owned(),
            verb,
            expected: expected.unsigned_abs() as usize,
            actual,
        });
    }
    Ok(())
}
