//! One connection that takes the migration lock and runs a migrator's work,
//! shared by the three dialects: [`Session`] is generic over a [`Backend`],
//! which holds only what differs between them; `driver.rs` holds the sqlx
//! calls, the shapes of what they return, and the `Guard` of the pooled
//! connection. The session (through its guard) is the one record of lock
//! and transaction state.
//!
//! Methods return sqlx errors; the engine adds what it was doing.
//!
//! # Imports
//!
//! `backend` → `driver`

mod backend;
mod driver;

pub(crate) use backend::{Backend, Brief, Conn, ErrorClass, Row};
use driver::Guard;
pub(crate) use driver::{
    sql_str, Batch, ChainFailure, Chained, CloseFailure, Driver, Finished, RawRow, SqlFailure,
};

use crate::protocol::{Stmt, TableName, VersionSql};
use sqlx::SqlStr;

/// A connection of a backend's pool, with the dialect's session state and
/// the version table's statements.
pub(crate) struct Session<B: Backend> {
    guard: Guard<B::Db>,
    /// `None` only while being closed.
    backend: Option<B>,
    sql: VersionSql,
    /// The settings were last read (or put back) as the run wants them,
    /// and no migration SQL ran since: the end of the run need not read
    /// them again unless the run changed them on purpose.
    settled: bool,
    /// The run set the statement lock timeout (the settings it wants then
    /// differ from those it found).
    configured: bool,
    /// Statements that recur on every step, made once.
    savepoint: SqlStr,
    release: SqlStr,
}

/// The savepoint that proves a transactional section left its transaction
/// open: if the section committed or rolled back, releasing it fails.
const GUARD_SAVEPOINT: &str = "migrate_step";

impl<B: Backend> Session<B> {
    /// Takes a connection from `pool` and prepares it for `table`.
    pub(crate) async fn open(
        pool: &sqlx::Pool<B::Db>,
        table: &TableName,
    ) -> Result<Session<B>, sqlx::Error> {
        let mut guard = Guard::new(pool.acquire().await?);
        let (backend, resolved) = B::open(guard.conn(), table).await?;
        Ok(Session {
            guard,
            backend: Some(backend),
            sql: VersionSql::resolved(B::DIALECT, &resolved, table),
            settled: true,
            configured: false,
            savepoint: sql_str(&format!("SAVEPOINT {GUARD_SAVEPOINT}")),
            release: sql_str(&format!("RELEASE SAVEPOINT {GUARD_SAVEPOINT}")),
        })
    }

    /// The version table's statements, for the table this session resolved.
    pub(crate) fn sql(&self) -> &VersionSql {
        &self.sql
    }

    fn parts(&mut self) -> (&mut B, &mut Conn<B>) {
        let backend = self
            .backend
            .as_mut()
            .expect("the backend is only taken on close");
        (backend, self.guard.conn())
    }

    /// One attempt at the session lock.
    pub(crate) async fn try_lock(&mut self) -> Result<bool, sqlx::Error> {
        let (b, conn) = self.parts();
        let got = b.try_lock(conn).await?;
        if got {
            self.guard.locked = true;
        }
        Ok(got)
    }

    /// Releases the session lock. A lock the server says was not held marks
    /// the connection to be closed, never pooled.
    pub(crate) async fn unlock(&mut self) -> Result<(), sqlx::Error> {
        let (b, conn) = self.parts();
        let released = b.unlock(conn).await;
        // Not held any more as far as the run goes, whatever the answer:
        // a lock the server did not release goes with the connection,
        // which is closed instead of pooled.
        self.guard.locked = false;
        if !matches!(released, Ok(true)) {
            self.guard.tainted = true;
        }
        released.map(drop)
    }

    /// Whether this session holds the session lock: the one record of it.
    pub(crate) fn locked(&self) -> bool {
        self.guard.locked
    }

    /// Whether a transaction is open on this session: the one record of it.
    pub(crate) fn in_tx(&self) -> bool {
        self.guard.in_tx
    }

    /// One attempt at the transaction-scoped lock.
    pub(crate) async fn try_xact_lock(&mut self) -> Result<bool, sqlx::Error> {
        let (b, conn) = self.parts();
        b.try_xact_lock(conn).await
    }

    /// Runs text as-is.
    pub(crate) async fn exec(&mut self, sql: SqlStr) -> Result<u64, sqlx::Error> {
        B::Db::execute(self.guard.conn(), sql).await
    }

    /// Opens a transaction, with the savepoint that [`Session::check_open`]
    /// releases when `guarded`.
    pub(crate) async fn begin(&mut self, guarded: bool) -> Result<(), sqlx::Error> {
        // Marked first: if BEGIN's reply is lost the connection may be in a
        // transaction, and must not go back to the pool.
        self.guard.in_tx = true;
        let text = if guarded {
            sql_str(&format!("{}; SAVEPOINT {GUARD_SAVEPOINT}", B::begin_sql()))
        } else {
            sql_str(B::begin_sql())
        };
        let result = self.exec(text).await.map(drop);
        if result.is_err() {
            // A failed BEGIN opened nothing; a lost reply may have, and is
            // handled by closing the connection instead of pooling it.
            self.guard.in_tx = false;
            self.guard.tainted = true;
        }
        result
    }

