//! The version table interpreted against the graph, and the policy checks:
//! rows in, state and errors out. Pure, so it is tested without a database.

use crate::embedded::Migration;
use crate::error::{Corruption, Error};
use crate::protocol::parse_state;
use crate::session::{Brief, RawRow};
use crate::types::{AppliedRow, Direction, DriftPolicy, RowState, UnknownPolicy};
use migrate_graph::{Applied, Graph};

/// What the version table says, against the graph.
#[derive(Clone, Debug)]
pub(crate) struct State {
    /// Every row with all its columns, in apply order; only filled by a
    /// full read (`status`, `accept_checksum`, `resolve`).
    pub(crate) rows: Vec<AppliedRow>,
    /// Known revisions in the `applied` state.
    pub(crate) applied: Applied,
    /// Rows of revisions the graph does not know.
    pub(crate) unknown: Vec<String>,
    /// Rows in a started or failed state.
    pub(crate) failed: Vec<(String, RowState)>,
    /// Applied known revisions whose checksum differs: (index, recorded).
    pub(crate) drifted: Vec<(usize, String)>,
    /// The known revisions with a row, when squashes make that differ from
    /// `applied` (see [`State::recorded`]).
    pub(crate) rows_of: Option<Applied>,
    /// Rows of revisions a squash replaces whose files are gone.
    pub(crate) replaced: Vec<String>,
    /// Squashes whose replaced revisions are all recorded: the next
    /// upgrade records the squash in their place.
    pub(crate) pending: Vec<usize>,
}

impl State {
    /// The known revisions that have a row. `applied` also holds what
    /// squashes imply: the revisions a recorded squash replaced, and a
    /// squash whose replaced revisions are all recorded.
    pub(crate) fn recorded(&self) -> &Applied {
        self.rows_of.as_ref().unwrap_or(&self.applied)
    }

    /// Notes a step's row written (`true`) or deleted.
    pub(crate) fn set_row(&mut self, i: usize, present: bool) {
        let sets = [Some(&mut self.applied), self.rows_of.as_mut()];
        for set in sets.into_iter().flatten() {
            if present {
                set.insert(i);
            } else {
                set.remove(i);
            }
        }
    }
}

/// Reads rows against one graph and migration list.
#[derive(Clone, Copy)]
pub(crate) struct Reader<'a> {
    pub(crate) graph: &'a Graph,
    pub(crate) list: &'a [Migration],
    /// The table, for messages.
    pub(crate) table: &'a str,
}

/// A checksum as lowercase hex, without allocating.
pub(crate) struct Hex([u8; 64]);

impl Hex {
    /// The hex digits of `bytes`.
    pub(crate) fn of(bytes: &[u8; 32]) -> Hex {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 64];
        for (k, b) in bytes.iter().enumerate() {
            out[2 * k] = DIGITS[(b >> 4) as usize];
            out[2 * k + 1] = DIGITS[(b & 15) as usize];
        }
        Hex(out)
    }

    /// As text.
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("hex digits are ASCII")
    }
}

/// Whether a recorded checksum (hex, surrounding blanks ignored) is `bytes`.
fn same_checksum(recorded: &str, bytes: &[u8; 32]) -> bool {
    recorded.trim().as_bytes() == Hex::of(bytes).0
}

