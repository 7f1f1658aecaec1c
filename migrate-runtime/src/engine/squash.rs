//! Squash revisions against the version table: what the rows mean, and the
//! one write that records a squash in place of the revisions it replaces.
//!
//! The graph says where a squash sits (`migrate_graph`'s `squash` module);
//! here the rows say which case a database is in: none of the replaced
//! revisions recorded (the squash runs alone), some (they run, then the
//! squash is recorded in their place), all (only the record changes).

use super::run::Run;
use super::state::{Reader, State};
use crate::error::{Action, Error};
use crate::protocol::Values;
use crate::session::Backend;
use crate::types::RowState;

impl Reader<'_> {
    /// Completes a state with what its squashes imply (see
    /// [`State::recorded`]); a database holding part of a squash whose
    /// other replaced files are gone is an error.
    pub(crate) fn settle(&self, st: &mut State) -> Result<(), Error> {
        let graph = self.graph;
        if !graph.has_squashes() {
            return Ok(());
        }
        st.rows_of = Some(st.applied.clone());
        st.pending = graph.with_squashes(&mut st.applied);
        // Replaced revisions whose files are gone are only known by id.
        let mut by_squash: Vec<(usize, Vec<&str>)> = Vec::new();
        for id in &st.replaced {
            let s = graph.replaced_by(id).expect("noted as replaced");
            match by_squash.iter_mut().find(|(k, _)| *k == s) {
                Some((_, ids)) => ids.push(id),
                None => by_squash.push((s, vec![id])),
            }
        }
        for (s, ids) in by_squash {
            let all = graph.replaces(s);
            if st.applied.contains(s) || ids.len() == all.len() {
                st.applied.insert(s);
                if !st.pending.contains(&s) {
                    st.pending.push(s);
                }
                continue;
            }
            return Err(Error::SquashIncomplete {
                squash: graph.id(s).to_owned(),
                file: self.list[s].file_name().to_owned(),
                recorded: all
                    .iter()
                    .filter(|r| ids.contains(&r.as_str()))
                    .cloned()
                    .collect(),
                missing: all
                    .iter()
                    .filter(|r| !ids.contains(&r.as_str()))
                    .cloned()
                    .collect(),
            });
        }
        Ok(())
    }
}

impl<B: Backend> Run<'_, B> {
    /// Records squash `s` in place of the rows of the revisions it
    /// replaces, in a transaction left open for the caller to commit (with
    /// the step, or the group): a crash leaves either all the old rows or
    /// the squash's one row.
    pub(crate) async fn collapse(&mut self, st: &mut State, s: usize) -> Result<(), Error> {
        let graph = self.graph();
        let m = &self.list()[s];
        self.ensure_created().await?;
        if let Some(fresh) = self.begin(false).await? {
            // Another migrator may have recorded it meanwhile.
            *st = fresh;
            self.check(st)?;
            if !st.pending.contains(&s) && st.recorded().contains(s) {
                return Ok(());
            }
        }
        // A grouped run's rows are still in memory: the delete must see them.
        self.flush().await?;
        let rows: Vec<&str> = graph
            .replaces(s)
            .iter()
            .map(String::as_str)
            .filter(|r| match graph.index_of(r) {
                Some(i) => st.recorded().contains(i),
                None => st.replaced.iter().any(|x| x == r),
            })
            .collect();
        let action = Action::Record {
            revision: m.id().to_owned(),
            direction: crate::types::Direction::Up,
        };
        if !rows.is_empty() {
            let delete = self.s.sql().delete_many(Values::Bind, &rows);
            self.write(&delete, false, action.clone()).await?;
        }
        if !st.recorded().contains(s) {
            let sum = m.checksum().to_hex();
            let row = self
                .s
                .sql()
                .insert(Values::Bind, m.id(), &sum, RowState::Applied, 0);
            self.write(&row, false, action).await?;
        }
        tracing::info!(target: "migrate", squash = m.id(), replaced = rows.len(), "recorded the squash in place of the revisions it replaces");
        if let Some(rec) = st.rows_of.as_mut() {
            for i in graph.replaced_nodes(s) {
                rec.remove(i);
            }
        }
        st.replaced.retain(|r| graph.replaced_by(r) != Some(s));
        st.pending.retain(|&p| p != s);
        st.set_row(s, true);
        Ok(())
    }
}
