//! One revision, up or down: a plan computed once (which strategy, which
//! SQL), run by one short executor per strategy.

use super::run::{millis, Run};
use super::state::{Hex, State};
use super::watch::Subject;
use crate::embedded::Migration;
use crate::error::{Action, Error, StatementRef};
use crate::protocol::Values;
use crate::session::{Backend, CloseFailure, ErrorClass, SqlFailure};
use crate::types::{Direction, Report, RowState};
use crate::Dialect;
use std::time::Instant;

/// How a step keeps its record true.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Strategy {
    /// The SQL and its version row in one transaction: both commit or
    /// neither (PostgreSQL and SQLite).
    Transactional,
    /// A `started` row first, the SQL outside any transaction, then the end
    /// state, so a failure or a crash part-way leaves a visible trace
    /// (`transaction:false`, and every step on MySQL).
    Claimed,
    /// No SQL to run outside a transaction: only the end state is written.
    RowOnly,
}

/// What one step will do.
struct Plan<'m> {
    index: usize,
    direction: Direction,
    migration: &'m Migration,
    sql: &'m str,
    strategy: Strategy,
}

impl<'m> Plan<'m> {
    fn new(
        migration: &'m Migration,
        index: usize,
        direction: Direction,
        dialect: Dialect,
    ) -> Plan<'m> {
        let (sql, in_tx) = match direction {
            Direction::Up => (migration.up_sql(), migration.up_transaction()),
            Direction::Down => (
                migration.down_sql().unwrap_or_default(),
                migration.down_transaction(),
            ),
        };
        let strategy = if in_tx && dialect != Dialect::MySql {
            Strategy::Transactional
        } else if migrate_graph::split::split(sql, dialect).is_empty() {
            Strategy::RowOnly
        } else {
            Strategy::Claimed
        };
        Plan {
            index,
            direction,
            migration,
            sql,
            strategy,
        }
    }

    fn id(&self) -> &'m str {
        self.migration.id()
    }

    /// The step as notices name it.
    fn subject(&self) -> Subject<'m> {
        Subject {
            revision: self.migration.id(),
            file_name: self.migration.file_name(),
            direction: self.direction,
        }
    }
}

/// Whether step `i` still has to run.
fn needed(st: &State, i: usize, direction: Direction) -> bool {
    match direction {
        Direction::Up => !st.applied.contains(i),
        Direction::Down => st.applied.contains(i),
    }
}

