//! Crate-level tests that exercise several modules together. They live in the
//! lib's test binary (not `migrate-graph/tests/`) so the workspace links one
//! test executable for the crate instead of one per file.

mod fixtures;
mod properties;
mod squash;
mod targets;

use crate::{Applied, Graph, Node, Range, Spec, StampPlan, TargetError};

/// A revision with file name = id, as most fixtures want.
pub(crate) fn node<'a>(id: &'a str, parents: &[&'a str]) -> Node<'a> {
    Node {
        id,
        file_name: id,
        parents: parents.to_vec(),
        depends_on: vec![],
        branch_labels: vec![],
        replaces: vec![],
    }
}

/// Builder-style additions so fixtures read like Alembic's `generate_revision` calls.
pub(crate) trait NodeExt<'a> {
    fn depends_on(self, deps: &[&'a str]) -> Node<'a>;
    fn labels(self, labels: &[&'a str]) -> Node<'a>;
}

impl<'a> NodeExt<'a> for Node<'a> {
    fn depends_on(mut self, deps: &[&'a str]) -> Node<'a> {
        self.depends_on = deps.to_vec();
        self
    }
    fn labels(mut self, labels: &[&'a str]) -> Node<'a> {
        self.branch_labels = labels.to_vec();
        self
    }
}

pub(crate) fn build(nodes: Vec<Node<'_>>) -> Graph {
    Graph::build(nodes).unwrap_or_else(|e| panic!("fixture graph is invalid: {e:?}"))
}

pub(crate) fn idx(g: &Graph, id: &str) -> usize {
    g.index_of(id).unwrap_or_else(|| panic!("no revision {id}"))
}

/// The database state whose heads are `heads`: they and all they need.
pub(crate) fn state(g: &Graph, heads: &[&str]) -> Applied {
    g.ancestors(heads.iter().map(|h| idx(g, h)))
}

pub(crate) fn ids<'g>(g: &'g Graph, plan: &[usize]) -> Vec<&'g str> {
    plan.iter().map(|&i| g.id(i)).collect()
}

/// Heads as sorted ids, so assertions do not depend on index order.
pub(crate) fn head_ids<'g>(g: &'g Graph, set: &Applied) -> Vec<&'g str> {
    let mut v = ids(g, &g.heads_of(set));
    v.sort_unstable();
    v
}

pub(crate) fn after_upgrade(applied: &Applied, plan: &[usize]) -> Applied {
    let mut a = applied.clone();
    for &i in plan {
        assert!(
            a.insert(i),
            "upgrade plan applies {i} twice or over an applied revision"
        );
    }
    a
}

pub(crate) fn after_downgrade(applied: &Applied, plan: &[usize]) -> Applied {
    let mut a = applied.clone();
    for &i in plan {
        assert!(
            a.contains(i),
            "downgrade plan reverts {i}, which is not applied"
        );
        a.remove(i);
    }
    a
}

// Callers parse a target once and plan with the parsed value; these do both,
// so a parse error is the plan's error, as it is for a CLI user.

pub(crate) fn plan_up(
    g: &Graph,
    target: &str,
    applied: &Applied,
) -> Result<Vec<usize>, TargetError> {
    g.plan_upgrade(&Spec::parse(target)?, applied)
}

pub(crate) fn plan_down(
    g: &Graph,
    target: &str,
    applied: &Applied,
) -> Result<Vec<usize>, TargetError> {
    g.plan_downgrade(&Spec::parse(target)?, applied)
}

pub(crate) fn plan_stamp(
    g: &Graph,
    targets: &[&str],
    applied: &Applied,
    purge: bool,
) -> Result<StampPlan, TargetError> {
    let specs = targets
        .iter()
        .map(|t| Spec::parse(t))
        .collect::<Result<Vec<_>, _>>()?;
    g.plan_stamp(&specs, applied, purge)
}

pub(crate) fn plan_offline(
    g: &Graph,
    range: &str,
    upgrade: bool,
) -> Result<(Applied, Vec<usize>), TargetError> {
    g.plan_offline(&Range::parse(range)?, upgrade)
}

pub(crate) fn history(
    g: &Graph,
    range: &str,
    applied: &Applied,
) -> Result<Vec<usize>, TargetError> {
    g.history_range(&Range::parse(range)?, applied)
}