impl Reader<'_> {
    /// An empty state (no table, or an empty one).
    pub(crate) fn empty(&self) -> State {
        State {
            rows: Vec::new(),
            applied: Applied::empty(self.graph.len()),
            unknown: Vec::new(),
            failed: Vec::new(),
            drifted: Vec::new(),
            rows_of: None,
            replaced: Vec::new(),
            pending: Vec::new(),
        }
    }

    /// Interprets a brief read.
    pub(crate) fn brief(&self, brief: &Brief) -> Result<State, Error> {
        let mut st = self.empty();
        // Rows come in the order they were written, mostly apply order: the
        // revision after the last one found is tried before the hash.
        let mut next = 0;
        for (revision, checksum, state) in brief.records() {
            let index = self.graph.index_near(revision, next);
            self.note(&mut st, index, revision, checksum, state)?;
            if let Some(i) = index {
                let at = self.graph.position(i) + 1;
                next = self.graph.order().get(at).copied().unwrap_or(0);
            }
        }
        st.unknown.sort();
        if self.graph.has_squashes() {
            self.settle(&mut st)?;
        }
        Ok(st)
    }

    /// Interprets a full read, keeping the rows (in apply order) too.
    pub(crate) fn full(&self, raw: Vec<RawRow>) -> Result<State, Error> {
        let mut st = self.empty();
        st.rows.reserve(raw.len());
        for row in raw {
            let index = self.graph.index_of(&row.revision);
            let state = self.note(&mut st, index, &row.revision, &row.checksum, &row.state)?;
            st.rows.push(AppliedRow {
                revision: row.revision,
                checksum: row.checksum,
                applied_at: row.applied_at,
                duration_ms: row.duration_ms,
                state,
            });
        }
        // Known revisions in apply order, unknown ones after them.
        let graph = self.graph;
        st.rows.sort_by_key(|r| {
            graph
                .index_of(&r.revision)
                .map_or(usize::MAX, |i| graph.position(i))
        });
        st.unknown.sort();
        if self.graph.has_squashes() {
            self.settle(&mut st)?;
        }
        Ok(st)
    }

    fn corrupt(&self, detail: Corruption) -> Error {
        Error::CorruptTable {
            table: self.table.to_owned(),
            detail,
        }
    }

    /// Adds one row (`index`: its revision's, when this build has it) to the
    /// state; allocates only for rows that need attention (unknown, failed,
    /// drifted).
    fn note(
        &self,
        st: &mut State,
        index: Option<usize>,
        revision: &str,
        checksum: &str,
        state: &str,
    ) -> Result<RowState, Error> {
        let state = parse_state(state).ok_or_else(|| {
            self.corrupt(Corruption::UnknownState {
                revision: revision.to_owned(),
                state: state.to_owned(),
            })
        })?;
        // Each revision has one row (the primary key); a second one means
        // the table was rebuilt or edited by hand, and which row is the
        // truth cannot be known.
        let seen = match index {
            Some(i) => st.applied.contains(i),
            None => st.unknown.iter().chain(&st.replaced).any(|r| r == revision),
        } || st.failed.iter().any(|(r, _)| r == revision);
        if seen {
            return Err(self.corrupt(Corruption::Duplicate {
                revision: revision.to_owned(),
            }));
        }
        match (index, state) {
            (None, RowState::Applied) if self.graph.replaced_by(revision).is_some() => {
                st.replaced.push(revision.to_owned())
            }
            (None, _) => st.unknown.push(revision.to_owned()),
            (Some(i), RowState::Applied) => {
                st.applied.insert(i);
                if !same_checksum(checksum, &self.list[i].checksum().0) {
                    st.drifted.push((i, checksum.to_owned()));
                }
            }
            (Some(_), _) => {}
        }
        if state != RowState::Applied {
            st.failed.push((revision.to_owned(), state));
        }
        Ok(state)
    }

    /// The file of a revision, for messages.
    pub(crate) fn file_of(&self, revision: &str) -> String {
        match self.graph.index_of(revision) {
            Some(i) => self.list[i].file_name().to_owned(),
            None => "not in this build".to_owned(),
        }
    }
}

/// The policies a run checks the state against.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Policy {
    pub(crate) drift: DriftPolicy,
    pub(crate) unknown: UnknownPolicy,
}

/// What [`check`] found that a policy let through, to log once.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Allowed {
    /// Unknown revisions let through.
    pub(crate) unknown: Vec<String>,
    /// Drifted revisions let through: (id, file).
    pub(crate) drifted: Vec<(String, String)>,
}

