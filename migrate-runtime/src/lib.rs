//! Applies and reverts SQL migrations on SQLite, PostgreSQL and MySQL/MariaDB,
//! so a binary can migrate itself safely when it starts.
//!
//! ```ignore
//! use migrate_runtime::{migrations, Migrations};
//!
//! // Validated and embedded at compile time; a broken chain is a compile error here.
//! static MIGRATIONS: Migrations = migrations!("migrations");
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let pool = migrate_runtime::sqlx::SqlitePool::connect("sqlite://app.db?mode=rwc").await?;
//! MIGRATIONS.upgrade(&pool).await?; // to the heads, under the lock; a no-op when up to date
//! # Ok(()) }
//! ```
//!
//! [`Migrations::upgrade`] takes a `&SqlitePool`, `&PgPool`, `&MySqlPool` or a
//! [`Db`] (a pool of whichever backend a URL names: [`Db::connect`]).
//! [`Migrations::migrator`] gives a [`Migrator`] for targets (`head`, `-1`,
//! `feature@base+2`, ...), downgrade, stamp, status, lock and drift options,
//! hooks, and offline SQL scripts.
//!
//! # What a run does
//!
//! 1. Takes the migration lock (see below), then reads the whole version
//!    table in one `SELECT`, once: under the lock nobody else changes it, so
//!    nothing is read again per revision. The table (default
//!    `migrate_versions`) is created on first use, only when that read finds
//!    it missing. An up-to-date database costs the lock and that one query:
//!    no DDL.
//! 2. Refuses to go on over a row a previous run left `started` or `failed`
//!    ([`Error::Failed`]), an applied revision whose file changed
//!    ([`Error::Drift`], unless [`DriftPolicy::Warn`]) or one this build
//!    lacks ([`Error::UnknownApplied`], unless [`UnknownPolicy::Allow`]).
//! 3. Plans with the revision graph of `migrate-graph` and runs each step.
//!    On PostgreSQL and SQLite a revision's SQL and its version-table row
//!    are one transaction (`BEGIN`, the SQL, one `INSERT`, `COMMIT`): both
//!    commit or neither. A `transaction:false`
//!    section, and every revision on MySQL/MariaDB (where DDL commits
//!    implicitly), is bracketed by a `started` row written before it and
//!    marked applied after it (or `failed` if its SQL fails), so a crash or
//!    error part-way leaves a visible trace, never a silent lie.
//! 4. Calls the hooks ([`Migrator::on_step`]) and emits a `tracing` event
//!    (target `migrate`) after each step is committed, then releases the lock.
//!
//! # Locks
//!
//! | backend | [`LockStrategy::Session`] (default) |
//! | --- | --- |
//! | PostgreSQL | `pg_try_advisory_lock(key)` on the run's connection; the key hashes the table name |
//! | MySQL/MariaDB | `GET_LOCK('migrate:<hash of database and table>', 0)` on the run's connection |
//! | SQLite | an OS file lock (`flock`; `LockFileEx` on Windows) on `<database file>.<table>.migrate-lock`, next to the database |
//!
//! Waiting polls the try-lock with back-off (10 ms doubling to 500 ms) up to
//! [`Migrator::lock_timeout`], so a waiter never sits inside a transaction
//! that a holder's `CREATE INDEX CONCURRENTLY` would wait for. The lock is
//! released on every path; if a run is cut short (a panicking hook, a dropped
//! future) its connection is closed instead of returned to the pool, and the
//! server frees the lock. PostgreSQL sessions also ask the server to check
//! every second that the client is still there, so a killed migrator's lock
//! is freed within about a second even in the middle of a long statement.
//!
//! SQLite has no advisory locks, and its own write lock is a transaction that
//! each commit gives up, so its session lock is a lock file: created next to
//! the database on first use and never deleted, locked for the whole run
//! (across commits and `transaction:false` steps), and released by the
//! operating system when the process ends, however it ends. Each revision
//! then runs as `BEGIN IMMEDIATE`, its SQL, its row, `COMMIT`. Migrators of
//! different version tables use different lock files (SQLite still
//! serializes their write transactions). The database file itself is never
//! opened or locked by the runtime, and an in-memory database takes no lock.
//! The directory of the database must be writable, as it must for SQLite's
//! own journal.
//!
//! # What is elsewhere
//!
//! This crate is what a service links to migrate itself, and nothing else.
//! The schema toolkit (catalog readers, scratch databases, autogenerate, the
//! stairway, squash and the per-test database helper) is `migrate-devtools`;
//! the commands (`cargo migrate`'s database commands and an application's
//! own `migrate` command) are `migrate-cli`. Both use only this crate's
//! public API.
//!
//! Without a backend feature (`sqlite`, `postgres`, `mysql`) the crate still
//! offers the embedded set, the graph and offline SQL scripts, without sqlx.
//!
//! [`Migrator::backup`] (and `upgrade`/`downgrade --backup DIR`) backs the
//! database up, into a file only its owner can read, before an upgrade or
//! downgrade that has something to run.
//!
//! # Imports
//!
//! `__private`, `connect`, `fleet`, `offline` → `migrator` → `adopt` → `engine` → `backend` → `session` → `protocol` → `error`, `options` → `backup`, `db`, `embedded`, `failure`, `types` → `url`, `utc`
//!
//! Modules import only modules on a lower layer (listed after them); modules
//! on one layer do not import each other (`tests/e2e/layers.rs` checks it).
//!
//! The migrator builds plain options and hooks for the engine and calls it;
//! the engine never reads the migrator back.
#![deny(missing_docs)]