impl<B: Backend> Run<'_, B> {
    /// Runs the planned steps. Under the session lock the state read at the
    /// start stays true, so nothing is read again; with the transaction-scoped
    /// lock each transaction re-reads, and a step found done (or undone) by
    /// another migrator meanwhile is skipped.
    pub(crate) async fn apply(
        &mut self,
        st: &mut State,
        plan: &[usize],
        direction: Direction,
    ) -> Result<Report, Error> {
        let dialect = self.s.sql().dialect();
        let graph = self.graph();
        for &i in plan {
            let squash = graph.is_squash(i);
            if squash && direction == Direction::Up && graph.collapses(i, &st.applied) {
                // The replaced revisions ran (now or before): record the
                // squash in their place, no SQL.
                self.collapse(st, i).await?;
            } else if needed(st, i, direction) {
                let step = Plan::new(&self.list()[i], i, direction, dialect);
                tracing::debug!(target: "migrate", revision = step.id(), file = step.migration.file_name(), %direction, strategy = ?step.strategy, "starting step");
                match step.strategy {
                    Strategy::Transactional => self.transactional(st, &step).await?,
                    Strategy::Claimed => self.claimed(st, &step).await?,
                    Strategy::RowOnly => self.row_only(st, &step).await?,
                }
                if squash {
                    // A squash that ran its own SQL stands for what it
                    // replaces; reverted, it takes them along.
                    for m in graph.replaced_nodes(i) {
                        if direction == Direction::Up {
                            st.applied.insert(m);
                        } else {
                            st.applied.remove(m);
                        }
                    }
                }
            }
            // One transaction per revision: it commits with the next one's
            // start, or before anything else (`Run::commit_if_due`).
            if self.s.in_tx() && !self.opts.grouped {
                self.tx.commit_due = true;
            }
        }
        if self.s.in_tx() {
            self.commit().await?;
        }
        Ok(Report {
            steps: std::mem::take(&mut self.done),
            heads: self.heads(&st.applied),
            ..Report::default()
        })
    }

    /// Re-reads under the transaction-scoped lock when [`Run::begin`] says
    /// so; `false` when another migrator did the step meanwhile.
    async fn begin_step(
        &mut self,
        st: &mut State,
        step: &Plan<'_>,
        guarded: bool,
    ) -> Result<bool, Error> {
        if let Some(fresh) = self.begin(guarded).await? {
            *st = fresh;
            self.check(st)?;
            return Ok(needed(st, step.index, step.direction));
        }
        Ok(true)
    }

    async fn transactional(&mut self, st: &mut State, step: &Plan<'_>) -> Result<(), Error> {
        let begun = Instant::now();
        let ran = if self.chains(step.sql) {
            self.ran_sql = true;
            self.chain_watched(step.subject(), step.sql).await?
        } else {
            if !self.begin_step(st, step, true).await? {
                return Ok(());
            }
            self.ran_sql = true;
            self.section(step, true).await
        };
        if let Err(failure) = ran {
            self.rollback().await;
            return Err(self.migration_error(step, failure, true));
        }
        if !self.opts.grouped {
            return self.close_transactional(st, step, begun).await;
        }
        // A grouped run checks its one savepoint before it commits instead,
        // and sends its rows in chunks inside the same transaction.
        let written = match step.direction {
            Direction::Up => {
                self.tx.rows.push((step.index, millis(begun.elapsed())));
                if self.tx.rows.len() >= super::tx::CHUNK {
                    self.flush().await
                } else {
                    Ok(())
                }
            }
            Direction::Down => {
                let row = self.s.sql().delete(Values::Bind, step.id());
                self.write(&row, true, record(step)).await
            }
        };
        if let Err(e) = written {
            self.rollback().await;
            return Err(e);
        }
        if self.s.restore_every_step() {
            self.s.restore(false).await;
        }
        self.record(st, step.index, step.direction, begun.elapsed());
        Ok(())
    }

    /// Ends a transactional step of its own transaction in one round trip
    /// (see [`Session::close_step`](crate::session::Session::close_step)):
    /// the savepoint proves the section kept the transaction open, the row
    /// is written and must change exactly one row, and the session settings
    /// are checked. Any failure rolls the step back with its row.
    async fn close_transactional(
        &mut self,
        st: &mut State,
        step: &Plan<'_>,
        begun: Instant,
    ) -> Result<(), Error> {
        let row = match step.direction {
            Direction::Up => {
                let sum = Hex::of(&step.migration.checksum().0);
                self.s.sql().insert(
                    Values::Inline,
                    step.id(),
                    sum.as_str(),
                    RowState::Applied,
                    millis(begun.elapsed()),
                )
            }
            Direction::Down => self.s.sql().delete(Values::Inline, step.id()),
        };
        let err = match self.s.close_step(&row).await {
            Ok(changed) => match row.expect_rows {
                Some(expected) if changed != expected => Error::RecordMismatch {
                    action: record(step),
                    table: self.table_name(),
                    expected,
                    changed,
                },
                _ => {
                    self.record(st, step.index, step.direction, begun.elapsed());
                    return Ok(());
                }
            },
            Err(CloseFailure::Ended(e)) => Error::TransactionEnded {
                revision: step.id().to_owned(),
                file: step.migration.file_name().to_owned(),
                direction: step.direction,
                source: Box::new(e),
            },
            Err(CloseFailure::Row(e)) => self.error(record(step), e),
        };
        self.rollback().await;
        Err(err)
    }

    async fn claimed(&mut self, st: &mut State, step: &Plan<'_>) -> Result<(), Error> {
        let begun = Instant::now();
        self.commit_if_due().await?;
        self.ensure_created().await?;
        // Under the transaction-scoped lock, the step holds the session
        // lock while it runs outside a transaction: other migrators wait
        // for it instead of finding its `started` row and calling it failed.
        let hold = self.locks.xact;
        if hold {
            self.acquire().await?;
        }
        let result = self.claimed_locked(st, step, begun).await;
        if hold {
            self.release().await;
        }
        result
    }

    async fn claimed_locked(
        &mut self,
        st: &mut State,
        step: &Plan<'_>,
        begun: Instant,
    ) -> Result<(), Error> {
        if self.locks.xact && !self.begin_step(st, step, false).await? {
            return Ok(());
        }
        let sum = Hex::of(&step.migration.checksum().0);
        let id = step.id();
        let started = RowState::Started(step.direction);
        let claim = match step.direction {
            Direction::Up => self
                .s
                .sql()
                .insert(Values::Bind, id, sum.as_str(), started, 0),
            Direction::Down => self
                .s
                .sql()
                .set_state(Values::Bind, id, RowState::Applied, started),
        };
        self.write(&claim, true, record(step)).await?;
        if self.s.in_tx() {
            // A grouped transaction or the claim's transaction-scoped lock:
            // the section must run outside it.
            self.commit().await?;
        }
        self.ran_sql = true;
        if let Err(failure) = self.section(step, false).await {
            let mark =
                self.s
                    .sql()
                    .set_state(Values::Bind, id, started, RowState::Failed(step.direction));
            if let Err(e) = self.write(&mark, true, record(step)).await {
                tracing::error!(target: "migrate", revision = id, error = %e, "could not mark the revision failed; its row stays `started`");
            }
            self.s.restore(false).await;
            return Err(self.migration_error(step, failure, false));
        }
        self.s.restore(false).await;
        let end = match step.direction {
            Direction::Up => {
                self.s
                    .sql()
                    .finish(Values::Bind, id, sum.as_str(), millis(begun.elapsed()))
            }
            Direction::Down => self.s.sql().delete(Values::Bind, id),
        };
        self.write(&end, true, record(step)).await?;
        self.record(st, step.index, step.direction, begun.elapsed());
        Ok(())
    }

    async fn row_only(&mut self, st: &mut State, step: &Plan<'_>) -> Result<(), Error> {
        let begun = Instant::now();
        self.commit_if_due().await?;
        self.ensure_created().await?;
        if self.locks.xact && !self.begin_step(st, step, false).await? {
            return Ok(());
        }
        let row = match step.direction {
            Direction::Up => {
                let sum = Hex::of(&step.migration.checksum().0);
                self.s
                    .sql()
                    .insert(Values::Bind, step.id(), sum.as_str(), RowState::Applied, 0)
            }
            Direction::Down => self.s.sql().delete(Values::Bind, step.id()),
        };
        self.write(&row, true, record(step)).await?;
        self.record(st, step.index, step.direction, begun.elapsed());
        Ok(())
    }

    async fn section(&mut self, step: &Plan<'_>, in_tx: bool) -> Result<(), SqlFailure> {
        self.run_watched(step.subject(), step.sql, in_tx).await
    }

    fn migration_error(&self, step: &Plan<'_>, failure: SqlFailure, rolled_back: bool) -> Error {
        let sql = step.sql;
        let statements = migrate_graph::split::split(sql, self.s.sql().dialect());
        // Where the database located the error beats counting finished statements.
        let located = failure.position.and_then(|at| {
            statements
                .iter()
                .rposition(|s| (s.text.as_ptr() as usize - sql.as_ptr() as usize) <= at)
        });
        let statement = located.or(failure.statement).map(|k| {
            Box::new(StatementRef {
                number: k + 1,
                line: statements.get(k).map(|s| s.line),
                text: statements
                    .get(k)
                    .map(|s| migrate_graph::split::shorten(s.text))
                    .unwrap_or_default(),
            })
        });
        let lock_wait = B::classify(&failure.source) == ErrorClass::LockWait;
        Error::Migration {
            revision: step.id().to_owned(),
            file: step.migration.file_name().to_owned(),
            direction: step.direction,
            statement,
            rolled_back,
            hint: lock_wait.then_some(B::LOCK_WAIT_HINT),
            source: Box::new(failure.source),
        }
    }
}

/// What writing a step's row is, for messages.
fn record(step: &Plan<'_>) -> Action {
    Action::Record {
        revision: step.id().to_owned(),
        direction: step.direction,
    }
}