/// Refuses to go on over a failed row, an unknown revision or drift, as the
/// policies say; returns what the policies let through.
pub(crate) fn check(reader: &Reader<'_>, st: &State, policy: Policy) -> Result<Allowed, Error> {
    if let Some((revision, state)) = st.failed.first() {
        let direction = match state {
            RowState::Started(d) | RowState::Failed(d) => *d,
            RowState::Applied => Direction::Up,
        };
        return Err(Error::Failed {
            revision: revision.clone(),
            file: reader.file_of(revision),
            direction,
        });
    }
    let mut allowed = Allowed::default();
    if !st.unknown.is_empty() {
        match policy.unknown {
            UnknownPolicy::Error => {
                return Err(Error::UnknownApplied {
                    revisions: st.unknown.clone(),
                })
            }
            UnknownPolicy::Allow => allowed.unknown = st.unknown.clone(),
        }
    }
    for (i, recorded) in &st.drifted {
        let m = &reader.list[*i];
        match policy.drift {
            DriftPolicy::Error => {
                return Err(Error::Drift {
                    revision: m.id().to_owned(),
                    file: m.file_name().to_owned(),
                    recorded: recorded.clone(),
                    current: m.checksum().to_hex(),
                })
            }
            DriftPolicy::Warn => allowed
                .drifted
                .push((m.id().to_owned(), m.file_name().to_owned())),
        }
    }
    Ok(allowed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embedded::Migrations;
    use migrate_graph::SourceFile;

    fn set() -> Migrations {
        let file = |name: &str, id: &str, parent: &str| {
            SourceFile::new(
                name,
                format!("-- Revision ID: {id}\n-- Revises: {parent}\n-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n"),
            )
        };
        let files = vec![file("1.sql", "a1", ""), file("2.sql", "b2", "a1")];
        Migrations::from_set(&migrate_graph::load(&files).unwrap())
    }

    fn rows(rows: &[(&str, &str, &str)]) -> Vec<RawRow> {
        rows.iter()
            .map(|(r, c, s)| RawRow {
                revision: r.to_string(),
                checksum: c.to_string(),
                state: s.to_string(),
                applied_at: String::new(),
                duration_ms: 0,
            })
            .collect()
    }

    const POLICY: Policy = Policy {
        drift: DriftPolicy::Error,
        unknown: UnknownPolicy::Error,
    };

    #[test]
    fn rows_become_state_and_policies_judge_it() {
        let m = set();
        let r = Reader {
            graph: m.graph(),
            list: m.as_slice(),
            table: "v",
        };
        let a1 = m.as_slice()[0].checksum().to_hex();
        let st = r.full(rows(&[("a1", &a1, "applied")])).unwrap();
        assert_eq!(st.applied.count(), 1);
        assert_eq!(check(&r, &st, POLICY).unwrap(), Allowed::default());

        // Drift: an error, or let through and reported.
        let st = r.full(rows(&[("a1", "00", "applied")])).unwrap();
        assert!(
            matches!(check(&r, &st, POLICY), Err(Error::Drift { revision, .. }) if revision == "a1")
        );
        let warn = Policy {
            drift: DriftPolicy::Warn,
            ..POLICY
        };
        assert_eq!(check(&r, &st, warn).unwrap().drifted.len(), 1);

        // Unknown revisions.
        let st = r.full(rows(&[("zz", "00", "applied")])).unwrap();
        assert_eq!(st.unknown, ["zz"]);
        assert!(matches!(
            check(&r, &st, POLICY),
            Err(Error::UnknownApplied { .. })
        ));
        let allow = Policy {
            unknown: UnknownPolicy::Allow,
            ..POLICY
        };
        assert_eq!(check(&r, &st, allow).unwrap().unknown, ["zz"]);

        // A started row stops every run, whatever the policies.
        let st = r.full(rows(&[("b2", &a1, "started_up")])).unwrap();
        assert!(matches!(
            check(&r, &st, allow),
            Err(Error::Failed { revision, direction: Direction::Up, .. }) if revision == "b2"
        ));

        // Garbage and duplicates are reported, naming the revision.
        let e = r.full(rows(&[("a1", &a1, "done")])).unwrap_err();
        assert!(e.to_string().contains("a1 has state `done`"), "{e}");
        let e = r
            .full(rows(&[("a1", &a1, "applied"), ("a1", &a1, "applied")]))
            .unwrap_err();
        assert!(e.to_string().contains("more than one row"), "{e}");
    }

    #[test]
    fn checksums_compare_without_allocating() {
        let c = migrate_graph::Checksum::of("some text");
        assert_eq!(Hex::of(&c.0).as_str(), c.to_hex());
        assert!(same_checksum(&c.to_hex(), &c.0));
        assert!(same_checksum(&format!(" {} ", c.to_hex()), &c.0));
        assert!(!same_checksum(&c.to_hex().to_uppercase(), &c.0));
        assert!(!same_checksum("deadbeef", &c.0));
    }
}
