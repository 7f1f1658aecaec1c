//! Rehearsing the pending migrations on a copy of a database (`cargo migrate
//! rehearse`): the copy (`pg_dump`/`pg_restore`, `mariadb-dump | mariadb`,
//! SQLite's online backup) goes to a scratch database; every pending revision runs
//! on it through the real migrator, each statement timed
//! ([`migrate_runtime::Migrator::on_statement`]) with the locks a second
//! connection sees it hold at its end
//! ([`migrate_runtime::Migrator::after_statement`], awaited by the run
//! before the next statement and the commit), the tables it rewrote and
//! their sizes; then the
//! copy is rolled back (schema compared, tables whose rows did not come back
//! listed) and upgraded again; then it is dropped.
//!
//! # Imports
//!
//! `rollback` → `steps` → `walk`, `attribute` → `copy`, `probe` → `backup`, `locks`, `tables` → `sample`, `tools` → `report` → `error`

// The tools of a backend left out of the build are not called.
#![cfg_attr(
    not(all(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]

mod attribute;
mod backup;
mod copy;
mod error;
mod locks;
mod probe;
mod report;
mod rollback;
mod sample;
mod steps;
mod tables;
mod tools;
mod walk;

pub use error::RehearseError;
pub use report::{
    CopyReport, DownRun, LockHeld, LockSampling, LockSource, LongLock, RehearsalReport,
    RevisionRun, Rewrite, Rollback, StatementRun, TableLoss, TableSize,
};
pub use walk::Rehearsal;