    /// Commits the open transaction and opens the next (with the savepoint
    /// when `guarded`) in one round trip: what a run does between two
    /// transactional steps.
    pub(crate) async fn commit_and_begin(&mut self, guarded: bool) -> Result<(), Chained> {
        let text = if guarded {
            format!("COMMIT; {}; SAVEPOINT {GUARD_SAVEPOINT}", B::begin_sql())
        } else {
            format!("COMMIT; {}", B::begin_sql())
        };
        let batch = B::Db::batch(self.guard.conn(), sql_str(&text)).await;
        match batch.failure {
            None => Ok(()),
            Some(e) if batch.changed.is_empty() => Err(Chained::Commit(e)),
            Some(e) => {
                // Committed, but what follows opened nothing or may have
                // opened something: the connection is closed, not pooled.
                self.guard.in_tx = false;
                self.guard.tainted = true;
                Err(Chained::Begin(e))
            }
        }
    }

    /// [`Session::commit_and_begin`] and then a transactional section, in
    /// one call: what a run does between two steps when nothing listens
    /// to either ([`Backend::CHAINS_SECTIONS`]). Statements are numbered
    /// as the database finished them, so a failure says which part failed,
    /// and a section's statement number is counted within the section.
    pub(crate) async fn commit_begin_and_run(&mut self, sql: &str) -> Result<(), ChainFailure> {
        const OPENING: usize = 3;
        let text = format!(
            "COMMIT; {}; SAVEPOINT {GUARD_SAVEPOINT};\n{sql}",
            B::begin_sql()
        );
        self.settled = false;
        let failure = match B::Db::run_many(self.guard.conn(), sql_str(&text), None).await {
            Ok(()) => return Ok(()),
            Err(failure) => failure,
        };
        match failure.statement.unwrap_or(0) {
            0 => Err(ChainFailure::Chained(Chained::Commit(failure.source))),
            k if k < OPENING => {
                // As in `commit_and_begin`: committed, and what follows may
                // have opened something.
                self.guard.in_tx = false;
                self.guard.tainted = true;
                Err(ChainFailure::Chained(Chained::Begin(failure.source)))
            }
            k => Err(ChainFailure::Section(SqlFailure {
                statement: Some(k - OPENING),
                ..failure
            })),
        }
    }

    /// Ends a transactional step in one round trip, before its commit:
    /// releases the savepoint (which fails when the section ended the
    /// transaction), runs `row` (the step's version-row statement, values
    /// inlined) and, where session settings are checked after every step,
    /// reads them, putting them back if the section changed them. Returns
    /// the rows `row` changed.
    pub(crate) async fn close_step(&mut self, row: &Stmt) -> Result<u64, CloseFailure> {
        debug_assert!(row.args.is_empty(), "the row's values are inlined");
        let mut text = format!("RELEASE SAVEPOINT {GUARD_SAVEPOINT}; {}", row.sql);
        let read = B::STEP_SETTINGS.filter(|_| B::RESTORE_EVERY_STEP);
        if let Some(query) = read {
            text.push_str("; ");
            text.push_str(query);
        }
        let Batch {
            changed,
            rows,
            failure,
        } = B::Db::batch(self.guard.conn(), sql_str(&text)).await;
        let kept = match failure {
            Some(e) if changed.is_empty() => return Err(CloseFailure::Ended(e)),
            Some(e) if changed.len() == 1 => return Err(CloseFailure::Row(e)),
            Some(e) => Err(e),
            None if read.is_some() => match (self.backend.as_ref(), rows.first()) {
                (Some(b), Some(r)) => b.settings_kept(r),
                _ => Ok(false),
            },
            None if B::RESTORE_EVERY_STEP => Ok(false),
            // Checked after steps outside a transaction and at the end only.
            None => return Ok(changed[1]),
        };
        match kept {
            Ok(true) => self.settled = true,
            Ok(false) => self.restore(false).await,
            Err(e) => {
                tracing::warn!(target: "migrate", error = %e, "could not check the session settings after a migration; the connection will be closed rather than returned to the pool");
                self.guard.tainted = true;
            }
        }
        Ok(changed[1])
    }

    /// Sets the savepoint for the next section of a transaction that is
    /// already open (grouped runs).
    pub(crate) async fn mark(&mut self) -> Result<(), sqlx::Error> {
        let text = self.savepoint.clone();
        self.exec(text).await.map(drop)
    }

