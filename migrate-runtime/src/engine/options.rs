//! What a run is told: plain values the caller (the [`Migrator`](crate::Migrator))
//! builds once and hands over, so the engine never reads back up into it.

use crate::types::{DriftPolicy, Hook, LockStrategy, UnknownPolicy, WaitHook};
use std::path::PathBuf;
use std::time::Duration;

/// How a run behaves.
#[derive(Clone, Debug)]
pub(crate) struct Options {
    /// The version table as configured (`name` or `schema.name`).
    pub(crate) table: String,
    /// How concurrent migrators are kept apart.
    pub(crate) lock: LockStrategy,
    /// How long to poll for the migration lock.
    pub(crate) lock_timeout: Duration,
    /// What an edited applied revision does.
    pub(crate) drift: DriftPolicy,
    /// What applied revisions unknown to the set do.
    pub(crate) unknown: UnknownPolicy,
    /// One transaction for the whole run (PostgreSQL and SQLite).
    pub(crate) grouped: bool,
    /// How long migration SQL may wait for another session's lock.
    pub(crate) statement_lock_timeout: Option<Duration>,
    /// Where an upgrade with something to apply backs the database up first.
    pub(crate) backup: Option<PathBuf>,
}

/// Who hears about the run while it goes.
#[derive(Clone, Default)]
pub(crate) struct Hooks {
    /// Called after each step is committed.
    pub(crate) on_step: Vec<Hook>,
    /// Called while a step runs long.
    pub(crate) on_wait: Vec<WaitHook>,
}
