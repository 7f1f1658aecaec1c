//! How squash revisions bend the edges of the graph while it is built: a
//! reference into a squashed prefix points at the squash, and the squash
//! rules that need no edges yet are checked. See `squash` for the model.

use crate::graph_error::GraphError;
use crate::node::{Node, Relation};
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
