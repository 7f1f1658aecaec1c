//! What the migrator does on a database: take the lock, read the version
//! table once, plan with the graph, run each step with its version-table
//! write, release. Generic over [`Session`]; the dialect files hold all SQL.

use crate::backend::{
    fields, state, Arg, BackendRef, Bind, Brief, DialectSql, RawRow, Session, SqlFailure, Stmt,
    TableName, Values, RECORD_SEP,
};
use crate::embedded::Migration;
use crate::error::Error;
use crate::migrator::Migrator;
use crate::types::{
    AppliedRow, Direction, DriftPolicy, LockStrategy, Report, RowState, Status, StepEvent,
    UnknownPolicy,
};
use migrate_graph::{Applied, Graph};
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
    /// Every row with all its columns, in apply order; only filled by a
    /// full read (`status`, `accept_checksum`, `resolve`).
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

/// The texts of the statements a step runs, made once per run: the same text
/// for every revision, so each is prepared once per connection.
struct Texts {
    /// `INSERT` of a row: revision, checksum, state, duration.
    insert: String,
    /// Marks a started row applied: checksum, duration, revision.
    finish: String,
    /// Sets a row's state: state, revision.
    set_state: String,
    /// Deletes a row: revision.
    delete: String,
}

/// How many version rows a grouped run sends in one `INSERT`: 512 bound
/// values, under the 999 of old SQLite builds.
const CHUNK: usize = 128;

impl Texts {
    fn new(sql: &dyn DialectSql, table: &TableName) -> Texts {
        Texts {
            insert: sql.insert_row(table, Values::Bind, "", "", "", 0).sql,
            finish: sql.finish_row(table, Values::Bind, "", "", 0).sql,
            set_state: sql.set_state(table, Values::Bind, "", "").sql,
            delete: sql.delete_row(table, Values::Bind, "").sql,
        }
    }
}

// The values of [`Texts`], in the placeholder order of the `DialectSql`
// builders that made them (checked by a test below).

fn insert_args<'v>(id: &'v str, checksum: &'v str, state: &'v str, ms: i64) -> [Bind<'v>; 4] {
    [
        Bind::Text(id),
        Bind::Text(checksum),
        Bind::Text(state),
        Bind::Int(ms),
    ]
}

fn finish_args<'v>(id: &'v str, checksum: &'v str, ms: i64) -> [Bind<'v>; 4] {
    [
        Bind::Text(state::APPLIED),
        Bind::Text(checksum),
        Bind::Int(ms),
        Bind::Text(id),
    ]
}

fn set_state_args<'v>(id: &'v str, state: &'v str) -> [Bind<'v>; 2] {
    [Bind::Text(state), Bind::Text(id)]
}

fn delete_args(id: &str) -> [Bind<'_>; 1] {
    [Bind::Text(id)]
}

/// Which of [`Texts`] a step writes.
#[derive(Clone, Copy)]
enum StepSql {
    Insert,
    Finish,
    SetState,
    Delete,
}

/// A checksum as lowercase hex, without allocating.
struct Hex([u8; 64]);

impl Hex {
    fn of(bytes: &[u8; 32]) -> Hex {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 64];
        for (k, b) in bytes.iter().enumerate() {
            out[2 * k] = DIGITS[(b >> 4) as usize];
            out[2 * k + 1] = DIGITS[(b & 15) as usize];
        }
        Hex(out)
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("hex digits are ASCII")
    }
}

/// Whether a recorded checksum (hex, surrounding blanks ignored) is `bytes`.
fn same_checksum(recorded: &str, bytes: &[u8; 32]) -> bool {
    recorded.trim().as_bytes() == Hex::of(bytes).0
}

