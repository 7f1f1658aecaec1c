//! A freshly migrated database per test: in-memory SQLite, or on
//! PostgreSQL and MariaDB a new database, dropped when the test passes and
//! kept, with its URL (password hidden) printed, when it fails.
//!
//! # Which server
//!
//! A developer's shell often exports a `DATABASE_URL` that names a shared
//! or production server; test databases must never be created there. So
//! `DATABASE_URL` only chooses the *kind* of database:
//!
//! - `MIGRATE_TEST_DATABASE_URL` set: test databases are created on that
//!   server (its user needs `CREATE DATABASE`). This variable exists for
//!   tests alone, so setting it is a decision about test databases.
//! - else `DATABASE_URL` names PostgreSQL or MariaDB/MySQL: a private server
//!   of that kind is started once per test binary from the installed
//!   server binaries (as `cargo migrate`'s scratch work does), on a Unix
//!   socket in a private directory, and removed when the binary exits. A
//!   failing test's database goes with it; set `MIGRATE_TEST_DATABASE_URL`
//!   to keep those.
//! - else (unset, or SQLite): in-memory SQLite.
//!
//! `TestDb::options(..).url(..)` names a server in code, and wins.
//!
//! The attribute gives the test a [`TestDb`]; the test returns `()` or a
//! `Result`, and fails by panicking or returning `Err`:
//!
//! ```no_run
//! use migrate_devtools::testing::TestDb;
//! use migrate_runtime::Migrations;
//! use std::sync::LazyLock;
//!
//! // In a service: `static MIGRATIONS: Migrations = migrations!("migrations");`
//! static MIGRATIONS: LazyLock<Migrations> = LazyLock::new(|| {
//!     let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/todo-service/migrations");
//!     Migrations::from_dir(dir).unwrap()
//! });
//!
//! #[migrate_devtools::test(migrations = MIGRATIONS)]
//! async fn starts_at_the_heads(db: TestDb) -> Result<(), migrate_runtime::Error> {
//!     let status = db.migrator().status(db.db()).await?;
//!     assert!(status.pending.is_empty());
//!     Ok(())
//! }
//!
//! // A data migration: stop before it, seed, upgrade, check.
//! #[migrate_devtools::test(migrations = MIGRATIONS, at = "1f3a9c0b7d42")]
//! async fn due_dates_start_empty(db: TestDb) {
//!     // ... rows in the old shape, through db.db() ...
//!     db.upgrade("heads").await.unwrap();
//!     // ... assertions on the new shape ...
//! }
//!
//! // The same without the attribute.
//! async fn by_hand() -> Result<(), Box<dyn std::error::Error>> {
//!     let db = TestDb::options(&MIGRATIONS).at("1f3a9c0b7d42").create().await?;
//!     db.upgrade("heads").await?;
//!     db.finish().await?; // dropped: the test passed
//!     Ok(())
//! }
//! ```
//!
//! `migrations = ` takes any expression that borrows as a `&'static
//! Migrations` (a `static`, or a `LazyLock` of [`Migrations::from_dir`]).
//! Each test runs on a single-threaded Tokio runtime of its own, so tests
//! run in parallel, each on its own database. The expansion names this
//! crate `::migrate_runtime`; under another name in Cargo.toml, say so with
//! `crate = my_name` (an attribute cannot reach its crate through `$crate`
//! as `migrations!` does).
//!
//! Without the attribute, [`TestDb::new`] (or [`TestDb::options`]) makes
//! the database and [`TestDb::finish`] drops it at the end of a passing
//! test; a `TestDb` dropped without `finish` (a panic, an early `?`) keeps
//! its database and prints where it is.
//!
//! An in-memory SQLite database lives in its pool's one connection: a test
//! that holds it (an open transaction) must let it go before
//! [`TestDb::upgrade`].
//!
//! Databases are named `migrate_test_<unix time>_<random>` and carry the
//! liveness mark of scratch databases (a session lock held while the test
//! runs). Before its first database on a server, a test binary drops the
//! test and scratch databases there whose mark is free (their run died:
//! killed, timed out), except those a failing test kept: a kept database is
//! marked with a comment, and stays until someone drops it.
//!
//! # Imports
//!
//! `run` → `error`

mod error;
mod run;

pub use error::TestDbError;
pub use run::{run, run_should_panic, TestOutcome};

use crate::scratch::{name_with, ScratchDb, ScratchServer};
use migrate_runtime::{DatabaseUrl, Db, Dialect, LockStrategy, Migrations, Migrator, Report};
use std::sync::{Mutex, OnceLock};

pub use crate::scratch::TEST_PREFIX;

/// The variable naming the server for test databases.
pub const TEST_URL_ENV: &str = "MIGRATE_TEST_DATABASE_URL";

/// A test's own database, migrated.
#[derive(Debug)]
pub struct TestDb {
    db: Db,
    migrations: &'static Migrations,
    table: String,
    shown: String,
    /// Present until [`TestDb::finish`], or taken by the attribute's runner.
    cleanup: Option<Cleanup>,
}

#[derive(Debug)]
struct Cleanup {
    server: ScratchServer,
    scratch: ScratchDb,
    shown: String,
}

/// How to make a [`TestDb`]: [`TestDb::options`].
#[derive(Clone, Debug)]
pub struct TestDbOptions {
    migrations: &'static Migrations,
    url: Option<String>,
    at: Option<String>,
    table: String,
}

impl TestDbOptions {
    /// The server to create the database on, instead of the one the
    /// environment chooses. A SQLite URL means in-memory SQLite.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// Migrate only up to `target` (a revision id, prefix, `<label>@head`,
    /// any upgrade target) instead of the heads.
    pub fn at(mut self, target: impl Into<String>) -> Self {
        self.at = Some(target.into());
        self
    }

