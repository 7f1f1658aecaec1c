//! `current`, `history` and `heads`, as text and as JSON.

use super::json::{write_json, RevisionJson};
use super::revisions::labels;
use super::Revisions;
use migrate_graph::{Anchor, Applied, Graph, Range, Target, TargetError};
use migrate_runtime::{Direction, RowState, Status};
use serde::Serialize;
use std::io::{self, Write};

/// Where the database is, against the heads of the set.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Position {
    /// The database's applied heads that the set has, as graph nodes.
    pub nodes: Vec<usize>,
    /// The database's applied heads, sorted (ids the set lacks included).
    pub at: Vec<String>,
    /// The set's heads, sorted.
    pub heads: Vec<String>,
}

impl Position {
    /// Where `status` says the database is.
    pub fn of(graph: &Graph, status: &Status) -> Position {
        let mut heads: Vec<String> = graph
            .heads()
            .iter()
            .map(|&h| graph.id(h).to_owned())
            .collect();
        heads.sort();
        let mut at = status.heads.clone();
        at.sort();
        Position {
            nodes: status
                .heads
                .iter()
                .filter_map(|h| graph.index_of(h))
                .collect(),
            at,
            heads,
        }
    }

    /// Whether the database is at every head of the set, and only there.
    pub fn at_heads(&self) -> bool {
        self.at == self.heads
    }
}

/// A version-table row's state in words, or `None` when applied.
fn state_name(state: RowState) -> Option<&'static str> {
    match state {
        RowState::Applied => None,
        RowState::Started(Direction::Up) => Some("upgrade started, not finished"),
        RowState::Started(Direction::Down) => Some("downgrade started, not finished"),
        RowState::Failed(Direction::Up) => Some("upgrade failed"),
        RowState::Failed(Direction::Down) => Some("downgrade failed"),
    }
}

/// `current [-v] [--json]`: the database's applied heads, revisions the set
/// lacks, failed ones, and (verbose) how many are pending.
pub fn current(
    out: &mut dyn Write,
    revs: &Revisions<'_>,
    status: &Status,
    verbose: bool,
    json: bool,
) -> io::Result<()> {
    let graph = revs.graph();
    let position = Position::of(graph, status);
    let applied_at = |id: &str| {
        status
            .rows
            .iter()
            .find(|r| r.revision == id)
            .map(|r| r.applied_at.clone())
    };
    if json {
        #[derive(Serialize)]
        struct Head {
            #[serde(flatten)]
            revision: RevisionJson,
            applied_at: Option<String>,
        }
        #[derive(Serialize)]
        struct Failed<'a> {
            id: &'a str,
            state: &'static str,
        }
        #[derive(Serialize)]
        struct Current<'a> {
            heads: Vec<Head>,
            unknown: &'a [String],
            failed: Vec<Failed<'a>>,
            pending: &'a [String],
            at_heads: bool,
        }
        let value = Current {
            heads: position
                .nodes
                .iter()
                .map(|&i| Head {
                    revision: RevisionJson::new(revs, i),
                    applied_at: applied_at(graph.id(i)),
                })
                .collect(),
            unknown: &status.unknown,
            failed: status
                .rows
                .iter()
                .filter_map(|r| {
                    state_name(r.state).map(|state| Failed {
                        id: &r.revision,
                        state,
                    })
                })
                .collect(),
            pending: &status.pending,
            at_heads: position.at_heads(),
        };
        return write_json(out, &value);
    }
    if position.nodes.is_empty() && status.unknown.is_empty() {
        writeln!(out, "base (no revision applied)")?;
    }
    for &i in &position.nodes {
        write_head_line(out, revs, i)?;
        if verbose {
            writeln!(out, "    Path: {}", revs.file(i))?;
            if let Some(row) = status.rows.iter().find(|r| r.revision == revs.id(i)) {
                writeln!(
                    out,
                    "    Applied: {} ({} ms)",
                    row.applied_at, row.duration_ms
                )?;
            }
        }
    }
    for id in &status.unknown {
        writeln!(out, "{id} (not in {})", revs.home())?;
    }
    for row in &status.rows {
        if let Some(state) = state_name(row.state) {
            writeln!(out, "{} ({state})", row.revision)?;
        }
    }
    if verbose && !status.pending.is_empty() {
        writeln!(out, "{} revision(s) pending", status.pending.len())?;
    }
    Ok(())
}

