//! What the migrator does on a database: take the lock, read the version
//! table once, plan with the graph, run each step with its version-table
//! write, release. Generic over [`Session`]; the dialect files hold all SQL.

use crate::backend::{
    state, BackendRef, DialectSql, RawRow, Session, SqlFailure, TableName, Values,
};
use crate::embedded::Migration;
use crate::error::Error;
use crate::migrator::Migrator;
use crate::types::{
    AppliedRow, Direction, DriftPolicy, LockStrategy, Report, RowState, Status, StepEvent,
    UnknownPolicy,
};
use migrate_core::{Applied, Graph};
use std::time::{Duration, Instant};

/// What to do.
pub(crate) enum Op<'a> {
    Upgrade(&'a str),
    Downgrade(&'a str),
    Stamp(&'a [&'a str], bool),
    Status,
    AcceptChecksum(&'a str),
    Resolve(&'a str, bool),
}

/// What it gave.
pub(crate) enum Outcome {
    Report(Report),
    Status(Status),
    Done,
}

/// Shortest and longest pause between two lock attempts.
const FIRST_BACKOFF: Duration = Duration::from_millis(10);
const MAX_BACKOFF: Duration = Duration::from_millis(500);

/// Runs `op` on the database behind `backend`.
pub(crate) async fn run(
    m: &Migrator<'_>,
    backend: BackendRef<'_>,
    op: Op<'_>,
) -> Result<Outcome, Error> {
    let table = TableName::parse(&m.table)?;
    let pool_error = |e| db_error("cannot get a connection from the pool", e);
    match backend {
        #[cfg(feature = "sqlite")]
        BackendRef::Sqlite(pool) => {
            let s = crate::backend::sqlite::SqliteSession::open(pool)
                .await
                .map_err(pool_error)?;
            Run::new(s, m, table).execute(op).await
        }
        #[cfg(feature = "postgres")]
        BackendRef::Postgres(pool) => {
            let s = crate::backend::postgres::PgSession::open(pool)
                .await
                .map_err(pool_error)?;
            Run::new(s, m, table).execute(op).await
        }
        #[cfg(feature = "mysql")]
        BackendRef::MySql(pool) => {
            let s = crate::backend::mysql::MySqlSession::open(pool)
                .await
                .map_err(pool_error)?;
            Run::new(s, m, table).execute(op).await
        }
    }
}

fn db_error(context: impl Into<String>, source: sqlx::Error) -> Error {
    Error::Database {
        context: context.into(),
        source: Box::new(source),
    }
}

/// The version table, interpreted against the graph.
#[derive(Clone, Debug)]
struct State {
    /// Every row, parsed.
    rows: Vec<AppliedRow>,
    /// Known revisions in the `applied` state.
    applied: Applied,
    /// Rows of revisions the graph does not know.
    unknown: Vec<String>,
    /// Rows in a started or failed state.
    failed: Vec<(String, RowState)>,
    /// Applied known revisions whose checksum differs: (index, recorded).
    drifted: Vec<(usize, String)>,
}

/// One run: a session, what it holds, and the options.
struct Run<'a, 'm, S: Session> {
    s: S,
    m: &'a Migrator<'m>,
    graph: &'m Graph,
    list: &'static [Migration],
    sql: &'static dyn DialectSql,
    table: TableName,
    /// Whether this run takes the session lock (else none, or the xact lock).
    session_lock: bool,
    /// Whether each transaction takes the transaction-scoped lock (PostgreSQL,
    /// `LockStrategy::Transaction`).
    xact_lock: bool,
    /// The session lock is held.
    locked: bool,
    /// A transaction is open (on SQLite, the lock's own).
    tx_open: bool,
    /// SQLite gave its lock up with a commit: take it again and re-read
    /// before the next step.
    lock_lost: bool,
    /// Steps done inside the open transaction, reported once it commits.
    uncommitted: Vec<StepEvent>,
    /// Steps committed, in order.
    done: Vec<StepEvent>,
    /// Warnings already logged, so re-reads do not repeat them.
    warned: bool,
}

impl<'a, 'm, S: Session> Run<'a, 'm, S> {
    fn new(s: S, m: &'a Migrator<'m>, table: TableName) -> Self {
        let has_xact = s.has_xact_lock();
        let (session_lock, xact_lock) = match m.lock {
            LockStrategy::Session => (true, false),
            LockStrategy::Transaction if has_xact => (false, true),
            LockStrategy::Transaction => (true, false),
            LockStrategy::None => (false, false),
        };
        Run {
            sql: s.sql(),
            s,
            m,
            graph: m.migrations.graph(),
            list: m.migrations.as_slice(),
            table,
            session_lock,
            xact_lock,
            locked: false,
            tx_open: false,
            lock_lost: false,
            uncommitted: Vec::new(),
            done: Vec::new(),
            warned: false,
        }
    }

    /// Runs `op`, then releases whatever is held on every path. A panic in a
    /// hook skips this; the session's guard then closes the connection.
    async fn execute(mut self, op: Op<'_>) -> Result<Outcome, Error> {
        let result = match op {
            Op::Upgrade(target) => self.upgrade(target).await.map(Outcome::Report),
            Op::Downgrade(target) => self.downgrade(target).await.map(Outcome::Report),
            Op::Stamp(targets, purge) => self.stamp(targets, purge).await.map(Outcome::Report),
            Op::Status => self.status().await.map(Outcome::Status),
            Op::AcceptChecksum(revision) => {
                self.accept_checksum(revision).await.map(|()| Outcome::Done)
            }
            Op::Resolve(revision, applied) => self
                .resolve(revision, applied)
                .await
                .map(|()| Outcome::Done),
        };
        let finished = self.finish(result.is_ok()).await;
        let outcome = result?;
        finished?;
        Ok(outcome)
    }

    /// Ends an open transaction (committing it only on success) and releases
    /// the lock. Errors leave the connection marked dirty, so it is closed
    /// rather than pooled, which frees the lock server-side.
    async fn finish(mut self, ok: bool) -> Result<(), Error> {
        let mut result = Ok(());
        if self.tx_open {
            if ok {
                result = self.commit().await;
            } else if let Err(e) = self.s.rollback().await {
                tracing::warn!(target: "migrate", error = %e, "rollback after a failure failed; closing the connection");
            }
            self.tx_open = false;
        }
        if self.locked && !self.s.lock_is_transaction() {
            if let Err(e) = self.s.unlock(&self.table).await {
                tracing::warn!(target: "migrate", error = %e, "releasing the migration lock failed; closing the connection, which releases it");
            }
            self.locked = false;
        }
        self.s.close().await;
        result
    }

    // ----------------------------------------------------------- locking --

    /// Polls a try-lock with exponential back-off until the lock timeout.
    /// Polling (rather than a blocking lock call) bounds the wait and keeps
    /// the waiter out of the holder's way.
    async fn poll_lock(&mut self, xact: bool) -> Result<(), Error> {
        let begun = Instant::now();
        let mut pause = FIRST_BACKOFF;
        let mut said = false;
        loop {
            let got = if xact {
                self.s.try_xact_lock(&self.table).await
            } else {
                self.s.try_lock(&self.table).await
            };
            let got = got.map_err(|e| {
                db_error(
                    format!(
                        "cannot take the migration lock for {}",
                        self.table.display()
                    ),
                    e,
                )
            })?;
            if got {
                if said {
                    tracing::info!(target: "migrate", waited_ms = begun.elapsed().as_millis() as u64, "took the migration lock");
                }
                return Ok(());
            }
            let waited = begun.elapsed();
            if waited >= self.m.lock_timeout {
                return Err(Error::LockTimeout {
                    waited,
                    hint: self.s.lock_hint(),
                });
            }
            if !said {
                tracing::info!(target: "migrate", table = %self.table.display(), "another migrator holds the migration lock; waiting");
                said = true;
            }
            tokio::time::sleep(pause.min(self.m.lock_timeout - waited)).await;
            pause = (pause * 2).min(MAX_BACKOFF);
        }
    }

    /// Takes the session lock.
    async fn acquire(&mut self) -> Result<(), Error> {
        self.poll_lock(false).await?;
        self.locked = true;
        self.lock_lost = false;
        if self.s.lock_is_transaction() {
            self.tx_open = true;
        }
        Ok(())
    }

    /// Opens a transaction unless one is open. With the transaction-scoped
    /// lock, takes it and returns a fresh read of the table, which the
    /// caller must use: another migrator may have moved on meanwhile.
    async fn begin(&mut self) -> Result<Option<State>, Error> {
        if self.tx_open {
            return Ok(None);
        }
        self.s
            .begin()
            .await
            .map_err(|e| db_error("cannot begin a transaction", e))?;
        self.tx_open = true;
        if self.xact_lock {
            self.poll_lock(true).await?;
            return self.read().await.map(Some);
        }
        Ok(None)
    }

    /// Commits, then reports the steps that the commit made durable.
    async fn commit(&mut self) -> Result<(), Error> {
        self.s
            .commit()
            .await
            .map_err(|e| db_error("cannot commit", e))?;
        self.tx_open = false;
        if self.s.lock_is_transaction() && self.locked {
            self.locked = false;
            self.lock_lost = true;
        }
        for event in std::mem::take(&mut self.uncommitted) {
            self.fire(event);
        }
        Ok(())
    }

    /// Rolls back after a failed step; the failure being reported matters
    /// more than a rollback error, which only gets logged (the connection is
    /// then closed, which rolls back too).
    async fn rollback(&mut self) {
        if !self.tx_open {
            return;
        }
        if let Err(e) = self.s.rollback().await {
            tracing::warn!(target: "migrate", error = %e, "rollback failed; the connection will be closed");
        } else {
            self.tx_open = false;
            if self.s.lock_is_transaction() && self.locked {
                self.locked = false;
                self.lock_lost = true;
            }
        }
        self.uncommitted.clear();
    }

    /// Takes the lock (unless the strategy says otherwise) and reads the
    /// table, creating it if missing.
    async fn start(&mut self) -> Result<State, Error> {
        if self.session_lock {
            self.acquire().await?;
        }
        self.ensure_table().await
    }

    /// Takes the lock and reads the table; `None` when there is none.
    async fn start_existing(&mut self) -> Result<Option<State>, Error> {
        if self.session_lock {
            self.acquire().await?;
        }
        self.read_opt().await
    }

    // -------------------------------------------------------------- state --

    async fn read_opt(&mut self) -> Result<Option<State>, Error> {
        let rows = self
            .s
            .read_rows(&self.table)
            .await
            .map_err(|e| self.read_error(e))?;
        rows.map(|rows| self.interpret(rows)).transpose()
    }

    /// Reads the table, which must exist by now.
    async fn read(&mut self) -> Result<State, Error> {
        match self.read_opt().await? {
            Some(state) => Ok(state),
            None => Err(Error::CorruptTable {
                table: self.table.display(),
                detail: "it disappeared while migrating".to_owned(),
            }),
        }
    }

    /// Reads the table, creating it if missing. The read comes first so
    /// that an existing table costs no DDL. Without the session lock two
    /// migrators may race to create it: a failed create is forgiven when the
    /// table exists afterwards.
    async fn ensure_table(&mut self) -> Result<State, Error> {
        if let Some(state) = self.read_opt().await? {
            return Ok(state);
        }
        tracing::info!(target: "migrate", table = %self.table.display(), "creating the version table");
        if let Err(e) = self.s.create_table(&self.table).await {
            if !self.tx_open {
                if let Ok(Some(state)) = self.read_opt().await {
                    return Ok(state);
                }
            }
            return Err(db_error(
                format!("cannot create the version table {}", self.table.display()),
                e,
            ));
        }
        self.interpret(Vec::new())
    }

    fn read_error(&self, e: sqlx::Error) -> Error {
        match e {
            sqlx::Error::ColumnDecode { .. }
            | sqlx::Error::ColumnNotFound(_)
            | sqlx::Error::ColumnIndexOutOfBounds { .. } => Error::CorruptTable {
                table: self.table.display(),
                detail: e.to_string(),
            },
            e => db_error(
                format!("cannot read the version table {}", self.table.display()),
                e,
            ),
        }
    }

    fn interpret(&self, raw: Vec<RawRow>) -> Result<State, Error> {
        let mut st = State {
            rows: Vec::with_capacity(raw.len()),
            applied: Applied::empty(self.graph.len()),
            unknown: Vec::new(),
            failed: Vec::new(),
            drifted: Vec::new(),
        };
        for row in raw {
            let row_state = match row.state.as_str() {
                state::APPLIED => RowState::Applied,
                state::STARTED_UP => RowState::Started(Direction::Up),
                state::STARTED_DOWN => RowState::Started(Direction::Down),
                state::FAILED_UP => RowState::Failed(Direction::Up),
                state::FAILED_DOWN => RowState::Failed(Direction::Down),
                other => {
                    return Err(Error::CorruptTable {
                        table: self.table.display(),
                        detail: format!("revision {} has state `{other}`", row.revision),
                    })
                }
            };
            let index = self.graph.index_of(&row.revision);
            match (index, row_state) {
                (None, _) => st.unknown.push(row.revision.clone()),
                (Some(i), RowState::Applied) => {
                    st.applied.insert(i);
                    if self.list[i].checksum().to_hex() != row.checksum.trim() {
                        st.drifted.push((i, row.checksum.clone()));
                    }
                }
                (Some(_), _) => {}
            }
            if row_state != RowState::Applied {
                st.failed.push((row.revision.clone(), row_state));
            }
            st.rows.push(AppliedRow {
                revision: row.revision,
                checksum: row.checksum,
                applied_at: row.applied_at,
                duration_ms: row.duration_ms,
                state: row_state,
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
        Ok(st)
    }

    /// Refuses to go on over a failed row, an unknown revision or drift,
    /// as the policies say.
    fn check(&mut self, st: &State, allow_failed: bool) -> Result<(), Error> {
        if !allow_failed {
            if let Some((revision, row_state)) = st.failed.first() {
                let direction = match row_state {
                    RowState::Started(d) | RowState::Failed(d) => *d,
                    RowState::Applied => Direction::Up,
                };
                return Err(Error::Failed {
                    revision: revision.clone(),
                    file: self.file_of(revision),
                    direction,
                });
            }
        }
        if !st.unknown.is_empty() {
            match self.m.unknown {
                UnknownPolicy::Error => {
                    return Err(Error::UnknownApplied {
                        revisions: st.unknown.clone(),
                    })
                }
                UnknownPolicy::Allow => {
                    if !self.warned {
                        tracing::warn!(target: "migrate", revisions = ?st.unknown, "the database has applied revisions this build does not contain; ignoring them");
                    }
                }
            }
        }
        for (i, recorded) in &st.drifted {
            let m = &self.list[*i];
            match self.m.drift {
                DriftPolicy::Error => {
                    return Err(Error::Drift {
                        revision: m.id().to_owned(),
                        file: m.file_name().to_owned(),
                        recorded: recorded.clone(),
                        current: m.checksum().to_hex(),
                    })
                }
                DriftPolicy::Warn => {
                    if !self.warned {
                        tracing::warn!(target: "migrate", revision = m.id(), file = m.file_name(), "applied revision was edited since (checksum differs); going on as DriftPolicy::Warn says");
                    }
                }
            }
        }
        self.warned = true;
        Ok(())
    }

    fn file_of(&self, revision: &str) -> String {
        match self.graph.index_of(revision) {
            Some(i) => self.list[i].file_name().to_owned(),
            None => "not in this build".to_owned(),
        }
    }

    fn heads(&self, applied: &Applied) -> Vec<String> {
        self.graph
            .heads_of(applied)
            .into_iter()
            .map(|i| self.graph.id(i).to_owned())
            .collect()
    }

    // ------------------------------------------------------------ running --

    async fn upgrade(&mut self, target: &str) -> Result<Report, Error> {
        let mut st = self.start().await?;
        self.check(&st, false)?;
        let plan = self.graph.plan_upgrade(target, &st.applied)?;
        self.apply(&mut st, &plan, Direction::Up).await
    }

    async fn downgrade(&mut self, target: &str) -> Result<Report, Error> {
        let mut st = self.start().await?;
        self.check(&st, false)?;
        let plan = self.graph.plan_downgrade(target, &st.applied)?;
        // Refuse before running anything rather than stop half-way.
        if let Some(&i) = plan.iter().find(|&&i| self.list[i].is_irreversible()) {
            return Err(Error::Irreversible {
                revision: self.list[i].id().to_owned(),
                file: self.list[i].file_name().to_owned(),
            });
        }
        self.apply(&mut st, &plan, Direction::Down).await
    }

    /// Runs the planned steps. A step found done (or undone) by another
    /// migrator after a re-read is skipped.
    async fn apply(
        &mut self,
        st: &mut State,
        plan: &[usize],
        direction: Direction,
    ) -> Result<Report, Error> {
        for &i in plan {
            if self.lock_lost {
                self.acquire().await?;
                *st = self.read().await?;
                self.check(st, false)?;
            }
            if needed(st, i, direction) {
                self.step(st, i, direction).await?;
            }
            // One transaction per revision: commit now. SQLite's lock is a
            // transaction too; it is kept while nothing was written, and
            // taken again after the commit.
            if self.tx_open
                && !self.m.grouped
                && (!self.s.lock_is_transaction() || !self.uncommitted.is_empty())
            {
                self.commit().await?;
            }
        }
        if self.tx_open && !self.uncommitted.is_empty() {
            self.commit().await?;
        }
        Ok(Report {
            steps: std::mem::take(&mut self.done),
            heads: self.heads(&st.applied),
            ..Report::default()
        })
    }

    /// One revision, up or down, with its version-table write.
    async fn step(&mut self, st: &mut State, i: usize, direction: Direction) -> Result<(), Error> {
        let m = &self.list[i];
        let (sql, in_tx) = match direction {
            Direction::Up => (m.up_sql(), m.up_transaction()),
            Direction::Down => (m.down_sql().unwrap_or_default(), m.down_transaction()),
        };
        let transactional = in_tx && self.sql.transactional_ddl();
        let checksum = m.checksum().to_hex();
        tracing::debug!(target: "migrate", revision = m.id(), file = m.file_name(), %direction, transactional, "starting step");
        let begun = Instant::now();

        if transactional {
            if let Some(fresh) = self.begin().await? {
                *st = fresh;
                self.check(st, false)?;
                if !needed(st, i, direction) {
                    return Ok(());
                }
            }
            if let Err(failure) = self.s.run_sql(sql, true).await {
                self.rollback().await;
                return Err(self.migration_error(m, direction, sql, failure, true));
            }
            let duration = begun.elapsed();
            let record = match direction {
                Direction::Up => self.sql.insert_row(
                    &self.table,
                    Values::Bind,
                    m.id(),
                    &checksum,
                    state::APPLIED,
                    millis(duration),
                ),
                Direction::Down => self.sql.delete_row(&self.table, Values::Bind, m.id()),
            };
            if let Err(e) = self.s.write(&record).await {
                self.rollback().await;
                return Err(db_error(
                    format!(
                        "cannot record {} of {} in {}",
                        direction,
                        m.id(),
                        self.table.display()
                    ),
                    e,
                ));
            }
            self.record(st, i, direction, begun.elapsed());
            return Ok(());
        }

        // Outside a transaction: claim the step with a `started` row first,
        // so that a failure or a crash part-way leaves a visible trace.
        let has_sql = !crate::split::split(sql, self.sql.dialect()).is_empty();
        if self.xact_lock {
            // The claim itself is made under the transaction-scoped lock.
            if let Some(fresh) = self.begin().await? {
                *st = fresh;
                self.check(st, false)?;
                if !needed(st, i, direction) {
                    return Ok(());
                }
            }
        }
        let table_name = self.table.display();
        let write_error = |e| {
            db_error(
                format!(
                    "cannot record {} of {} in {}",
                    direction,
                    m.id(),
                    table_name
                ),
                e,
            )
        };
        if !has_sql {
            // Nothing can fail half-way: record the end state directly.
            let record = match direction {
                Direction::Up => self.sql.insert_row(
                    &self.table,
                    Values::Bind,
                    m.id(),
                    &checksum,
                    state::APPLIED,
                    0,
                ),
                Direction::Down => self.sql.delete_row(&self.table, Values::Bind, m.id()),
            };
            self.s.write(&record).await.map_err(write_error)?;
            self.record(st, i, direction, begun.elapsed());
            return Ok(());
        }
        let claim = match direction {
            Direction::Up => self.sql.insert_row(
                &self.table,
                Values::Bind,
                m.id(),
                &checksum,
                state::STARTED_UP,
                0,
            ),
            Direction::Down => {
                self.sql
                    .set_state(&self.table, Values::Bind, m.id(), state::STARTED_DOWN)
            }
        };
        self.s.write(&claim).await.map_err(write_error)?;
        if self.tx_open {
            // A grouped transaction, SQLite's lock or the claim's xact lock:
            // the section must run outside it.
            self.commit().await?;
        }
        if let Err(failure) = self.s.run_sql(sql, false).await {
            let failed = match direction {
                Direction::Up => state::FAILED_UP,
                Direction::Down => state::FAILED_DOWN,
            };
            let mark = self
                .sql
                .set_state(&self.table, Values::Bind, m.id(), failed);
            if let Err(e) = self.s.write(&mark).await {
                tracing::error!(target: "migrate", revision = m.id(), error = %e, "could not mark the revision failed; its row stays `started`");
            }
            return Err(self.migration_error(m, direction, sql, failure, false));
        }
        let duration = begun.elapsed();
        let finish = match direction {
            Direction::Up => self.sql.finish_row(
                &self.table,
                Values::Bind,
                m.id(),
                &checksum,
                millis(duration),
            ),
            Direction::Down => self.sql.delete_row(&self.table, Values::Bind, m.id()),
        };
        self.s.write(&finish).await.map_err(write_error)?;
        self.record(st, i, direction, begun.elapsed());
        Ok(())
    }

    /// Notes a finished step: in the state, and for the hooks (now, or when
    /// the open transaction commits).
    fn record(&mut self, st: &mut State, i: usize, direction: Direction, duration: Duration) {
        match direction {
            Direction::Up => {
                st.applied.insert(i);
            }
            Direction::Down => st.applied.remove(i),
        }
        let m = &self.list[i];
        let event = StepEvent {
            revision: m.id().to_owned(),
            file_name: m.file_name().to_owned(),
            message: m.message().to_owned(),
            direction,
            duration,
        };
        if self.tx_open {
            self.uncommitted.push(event);
        } else {
            self.fire(event);
        }
    }

    fn fire(&mut self, event: StepEvent) {
        tracing::info!(
            target: "migrate",
            revision = %event.revision,
            file = %event.file_name,
            direction = %event.direction,
            duration_ms = event.duration.as_millis() as u64,
            "migration step done"
        );
        for hook in &self.m.hooks {
            hook(&event);
        }
        self.done.push(event);
    }

    fn migration_error(
        &self,
        m: &Migration,
        direction: Direction,
        sql: &str,
        failure: SqlFailure,
        rolled_back: bool,
    ) -> Error {
        let statements = crate::split::split(sql, self.sql.dialect());
        let section = match direction {
            Direction::Up => "up",
            Direction::Down => "down",
        };
        // Where the database located the error beats counting finished statements.
        let located = failure.position.and_then(|at| {
            statements
                .iter()
                .rposition(|s| (s.text.as_ptr() as usize - sql.as_ptr() as usize) <= at)
        });
        let statement = located
            .or(failure.statement)
            .map(|k| match statements.get(k) {
                Some(s) => format!(
                    "statement {} (line {} of the {section} section): `{}`",
                    k + 1,
                    s.line,
                    crate::split::shorten(s.text)
                ),
                None => format!("statement {} of the {section} section", k + 1),
            });
        Error::Migration {
            revision: m.id().to_owned(),
            file: m.file_name().to_owned(),
            direction: match direction {
                Direction::Up => "upgrade",
                Direction::Down => "downgrade",
            },
            statement,
            rolled_back,
            source: Box::new(failure.source),
        }
    }

    // ------------------------------------------------- stamp and friends --

    async fn stamp(&mut self, targets: &[&str], purge: bool) -> Result<Report, Error> {
        let mut st = self.start().await?;
        // The rows change together: one transaction, on every dialect (these
        // are plain DML, transactional on MySQL too).
        if let Some(fresh) = self.begin().await? {
            st = fresh;
        }
        // A purge rewrites the table from scratch: failed, unknown and
        // drifted rows are what it is for.
        if !purge {
            self.check(&st, false)?;
        }
        let empty = Applied::empty(self.graph.len());
        let plan =
            self.graph
                .plan_stamp(targets, if purge { &empty } else { &st.applied }, purge)?;
        let mut after = if purge {
            empty.clone()
        } else {
            st.applied.clone()
        };
        if purge {
            self.write(&self.sql.delete_all(&self.table)).await?;
        }
        for &i in &plan.delete {
            after.remove(i);
            self.write(
                &self
                    .sql
                    .delete_row(&self.table, Values::Bind, self.list[i].id()),
            )
            .await?;
        }
        for &i in &plan.insert {
            after.insert(i);
            let m = &self.list[i];
            let row = self.sql.insert_row(
                &self.table,
                Values::Bind,
                m.id(),
                &m.checksum().to_hex(),
                state::APPLIED,
                0,
            );
            self.write(&row).await?;
        }
        self.commit().await?;
        let ids = |set: &Applied| {
            self.graph
                .in_order(set)
                .into_iter()
                .map(|i| self.graph.id(i).to_owned())
                .collect()
        };
        let mut stamped = after.clone();
        stamped.subtract(&st.applied);
        let mut unstamped = st.applied.clone();
        unstamped.subtract(&after);
        Ok(Report {
            steps: Vec::new(),
            stamped: ids(&stamped),
            unstamped: {
                let mut v: Vec<String> = ids(&unstamped);
                v.reverse();
                v
            },
            heads: self.heads(&after),
        })
    }

    async fn write(&mut self, stmt: &crate::backend::Stmt) -> Result<u64, Error> {
        self.s.write(stmt).await.map_err(|e| {
            db_error(
                format!("cannot write to the version table {}", self.table.display()),
                e,
            )
        })
    }

    async fn status(&mut self) -> Result<Status, Error> {
        let Some(st) = self.read_opt().await? else {
            let empty = Applied::empty(self.graph.len());
            return Ok(Status {
                pending: self.pending(&empty)?,
                ..Status::default()
            });
        };
        Ok(Status {
            heads: self.heads(&st.applied),
            pending: self.pending(&st.applied)?,
            drifted: st
                .drifted
                .iter()
                .map(|&(i, _)| {
                    (
                        self.list[i].id().to_owned(),
                        self.list[i].file_name().to_owned(),
                    )
                })
                .collect(),
            unknown: st.unknown.clone(),
            failed: st.failed.iter().map(|(r, _)| r.clone()).collect(),
            rows: st.rows,
        })
    }

    fn pending(&self, applied: &Applied) -> Result<Vec<String>, Error> {
        let plan = self.graph.plan_upgrade("heads", applied)?;
        Ok(plan
            .into_iter()
            .map(|i| self.graph.id(i).to_owned())
            .collect())
    }

    /// Reads under the lock and in a transaction, for the small writes of
    /// `accept_checksum` and `resolve`; `None` when there is no table.
    async fn start_small_write(&mut self) -> Result<Option<State>, Error> {
        let Some(mut st) = self.start_existing().await? else {
            return Ok(None);
        };
        if let Some(fresh) = self.begin().await? {
            st = fresh;
        }
        Ok(Some(st))
    }

    fn not_recorded(&self, revision: &str) -> Error {
        Error::NotRecorded {
            revision: revision.to_owned(),
            table: self.table.display(),
        }
    }

    async fn accept_checksum(&mut self, revision: &str) -> Result<(), Error> {
        let i = self.graph.resolve_revision(revision)?;
        let m = &self.list[i];
        let st = self
            .start_small_write()
            .await?
            .ok_or_else(|| self.not_recorded(m.id()))?;
        if !st.rows.iter().any(|r| r.revision == m.id()) {
            return Err(self.not_recorded(m.id()));
        }
        let stmt = self
            .sql
            .set_checksum(&self.table, Values::Bind, m.id(), &m.checksum().to_hex());
        self.write(&stmt).await?;
        self.commit().await?;
        tracing::info!(target: "migrate", revision = m.id(), "accepted the current checksum");
        Ok(())
    }

    async fn resolve(&mut self, revision: &str, applied: bool) -> Result<(), Error> {
        // A revision this build knows may be given by prefix; an unknown one
        // (a row left by another build) only by its exact id.
        let id = match self.graph.resolve_revision(revision) {
            Ok(i) => self.list[i].id().to_owned(),
            Err(e) => {
                if !migrate_core::is_valid_id(revision) {
                    return Err(e.into());
                }
                revision.to_owned()
            }
        };
        let st = self
            .start_small_write()
            .await?
            .ok_or_else(|| self.not_recorded(&id))?;
        let row = st
            .rows
            .iter()
            .find(|r| r.revision == id)
            .ok_or_else(|| self.not_recorded(&id))?;
        if row.state == RowState::Applied {
            return Err(Error::NotFailed { revision: id });
        }
        if applied {
            self.write(
                &self
                    .sql
                    .set_state(&self.table, Values::Bind, &id, state::APPLIED),
            )
            .await?;
            if let Some(i) = self.graph.index_of(&id) {
                let checksum = self.list[i].checksum().to_hex();
                self.write(
                    &self
                        .sql
                        .set_checksum(&self.table, Values::Bind, &id, &checksum),
                )
                .await?;
            }
        } else {
            self.write(&self.sql.delete_row(&self.table, Values::Bind, &id))
                .await?;
        }
        self.commit().await?;
        tracing::info!(target: "migrate", revision = %id, applied, "resolved");
        Ok(())
    }
}

/// Whether step `i` still has to run.
fn needed(st: &State, i: usize, direction: Direction) -> bool {
    match direction {
        Direction::Up => !st.applied.contains(i),
        Direction::Down => st.applied.contains(i),
    }
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}
