//! Where a parsed target points on the graph: a revision by id, prefix or
//! label, the heads, base, or a walk of `+N` / `-N` steps that refuses forks.

use crate::bitset::Applied;
use crate::graph::Graph;
use crate::target::{clip, Anchor, Spec, TargetError};

/// Where a resolved spec points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Point {
    Base,
    Revisions(Vec<usize>),
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
                input: clip(text),
                suggestions: self.closest_ids(text),
            }),
            many => Err(TargetError::AmbiguousPrefix {
                prefix: clip(text),
                candidates: many.iter().map(|&i| self.describe(i)).collect(),
            }),
        }
    }

    /// `id (file)`, as messages show a revision.
    pub fn describe(&self, i: usize) -> String {
        format!("{} ({})", self.id(i), self.file_name(i))
    }

    /// The one revision `spec` names from `applied`, or `None` for base: what
    /// `show REV`, `revision --head REV` and `merge` need. A spec that names
    /// several revisions here (`heads` with several heads) is an error listing
    /// them.
    ///
    /// ```
    /// # use migrate_graph::{Graph, Node, Applied};
    /// # let n = |id, p: &[&'static str]| Node { id, file_name: id, parents: p.to_vec(), depends_on: vec![], branch_labels: vec![], replaces: vec![] };
    /// let g = Graph::build([n("a", &[]), n("b", &["a"]), n("c", &["a"])]).unwrap();
    /// let none = Applied::empty(g.len());
    /// assert_eq!(g.resolve_one(&"b-1".parse().unwrap(), &none), Ok(g.index_of("a")));
    /// assert_eq!(g.resolve_one(&"base".parse().unwrap(), &none), Ok(None));
    /// assert!(g.resolve_one(&"heads".parse().unwrap(), &none).is_err());
    /// ```
    pub fn resolve_one(
        &self,
        spec: &Spec,
        applied: &Applied,
    ) -> Result<Option<usize>, TargetError> {
        match self.resolve_spec(spec, applied)?.0 {
            Point::Base => Ok(None),
            Point::Revisions(revs) => match revs[..] {
                [] => Ok(None),
                [one] => Ok(Some(one)),
                _ => Err(TargetError::NotSingle {
                    input: clip(&spec.to_string()),
                    revisions: revs.iter().map(|&i| self.describe(i)).collect(),
                }),
            },
        }
    }

    /// Resolves a spec to a point and, for `branch@`, the branch's line.
    pub(crate) fn resolve_spec(
        &self,
        spec: &Spec,
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
                            input: clip(&spec.to_string()),
                            heads: many.iter().map(|&h| self.describe(h)).collect(),
                        })
                    }
                }
            }
        };
        let point = self.walk(start, spec, scope.as_ref())?;
        Ok((point, scope))
    }

    /// Walks `steps` along `Revises:` edges within `scope`, refusing forks.
    fn walk(
        &self,
        mut at: Point,
        spec: &Spec,
        scope: Option<&Applied>,
    ) -> Result<Point, TargetError> {
        let in_scope = |i: &usize| scope.is_none_or(|s| s.contains(*i));
        let steps = spec.relative;
        let input = || clip(&spec.to_string());
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
                        input: input(),
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
                        input: input(),
                        end,
                        direction: "above it",
                    });
                }
                ([], false) => Point::Base,
                ([one], _) => Point::Revisions(vec![*one]),
                (many, up) => {
                    let at = here.map_or("base".to_owned(), |i| self.describe(i));
                    let options = many.iter().map(|&i| self.describe(i)).collect();
                    let input = input();
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
