//! One run: what it is told (plain [`Options`] and [`Hooks`], which the
//! migrator holds, so the engine never reads back into it), its session,
//! what it holds, and taking the migration lock.
//!
//! The lock is a try-lock polled with back-off: polling (rather than a
//! blocking lock call) bounds every wait by the lock timeout and keeps a
//! waiter out of the holder's way: a waiter blocked inside a transaction
//! would hold up a holder's `CREATE INDEX CONCURRENTLY`, which waits for
//! every older transaction.

use super::state::{self, Allowed, Policy, Reader, State};
use crate::embedded::{Migration, Migrations};
use crate::error::{Action, Error};
use crate::options::{Hooks, Options};
use crate::protocol::TableName;
use crate::session::{Backend, ErrorClass, Session};
use crate::types::{Direction, LockStrategy, StepEvent};
use migrate_graph::{Applied, Graph};
use std::time::{Duration, Instant};

/// Which locks a run takes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Locks {
    /// The session lock, for the whole run.
    pub(crate) session: bool,
    /// The transaction-scoped lock in each transaction (PostgreSQL under
    /// `LockStrategy::Transaction`); non-transactional steps then hold the
    /// session lock while they run, so that nobody takes a running step
    /// for a failed one.
    pub(crate) xact: bool,
}

/// What waits on the open transaction's commit (whether one is open is
/// the session's to say: [`Session::in_tx`]).
#[derive(Debug, Default)]
pub(crate) struct Tx {
    /// A grouped run's savepoint is set, to release before the commit.
    pub(crate) guarded: bool,
    /// The open transaction holds finished work only, and commits with the
    /// next transaction's start (one round trip between two steps), or
    /// before anything else touches the session.
    pub(crate) commit_due: bool,
    /// Steps done inside it, reported once it commits.
    pub(crate) uncommitted: Vec<StepEvent>,
    /// Version rows of a grouped run not yet sent: (revision, duration ms),
    /// written in chunks inside the same transaction, at the latest right
    /// before it commits.
    pub(crate) rows: Vec<(usize, i64)>,
}

/// Whether the version table exists yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Table {
    /// It exists (or this run does not need it).
    Exists,
    /// Missing: created inside the first transaction (transactional DDL,
    /// under the session lock), saving a commit of its own; or at the end,
    /// if no transaction came.
    Pending,
    /// Created by the open transaction: pending again if it rolls back.
    CreatedInTx,
}

/// A run in progress.
pub(crate) struct Run<'m, B: Backend> {
    /// The connection, which alone knows whether the lock is held and a
    /// transaction is open.
    pub(crate) s: Session<B>,
    /// The migration set.
    set: &'m Migrations,
    pub(crate) opts: Options,
    pub(crate) hooks: Hooks,
    /// The application's pool, for a second connection that asks what a
    /// long step waits for.
    pub(crate) pool: sqlx::Pool<B::Db>,

    pub(crate) locks: Locks,
    pub(crate) tx: Tx,
    pub(crate) table: Table,
    /// Steps committed, in order.
    pub(crate) done: Vec<StepEvent>,
    /// Whether a step ran migration SQL (the session settings are then
    /// checked before the connection goes back to the pool).
    pub(crate) ran_sql: bool,
    /// Policy warnings already logged, so re-reads do not repeat them.
    warned: bool,
}

