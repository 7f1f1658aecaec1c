//! The migrator: upgrade, downgrade and stamp under a lock, with drift checks.
//!
//! [`Migrator`] is a builder over a [`Migrations`] set. Its online methods
//! (behind a backend feature) take any [`Database`](crate::Database); the
//! offline ones (`offline.rs`) print SQL scripts and need no database.

use crate::adopt::Tool;
use crate::embedded::Migrations;
use crate::options::{Hooks, Options};
use crate::types::{
    DriftPolicy, LockStrategy, StatementEvent, StatementWait, StepEvent, UnknownPolicy, WaitEvent,
};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The version table's name unless [`Migrator::table`] says otherwise.
pub const DEFAULT_TABLE: &str = "migrate_versions";

/// Runs a migration set against a database, with options.
///
/// Made by [`Migrations::migrator`]; every option has a default, so
/// `MIGRATIONS.migrator().upgrade(&pool, "head")` is a complete call.
///
/// ```no_run
/// use migrate_runtime::{DriftPolicy, LockStrategy, Migrations};
/// use std::time::Duration;
///
/// // In an application: `static MIGRATIONS: Migrations = migrations!("migrations");`
/// # #[cfg(feature = "sqlite")]
/// async fn run(migrations: &Migrations, pool: migrate_runtime::sqlx::SqlitePool) -> Result<(), migrate_runtime::Error> {
///     let report = migrations
///         .migrator()
///         .table("schema_versions")
///         .lock(LockStrategy::Session)
///         .lock_timeout(Duration::from_secs(30))
///         .drift(DriftPolicy::Error)
///         .on_step(|step| println!("{} {} in {:?}", step.direction, step.revision, step.duration))
///         .upgrade(&pool, "heads")
///         .await?;
///     println!("now at {:?}", report.heads);
///     Ok(())
/// }
/// ```
#[derive(Clone)]
pub struct Migrator<'m> {
    pub(crate) migrations: &'m Migrations,
    pub(crate) options: Options,
    pub(crate) hooks: Hooks,
    /// Another tool whose version table an upgrade adopts first, when our
    /// table does not exist yet ([`Migrator::adopt_from`]).
    pub(crate) adopt_from: Option<Tool>,
}

impl Migrations {
    /// A [`Migrator`] over this set, with default options: table
    /// `migrate_versions`, session lock, 10 minute lock timeout, drift and
    /// unknown revisions are errors, one transaction per revision.
    pub fn migrator(&self) -> Migrator<'_> {
        Migrator::new(self)
    }
}

impl std::fmt::Debug for Migrator<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Migrator")
            .field("revisions", &self.migrations.len())
            .field("options", &self.options)
            .field("hooks", &self.hooks)
            .field("adopt_from", &self.adopt_from)
            .finish()
    }
}

impl<'m> Migrator<'m> {
    /// A migrator with default options; the same as [`Migrations::migrator`].
    pub fn new(migrations: &'m Migrations) -> Migrator<'m> {
        Migrator {
            migrations,
            options: Options::new(DEFAULT_TABLE),
            hooks: Hooks::default(),
            adopt_from: None,
        }
    }

    /// The version table: `name` or `schema.name`, letters, digits and `_`,
    /// at most 63 characters a part. It is always quoted in SQL. A name that
    /// breaks these rules makes every database method fail with
    /// [`Error::InvalidTableName`](crate::Error::InvalidTableName) before any
    /// SQL runs.
    pub fn table(mut self, name: impl Into<String>) -> Self {
        self.options.table = name.into();
        self
    }

    /// How concurrent migrators are kept apart; see [`LockStrategy`].
    ///
    /// [`LockStrategy::Transaction`] takes `pg_advisory_xact_lock` inside each
    /// revision's transaction on PostgreSQL (for poolers in transaction mode,
    /// where a session lock could outlive its client). It is weaker: the
    /// version table is created and read without the lock, `transaction:false`
    /// steps only hold it while their `started` row is written, a waiter
    /// waits inside an open transaction, and each transaction reads the
    /// version table again. MySQL and SQLite have no transaction-scoped
    /// locks, so both use their session lock for this strategy.
    pub fn lock(mut self, strategy: LockStrategy) -> Self {
        self.options.lock = strategy;
        self
    }

    /// How long to wait for another migrator's lock before failing with
    /// [`Error::LockTimeout`](crate::Error::LockTimeout). Default 10 minutes.
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.options.lock_timeout = timeout;
        self
    }

