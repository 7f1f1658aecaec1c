//! The revision graph: parents, `Depends On` edges, branch labels, heads and the
//! deterministic apply order. Built from `node`s, reporting `graph_error`s,
//! with `squash_layout` bending references into squashes; the squash
//! queries in `squash` are methods on this graph and import it.

use crate::bitset::Applied;
use crate::graph_error::GraphError;
use crate::node::{Node, Relation};
use crate::squash_layout::Layout;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

/// A validated revision graph. Node indexes follow file-name order, so index
/// comparisons break ties the way the design's apply order asks.
#[derive(Clone, Debug)]
pub struct Graph {
    ids: Vec<String>,
    files: Vec<String>,
    parents: Vec<Vec<usize>>,
    deps: Vec<Vec<usize>>,
    children: Vec<Vec<usize>>,
    dependents: Vec<Vec<usize>>,
    labels: Vec<Vec<String>>,
    index: HashMap<String, usize>,
    label_index: HashMap<String, usize>,
    replaces: Vec<Vec<String>>,
    replaced_by: HashMap<String, usize>,
    squash_present: HashMap<usize, bool>,
    by_id: Vec<usize>,
    order: Vec<usize>,
    position: Vec<usize>,
    heads: Vec<usize>,
}

impl Graph {
    /// Builds the graph, collecting every duplicate id, unknown reference,
    /// cycle and label clash rather than stopping at the first.
    ///
    /// Nodes may come in any order; they are sorted by file name.
    pub fn build<'a>(nodes: impl IntoIterator<Item = Node<'a>>) -> Result<Graph, Vec<GraphError>> {
        let mut nodes: Vec<Node<'a>> = nodes.into_iter().collect();
        nodes.sort_by(|a, b| a.file_name.cmp(b.file_name).then(a.id.cmp(b.id)));
        let n = nodes.len();
        let mut errors = Vec::new();

        let mut index: HashMap<String, usize> = HashMap::with_capacity(n);
        for (i, node) in nodes.iter().enumerate() {
            if let Some(&first) = index.get(node.id) {
                errors.push(GraphError::DuplicateId {
                    id: node.id.to_owned(),
                    first: nodes[first].file_name.to_owned(),
                    second: node.file_name.to_owned(),
                });
            } else {
                index.insert(node.id.to_owned(), i);
            }
        }
        let mut by_id: Vec<usize> = index.values().copied().collect();
        by_id.sort_unstable_by(|&a, &b| nodes[a].id.cmp(nodes[b].id));

        let mut label_index: HashMap<String, usize> = HashMap::new();
        for (i, node) in nodes.iter().enumerate() {
            for &label in &node.branch_labels {
                if let Some(&other) = index.get(label) {
                    errors.push(GraphError::LabelIsRevisionId {
                        label: label.to_owned(),
                        file: node.file_name.to_owned(),
                        other: nodes[other].file_name.to_owned(),
                    });
                } else if let Some(&first) = label_index.get(label) {
                    errors.push(GraphError::DuplicateLabel {
                        label: label.to_owned(),
                        first: nodes[first].file_name.to_owned(),
                        second: node.file_name.to_owned(),
                    });
                } else {
                    label_index.insert(label.to_owned(), i);
                }
            }
        }

        let layout = Layout::new(&nodes, &index, &mut errors);
        let ids: Vec<String> = nodes.iter().map(|n| n.id.to_owned()).collect();
        let mut resolve = |i: usize, relation: Relation| -> Vec<usize> {
            let targets = layout.targets(i, &nodes, relation, &mut errors);
            let mut out = Vec::with_capacity(targets.len());
            for t in targets {
                match index.get(t) {
                    Some(&j) if !out.contains(&j) => out.push(j),
                    Some(_) => {}
                    // A replaced file left behind when others were
                    // deleted: the squash's own error says it.
                    None if layout.is_replaced(t) => {}
                    None => errors.push(GraphError::UnknownReference {
                        revision: nodes[i].id.to_owned(),
                        file: nodes[i].file_name.to_owned(),
                        relation,
                        missing: t.to_owned(),
                        suggestions: closest(&ids, t),
                    }),
                }
            }
            out
        };
        let parents: Vec<Vec<usize>> = (0..n).map(|i| resolve(i, Relation::Revises)).collect();
        let deps: Vec<Vec<usize>> = (0..n)
            .map(|i| {
                let mut d = resolve(i, Relation::DependsOn);
                // A dependency that is also a parent adds nothing.
                d.retain(|j| !parents[i].contains(j));
                d
            })
            .collect();

        let mut children = vec![Vec::new(); n];
        let mut dependents = vec![Vec::new(); n];
        for i in 0..n {
            for &p in &parents[i] {
                children[p].push(i);
            }
            for &d in &deps[i] {
                dependents[d].push(i);
            }
        }

        layout.check_prefixes(&nodes, &index, &parents, &deps, &mut errors);
        let (order, cycle) = topological_order(&parents, &deps, &children, &dependents);
        if let Some(cycle) = cycle {
            errors.push(GraphError::Cycle {
                cycle: cycle.into_iter().map(|i| ids[i].clone()).collect(),
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut position = vec![0; n];
        for (p, &i) in order.iter().enumerate() {
            position[i] = p;
        }
        let heads = (0..n)
            .filter(|&i| children[i].is_empty() && dependents[i].is_empty())
            .collect();
        let (replaced_by, squash_present) = layout.into_parts();
        Ok(Graph {
            replaces: nodes
                .iter()
                .map(|n| n.replaces.iter().map(|s| s.to_string()).collect())
                .collect(),
            replaced_by,
            squash_present,
            labels: nodes
                .iter()
                .map(|n| n.branch_labels.iter().map(|s| s.to_string()).collect())
                .collect(),
            files: nodes.iter().map(|n| n.file_name.to_owned()).collect(),
            ids,
            parents,
            deps,
            children,
            dependents,
            index,
            label_index,
            by_id,
            order,
            position,
            heads,
        })
    }

    /// Number of revisions.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are no revisions.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The id of revision `i`.
    pub fn id(&self, i: usize) -> &str {
        &self.ids[i]
    }

    /// The file name of revision `i`.
    pub fn file_name(&self, i: usize) -> &str {
        &self.files[i]
    }

    /// The parents (`Revises:`) of revision `i`.
    pub fn parents(&self, i: usize) -> &[usize] {
        &self.parents[i]
    }

    /// The `Depends On:` revisions of `i` that are not also parents.
    pub fn depends_on(&self, i: usize) -> &[usize] {
        &self.deps[i]
    }

    /// The revisions whose `Revises:` names `i`.
    pub fn children(&self, i: usize) -> &[usize] {
        &self.children[i]
    }

    /// The revisions whose `Depends On:` names `i`.
    pub fn dependents(&self, i: usize) -> &[usize] {
        &self.dependents[i]
    }

    /// The ids squash revision `i` replaces (`Replaces:`), in the order
    /// written; empty for an ordinary revision.
    pub fn replaces(&self, i: usize) -> &[String] {
        &self.replaces[i]
    }

    /// Whether revision `i` is a squash revision.
    pub fn is_squash(&self, i: usize) -> bool {
        !self.replaces[i].is_empty()
    }

    /// The squash revision that replaces `id`, whether or not `id`'s file
    /// is still present.
    pub fn replaced_by(&self, id: &str) -> Option<usize> {
        self.replaced_by.get(id).copied()
    }

    /// The revisions squash `i` replaces whose files are present, as nodes:
    /// none once they are deleted (and none for an ordinary revision).
    pub fn replaced_nodes(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.replaces[i].iter().filter_map(|r| self.index_of(r))
    }

    /// Whether any revision is a squash revision.
    pub fn has_squashes(&self) -> bool {
        !self.squash_present.is_empty()
    }

    /// The squash revisions, in apply order, with the nodes of the
    /// revisions each replaces (empty once their files are deleted).
    pub fn squashes(&self) -> Vec<(usize, Vec<usize>)> {
        let mut out: Vec<(usize, Vec<usize>)> = self
            .squash_present
            .keys()
            .map(|&s| (s, self.replaced_nodes(s).collect()))
            .collect();
        out.sort_by_key(|&(s, _)| self.position[s]);
        out
    }

    /// Branch labels declared on revision `i`.
    pub fn declared_labels(&self, i: usize) -> &[String] {
        &self.labels[i]
    }

    /// The index of the revision with exactly this id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// [`Graph::index_of`], trying `guess` first: one string comparison
    /// instead of a hash when the caller knows which revision likely comes
    /// next (a version table read in apply order).
    ///
    /// ```
    /// # use migrate_graph::{Graph, Node};
    /// # let n = |id, p: &[&'static str]| Node { id, file_name: id, parents: p.to_vec(), depends_on: vec![], branch_labels: vec![], replaces: vec![] };
    /// let g = Graph::build([n("a1", &[]), n("b2", &["a1"])]).unwrap();
    /// assert_eq!(g.index_near("b2", 1), g.index_of("b2"));
    /// assert_eq!(g.index_near("b2", 0), g.index_of("b2"));
    /// assert_eq!(g.index_near("zz", 9), None);
    /// ```
    pub fn index_near(&self, id: &str, guess: usize) -> Option<usize> {
        match self.ids.get(guess) {
            Some(at) if at == id => Some(guess),
            _ => self.index_of(id),
        }
    }

    /// The revision that declares branch label `label`.
    pub fn label_revision(&self, label: &str) -> Option<usize> {
        self.label_index.get(label).copied()
    }

    /// Every branch label with the revision declaring it, sorted by label.
    pub fn labels(&self) -> Vec<(&str, usize)> {
        let mut out: Vec<(&str, usize)> = self
            .label_index
            .iter()
            .map(|(l, &i)| (l.as_str(), i))
            .collect();
        out.sort_unstable();
        out
    }

    /// Revisions whose id starts with `prefix`, sorted by id.
    pub fn with_prefix(&self, prefix: &str) -> &[usize] {
        let start = self
            .by_id
            .partition_point(|&i| self.ids[i].as_str() < prefix);
        let len = self.by_id[start..].partition_point(|&i| self.ids[i].starts_with(prefix));
        &self.by_id[start..start + len]
    }

    /// Up to three existing ids closest to `wanted`, for "did you mean" hints.
    pub fn closest_ids(&self, wanted: &str) -> Vec<String> {
        closest(&self.ids, wanted)
    }

    /// The apply order: every revision after its parents and dependencies, and
    /// among ready revisions the one whose file name sorts first.
    pub fn order(&self) -> &[usize] {
        &self.order
    }

    /// Where revision `i` stands in [`Graph::order`].
    pub fn position(&self, i: usize) -> usize {
        self.position[i]
    }

    /// Revisions that no revision revises or depends on (Alembic's heads), by file name.
    pub fn heads(&self) -> &[usize] {
        &self.heads
    }

    /// Revisions with no parents.
    pub fn bases(&self) -> Vec<usize> {
        (0..self.len())
            .filter(|&i| self.parents[i].is_empty())
            .collect()
    }

    /// Revisions with more than one child.
    pub fn is_branch_point(&self, i: usize) -> bool {
        self.children[i].len() > 1
    }

    /// `roots` and everything they need: parents and dependencies, transitively.
    pub fn ancestors(&self, roots: impl IntoIterator<Item = usize>) -> Applied {
        self.closure(roots, |i| self.parents[i].iter().chain(&self.deps[i]))
    }

    /// `roots` and their ancestors through `Revises:` only.
    pub fn parent_ancestors(&self, roots: impl IntoIterator<Item = usize>) -> Applied {
        self.closure(roots, |i| self.parents[i].iter())
    }

    /// `roots` and everything that needs them, through parents and dependencies.
    pub fn descendants(&self, roots: impl IntoIterator<Item = usize>) -> Applied {
        self.closure(roots, |i| {
            self.children[i].iter().chain(&self.dependents[i])
        })
    }

    /// `roots` and their descendants through `Revises:` only.
    pub fn parent_descendants(&self, roots: impl IntoIterator<Item = usize>) -> Applied {
        self.closure(roots, |i| self.children[i].iter())
    }

    /// The revisions on `i`'s line of history: its parent-ancestors and
    /// parent-descendants. A branch label names the line of the revision declaring it.
    pub fn lineage(&self, i: usize) -> Applied {
        let mut set = self.parent_ancestors([i]);
        set.union(&self.parent_descendants([i]));
        set
    }

    /// Branch labels that apply to revision `i`: declared on it or on a
    /// parent-ancestor (labels flow down to descendants, as in Alembic).
    pub fn branch_labels(&self, i: usize) -> Vec<&str> {
        let anc = self.parent_ancestors([i]);
        let mut out: Vec<&str> = anc
            .iter()
            .flat_map(|a| self.labels[a].iter().map(String::as_str))
            .collect();
        out.sort_unstable();
        out
    }

    /// The heads of a set: members that no other member revises or depends on.
    pub fn heads_of(&self, set: &Applied) -> Vec<usize> {
        set.iter()
            .filter(|&i| {
                !self.children[i]
                    .iter()
                    .chain(&self.dependents[i])
                    .any(|&c| set.contains(c))
            })
            .collect()
    }

    /// An [`Applied`] set from revision ids, or the ids this graph does not know.
    pub fn applied_from_ids<S: AsRef<str>>(
        &self,
        ids: impl IntoIterator<Item = S>,
    ) -> Result<Applied, Vec<String>> {
        let mut set = Applied::empty(self.len());
        let mut unknown = Vec::new();
        for id in ids {
            match self.index_of(id.as_ref()) {
                Some(i) => {
                    set.insert(i);
                }
                None => unknown.push(id.as_ref().to_owned()),
            }
        }
        if unknown.is_empty() {
            Ok(set)
        } else {
            Err(unknown)
        }
    }

    /// The members of `set` in apply order.
    pub fn in_order(&self, set: &Applied) -> Vec<usize> {
        let mut v: Vec<usize> = set.iter().collect();
        v.sort_unstable_by_key(|&i| self.position[i]);
        v
    }

    fn closure<'s, I>(
        &'s self,
        roots: impl IntoIterator<Item = usize>,
        next: impl Fn(usize) -> I,
    ) -> Applied
    where
        I: Iterator<Item = &'s usize>,
    {
        let mut seen = Applied::empty(self.len());
        let mut stack: Vec<usize> = roots.into_iter().filter(|&r| seen.insert(r)).collect();
        while let Some(i) = stack.pop() {
            for &j in next(i) {
                if seen.insert(j) {
                    stack.push(j);
                }
            }
        }
        seen
    }
}

/// Kahn's algorithm with a min-heap on the node index (file-name rank). Returns
/// the order and, if not every node was emitted, one cycle among the rest.
fn topological_order(
    parents: &[Vec<usize>],
    deps: &[Vec<usize>],
    children: &[Vec<usize>],
    dependents: &[Vec<usize>],
) -> (Vec<usize>, Option<Vec<usize>>) {
    let n = parents.len();
    let mut indegree: Vec<usize> = (0..n).map(|i| parents[i].len() + deps[i].len()).collect();
    let mut ready: BinaryHeap<Reverse<usize>> =
        (0..n).filter(|&i| indegree[i] == 0).map(Reverse).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(Reverse(i)) = ready.pop() {
        order.push(i);
        for &c in children[i].iter().chain(&dependents[i]) {
            indegree[c] -= 1;
            if indegree[c] == 0 {
                ready.push(Reverse(c));
            }
        }
    }
    if order.len() == n {
        return (order, None);
    }
    // Every node left has a predecessor that is also left; walking predecessors
    // must revisit a node, and the walk from there on is a cycle.
    let start = (0..n).find(|&i| indegree[i] > 0).expect("a node is left");
    let mut seen_at = HashMap::new();
    let mut path = Vec::new();
    let mut at = start;
    while !seen_at.contains_key(&at) {
        seen_at.insert(at, path.len());
        path.push(at);
        at = *parents[at]
            .iter()
            .chain(&deps[at])
            .find(|&&p| indegree[p] > 0)
            .expect("a node on a cycle has a predecessor on it");
    }
    let mut cycle: Vec<usize> = path[seen_at[&at]..].to_vec();
    // The walk went child -> parent; show it the way files read: child revises parent.
    cycle.push(cycle[0]);
    (order, Some(cycle))
}

/// Up to three ids within a small edit distance of `wanted`, closest first.
fn closest(ids: &[String], wanted: &str) -> Vec<String> {
    // A third of the length, as rustc's suggestions use: a floor of 2 let a short
    // typo such as `abd` suggest `b`, which shares almost nothing with it.
    let limit = wanted.len().max(3) / 3;
    let wanted_chars = wanted.chars().count();
    let mut scored: Vec<(usize, &String)> = ids
        .iter()
        .filter_map(|id| {
            // An id that the wanted text begins is a likely truncation.
            let d = if id.starts_with(wanted) {
                0
            } else if id.chars().count().abs_diff(wanted_chars) > limit {
                // The distance is at least the difference in length: skip the
                // quadratic comparison (a 120 KB target meets 10,000 ids).
                return None;
            } else {
                strsim::levenshtein(id, wanted)
            };
            (d <= limit).then_some((d, id))
        })
        .collect();
    scored.sort();
    // The same id twice (two files declaring it) is one suggestion.
    scored.dedup();
    scored
        .into_iter()
        .take(3)
        .map(|(_, id)| id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn order_breaks_ties_by_file_name() {
        let g = Graph::build([
            node("c", &["a"]),
            node("b", &["a"]),
            node("a", &[]),
            node("d", &["b", "c"]),
        ])
        .unwrap();
        let ids: Vec<&str> = g.order().iter().map(|&i| g.id(i)).collect();
        assert_eq!(ids, ["a", "b", "c", "d"]);
        assert_eq!(
            g.heads().iter().map(|&i| g.id(i)).collect::<Vec<_>>(),
            ["d"]
        );
    }

    #[test]
    fn cycle_is_listed() {
        let errs = Graph::build([
            node("a", &["c"]),
            node("b", &["a"]),
            node("c", &["b"]),
            node("x", &[]),
        ])
        .unwrap_err();
        let GraphError::Cycle { cycle } = &errs[0] else {
            panic!("{errs:?}")
        };
        assert_eq!(cycle.len(), 4);
        assert_eq!(cycle.first(), cycle.last());
    }

    #[test]
    fn unknown_parent_suggests_close_ids() {
        let errs = Graph::build([node("abc123", &[]), node("b", &["abc124"])]).unwrap_err();
        assert_eq!(
            errs,
            [GraphError::UnknownReference {
                revision: "b".into(),
                file: "b".into(),
                relation: Relation::Revises,
                missing: "abc124".into(),
                suggestions: vec!["abc123".into()],
            }]
        );
        assert!(
            errs[0].to_string().contains("did you mean `abc123`?"),
            "{}",
            errs[0]
        );
    }

    #[test]
    fn suggestions_name_each_id_once() {
        let errs =
            Graph::build([node("a1", &[]), node("a1", &[]), node("b", &["a2"])]).unwrap_err();
        let unknown = errs
            .iter()
            .find_map(|e| match e {
                GraphError::UnknownReference { suggestions, .. } => Some(suggestions.clone()),
                _ => None,
            })
            .unwrap();
        assert_eq!(unknown, ["a1"]);
    }

    #[test]
    fn prefix_lookup() {
        let g =
            Graph::build([node("ab1", &[]), node("ab2", &["ab1"]), node("b", &["ab2"])]).unwrap();
        assert_eq!(g.with_prefix("ab").len(), 2);
        assert_eq!(g.with_prefix("b"), [2]);
        assert!(g.with_prefix("z").is_empty());
    }
}