/// One run: a session, what it holds, and the options.
struct Run<'a, 'm, S: Session> {
    s: S,
    m: &'a Migrator<'m>,
    graph: &'m Graph,
    list: &'m [Migration],
    sql: &'static dyn DialectSql,
    table: TableName,
    /// Made at the first step, so that a no-op run does not format them.
    texts: Option<Texts>,
    /// `INSERT` of [`CHUNK`] rows, made at the first full chunk.
    insert_chunk: Option<String>,
    /// Whether this run takes the session lock (else none, or the xact lock).
    session_lock: bool,
    /// Whether each transaction takes the transaction-scoped lock (PostgreSQL,
    /// `LockStrategy::Transaction`).
    xact_lock: bool,
    /// The session lock is held.
    locked: bool,
    /// A transaction is open.
    tx_open: bool,
    /// Steps done inside the open transaction, reported once it commits.
    uncommitted: Vec<StepEvent>,
    /// The version table is missing and will be created inside the first
    /// transaction (transactional DDL, under the session lock), saving a
    /// commit of its own; or at the end, if no transaction came.
    create_pending: bool,
    /// The open transaction created the table (undone if it rolls back).
    created_in_tx: bool,
    /// Version rows of a grouped run not yet sent: (revision, duration ms).
    /// They are written, in chunks, inside the same transaction as their
    /// revisions, and at the latest right before it commits.
    pending: Vec<(usize, i64)>,
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
        let sql = s.sql();
        Run {
            sql,
            s,
            m,
            graph: m.migrations.graph(),
            list: m.migrations.as_slice(),
            texts: None,
            insert_chunk: None,
            table,
            session_lock,
            xact_lock,
            locked: false,
            tx_open: false,
            uncommitted: Vec::new(),
            create_pending: false,
            created_in_tx: false,
            pending: Vec::new(),
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
            if self.tx_open {
                self.tx_open = false;
                self.undo_created();
            }
        }
        if self.create_pending && result.is_ok() {
            // Nothing ran (or it rolled back): the table is still created
            // on first use, as a run that found it missing promises.
            if let Err(e) = self.create_now().await {
                if ok {
                    result = Err(e);
                } else {
                    tracing::warn!(target: "migrate", error = %e, "creating the version table after a failure failed");
                }
            }
        }
        if self.locked {
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
        if self.create_pending {
            self.create_now().await?;
            self.created_in_tx = true;
        }
        if self.xact_lock {
            // Without a session lock the table may have changed since the
            // last read: read it again under the transaction's lock.
            self.poll_lock(true).await?;
            return self.read().await.map(Some);
        }
        Ok(None)
    }