impl<'m, B: Backend> Run<'m, B> {
    /// Opens a session on `pool` for the options' table.
    pub(crate) async fn open(
        set: &'m Migrations,
        opts: Options,
        hooks: Hooks,
        pool: &sqlx::Pool<B::Db>,
    ) -> Result<Run<'m, B>, Error> {
        let table = TableName::parse(&opts.table)?;
        let s = Session::<B>::open(pool, &table)
            .await
            .map_err(|e| db_error(Action::Open, &table.display(), e, None))?;
        let locks = match opts.lock {
            LockStrategy::Session => Locks {
                session: true,
                xact: false,
            },
            LockStrategy::Transaction if B::HAS_XACT_LOCK => Locks {
                session: false,
                xact: true,
            },
            LockStrategy::Transaction => Locks {
                session: true,
                xact: false,
            },
            LockStrategy::None => Locks {
                session: false,
                xact: false,
            },
        };
        Ok(Run {
            s,
            set,
            opts,
            hooks,
            pool: pool.clone(),
            locks,
            tx: Tx::default(),
            table: Table::Exists,
            done: Vec::new(),
            ran_sql: false,
            warned: false,
        })
    }

    /// The graph.
    pub(crate) fn graph(&self) -> &'m Graph {
        self.set.graph()
    }

    /// The migrations, in graph index order.
    pub(crate) fn list(&self) -> &'m [Migration] {
        self.set.as_slice()
    }

    /// The version table as resolved by the session, for messages.
    pub(crate) fn table_name(&self) -> String {
        self.s.sql().display().to_owned()
    }

    /// A reader of rows against this run's graph.
    pub(crate) fn reader<'t>(&'t self, table: &'t str) -> Reader<'t> {
        Reader {
            graph: self.set.graph(),
            list: self.set.as_slice(),
            table,
        }
    }

    /// A database error of the runtime's own statements, with what it was
    /// doing and, where the error class has one, a hint.
    pub(crate) fn error(&self, action: Action, e: sqlx::Error) -> Error {
        let hint = match B::classify(&e) {
            ErrorClass::MissingColumn => {
                return Error::NotVersionTable {
                    table: self.table_name(),
                    source: Box::new(e),
                }
            }
            ErrorClass::LockWait => Some(B::LOCK_WAIT_HINT),
            ErrorClass::MissingTable | ErrorClass::Other => None,
        };
        db_error(action, &self.table_name(), e, hint)
    }

    /// Refuses to go on over a failed row, an unknown revision or drift,
    /// as the policies say, logging what they let through once.
    pub(crate) fn check(&mut self, st: &State) -> Result<(), Error> {
        let table = self.table_name();
        let policy = Policy {
            drift: self.opts.drift,
            unknown: self.opts.unknown,
        };
        let Allowed { unknown, drifted } = state::check(&self.reader(&table), st, policy)?;
        if !self.warned {
            if !unknown.is_empty() {
                tracing::warn!(target: "migrate", revisions = ?unknown, "the database has applied revisions this build does not contain; ignoring them");
            }
            for (revision, file) in drifted {
                tracing::warn!(target: "migrate", revision = %revision, file = %file, "applied revision was edited since (checksum differs); going on as DriftPolicy::Warn says");
            }
        }
        self.warned = true;
        Ok(())
    }

    /// The ids of the heads of `applied`.
    pub(crate) fn heads(&self, applied: &Applied) -> Vec<String> {
        let graph = self.graph();
        graph
            .heads_of(applied)
            .into_iter()
            .map(|i| graph.id(i).to_owned())
            .collect()
    }

    /// Notes a finished step: in the state, and for the hooks (now, or when
    /// the open transaction commits).
    pub(crate) fn record(
        &mut self,
        st: &mut State,
        i: usize,
        direction: Direction,
        took: Duration,
    ) {
        st.set_row(i, direction == Direction::Up);
        let m = &self.list()[i];
        let event = StepEvent {
            revision: m.id().to_owned(),
            file_name: m.file_name().to_owned(),
            message: m.message().to_owned(),
            direction,
            duration: took,
        };
        if self.s.in_tx() {
            self.tx.uncommitted.push(event);
        } else {
            self.fire(event);
        }
    }

    /// Reports a committed step to the hooks and the log.
    pub(crate) fn fire(&mut self, event: StepEvent) {
        tracing::info!(
            target: "migrate",
            revision = %event.revision,
            file = %event.file_name,
            direction = %event.direction,
            duration_ms = event.duration.as_millis() as u64,
            "migration step done"
        );
        for hook in &self.hooks.on_step {
            hook(&event);
        }
        self.done.push(event);
    }
}

/// A database error with what the runtime was doing.
pub(crate) fn db_error(
    action: Action,
    table: &str,
    source: sqlx::Error,
    hint: Option<&'static str>,
) -> Error {
    Error::Database {
        action,
        table: table.to_owned(),
        hint,
        source: Box::new(source),
    }
}

/// Milliseconds, saturating.
pub(crate) fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Shortest and longest pause between two attempts.
const FIRST_BACKOFF: Duration = Duration::from_millis(10);
const MAX_BACKOFF: Duration = Duration::from_millis(500);

/// Which lock to poll.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Held until released or the connection ends.
    Session,
    /// Held until the open transaction ends.
    Transaction,
}

impl<B: Backend> Run<'_, B> {
    /// Polls `kind` until it is taken or the lock timeout runs out.
    pub(crate) async fn poll_lock(&mut self, kind: Kind) -> Result<(), Error> {
        let begun = Instant::now();
        let timeout = self.opts.lock_timeout;
        let mut pause = FIRST_BACKOFF;
        let mut said = false;
        loop {
            let got = match kind {
                Kind::Session => self.s.try_lock().await,
                Kind::Transaction => self.s.try_xact_lock().await,
            };
            if got.map_err(|e| self.error(Action::Lock, e))? {
                if said {
                    tracing::info!(target: "migrate", waited_ms = begun.elapsed().as_millis() as u64, "took the migration lock");
                }
                return Ok(());
            }
            let waited = begun.elapsed();
            if waited >= timeout {
                return Err(Error::LockTimeout {
                    waited,
                    hint: B::LOCK_HINT,
                });
            }
            if !said {
                tracing::info!(target: "migrate", table = %self.table_name(), "another migrator holds the migration lock; waiting");
                said = true;
            }
            tokio::time::sleep(pause.min(timeout - waited)).await;
            pause = (pause * 2).min(MAX_BACKOFF);
        }
    }

    /// Takes the session lock unless it is held, then sets the statement
    /// lock timeout, if one is configured, for the migration SQL to come.
    pub(crate) async fn acquire(&mut self) -> Result<(), Error> {
        if self.s.locked() {
            return Ok(());
        }
        self.poll_lock(Kind::Session).await?;
        Ok(())
    }

    /// Releases the session lock if held. A failure is logged: the session
    /// then closes the connection, which releases it on the server.
    pub(crate) async fn release(&mut self) {
        if !self.s.locked() {
            return;
        }
        if let Err(e) = self.s.unlock().await {
            tracing::warn!(target: "migrate", error = %e, "releasing the migration lock failed; closing the connection, which releases it");
        }
    }
}
