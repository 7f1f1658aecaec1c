//! Transaction bookkeeping, reading the version table under the lock, and
//! the end of a run (commit or roll back, release, hand the connection back).

use super::run::{Kind, Run, Table};
use super::state::State;
use crate::error::{Action, Corruption, Error};
use crate::protocol::{Stmt, Values};
use crate::session::{Backend, Chained};
use crate::types::Direction;

/// How many version rows a grouped run sends in one `INSERT`: 512 bound
/// values, under the 999 of old SQLite builds.
pub(crate) const CHUNK: usize = 128;

impl<B: Backend> Run<'_, B> {
    /// Opens a transaction unless one is open. With the transaction-scoped
    /// lock, takes it and returns a fresh read of the table, which the
    /// caller must use: another migrator may have moved on meanwhile.
    /// `guarded` sets the savepoint that proves a section kept the
    /// transaction open: per step, or in a grouped run once for the whole
    /// group (checked before it commits), where a savepoint per step would
    /// double the cost of the small steps such runs are made of.
    pub(crate) async fn begin(&mut self, guarded: bool) -> Result<Option<State>, Error> {
        if self.s.in_tx() && self.tx.commit_due {
            // The previous step's commit and this transaction's start: one
            // round trip.
            let action = self.commit_action();
            match self.s.commit_and_begin(guarded).await {
                Ok(()) => self.committed(),
                Err(Chained::Commit(e)) => return Err(self.error(action, e)),
                Err(Chained::Begin(e)) => {
                    self.committed();
                    return Err(self.error(Action::Begin, e));
                }
            }
        } else if self.s.in_tx() {
            if guarded && !self.opts.grouped {
                self.s
                    .mark()
                    .await
                    .map_err(|e| self.error(Action::Begin, e))?;
            }
            return Ok(None);
        } else {
            self.s
                .begin(guarded)
                .await
                .map_err(|e| self.error(Action::Begin, e))?;
        }
        self.tx.guarded = guarded && self.opts.grouped;
        if self.table == Table::Pending {
            self.create_table().await?;
            self.table = Table::CreatedInTx;
        }
        if self.locks.xact {
            // Without a session lock the table may have changed since the
            // last read: read it again under the transaction's lock.
            self.poll_lock(Kind::Transaction).await?;
            return self.read().await.map(Some);
        }
        Ok(None)
    }

    /// Commits (with the version rows still pending), then reports the
    /// steps that the commit made durable.
    pub(crate) async fn commit(&mut self) -> Result<(), Error> {
        if self.tx.guarded {
            // A grouped run's one savepoint: gone if a section ended the
            // transaction, and then nothing may be recorded.
            if let Err(e) = self.s.check_open().await {
                let ids: Vec<&str> = self
                    .tx
                    .uncommitted
                    .iter()
                    .map(|e| e.revision.as_str())
                    .collect();
                let err = Error::TransactionEnded {
                    revision: ids.join(", "),
                    file: "one of the grouped revisions".to_owned(),
                    direction: self
                        .tx
                        .uncommitted
                        .first()
                        .map_or(Direction::Up, |e| e.direction),
                    source: Box::new(e),
                };
                self.rollback().await;
                return Err(err);
            }
            self.tx.guarded = false;
        }
        self.flush().await?;
        if let Err(e) = self.s.commit().await {
            // Every statement succeeded, yet the commit failed (a deferred
            // constraint or trigger, say): name what the transaction held.
            return Err(self.error(self.commit_action(), e));
        }
        self.committed();
        Ok(())
    }

    /// Commits a transaction left open for [`Run::begin`] to commit with
    /// the next one, before anything else uses the session.
    pub(crate) async fn commit_if_due(&mut self) -> Result<(), Error> {
        if self.tx.commit_due && self.s.in_tx() {
            self.commit().await?;
        }
        Ok(())
    }

    /// What a commit of the open transaction records, for its error.
    pub(crate) fn commit_action(&self) -> Action {
        match self.tx.uncommitted.first() {
            Some(first) => Action::Commit {
                direction: first.direction,
                revisions: self
                    .tx
                    .uncommitted
                    .iter()
                    .map(|e| e.revision.clone())
                    .collect(),
            },
            None => Action::Commit {
                direction: Direction::Up,
                revisions: Vec::new(),
            },
        }
    }

    /// After a commit: the table it created exists, its steps are reported.
    pub(crate) fn committed(&mut self) {
        self.tx.commit_due = false;
        if self.table == Table::CreatedInTx {
            self.table = Table::Exists;
        }
        for event in std::mem::take(&mut self.tx.uncommitted) {
            self.fire(event);
        }
    }

    /// Rolls back after a failed step; the failure being reported matters
    /// more than a rollback error, which only gets logged (the connection is
    /// then closed, which rolls back too).
    pub(crate) async fn rollback(&mut self) {
        if !self.s.in_tx() {
            return;
        }
        if let Err(e) = self.s.rollback().await {
            tracing::warn!(target: "migrate", error = %e, "rollback failed; the connection will be closed");
        } else {
            if self.table == Table::CreatedInTx {
                self.table = Table::Pending;
            }
        }
        self.tx.uncommitted.clear();
        self.tx.rows.clear();
        self.tx.guarded = false;
        self.tx.commit_due = false;
    }

    /// Creates the version table now (in the open transaction, if any).
    async fn create_table(&mut self) -> Result<(), Error> {
        tracing::info!(target: "migrate", table = %self.table_name(), "creating the version table");
        self.s
            .create_table()
            .await
            .map_err(|e| self.error(Action::Create, e))?;
        self.table = Table::Exists;
        Ok(())
    }

    /// Creates a pending version table before a write outside a transaction.
    pub(crate) async fn ensure_created(&mut self) -> Result<(), Error> {
        if self.table == Table::Pending && !self.s.in_tx() {
            self.create_table().await?;
        }
        Ok(())
    }

    /// Runs a version-table statement and checks that it changed the rows
    /// it must: a row that another process removed or resolved meanwhile is
    /// an error, never a silently lost record.
    pub(crate) async fn write(
        &mut self,
        stmt: &Stmt,
        persistent: bool,
        action: Action,
    ) -> Result<(), Error> {
        let changed = match self.s.write(stmt, persistent).await {
            Ok(n) => n,
            Err(e) => return Err(self.error(action, e)),
        };
        match stmt.expect_rows {
            Some(expected) if changed != expected => Err(Error::RecordMismatch {
                action,
                table: self.table_name(),
                expected,
                changed,
            }),
            _ => Ok(()),
        }
    }

    /// Writes the pending version rows of a grouped run, in chunks.
    pub(crate) async fn flush(&mut self) -> Result<(), Error> {
        while !self.tx.rows.is_empty() {
            let n = self.tx.rows.len().min(CHUNK);
            let rows: Vec<(usize, i64)> = self.tx.rows.drain(..n).collect();
            let list = self.list();
            let sums: Vec<String> = rows
                .iter()
                .map(|&(i, _)| list[i].checksum().to_hex())
                .collect();
            let values: Vec<(&str, &str, i64)> = rows
                .iter()
                .zip(&sums)
                .map(|(&(i, ms), sum)| (list[i].id(), sum.as_str(), ms))
                .collect();
            let stmt = self.s.sql().insert_many(Values::Bind, &values);
            let action = Action::RecordMany {
                first: list[rows[0].0].id().to_owned(),
                last: list[rows[n - 1].0].id().to_owned(),
                count: n,
            };
            // Full chunks share one text, prepared once; the rest is one-off.
            self.write(&stmt, n == CHUNK, action).await?;
        }
        Ok(())
    }

    /// Takes the lock (unless the strategy says otherwise), sets the
    /// statement lock timeout, and reads the table, creating it if missing.
    pub(crate) async fn start(&mut self) -> Result<State, Error> {
        let peek = self.peek_lock().await?;
        let state = self.start_locked().await;
        if peek {
            self.release().await;
        }
        state
    }

    /// Under the transaction-scoped lock, the first read takes the session
    /// lock for a moment: a step running outside a transaction holds it,
    /// and its `started` row must not be read as a failure. Returns whether
    /// it was taken here.
    async fn peek_lock(&mut self) -> Result<bool, Error> {
        if self.locks.session {
            self.acquire().await?;
            return Ok(false);
        }
        if self.locks.xact && !self.s.locked() {
            self.acquire().await?;
            return Ok(true);
        }
        Ok(false)
    }

    async fn start_locked(&mut self) -> Result<State, Error> {
        if let Some(timeout) = self.opts.statement_lock_timeout {
            self.s
                .set_statement_lock_timeout(timeout)
                .await
                .map_err(|e| self.error(Action::Configure, e))?;
            self.ran_sql = true;
        }
        if let Some(state) = self.read_opt().await? {
            return Ok(state);
        }
        if self.locks.session && self.s.locked() && self.s.sql().transactional_ddl() {
            // Nobody else creates it while the lock is held: create it with
            // the first transaction's work, one commit (and fsync) fewer.
            self.table = Table::Pending;
            return Ok(self.empty_state());
        }
        tracing::info!(target: "migrate", table = %self.table_name(), "creating the version table");
        if let Err(e) = self.s.create_table().await {
            // Without the session lock two migrators may race to create it:
            // a failed create is forgiven when the table exists afterwards.
            if !self.s.in_tx() {
                if let Ok(Some(state)) = self.read_opt().await {
                    return Ok(state);
                }
            }
            return Err(self.error(Action::Create, e));
        }
        Ok(self.empty_state())
    }

    /// Takes the lock and reads every column of the table; `None` when
    /// there is none.
    pub(crate) async fn start_existing(&mut self) -> Result<Option<State>, Error> {
        let peek = self.peek_lock().await?;
        let state = self.read_full().await;
        if peek {
            self.release().await;
        }
        state
    }

    fn empty_state(&self) -> State {
        let table = self.table_name();
        self.reader(&table).empty()
    }

    /// Reads what planning needs (revision, checksum, state of each row).
    pub(crate) async fn read_opt(&mut self) -> Result<Option<State>, Error> {
        let brief = self.s.read_brief().await.map_err(|e| self.read_error(e))?;
        let table = self.table_name();
        brief.map(|b| self.reader(&table).brief(&b)).transpose()
    }

    /// Reads every column of every row, for `status` and the small writes.
    pub(crate) async fn read_full(&mut self) -> Result<Option<State>, Error> {
        let rows = self.s.read_rows().await.map_err(|e| self.read_error(e))?;
        let table = self.table_name();
        rows.map(|rows| self.reader(&table).full(rows)).transpose()
    }

    /// Reads the table, which must exist by now.
    pub(crate) async fn read(&mut self) -> Result<State, Error> {
        self.read_opt().await?.ok_or_else(|| Error::CorruptTable {
            table: self.table_name(),
            detail: Corruption::Disappeared,
        })
    }

    fn read_error(&self, e: sqlx::Error) -> Error {
        match e {
            // Say which column, in words a person editing the table knows.
            sqlx::Error::ColumnDecode { index, source }
                if source.is::<sqlx::error::UnexpectedNullError>() =>
            {
                const COLUMNS: [&str; 5] =
                    ["revision", "checksum", "state", "applied_at", "duration_ms"];
                let column = index
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| COLUMNS.get(i))
                    .map_or(index.as_str(), |c| c);
                Error::CorruptTable {
                    table: self.table_name(),
                    detail: Corruption::Null {
                        column: column.to_owned(),
                    },
                }
            }
            sqlx::Error::ColumnDecode { .. }
            | sqlx::Error::ColumnNotFound(_)
            | sqlx::Error::ColumnIndexOutOfBounds { .. } => Error::CorruptTable {
                table: self.table_name(),
                detail: Corruption::Unreadable {
                    reason: e.to_string(),
                },
            },
            e => self.error(Action::Read, e),
        }
    }

    /// Ends the run: commits an open transaction on success (rolls it back
    /// on failure), creates a table the run promised, puts back session
    /// settings a migration changed, releases the lock and hands the
    /// connection back. A panic skips this; the session's guard then closes
    /// the connection.
    pub(crate) async fn finish<T>(mut self, result: Result<T, Error>) -> Result<T, Error> {
        let ok = result.is_ok();
        let mut ended = Ok(());
        if self.s.in_tx() {
            // A due commit holds finished steps only: it commits whatever
            // the outcome.
            if ok || self.tx.commit_due {
                ended = self.commit().await;
            } else {
                self.rollback().await;
            }
        }
        if self.table == Table::Pending && ended.is_ok() {
            // Nothing ran (or it rolled back): the table is still created
            // on first use, as a run that found it missing promises.
            if let Err(e) = self.create_table().await {
                if ok {
                    ended = Err(e);
                } else {
                    tracing::warn!(target: "migrate", error = %e, "creating the version table after a failure failed");
                }
            }
        }
        if self.ran_sql && !self.s.in_tx() {
            self.s.restore(true).await;
        }
        self.release().await;
        self.s.close().await;
        let value = result?;
        ended?;
        Ok(value)
    }
}
