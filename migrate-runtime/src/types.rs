//! Plain data the runtime reports and is configured with.

use std::sync::Arc;
use std::time::Duration;

/// Which way a step moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Applying a revision.
    Up,
    /// Reverting a revision.
    Down,
}

/// How concurrent migrators are kept apart.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum LockStrategy {
    /// A session-level lock held for the whole run (PostgreSQL advisory lock
    /// and MySQL `GET_LOCK` on the run's connection, an OS lock on the
    /// `<database file>.<table>.migrate-lock` file for SQLite). The default.
    #[default]
    Session,
    /// A transaction-scoped lock taken in each revision's transaction, for
    /// poolers such as PgBouncer in transaction mode (PostgreSQL's
    /// `pg_try_advisory_xact_lock`). Weaker than a session lock: the version
    /// table is created and first read without it, a waiter waits inside an
    /// open transaction, and a `transaction:false` step holds it only while
    /// its `started` row is written. MySQL and SQLite have no such lock and
    /// use their session lock.
    Transaction,
    /// No lock, for databases without advisory locks (CockroachDB). Only safe
    /// when a single migrator runs at a time.
    None,
}

/// What to do when an applied revision's checksum differs from the embedded file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum DriftPolicy {
    /// Refuse to run (the default).
    #[default]
    Error,
    /// Log a warning and go on.
    Warn,
}

/// What to do when the database has applied revisions this binary does not know.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnknownPolicy {
    /// Refuse to run (the default).
    #[default]
    Error,
    /// Go on, as an older binary must during a rolling deploy or rollback.
    Allow,
}

/// One step that ran: reported to hooks and returned in [`Report`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepEvent {
    /// The revision id.
    pub revision: String,
    /// Its file name.
    pub file_name: String,
    /// Its `Message:` header.
    pub message: String,
    /// Up or down.
    pub direction: Direction,
    /// Wall time of the step, version-table write included.
    pub duration: Duration,
}

/// One statement of a migration section that the database finished:
/// reported to [`Migrator::on_statement`](crate::Migrator::on_statement)
/// hooks as it happens, for tools that measure a run statement by
/// statement (`cargo migrate rehearse`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementEvent {
    /// The revision id.
    pub revision: String,
    /// Up or down.
    pub direction: Direction,
    /// The statement's 0-based number in its section, as the statement
    /// splitter (`migrate_graph::split`) counts them.
    pub index: usize,
    /// The rows it changed, as the driver reports them.
    pub rows_affected: u64,
    /// When it finished (as the client saw its result).
    pub finished: std::time::Instant,
    /// Since the previous statement of the section finished (or the
    /// section began): the statement's own time.
    pub duration: Duration,
}

/// A step that has been running for a while: reported to
/// [`Migrator::on_wait`](crate::Migrator::on_wait) hooks after a few
/// seconds, then at growing intervals, so that a person can see what a run
/// is waiting for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitEvent {
    /// The revision id.
    pub revision: String,
    /// Its file name.
    pub file_name: String,
    /// Up or down.
    pub direction: Direction,
    /// How long the step has run so far.
    pub waited: Duration,
    /// What the database says the step waits for, when it can tell: the
    /// session holding the lock it wants (PostgreSQL) or its own wait state
    /// (MySQL, MariaDB).
    pub waiting_for: Option<String>,
}

/// What an upgrade, downgrade or stamp did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Steps run, in order. Empty when there was nothing to do.
    pub steps: Vec<StepEvent>,
    /// Revisions a stamp recorded as applied.
    pub stamped: Vec<String>,
    /// Revisions a stamp removed from the record.
    pub unstamped: Vec<String>,
    /// The heads after the run.
    pub heads: Vec<String>,
    /// The backup an upgrade took first ([`Migrator::backup`](crate::Migrator::backup)).
    pub backup: Option<std::path::PathBuf>,
}

/// The state of one version-table row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowState {
    /// Applied and finished.
    Applied,
    /// A non-transactional step started and never finished: the process died
    /// or the SQL failed part-way. Needs a person to check the schema.
    Started(Direction),
    /// A step failed and may have left part of its work behind (MySQL DDL,
    /// `transaction:false`).
    Failed(Direction),
}

/// One row of the version table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedRow {
    /// The revision id.
    pub revision: String,
    /// The checksum recorded when it was applied (hex).
    pub checksum: String,
    /// When it was applied, as the database wrote it.
    pub applied_at: String,
    /// How long applying took, in milliseconds.
    pub duration_ms: i64,
    /// Applied, or a visible partial state.
    pub state: RowState,
}

/// A database's migration state compared with the migration set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Status {
    /// Every version-table row, in apply order where known.
    pub rows: Vec<AppliedRow>,
    /// The applied heads (Alembic's `current`).
    pub heads: Vec<String>,
    /// Revisions not yet applied, in apply order.
    pub pending: Vec<String>,
    /// Applied revisions whose checksum differs from the file: (id, file).
    pub drifted: Vec<(String, String)>,
    /// Applied revisions unknown to the migration set.
    pub unknown: Vec<String>,
    /// Rows in a started or failed state.
    pub failed: Vec<String>,
}

/// How long a migrator waits for the lock by default.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(600);

/// A callback run after each step.
pub(crate) type Hook = Arc<dyn Fn(&StepEvent) + Send + Sync + 'static>;

/// A callback run after each statement of a section.
pub(crate) type StatementHook = Arc<dyn Fn(&StatementEvent) + Send + Sync + 'static>;

/// What an [`Migrator::after_statement`](crate::Migrator::after_statement)
/// hook returns: the run awaits it before the next statement.
pub type StatementWait = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// A callback awaited after each statement of a section.
pub(crate) type StatementPause =
    Arc<dyn Fn(&StatementEvent) -> StatementWait + Send + Sync + 'static>;

/// A callback run while a step takes long.
pub(crate) type WaitHook = Arc<dyn Fn(&WaitEvent) + Send + Sync + 'static>;
