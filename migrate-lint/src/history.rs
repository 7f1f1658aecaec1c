//! What existed before a revision: the tables (keyed by their full name),
//! their columns' types and the NOT NULL checks validated on them, from the
//! effects of its ancestors replayed in apply order.
//!
//! A chain is walked once: when a revision's only parent is the revision
//! just replayed, its state is that one plus the parent's effects. A merge
//! point, a `Depends On:` or a revision on another branch gets its state
//! rebuilt from its own ancestors, so a sibling branch's tables never leak in.

use migrate_graph::Graph;
use std::collections::HashMap;

/// What a revision changed, in statement order: [`History`] replays these
/// for the revisions after it. Tables are named as [`crate::analyze::key`]
/// folds them; types as sqlparser prints them, lowercased.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Effect {
    /// A table created with these columns and types.
    Create(String, Vec<(String, String)>),
    Drop(String),
    Rename(String, String),
    /// A column added, or its type changed: `(table, column, type)`.
    Column(String, String, String),
    DropColumn(String, String),
    RenameColumn(String, String, String),
    /// A check `(column IS NOT NULL)`: `(table, constraint, column, validated)`.
    NotNullCheck(String, String, String, bool),
    /// `VALIDATE CONSTRAINT`: `(table, constraint)`.
    Validate(String, String),
}

/// One table: the revision that created it (`None` when a rename carried it
/// from a table the history does not know), its known columns' types, and
/// its NOT NULL checks by constraint name.
#[derive(Clone, Debug, Default)]
pub(crate) struct Table {
    pub origin: Option<usize>,
    pub columns: HashMap<String, String>,
    /// Constraint name → `(column, validated)`.
    pub checks: HashMap<String, (String, bool)>,
}

/// The tables known at one point of the history.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tables(HashMap<String, Table>);

impl Tables {
    /// The table named `table`, if the history knows it.
    pub(crate) fn get(&self, table: &str) -> Option<&Table> {
        self.0.get(table)
    }

    /// The type of `table.column`, if the history knows it.
    pub(crate) fn column_type(&self, table: &str, column: &str) -> Option<&str> {
        self.get(table)?.columns.get(column).map(String::as_str)
    }

    /// Whether a validated `CHECK (column IS NOT NULL)` guards the column, so
    /// that PostgreSQL's SET NOT NULL skips its scan.
    pub(crate) fn not_null_checked(&self, table: &str, column: &str) -> bool {
        self.get(table).is_some_and(|t| {
            t.checks
                .values()
                .any(|(c, validated)| c == column && *validated)
        })
    }

    /// Applies one effect of `revision`.
    pub(crate) fn apply(&mut self, revision: usize, e: &Effect) {
        match e {
            Effect::Create(t, columns) => {
                let table = Table {
                    origin: Some(revision),
                    columns: columns.iter().cloned().collect(),
                    checks: HashMap::new(),
                };
                self.0.insert(t.clone(), table);
            }
            Effect::Drop(t) => {
                self.0.remove(t);
            }
            Effect::Rename(from, to) => {
                let table = self.0.remove(from).unwrap_or_default();
                self.0.insert(to.clone(), table);
            }
            Effect::Column(t, c, ty) => {
                if let Some(table) = self.0.get_mut(t) {
                    table.columns.insert(c.clone(), ty.clone());
                }
            }
            Effect::DropColumn(t, c) => {
                if let Some(table) = self.0.get_mut(t) {
                    table.columns.remove(c);
                    table.checks.retain(|_, (col, _)| col != c);
                }
            }
            Effect::RenameColumn(t, from, to) => {
                if let Some(table) = self.0.get_mut(t) {
                    if let Some(ty) = table.columns.remove(from) {
                        table.columns.insert(to.clone(), ty);
                    }
                    for (col, _) in table.checks.values_mut() {
                        if col == from {
                            col.clone_from(to);
                        }
                    }
                }
            }
            Effect::NotNullCheck(t, name, c, validated) => {
                let table = self.0.entry(t.clone()).or_default();
                table.checks.insert(name.clone(), (c.clone(), *validated));
            }
            Effect::Validate(t, name) => {
                if let Some(check) = self.0.get_mut(t).and_then(|t| t.checks.get_mut(name)) {
                    check.1 = true;
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
            for e in &self.effects[j] {
                tables.apply(j, e);
            }
        }
        tables
    }

    /// Records what `i` did, and the state after it.
    pub(crate) fn record(&mut self, i: usize, after: Tables, effects: Vec<Effect>) {
        self.effects[i] = effects;
        self.running = Some((i, after));
    }
}