    /// What an applied revision whose file changed since does; see [`DriftPolicy`].
    pub fn drift(mut self, policy: DriftPolicy) -> Self {
        self.options.drift = policy;
        self
    }

    /// What applied revisions unknown to this set do; see [`UnknownPolicy`].
    /// Allowed unknown rows are left alone and ignored for planning.
    pub fn unknown(mut self, policy: UnknownPolicy) -> Self {
        self.options.unknown = policy;
        self
    }

    /// Runs all the revisions of one upgrade or downgrade in a single
    /// transaction on PostgreSQL and SQLite, so that the run applies
    /// completely or not at all. A `transaction:false` revision still runs
    /// outside: the transaction is committed before it and a new one begun
    /// after. No effect on MySQL, whose DDL commits implicitly.
    pub fn grouped(mut self, grouped: bool) -> Self {
        self.options.grouped = grouped;
        self
    }

    /// How long migration SQL may wait for a lock held by another session
    /// (an `ALTER TABLE` behind a long transaction, say) before it fails
    /// with an error naming the statement: PostgreSQL's `lock_timeout`,
    /// MySQL's `lock_wait_timeout` and `innodb_lock_wait_timeout` (whole
    /// seconds, at least one), SQLite's busy timeout. Unset, the session's
    /// own setting applies (on PostgreSQL, by default, no limit). Set for
    /// the run and restored before the connection goes back to the pool.
    pub fn statement_lock_timeout(mut self, timeout: Duration) -> Self {
        self.options.statement_lock_timeout = Some(timeout);
        self
    }

    /// Calls `hook` after each step is committed, with the revision, direction
    /// and duration; for logs or metrics. May be given several times.
    pub fn on_step(mut self, hook: impl Fn(&StepEvent) + Send + Sync + 'static) -> Self {
        self.hooks.on_step.push(Arc::new(hook));
        self
    }

    /// Calls `hook` when a step has run for a few seconds (5 s, then 10 s,
    /// 20 s, ... at most a minute apart), with what the database says it
    /// waits for when it can tell: a command-line tool prints it, so that a
    /// migration stuck behind another session's lock does not look hung.
    /// The runtime also logs it as a `tracing` warning.
    pub fn on_wait(mut self, hook: impl Fn(&WaitEvent) + Send + Sync + 'static) -> Self {
        self.hooks.on_wait.push(Arc::new(hook));
        self
    }

    /// Calls `hook` after each statement of a migration section finishes,
    /// with its number, the rows it changed and its duration: what a tool
    /// that measures a run statement by statement needs (`cargo migrate
    /// rehearse`). Called on the run's task as the driver hands over each
    /// result, so it must be quick. May be given several times.
    pub fn on_statement(mut self, hook: impl Fn(&StatementEvent) + Send + Sync + 'static) -> Self {
        self.hooks.on_statement.push(Arc::new(hook));
        self
    }

    /// Like [`Migrator::on_statement`], but the run awaits the future
    /// `hook` returns before it sends the next statement (and before it
    /// commits): a tool can look at the database from another connection at
    /// each statement boundary, while the step's transaction still holds
    /// its locks (`cargo migrate rehearse` reads `pg_locks` there). The time
    /// spent waiting counts in no statement's duration. May be given
    /// several times.
    pub fn after_statement(
        mut self,
        hook: impl Fn(&StatementEvent) -> StatementWait + Send + Sync + 'static,
    ) -> Self {
        self.hooks.after_statement.push(Arc::new(hook));
        self
    }