    /// Releases the savepoint: fails when the section ended the transaction.
    pub(crate) async fn check_open(&mut self) -> Result<(), sqlx::Error> {
        let text = self.release.clone();
        self.exec(text).await.map(drop)
    }

    /// Commits.
    pub(crate) async fn commit(&mut self) -> Result<(), sqlx::Error> {
        self.exec(sql_str("COMMIT")).await?;
        self.guard.in_tx = false;
        Ok(())
    }

    /// Rolls back.
    pub(crate) async fn rollback(&mut self) -> Result<(), sqlx::Error> {
        self.exec(sql_str("ROLLBACK")).await?;
        self.guard.in_tx = false;
        Ok(())
    }

    /// Runs a version-table statement; returns the rows it changed.
    pub(crate) async fn write(
        &mut self,
        stmt: &Stmt,
        persistent: bool,
    ) -> Result<u64, sqlx::Error> {
        B::Db::execute_bound(
            self.guard.conn(),
            sql_str(&stmt.sql),
            &stmt.args,
            persistent,
        )
        .await
    }

    /// Creates the version table if it does not exist.
    pub(crate) async fn create_table(&mut self) -> Result<(), sqlx::Error> {
        let text = sql_str(&self.sql.create_table());
        self.exec(text).await.map(drop)
    }

    /// Every row with all its columns, or `None` when the table does not exist.
    pub(crate) async fn read_rows(&mut self) -> Result<Option<Vec<RawRow>>, sqlx::Error> {
        let text = sql_str(&self.sql.select_rows());
        let rows = match B::Db::fetch_bound(self.guard.conn(), text, &[]).await {
            Ok(rows) => rows,
            Err(e) if B::classify(&e) == ErrorClass::MissingTable => return Ok(None),
            Err(e) => return Err(e),
        };
        rows.iter()
            .map(|r| {
                Ok(RawRow {
                    revision: B::text(r, 0)?,
                    checksum: B::text(r, 1)?,
                    state: B::text(r, 2)?,
                    applied_at: B::opt_text(r, 3)?.unwrap_or_default(),
                    duration_ms: B::int(r, 4)?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map(Some)
    }

    /// (revision, checksum, state) of every row, or `None` when the table
    /// does not exist: what upgrade, downgrade and stamp read.
    pub(crate) async fn read_brief(&mut self) -> Result<Option<Brief>, sqlx::Error> {
        let select = self.sql.select_brief();
        let packed = self.sql.select_packed();
        let (b, conn) = self.parts();
        b.read_brief(conn, &select, &packed).await
    }

    /// Runs a migration section; `done` hears of each finished statement.
    pub(crate) async fn run_section(
        &mut self,
        sql: &str,
        in_tx: bool,
        done: Finished<'_>,
    ) -> Result<(), SqlFailure> {
        self.settled = false;
        let (b, conn) = self.parts();
        b.run_section(conn, sql, in_tx, done).await
    }

    /// Sets the statement lock timeout for the rest of the session.
    pub(crate) async fn set_statement_lock_timeout(
        &mut self,
        timeout: std::time::Duration,
    ) -> Result<(), sqlx::Error> {
        self.configured = true;
        let (b, conn) = self.parts();
        b.set_statement_lock_timeout(conn, timeout).await
    }

    /// Puts back session settings a migration changed; see [`Backend::restore`].
    /// A session that cannot be restored is closed at the end, not pooled.
    pub(crate) async fn restore(&mut self, at_end: bool) {
        if self.settled && !(at_end && self.configured) {
            // Read since the last section ran, and found as wanted.
            return;
        }
        let (b, conn) = self.parts();
        match b.restore(conn, at_end).await {
            Ok(true) => self.settled = !at_end,
            Ok(false) => self.guard.tainted = true,
            Err(e) => {
                tracing::warn!(target: "migrate", error = %e, "could not check the session settings after a migration; the connection will be closed rather than returned to the pool");
                self.guard.tainted = true;
            }
        }
    }

    /// The server's id of this session, if the dialect has one.
    pub(crate) fn session_id(&self) -> Option<i64> {
        self.backend.as_ref().and_then(B::session_id)
    }

    /// Whether settings must be checked after every step.
    pub(crate) fn restore_every_step(&self) -> bool {
        B::RESTORE_EVERY_STEP
    }

    /// Hands the connection back to the pool, or closes it if a lock, a
    /// transaction or a changed session might remain.
    pub(crate) async fn close(mut self) {
        let conn = self.guard.take_dirty();
        let backend = self.backend.take();
        if let Some(conn) = conn {
            use sqlx::Connection;
            // Roll back (by closing) before the backend's state (SQLite's
            // lock file) goes.
            let _ = conn.close().await;
        }
        drop(backend);
    }
}

impl<B: Backend> Drop for Session<B> {
    fn drop(&mut self) {
        if let Some(backend) = self.backend.take() {
            backend.abandon(self.guard.take_dirty());
        }
    }
}