mod adopt;
mod backup;
mod connect;
mod embedded;
mod error;
mod failure;
mod migrator;
mod offline;
mod options;
mod protocol;
mod types;
mod url;
mod utc;

/// What `migrations!` expands to names; not a stable API.
#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
mod backend;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
mod db;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
mod engine;
/// Fleets: one operation over many tenant databases or schemas, a bounded
/// number at once per server, with a report per revision and failure.
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
pub mod fleet;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
mod session;

pub use self::url::{DatabaseUrl, Redactor, UrlError};
pub use adopt::{AdoptError, Tool, UnknownTool, TOOLS};
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
pub use adopt::{Adopted, Adoption, OtherRow};
pub use backup::{BackupError, SecretDir, ToolConnection};
pub use embedded::{LoadError, Migration, Migrations};
pub use error::{redact_url, Action, Corruption, Error, StatementRef};
pub use failure::ConnectFailure;
pub use migrate_graph as core;
pub use migrate_graph::Dialect;
pub use migrator::{Migrator, DEFAULT_TABLE};
pub use types::{
    AppliedRow, Direction, DriftPolicy, LockStrategy, Report, RowState, StatementEvent, Status,
    StepEvent, UnknownPolicy, WaitEvent, DEFAULT_LOCK_TIMEOUT,
};
pub use utc::Utc;

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
pub use db::{BackendRef, Database, Db};
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
pub use sqlx;

/// Validates a migration directory at compile time and embeds it as a
/// [`Migrations`] value: `static MIGRATIONS: Migrations = migrations!("migrations");`.
///
/// The path is relative to `CARGO_MANIFEST_DIR` (default `"migrations"`). A
/// broken chain is a compile error naming the file, the line and the fix.
/// Every file is included with `include_bytes!`, so editing one rebuilds the
/// crate; adding or deleting one needs the build-script line
/// `cargo:rerun-if-changed=<dir>`, whose absence is a compile error.
///
/// The expansion names this crate through `$crate`, so it works under any
/// name the application gives the dependency (`mr = { package =
/// "migrate-runtime", .. }`, then `mr::migrations!("migrations")`).
#[macro_export]
macro_rules! migrations {
    ($($input:tt)*) => {
        $crate::__private::migrations!($crate; $($input)*)
    };
}