    /// Commits (with the version rows still pending), then reports the
    /// steps that the commit made durable.
    async fn commit(&mut self) -> Result<(), Error> {
        self.flush().await?;
        if let Err(e) = self.s.commit().await {
            // Every statement succeeded, yet the commit failed (a deferred
            // constraint or trigger, say): name what the transaction held.
            let context = match self.uncommitted.first() {
                Some(first) => format!(
                    "cannot commit the {} of {}",
                    first.direction,
                    self.uncommitted
                        .iter()
                        .map(|e| e.revision.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => "cannot commit".to_owned(),
            };
            return Err(db_error(context, e));
        }
        self.tx_open = false;
        self.created_in_tx = false;
        if !self.uncommitted.is_empty() {
            for event in std::mem::take(&mut self.uncommitted) {
                self.fire(event);
            }
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
            self.undo_created();
        }
        self.uncommitted.clear();
        self.pending.clear();
    }

    /// A rollback undid the table's creation: it is pending again.
    fn undo_created(&mut self) {
        if self.created_in_tx {
            self.created_in_tx = false;
            self.create_pending = true;
        }
    }

    /// Creates the version table now (in the open transaction, if any).
    async fn create_now(&mut self) -> Result<(), Error> {
        tracing::info!(target: "migrate", table = %self.table.display(), "creating the version table");
        self.s.create_table(&self.table).await.map_err(|e| {
            db_error(
                format!("cannot create the version table {}", self.table.display()),
                e,
            )
        })?;
        self.create_pending = false;
        Ok(())
    }

    /// Creates a pending version table before a write outside a transaction.
    async fn ensure_created(&mut self) -> Result<(), Error> {
        if self.create_pending && !self.tx_open {
            self.create_now().await?;
        }
        Ok(())
    }

    /// Writes the pending version rows of a grouped run: full chunks with a
    /// statement prepared once, the rest with a one-off statement.
    async fn flush(&mut self) -> Result<(), Error> {
        while !self.pending.is_empty() {
            let n = self.pending.len().min(CHUNK);
            let rows: Vec<(usize, i64)> = self.pending.drain(..n).collect();
            let sums: Vec<Hex> = rows
                .iter()
                .map(|&(i, _)| Hex::of(&self.list[i].checksum().0))
                .collect();
            let mut args = Vec::with_capacity(4 * n);
            for (&(i, ms), sum) in rows.iter().zip(&sums) {
                args.extend(insert_args(
                    self.list[i].id(),
                    sum.as_str(),
                    state::APPLIED,
                    ms,
                ));
            }
            let written = if n == CHUNK {
                let text = self
                    .insert_chunk
                    .get_or_insert_with(|| self.sql.insert_rows(&self.table, CHUNK));
                self.s.write(text, &args, true).await
            } else {
                let text = self.sql.insert_rows(&self.table, n);
                self.s.write(&text, &args, false).await
            };
            if let Err(e) = written {
                let (first, last) = (rows[0].0, rows[n - 1].0);
                return Err(db_error(
                    format!(
                        "cannot record upgrade of {} to {} ({n} revisions) in {}",
                        self.list[first].id(),
                        self.list[last].id(),
                        self.table.display()
                    ),
                    e,
                ));
            }
        }
        Ok(())
    }

    /// Takes the lock (unless the strategy says otherwise) and reads the
    /// table, creating it if missing.
    async fn start(&mut self) -> Result<State, Error> {
        if self.session_lock {
            self.acquire().await?;
        }
        self.ensure_table().await
    }

    /// Takes the lock and reads the table with every column; `None` when
    /// there is none.
    async fn start_existing(&mut self) -> Result<Option<State>, Error> {
        if self.session_lock {
            self.acquire().await?;
        }
        self.read_full().await
    }

    // -------------------------------------------------------------- state --

    /// Reads what planning needs (revision, checksum, state of each row).
    async fn read_opt(&mut self) -> Result<Option<State>, Error> {
        let brief = self
            .s
            .read_brief(&self.table)
            .await
            .map_err(|e| self.read_error(e))?;
        brief.map(|brief| self.interpret_brief(&brief)).transpose()
    }

    /// Reads every column of every row, for `status` and the small writes.
    async fn read_full(&mut self) -> Result<Option<State>, Error> {
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
        if self.locked && self.sql.transactional_ddl() {
            // Nobody else creates it while the lock is held: create it with
            // the first transaction's work, one commit (and fsync) fewer.
            self.create_pending = true;
            return self.interpret(Vec::new());
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
                    table: self.table.display(),
                    detail: format!("a row has NULL in its `{column}` column"),
                }
            }
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

    /// Interprets a brief read.
    fn interpret_brief(&self, brief: &Brief) -> Result<State, Error> {
        let mut st = self.empty_state();
        match brief {
            Brief::Packed { text, count } => {
                if *count > 0 {
                    for record in text.split(RECORD_SEP) {
                        let (revision, checksum, row_state) = fields(record);
                        self.note(&mut st, revision, checksum, row_state)?;
                    }
                }
            }
            Brief::Rows(rows) => {
                for [revision, checksum, row_state] in rows {
                    self.note(&mut st, revision, checksum, row_state)?;
                }
            }
        }
        debug_assert!(st.applied.count() <= brief.len());
        st.unknown.sort();
        Ok(st)
    }

    /// Interprets a full read, keeping the rows (in apply order) too.
    fn interpret(&self, raw: Vec<RawRow>) -> Result<State, Error> {
        let mut st = self.empty_state();
        st.rows.reserve(raw.len());
        for row in raw {
            let row_state = self.note(&mut st, &row.revision, &row.checksum, &row.state)?;
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

    fn empty_state(&self) -> State {
        State {
            rows: Vec::new(),
            applied: Applied::empty(self.graph.len()),
            unknown: Vec::new(),
            failed: Vec::new(),
            drifted: Vec::new(),
        }
    }

    /// Adds one row to the state; allocates only for rows that need
    /// attention (unknown, failed, drifted).
    fn note(
        &self,
        st: &mut State,
        revision: &str,
        checksum: &str,
        row_state: &str,
    ) -> Result<RowState, Error> {
        let row_state = match row_state {
            state::APPLIED => RowState::Applied,
            state::STARTED_UP => RowState::Started(Direction::Up),
            state::STARTED_DOWN => RowState::Started(Direction::Down),
            state::FAILED_UP => RowState::Failed(Direction::Up),
            state::FAILED_DOWN => RowState::Failed(Direction::Down),
            other => {
                return Err(Error::CorruptTable {
                    table: self.table.display(),
                    detail: format!("revision {revision} has state `{other}`"),
                })
            }
        };
        let index = self.graph.index_of(revision);
        // Each revision has one row (the primary key); a second one means
        // the table was rebuilt or edited by hand, and which row is the
        // truth cannot be known.
        let seen = match index {
            Some(i) => st.applied.contains(i),
            None => st.unknown.iter().any(|r| r == revision),
        } || st.failed.iter().any(|(r, _)| r == revision);
        if seen {
            return Err(Error::CorruptTable {
                table: self.table.display(),
                detail: format!(
                    "revision {revision} has more than one row (was the primary key on `revision` dropped?); keep the one row that is true and delete the others"
                ),
            });
        }
        match (index, row_state) {
            (None, _) => st.unknown.push(revision.to_owned()),
            (Some(i), RowState::Applied) => {
                st.applied.insert(i);
                if !same_checksum(checksum, &self.list[i].checksum().0) {
                    st.drifted.push((i, checksum.to_owned()));
                }
            }
            (Some(_), _) => {}
        }
        if row_state != RowState::Applied {
            st.failed.push((revision.to_owned(), row_state));
        }
        Ok(row_state)
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

    /// Runs the planned steps. Under the session lock the state read at the
    /// start stays true, so nothing is read again; with the transaction-scoped
    /// lock each transaction re-reads, and a step found done (or undone) by
    /// another migrator meanwhile is skipped.
    async fn apply(
        &mut self,
        st: &mut State,
        plan: &[usize],
        direction: Direction,
    ) -> Result<Report, Error> {
        for &i in plan {
            if needed(st, i, direction) {
                self.step(st, i, direction).await?;
            }
            // One transaction per revision: commit now.
            if self.tx_open && !self.m.grouped {
                self.commit().await?;
            }
        }
        if self.tx_open {
            self.commit().await?;
        }
        Ok(Report {
            steps: std::mem::take(&mut self.done),
            heads: self.heads(&st.applied),
            ..Report::default()
        })
    }

    /// Writes a version-table row for step `m`.
    async fn write_step(
        &mut self,
        sql: StepSql,
        m: &Migration,
        args: &[Bind<'_>],
        direction: Direction,
    ) -> Result<(), Error> {
        let texts = self
            .texts
            .get_or_insert_with(|| Texts::new(self.sql, &self.table));
        let text = match sql {
            StepSql::Insert => &texts.insert,
            StepSql::Finish => &texts.finish,
            StepSql::SetState => &texts.set_state,
            StepSql::Delete => &texts.delete,
        };
        match self.s.write(text, args, true).await {
            Ok(_) => Ok(()),
            Err(e) => Err(db_error(
                format!(
                    "cannot record {} of {} in {}",
                    direction,
                    m.id(),
                    self.table.display()
                ),
                e,
            )),
        }
    }

    /// One revision, up or down, with its version-table write: on the
    /// transactional path, the migration SQL and one `INSERT` (or `DELETE`)
    /// inside the transaction.
    async fn step(&mut self, st: &mut State, i: usize, direction: Direction) -> Result<(), Error> {
        let m = &self.list[i];
        let (sql, in_tx) = match direction {
            Direction::Up => (m.up_sql(), m.up_transaction()),
            Direction::Down => (m.down_sql().unwrap_or_default(), m.down_transaction()),
        };
        let transactional = in_tx && self.sql.transactional_ddl();
        let checksum = Hex::of(&m.checksum().0);
        let checksum = checksum.as_str();
        let id = m.id();
        tracing::debug!(target: "migrate", revision = id, file = m.file_name(), %direction, transactional, "starting step");
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
            let written = match direction {
                Direction::Up if self.m.grouped => {
                    // Sent in chunks, inside this same transaction.
                    self.pending.push((i, millis(begun.elapsed())));
                    if self.pending.len() >= CHUNK {
                        self.flush().await
                    } else {
                        Ok(())
                    }
                }
                Direction::Up => {
                    let ms = millis(begun.elapsed());
                    let args = insert_args(id, checksum, state::APPLIED, ms);
                    self.write_step(StepSql::Insert, m, &args, direction).await
                }
                Direction::Down => {
                    self.write_step(StepSql::Delete, m, &delete_args(id), direction)
                        .await
                }
            };
            if let Err(e) = written {
                self.rollback().await;
                return Err(e);
            }
            self.record(st, i, direction, begun.elapsed());
            return Ok(());
        }

        // Outside a transaction: claim the step with a `started` row first,
        // so that a failure or a crash part-way leaves a visible trace.
        self.ensure_created().await?;
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
        if !has_sql {
            // Nothing can fail half-way: record the end state directly.
            match direction {
                Direction::Up => {
                    let args = insert_args(id, checksum, state::APPLIED, 0);
                    self.write_step(StepSql::Insert, m, &args, direction)
                        .await?
                }
                Direction::Down => {
                    self.write_step(StepSql::Delete, m, &delete_args(id), direction)
                        .await?
                }
            }
            self.record(st, i, direction, begun.elapsed());
            return Ok(());
        }
        match direction {
            Direction::Up => {
                let args = insert_args(id, checksum, state::STARTED_UP, 0);
                self.write_step(StepSql::Insert, m, &args, direction)
                    .await?
            }
            Direction::Down => {
                let args = set_state_args(id, state::STARTED_DOWN);
                self.write_step(StepSql::SetState, m, &args, direction)
                    .await?
            }
        }
        if self.tx_open {
            // A grouped transaction or the claim's xact lock: the section
            // must run outside it.
            self.commit().await?;
        }
        if let Err(failure) = self.s.run_sql(sql, false).await {
            let failed = match direction {
                Direction::Up => state::FAILED_UP,
                Direction::Down => state::FAILED_DOWN,
            };
            let args = set_state_args(id, failed);
            if let Err(e) = self
                .write_step(StepSql::SetState, m, &args, direction)
                .await
            {
                tracing::error!(target: "migrate", revision = id, error = %e, "could not mark the revision failed; its row stays `started`");
            }
            return Err(self.migration_error(m, direction, sql, failure, false));
        }
        match direction {
            Direction::Up => {
                let args = finish_args(id, checksum, millis(begun.elapsed()));
                self.write_step(StepSql::Finish, m, &args, direction)
                    .await?
            }
            Direction::Down => {
                self.write_step(StepSql::Delete, m, &delete_args(id), direction)
                    .await?
            }
        }
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

    /// Runs a statement of the rare operations (stamp, accept, resolve).
    async fn write(&mut self, stmt: &Stmt) -> Result<u64, Error> {
        let args: Vec<Bind<'_>> = stmt
            .args
            .iter()
            .map(|a| match a {
                Arg::Text(t) => Bind::Text(t),
                Arg::Int(i) => Bind::Int(*i),
            })
            .collect();
        self.s.write(&stmt.sql, &args, true).await.map_err(|e| {
            db_error(
                format!("cannot write to the version table {}", self.table.display()),
                e,
            )
        })
    }

    async fn status(&mut self) -> Result<Status, Error> {
        let Some(st) = self.read_full().await? else {
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
        if self.begin().await?.is_some() {
            // Read again, every column, under the transaction's lock.
            st = self.read_full().await?.ok_or_else(|| Error::CorruptTable {
                table: self.table.display(),
                detail: "it disappeared while migrating".to_owned(),
            })?;
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
                if !migrate_graph::is_valid_id(revision) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::sql_for;
    use crate::dialect::Dialect;

    fn same(binds: &[Bind<'_>], stmt: &Stmt) -> bool {
        binds.len() == stmt.args.len()
            && binds.iter().zip(&stmt.args).all(|(b, a)| match (b, a) {
                (Bind::Text(x), Arg::Text(y)) => x == y,
                (Bind::Int(x), Arg::Int(y)) => x == y,
                _ => false,
            })
    }

    /// The step statements bind their values in the builders' order, on
    /// every dialect, and their texts do not depend on the values.
    #[test]
    fn step_values_follow_the_builders() {
        let t = TableName::parse("app.versions").unwrap();
        for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql] {
            let sql = sql_for(dialect);
            let texts = Texts::new(sql, &t);
            let insert = sql.insert_row(&t, Values::Bind, "r1", "ab", state::STARTED_UP, 7);
            assert_eq!(insert.sql, texts.insert);
            assert!(same(
                &insert_args("r1", "ab", state::STARTED_UP, 7),
                &insert
            ));
            let finish = sql.finish_row(&t, Values::Bind, "r1", "ab", 7);
            assert_eq!(finish.sql, texts.finish);
            assert!(same(&finish_args("r1", "ab", 7), &finish));
            let set = sql.set_state(&t, Values::Bind, "r1", state::FAILED_UP);
            assert_eq!(set.sql, texts.set_state);
            assert!(same(&set_state_args("r1", state::FAILED_UP), &set));
            let delete = sql.delete_row(&t, Values::Bind, "r1");
            assert_eq!(delete.sql, texts.delete);
            assert!(same(&delete_args("r1"), &delete));
            assert_eq!(sql.insert_rows(&t, 1), texts.insert);
            let two = sql.insert_rows(&t, 2);
            assert_eq!(two.matches(", (").count(), 1, "{two}");
            assert!(sql
                .insert_rows(&t, CHUNK)
                .starts_with(&two[..two.len() - 2]));
        }
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