/// `history -r`'s range: `FROM:TO`, where a lone spec is `FROM` (everything
/// from it up), not the `TO` that offline scripts take it for. The second
/// value says whether an end counts from the database's current revision
/// (`-3:`), which then needs the database.
pub fn history_range(text: &str) -> Result<(Range, bool), TargetError> {
    let range = match Target::parse(text)? {
        Target::Range(range) => range,
        Target::Single(spec) => Range {
            from: Some(spec),
            to: None,
        },
    };
    let relative = [&range.from, &range.to]
        .iter()
        .any(|s| s.as_ref().is_some_and(|s| s.anchor == Anchor::Current));
    Ok((range, relative))
}

/// The revisions `history` lists, newest first: all of them, or those in
/// `range`, counted from what `status` says is applied when given.
pub fn history_revisions(
    graph: &Graph,
    range: Option<&Range>,
    status: Option<&Status>,
) -> Result<Vec<usize>, TargetError> {
    let mut applied = Applied::empty(graph.len());
    if let Some(status) = status {
        let ids = status.rows.iter().filter(|r| r.state == RowState::Applied);
        for i in ids.filter_map(|r| graph.index_of(&r.revision)) {
            applied.insert(i);
        }
    }
    let mut revs = match range {
        Some(range) => graph.history_range(range, &applied)?,
        None => graph.order().to_vec(),
    };
    revs.reverse();
    Ok(revs)
}

/// `history [-v] [--json]` of `list` (see [`history_revisions`]); with
/// `current` (the database's heads, `--indicate-current`), marks them.
pub fn history(
    out: &mut dyn Write,
    revs: &Revisions<'_>,
    list: &[usize],
    current: Option<&[usize]>,
    verbose: bool,
    json: bool,
) -> io::Result<()> {
    let graph = revs.graph();
    if json {
        #[derive(Serialize)]
        struct History {
            revisions: Vec<RevisionJson>,
            #[serde(skip_serializing_if = "Option::is_none")]
            current: Option<Vec<String>>,
        }
        let value = History {
            revisions: to_json(revs, list, current),
            current: current.map(|c| c.iter().map(|&i| graph.id(i).to_owned()).collect()),
        };
        return write_json(out, &value);
    }
    write_each(out, revs, list, current, verbose, |out, i, is_current| {
        revs.write_line(out, i, is_current)
    })
}

/// Each of `list` as JSON, marked current or not when the database was asked.
fn to_json(revs: &Revisions<'_>, list: &[usize], current: Option<&[usize]>) -> Vec<RevisionJson> {
    list.iter()
        .map(|&i| {
            let mut r = RevisionJson::new(revs, i);
            r.current = current.map(|c| c.contains(&i));
            r
        })
        .collect()
}

/// Each of `list` as a verbose block, or as `line` prints it.
fn write_each(
    out: &mut dyn Write,
    revs: &Revisions<'_>,
    list: &[usize],
    current: Option<&[usize]>,
    verbose: bool,
    line: impl Fn(&mut dyn Write, usize, bool) -> io::Result<()>,
) -> io::Result<()> {
    for &i in list {
        let is_current = current.is_some_and(|c| c.contains(&i));
        if verbose {
            revs.write_block(out, i, is_current)?;
        } else {
            line(out, i, is_current)?;
        }
    }
    Ok(())
}

/// `heads [-v] [--json]`: the heads of the set.
pub fn heads(
    out: &mut dyn Write,
    revs: &Revisions<'_>,
    verbose: bool,
    json: bool,
) -> io::Result<()> {
    let heads = revs.graph().heads();
    if json {
        #[derive(Serialize)]
        struct Heads {
            heads: Vec<RevisionJson>,
        }
        let heads = to_json(revs, heads, None);
        return write_json(out, &Heads { heads });
    }
    write_each(out, revs, heads, None, verbose, |out, h, _| {
        write_head_line(out, revs, h)
    })
}

/// `id (labels) (head), message`: the line of an applied head or a head of
/// the set, with the labels it inherits.
fn write_head_line(out: &mut dyn Write, revs: &Revisions<'_>, i: usize) -> io::Result<()> {
    let graph = revs.graph();
    let head = if graph.heads().contains(&i) {
        " (head)"
    } else {
        ""
    };
    writeln!(
        out,
        "{}{}{head}, {}",
        revs.id(i),
        labels(&graph.branch_labels(i)),
        revs.message(i)
    )
}
