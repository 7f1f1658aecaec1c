//! Which tables existed before a revision: the effects of its ancestors,
//! replayed in apply order.
//!
//! A chain is walked once: when a revision's only parent is the revision
//! just replayed, its state is that one plus the parent's effects. A merge
//! point, a `Depends On:` or a revision on another branch gets its state
//! rebuilt from its own ancestors, so a sibling branch's tables never leak in.

use migrate_graph::Graph;
use std::collections::HashMap;

/// What a revision changed in the set of tables, in statement order: [`History`]
/// replays these for the revisions after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Effect {
    Create(String),
    Drop(String),
    Rename(String, String),
}

/// Table names (as [`crate::analyze::key`] folds them), each with the
/// revision that created it, or `None` when a rename carried it from a table
/// the history does not know.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tables(HashMap<String, Option<usize>>);

impl Tables {
    /// Whether the history knows `table`, and which revision created it.
    pub(crate) fn get(&self, table: &str) -> Option<Option<usize>> {
        self.0.get(table).copied()
    }

    fn apply(&mut self, revision: usize, effects: &[Effect]) {
        for e in effects {
            match e {
                Effect::Create(t) => {
                    self.0.insert(t.clone(), Some(revision));
                }
                Effect::Drop(t) => {
                    self.0.remove(t);
                }
                Effect::Rename(from, to) => {
                    let origin = self.0.remove(from).flatten();
                    self.0.insert(to.clone(), origin);
                }
            }
        }
    }
}

/// Replays revisions' effects, visited in the graph's apply order.
pub(crate) struct History<'g> {
    graph: &'g Graph,
    /// Each revision's effects, once it was visited.
    effects: Vec<Vec<Effect>>,
    /// The state after `running.0`.
    running: Option<(usize, Tables)>,
}

impl<'g> History<'g> {
    pub(crate) fn new(graph: &'g Graph) -> History<'g> {
        History {
            graph,
            effects: vec![Vec::new(); graph.len()],
            running: None,
        }
    }

    /// The tables before revision `i`. Every ancestor of `i` must have been
    /// [`recorded`](History::record) first: visit in `graph.order()`.
    pub(crate) fn before(&mut self, i: usize) -> Tables {
        let g = self.graph;
        if let ([parent], []) = (g.parents(i), g.depends_on(i)) {
            if self
                .running
                .as_ref()
                .is_some_and(|(last, _)| last == parent)
            {
                // Taken, not cloned: `record` puts the next state back.
                if let Some((_, tables)) = self.running.take() {
                    return tables;
                }
            }
        }
        let mut ancestors = g.ancestors([i]);
        ancestors.remove(i);
        let mut tables = Tables::default();
        for j in g.in_order(&ancestors) {
            tables.apply(j, &self.effects[j]);
        }
        tables
    }

    /// Records what `i` did, given the tables before it.
    pub(crate) fn record(&mut self, i: usize, mut before: Tables, effects: Vec<Effect>) {
        before.apply(i, &effects);
        self.effects[i] = effects;
        self.running = Some((i, before));
    }
}