    /// Before an upgrade (or downgrade) that has something to apply (or
    /// revert), backs the database up into `dir`, named
    /// `<database>-at-<revision>-<UTC time>.<ext>`; the path is in
    /// [`Report::backup`](crate::Report::backup). SQLite is copied with
    /// `VACUUM INTO`; PostgreSQL needs `pg_dump` and MariaDB/MySQL
    /// `mariadb-dump` or `mysqldump` on `PATH`, which get the password
    /// through their environment or a private option file, never their
    /// command line, and the URL's TLS options. The file is created 0600,
    /// a missing `dir` 0700; an existing `dir` that other users can enter
    /// is refused. A missing tool or an unusable directory fails with
    /// [`Error::Backup`](crate::Error::Backup) before any revision runs.
    /// No backup is taken when nothing is to run, nor by stamp.
    pub fn backup(mut self, dir: impl Into<PathBuf>) -> Self {
        self.options.backup = Some(dir.into());
        self
    }

    /// Before each upgrade, adopts `tool`'s version table when ours does
    /// not exist yet (checked under the migration lock): the revisions
    /// `tool` recorded as applied are recorded in ours, in one transaction,
    /// and the upgrade goes on from there. A service that migrated itself
    /// with `sqlx::migrate!` (say) moves to `migrations!` over the files
    /// `cargo migrate import --from sqlx` wrote by changing that line and
    /// adding `.adopt_from(Tool::Sqlx)`. Once our table exists this costs
    /// one query (for our table's existence) per upgrade.
    pub fn adopt_from(mut self, tool: Tool) -> Self {
        self.adopt_from = Some(tool);
        self
    }

    /// The version table name as configured.
    pub fn table_name(&self) -> &str {
        &self.options.table
    }

    /// The migration set.
    pub fn migrations(&self) -> &'m Migrations {
        self.migrations
    }
}

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
mod online {
    use super::Migrator;
    use crate::adopt::{self, AdoptError, Adopted, Adoption, Tool};
    use crate::db::Database;
    use crate::embedded::Migrations;
    use crate::engine::{ops, with_run};
    use crate::error::Error;
    use crate::types::{Report, Status};
    use migrate_graph::ToSpec;

    impl Migrations {
        /// Upgrades `db` to every head, under the migration lock: what a
        /// service calls when it starts. A no-op (one lock, one small query)
        /// when the database is up to date.
        ///
        /// Accepts `&SqlitePool`, `&PgPool`, `&MySqlPool` and `&Db`.
        pub async fn upgrade<D: Database + ?Sized>(&self, db: &D) -> Result<Report, Error> {
            self.migrator().upgrade(db, "heads").await
        }
    }

    impl Migrator<'_> {
        /// Applies the missing revisions up to `target` (`head`, `heads`, an
        /// id or prefix, `+1`, `<rev>+2`, `<label>@head`, ...: text, or a
        /// [`Spec`](migrate_graph::Spec) parsed already), in apply order,
        /// each in its own transaction where the database allows.
        pub async fn upgrade<D: Database + ?Sized, T: ToSpec + ?Sized>(
            &self,
            db: &D,
            target: &T,
        ) -> Result<Report, Error> {
            let target = target.to_spec()?;
            if let Some(tool) = self.adopt_from {
                self.adopt_if_new(db, tool)
                    .await
                    .map_err(AdoptError::into_error)?;
            }
            with_run!(
                self.migrations,
                self.options.clone(),
                self.hooks.clone(),
                db,
                |run| { ops::upgrade(&mut run, &target) }
            )
        }

        /// Reads `tool`'s version table (its default name unless `table`)
        /// and plans the adoption without writing anything: what
        /// [`adopt`](Migrator::adopt) would record, or why it refuses.
        pub async fn adoption<D: Database + ?Sized>(
            &self,
            db: &D,
            tool: Tool,
            table: Option<&str>,
        ) -> Result<Adoption, AdoptError> {
            adopt::adoption(self.migrations, db, tool, table).await
        }

