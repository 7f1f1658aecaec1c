//! What a migrator is configured with and hands to the engine as plain
//! values: the migrator holds them, the engine reads them, neither imports
//! the other for them.

use crate::types::{
    DriftPolicy, Hook, LockStrategy, StatementHook, StatementPause, UnknownPolicy, WaitHook,
    DEFAULT_LOCK_TIMEOUT,
};
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
    /// Called after each statement of a section.
    pub(crate) on_statement: Vec<StatementHook>,
    /// Awaited after each statement of a section, before the next one.
    pub(crate) after_statement: Vec<StatementPause>,
}

impl Options {
    /// The defaults of [`Migrator::new`](crate::Migrator::new).
    pub(crate) fn new(table: &str) -> Options {
        Options {
            table: table.to_owned(),
            lock: LockStrategy::default(),
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
            drift: DriftPolicy::default(),
            unknown: UnknownPolicy::default(),
            grouped: false,
            statement_lock_timeout: None,
            backup: None,
        }
    }
}

impl std::fmt::Debug for Hooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hooks")
            .field("on_step", &self.on_step.len())
            .field("on_wait", &self.on_wait.len())
            .field("on_statement", &self.on_statement.len())
            .field("after_statement", &self.after_statement.len())
            .finish()
    }
}
