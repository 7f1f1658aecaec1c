//! A freshly migrated database per test (feature `testing`): in-memory
//! SQLite, or on PostgreSQL and MariaDB a new database on the server of
//! `DATABASE_URL`, dropped when the test passes and kept, with its URL
//! (password hidden) printed, when it fails.
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
//! Databases are named `migrate_test_<pid>_<unix time>_<host>_<n>`; unlike
//! the scratch databases of autogenerate, leftovers are never cleaned
//! automatically: they are the failures someone wants to look at.
//!
//! # Imports
//!
//! `run` → `error`

mod error;
mod run;

pub use error::TestDbError;
pub use run::{run, TestOutcome};

use crate::scratch::{name_with, ScratchDb, ScratchServer};
use migrate_runtime::{DatabaseUrl, Db, LockStrategy, Migrations, Migrator, Report};

/// What every test database's name starts with.
pub const TEST_PREFIX: &str = "migrate_test_";

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
    /// The server to create the database on, instead of `DATABASE_URL`'s.
    /// A SQLite URL means in-memory SQLite.
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
        let url = match self.url {
            Some(url) => Some(url),
            None => std::env::var("DATABASE_URL")
                .ok()
                .filter(|u| !u.trim().is_empty()),
        };
        let server = match url {
            Some(url) => {
                let url = DatabaseUrl::parse(&url)?;
                match url.dialect() {
                    migrate_runtime::Dialect::Sqlite => ScratchServer::sqlite(),
                    dialect => ScratchServer::new(dialect, &url)?,
                }
            }
            None => ScratchServer::sqlite(),
        };
        let scratch = server.create_as(name_with(TEST_PREFIX)).await?;
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
    /// A new database migrated to the heads, on `DATABASE_URL`'s server
    /// (in memory when it is unset or names SQLite).
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
            Some(c) => Ok(c.server.drop(c.scratch).await?),
            None => Ok(()),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        // Not finished: the test failed before the end (a panic, an early
        // return with `?`), so its database stays for inspection.
        if let Some(c) = self.cleanup.take() {
            c.keep(if std::thread::panicking() {
                "the test failed"
            } else {
                "a TestDb was dropped without `finish()`"
            });
        }
    }
}