        /// Takes `db` over from `tool`: records in our version table the
        /// revisions `tool` recorded as applied, in one transaction under
        /// the migration lock, leaving `tool`'s table as it was. Refuses,
        /// writing nothing, a failed or dirty row, a version with no
        /// imported revision, a file edited since it was applied (where
        /// the tool kept checksums), and a table of ours that already
        /// records something else.
        pub async fn adopt<D: Database + ?Sized>(
            &self,
            db: &D,
            tool: Tool,
            table: Option<&str>,
        ) -> Result<Adopted, AdoptError> {
            adopt::adopt(
                self.migrations,
                self.options.clone(),
                self.hooks.clone(),
                db,
                tool,
                table,
                false,
            )
            .await
        }

        /// What [`adopt_from`](Migrator::adopt_from) does before an
        /// upgrade: adopts only when our table does not exist yet and
        /// `tool`'s does.
        pub async fn adopt_if_new<D: Database + ?Sized>(
            &self,
            db: &D,
            tool: Tool,
        ) -> Result<Adopted, AdoptError> {
            adopt::adopt(
                self.migrations,
                self.options.clone(),
                self.hooks.clone(),
                db,
                tool,
                None,
                true,
            )
            .await
        }

        /// Reverts, newest first, what was built on `target` (`base`, `-1`,
        /// an id, `<label>@base`, ...), as Alembic does. Fails before
        /// running anything if one of them is irreversible.
        pub async fn downgrade<D: Database + ?Sized, T: ToSpec + ?Sized>(
            &self,
            db: &D,
            target: &T,
        ) -> Result<Report, Error> {
            let target = target.to_spec()?;
            with_run!(
                self.migrations,
                self.options.clone(),
                self.hooks.clone(),
                db,
                |run| { ops::downgrade(&mut run, &target) }
            )
        }

        /// Makes the version table say `targets` (and their ancestors) are
        /// applied without running any SQL, as Alembic's `stamp`: heads on a
        /// target's line are replaced, other branches stay. `stamp(db,
        /// &["base"], false)` clears the table; with `purge` the table is
        /// emptied first (also clearing failed and unknown rows). The rows
        /// change in one transaction on every backend.
        pub async fn stamp<D: Database + ?Sized, T: ToSpec>(
            &self,
            db: &D,
            targets: &[T],
            purge: bool,
        ) -> Result<Report, Error> {
            let targets = targets
                .iter()
                .map(|t| t.to_spec())
                .collect::<Result<Vec<_>, _>>()?;
            with_run!(
                self.migrations,
                self.options.clone(),
                self.hooks.clone(),
                db,
                |run| { ops::stamp(&mut run, &targets, purge) }
            )
        }

        /// The database's state against this migration set. Read-only: takes
        /// no lock and does not create the version table.
        pub async fn status<D: Database + ?Sized>(&self, db: &D) -> Result<Status, Error> {
            with_run!(
                self.migrations,
                self.options.clone(),
                self.hooks.clone(),
                db,
                |run| { ops::status(&mut run) }
            )
        }

        /// Accepts an intentional edit of an applied revision (a fixed
        /// comment, say): records the current file's checksum, so that
        /// [`Error::Drift`] stops. `revision` may be a prefix.
        pub async fn accept_checksum<D: Database + ?Sized>(
            &self,
            db: &D,
            revision: &str,
        ) -> Result<(), Error> {
            with_run!(
                self.migrations,
                self.options.clone(),
                self.hooks.clone(),
                db,
                |run| { ops::accept_checksum(&mut run, revision) }
            )
        }

        /// Settles a revision that an interrupted or failed non-transactional
        /// step left `started` or `failed` (see [`Error::Failed`]): with
        /// `applied`, its changes are in place and it is recorded as applied;
        /// without, they are not and its row is removed. Check the schema
        /// by hand first. Waits for the migration lock, so it cannot settle
        /// a step that another process is still running.
        pub async fn resolve<D: Database + ?Sized>(
            &self,
            db: &D,
            revision: &str,
            applied: bool,
        ) -> Result<(), Error> {
            with_run!(
                self.migrations,
                self.options.clone(),
                self.hooks.clone(),
                db,
                |run| { ops::resolve(&mut run, revision, applied) }
            )
        }
    }
}
