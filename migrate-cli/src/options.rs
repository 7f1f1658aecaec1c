//! The options of the commands that change the database, as both command
//! lines take them: the application's `migrate` and `cargo migrate` flatten
//! the same [`LockArgs`] into `upgrade`, `downgrade`, `stamp` and `resolve`,
//! and the same [`UpgradeOptions`] and [`DowngradeOptions`] (targets, with
//! [`RunArgs`]) into `upgrade` and `downgrade`, [`StampTargets`] into
//! `stamp` and [`ResolveOptions`] into `resolve`. Each adds its own `--sql`, confirmation and database options
//! around them.

use super::print;
use clap::{ArgGroup, Args, ValueEnum};
use migrate_runtime::{Dialect, LockStrategy, Migrator, UnknownPolicy};
use std::path::PathBuf;
use std::time::Duration;

/// How concurrent migrators are kept apart, and what a run tolerates.
/// Flatten it into a subcommand (`#[command(flatten)] lock: LockArgs`) and
/// hand the migrator to [`LockArgs::apply`].
#[derive(Debug, Clone, Args)]
#[non_exhaustive]
pub struct LockArgs {
    /// How concurrent migrators are kept apart.
    ///
    /// `session` holds an advisory lock (PostgreSQL, MySQL) or a lock file next
    /// to the database (SQLite) for the whole run; `transaction` takes it in each revision's
    /// transaction, for poolers such as PgBouncer; `none` is for databases
    /// without advisory locks.
    #[arg(long, value_name = "MODE", value_enum, default_value_t = LockMode::Session)]
    pub lock: LockMode,

    /// Seconds to wait for another migrator's lock before giving up.
    #[arg(long, value_name = "SECONDS")]
    pub lock_timeout: Option<u64>,

    /// Seconds a migration's SQL may wait for a lock another session holds
    /// (an ALTER TABLE behind a long transaction) before it fails naming the
    /// statement: PostgreSQL lock_timeout, MySQL lock_wait_timeout, SQLite's
    /// busy timeout. Default: the database's own setting.
    #[arg(long, value_name = "SECONDS")]
    pub statement_lock_timeout: Option<u64>,

    /// Go on when the database has applied revisions that these migrations
    /// lack, as an older build or checkout must during a rollback.
    #[arg(long)]
    pub allow_unknown: bool,
}

/// `--lock` values: [`LockStrategy`] as the command line spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LockMode {
    /// One lock for the whole run.
    Session,
    /// A lock per revision transaction.
    Transaction,
    /// No lock.
    None,
}

impl From<LockMode> for LockStrategy {
    fn from(mode: LockMode) -> LockStrategy {
        match mode {
            LockMode::Session => LockStrategy::Session,
            LockMode::Transaction => LockStrategy::Transaction,
            LockMode::None => LockStrategy::None,
        }
    }
}

impl LockArgs {
    /// `m` with these options: lock strategy, both timeouts, the policy on
    /// revisions the set lacks.
    pub fn apply<'m>(&self, m: Migrator<'m>) -> Migrator<'m> {
        let mut m = m.lock(self.lock.into());
        if let Some(secs) = self.lock_timeout {
            m = m.lock_timeout(Duration::from_secs(secs));
        }
        if let Some(secs) = self.statement_lock_timeout {
            m = m.statement_lock_timeout(Duration::from_secs(secs));
        }
        if self.allow_unknown {
            m = m.unknown(UnknownPolicy::Allow);
        }
        m
    }
}

/// How `upgrade` and `downgrade` run: what they print, how they group the
/// revisions into transactions.
#[derive(Debug, Clone, Args)]
#[non_exhaustive]
pub struct RunArgs {
    /// Print each revision as it runs, even when stdout is not a terminal.
    #[arg(short, long)]
    pub verbose: bool,

    /// Run all the revisions in one transaction (PostgreSQL, SQLite), so the
    /// run applies completely or not at all; `transaction:false` revisions
    /// still run outside it, and MySQL commits DDL regardless.
    #[arg(long)]
    pub single_transaction: bool,
}

impl RunArgs {
    /// Whether progress lines go out ([`print::show_progress`]).
    pub fn progress(&self) -> bool {
        print::show_progress(self.verbose)
    }

    /// `m` with these options, printing progress when [`RunArgs::progress`].
    pub fn apply<'m>(&self, m: Migrator<'m>) -> Migrator<'m> {
        print::progress(m.grouped(self.single_transaction), self.progress())
    }
}

