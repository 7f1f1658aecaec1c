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
//! MIGRATIONS.upgrade(&pool).await?; // to head, under the lock; a no-op when up to date
//! # Ok(()) }
//! ```
//!
//! Without a backend feature (`sqlite`, `postgres`, `mysql`) the crate still
//! offers the embedded set, the graph and offline SQL scripts, without sqlx.
#![deny(missing_docs)]

mod dialect;
mod embedded;
mod error;
mod offline;
mod types;

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
mod backend;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
mod migrator;

pub use dialect::Dialect;
pub use embedded::{LoadError, Migration, Migrations};
pub use error::{redact_url, Error};
pub use migrate_core as core;
/// Validates a migration directory at compile time and embeds it as a
/// [`Migrations`] value. The path is relative to `CARGO_MANIFEST_DIR`.
pub use migrate_macros::migrations;
pub use types::{AppliedRow, Direction, DriftPolicy, LockStrategy, Report, RowState, Status, StepEvent, UnknownPolicy};

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
pub use backend::{Database, Db};
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
pub use migrator::Migrator;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
pub use sqlx;