    /// The version table (default `migrate_versions`).
    pub fn table(mut self, table: impl Into<String>) -> Self {
        self.table = table.into();
        self
    }

    /// Creates the database and migrates it.
    pub async fn create(self) -> Result<TestDb, TestDbError> {
        let server = server_for(self.url).await?;
        let scratch = server
            .create_as(name_with(TEST_PREFIX))
            .await
            .map_err(TestDbError::from_scratch)?;
        let shown = match &scratch.name {
            Some(name) => server.shown(name).unwrap_or_else(|| name.clone()),
            None => "sqlite::memory:".to_owned(),
        };
        let db = TestDb {
            db: scratch.db.clone(),
            migrations: self.migrations,
            table: self.table,
            shown: shown.clone(),
            cleanup: Some(Cleanup {
                server,
                scratch,
                shown,
            }),
        };
        if !self.migrations.is_empty() {
            let target = self.at.as_deref().unwrap_or("heads");
            if let Err(source) = db.upgrade(target).await {
                return Err(TestDbError::Migrate {
                    database: db.shown.clone(),
                    source,
                });
            }
        }
        Ok(db)
    }
}

impl TestDb {
    /// A new database migrated to the heads: on `MIGRATE_TEST_DATABASE_URL`'s
    /// server, else a private server of `DATABASE_URL`'s kind, else in
    /// memory (see [the module](self)).
    pub async fn new(migrations: &'static Migrations) -> Result<TestDb, TestDbError> {
        TestDb::options(migrations).create().await
    }

    /// Options: the server, the revision to stop at, the version table.
    pub fn options(migrations: &'static Migrations) -> TestDbOptions {
        TestDbOptions {
            migrations,
            url: None,
            at: None,
            table: migrate_runtime::DEFAULT_TABLE.to_owned(),
        }
    }

    /// The pool on the database.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The SQLite pool, when the database is SQLite.
    #[cfg(feature = "sqlite")]
    pub fn sqlite(&self) -> Option<&sqlx::SqlitePool> {
        match &self.db {
            Db::Sqlite(p) => Some(p),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }

    /// The PostgreSQL pool, when the database is PostgreSQL.
    #[cfg(feature = "postgres")]
    pub fn postgres(&self) -> Option<&sqlx::PgPool> {
        match &self.db {
            Db::Postgres(p) => Some(p),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }

    /// The MySQL/MariaDB pool, when the database is MySQL or MariaDB.
    #[cfg(feature = "mysql")]
    pub fn mysql(&self) -> Option<&sqlx::MySqlPool> {
        match &self.db {
            Db::MySql(p) => Some(p),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }

    /// The database as a URL without its password, or `sqlite::memory:`.
    pub fn name(&self) -> &str {
        &self.shown
    }

    /// A migrator over the test's migrations and version table, without a
    /// lock (the database is the test's alone).
    pub fn migrator(&self) -> Migrator<'static> {
        self.migrations
            .migrator()
            .table(self.table.clone())
            .lock(LockStrategy::None)
    }

    /// Upgrades to `target` (`heads`, a revision id, ...): after seeding
    /// data at the revision given to `at`.
    pub async fn upgrade(&self, target: &str) -> Result<Report, migrate_runtime::Error> {
        self.migrator().upgrade(&self.db, target).await
    }

    /// Ends a passing test: closes the pool and drops the database.
    pub async fn finish(mut self) -> Result<(), TestDbError> {
        match self.cleanup.take() {
            Some(c) => c
                .server
                .drop(c.scratch)
                .await
                .map_err(TestDbError::from_scratch),
            None => Ok(()),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        // Not finished: the test failed before the end (a panic, an early
        // return with `?`), so its database stays for inspection.
        if let Some(c) = self.cleanup.take() {
            c.keep_blocking(if std::thread::panicking() {
                "the test failed"
            } else {
                "a TestDb was dropped without `finish()`"
            });
        }
    }
}

/// Private servers of this test binary, one per kind, started on first use.
static PRIVATE: OnceLock<Mutex<Vec<ScratchServer>>> = OnceLock::new();

/// Servers this binary has cleaned leftovers on.
static CLEANED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The server for a test database (see [the module](self)).
async fn server_for(explicit: Option<String>) -> Result<ScratchServer, TestDbError> {
    let env = |name: &str| std::env::var(name).ok().filter(|u| !u.trim().is_empty());
    let named = explicit.or_else(|| env(TEST_URL_ENV));
    if let Some(url) = named {
        let url = DatabaseUrl::parse(&url)?;
        let server = match url.dialect() {
            Dialect::Sqlite => return Ok(ScratchServer::sqlite()),
            dialect => ScratchServer::new(dialect, &url).map_err(TestDbError::from_scratch)?,
        };
        let key = url.to_string();
        let first = {
            let mut cleaned = CLEANED.lock().unwrap_or_else(|e| e.into_inner());
            let first = !cleaned.contains(&key);
            if first {
                cleaned.push(key);
            }
            first
        };
        if first {
            // Dead runs' leftovers; a failure here fails no test.
            let _ = server.clean_leftovers().await;
        }
        return Ok(server);
    }
    let dialect = match env("DATABASE_URL").and_then(|u| DatabaseUrl::dialect_of(&u)) {
        None | Some(Dialect::Sqlite) => return Ok(ScratchServer::sqlite()),
        Some(d) => d,
    };
    let mut servers = PRIVATE
        .get_or_init(|| Mutex::new(Vec::new()))
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(s) = servers.iter().find(|s| s.dialect() == dialect) {
        return Ok(s.clone());
    }
    let server = ScratchServer::private(dialect, None);
    servers.push(server.clone());
    Ok(server)
}
