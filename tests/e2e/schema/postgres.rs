//! The PostgreSQL catalog reader on the test server
//! (`MIGRATE_TEST_POSTGRES_URL`; every test prints `SKIP` and passes without it).
//!
//! - `corpus`: every pair under `tests/schema-corpus/postgres/` in four phases
//!   (up reaches desired, desired→desired is empty, down returns to current,
//!   current→current is empty) and once more with a row in every table.
//! - `reader`: what the reader makes of each column, key, index and
//!   constraint option, and the objects it lists without diffing them.
//! - `timing`: reading the catalog of 1,000 tables.

mod corpus;
mod reader;
mod rows;
mod timing;

use crate::support::{exec, Backend, Scratch};
use migrate_devtools::catalog::read_schema;
use migrate_runtime::Db;
use migrate_schema::Schema;

/// A scratch database on the PostgreSQL server, `None` (after a `SKIP`
/// line) when no server is configured.
async fn scratch() -> Option<Scratch> {
    Scratch::new(Backend::Postgres).await
}

/// The schema of `db` as the reader sees it.
async fn read(db: &Db, exclude: &[&str]) -> Result<Schema, String> {
    read_schema(db, exclude)
        .await
        .map_err(|e| format!("reading the catalog failed: {e}"))
}

/// Runs `sql` (a script) on `db`, naming `what` on failure.
async fn run(db: &Db, sql: &str, what: &str) -> Result<(), String> {
    exec(db, sql).await.map_err(|e| format!("{what}: {e}"))
}