/// `upgrade`'s target and how it runs.
#[derive(Debug, Clone, Args)]
#[non_exhaustive]
pub struct UpgradeOptions {
    /// Where to go: `head` (default), `heads`, `+1`, an id or prefix,
    /// `<label>@head`; with `--sql`, also `FROM:TO`.
    #[arg(
        value_name = "TARGET",
        default_value = "head",
        allow_hyphen_values = true
    )]
    pub target: String,

    /// How the run prints and groups its revisions.
    #[command(flatten)]
    pub run: RunArgs,

    /// Back the database up into DIR first, when something is pending:
    /// SQLite with VACUUM INTO, PostgreSQL with pg_dump, MariaDB/MySQL with
    /// mariadb-dump or mysqldump (on PATH). The file is created 0600 and a
    /// new DIR 0700; an existing DIR that other users can enter is refused.
    /// A missing tool or an unusable DIR fails before any revision runs.
    #[arg(long, value_name = "DIR", conflicts_with = "sql")]
    pub backup: Option<PathBuf>,
}

/// `downgrade`'s target and how it runs.
#[derive(Debug, Clone, Args)]
#[non_exhaustive]
pub struct DowngradeOptions {
    /// Where to go: `-1`, `base`, an id or prefix, `<label>@-1`; with
    /// `--sql`, also `FROM:TO`.
    #[arg(value_name = "TARGET", allow_hyphen_values = true)]
    pub target: String,

    /// How the run prints and groups its revisions.
    #[command(flatten)]
    pub run: RunArgs,

    /// Back the database up into DIR first, when something is to be
    /// reverted (as `upgrade --backup`): a downgrade's down sections may
    /// drop tables and their data.
    #[arg(long, value_name = "DIR", conflicts_with = "sql")]
    pub backup: Option<PathBuf>,

    /// Confirmed in advance: the application's `downgrade --yes`, which
    /// [`Confirm::Ask`](crate::Confirm::Ask) needs off a terminal. Not a
    /// flag of its own: `cargo migrate` never asks.
    #[arg(skip)]
    pub yes: bool,
}

/// `--dialect` values: the dialect of an offline script.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DialectArg {
    /// SQLite 3.
    Sqlite,
    /// PostgreSQL.
    #[value(alias = "postgresql")]
    Postgres,
    /// MySQL and MariaDB.
    #[value(alias = "mariadb")]
    Mysql,
}

impl From<DialectArg> for Dialect {
    fn from(d: DialectArg) -> Dialect {
        match d {
            DialectArg::Sqlite => Dialect::Sqlite,
            DialectArg::Postgres => Dialect::Postgres,
            DialectArg::Mysql => Dialect::MySql,
        }
    }
}

/// `resolve`'s revision and what to record for it.
#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("outcome").required(true).args(["applied", "rolled_back"])))]
#[non_exhaustive]
pub struct ResolveOptions {
    /// The failed revision (id or unique prefix).
    #[arg(value_name = "REV")]
    pub revision: String,

    /// Its changes are all in the schema: record it as applied (or, for a
    /// failed downgrade, as reverted).
    #[arg(long)]
    pub applied: bool,

    /// None of its changes are in the schema: forget the attempt.
    #[arg(long)]
    pub rolled_back: bool,
}

/// `stamp`'s targets, or the revision whose edited file to accept.
#[derive(Debug, Clone, Args)]
#[non_exhaustive]
pub struct StampTargets {
    /// The state to record: revisions, `head`, `heads`, `base`, `<label>@head`.
    #[arg(
        value_name = "TARGET",
        allow_negative_numbers = true,
        required_unless_present = "accept_checksum",
        conflicts_with = "accept_checksum"
    )]
    pub targets: Vec<String>,

    /// Accept the edited file of applied revision REV: record its current checksum.
    #[arg(long, value_name = "REV")]
    pub accept_checksum: Option<String>,
}

/// The options `rehearse` and `fleet rehearse` share, given to a
/// rehearsal: the target, `--max-lock` and `--sample`.
#[cfg(feature = "rehearse")]
pub(crate) fn bounded<'m>(
    mut rehearsal: migrate_devtools::rehearse::Rehearsal<'m>,
    target: Option<&str>,
    max_lock: Option<f64>,
    sample: Option<f64>,
) -> migrate_devtools::rehearse::Rehearsal<'m> {
    if let Some(t) = target {
        rehearsal = rehearsal.target(t);
    }
    if let Some(seconds) = max_lock {
        rehearsal = rehearsal.max_lock(lock_limit(seconds));
    }
    if let Some(percent) = sample {
        rehearsal = rehearsal.sample(percent);
    }
    rehearsal
}

#[cfg(feature = "rehearse")]
/// `--max-lock SECONDS` as a limit: a negative or NaN value is no time at
/// all, one too large for a `Duration` (`inf`) no limit in practice.
fn lock_limit(seconds: f64) -> std::time::Duration {
    if seconds.is_nan() || seconds <= 0.0 {
        return std::time::Duration::ZERO;
    }
    std::time::Duration::try_from_secs_f64(seconds).unwrap_or(std::time::Duration::MAX)
}
