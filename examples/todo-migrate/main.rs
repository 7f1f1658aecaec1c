//! The to-do service's migrations as a binary with no command line of its
//! own: `todo-migrate upgrade|downgrade|current|history|heads|check|stamp|resolve`.
//!
//! ```text
//! DATABASE_URL=postgres://user:pw@localhost/todo cargo run -p migrate-examples --bin todo-migrate -- upgrade
//! cargo run -p migrate-examples --bin todo-migrate -- upgrade --sql --dialect postgres
//! ```
//!
//! Unlike `todo-service`, it has no default database: without
//! `--database-url`, `DATABASE_URL` or a `.env` line, a command that needs
//! the database fails and says how to give one. Nothing is created by
//! accident where a production URL was forgotten.

use migrate_runtime::{migrations, Migrations};
use std::process::ExitCode;

/// The same migrations as `todo-service`, checked and embedded at compile time.
static MIGRATIONS: Migrations = migrations!("todo-service/migrations");

fn main() -> ExitCode {
    migrate_cli::main(&MIGRATIONS)
}
