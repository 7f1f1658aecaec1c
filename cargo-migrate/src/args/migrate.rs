//! The options of the commands that change the database or print the SQL
//! that would: `upgrade`, `downgrade`, `stamp`, `resolve`. The lock options
//! and the targets and run options of `upgrade`, `downgrade`, `stamp` and
//! `resolve` are migrate-cli's, shared with the application's own `migrate`
//! command.

use super::{DbOpts, DialectArg};
use clap::Args as ClapArgs;
use migrate_cli::{DowngradeOptions, LockArgs, ResolveOptions, StampTargets, UpgradeOptions};

/// Offline script options.
#[derive(Debug, ClapArgs)]
pub(crate) struct SqlOpts {
    /// Print the SQL script instead of touching the database.
    ///
    /// The script includes the version-table statements, so a DBA can run it
    /// as is. TARGET may be a `FROM:TO` range; without FROM, upgrade scripts
    /// start from base (with the version-table DDL) and downgrade scripts from
    /// the heads.
    #[arg(long)]
    pub sql: bool,

    /// SQL dialect of the script; default: the database URL's.
    #[arg(long, value_name = "NAME", value_enum, requires = "sql")]
    pub dialect: Option<DialectArg>,
}

/// `upgrade` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct UpgradeArgs {
    #[command(flatten)]
    pub sql: SqlOpts,

    #[command(flatten)]
    pub up: UpgradeOptions,

    #[command(flatten)]
    pub db: DbOpts,

    #[command(flatten)]
    pub lock: LockArgs,
}

/// `downgrade` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct DowngradeArgs {
    #[command(flatten)]
    pub sql: SqlOpts,

    #[command(flatten)]
    pub down: DowngradeOptions,

    #[command(flatten)]
    pub db: DbOpts,

    #[command(flatten)]
    pub lock: LockArgs,
}

/// `stamp` options: the application's, plus `--purge` and `--sql`.
#[derive(Debug, ClapArgs)]
#[command(mut_arg("accept_checksum", |a| a.conflicts_with_all(["purge", "sql"])))]
pub(crate) struct StampArgs {
    /// Start from an empty record instead of the current one, so targets may
    /// overlap (a revision with its own ancestor).
    #[arg(long)]
    pub purge: bool,

    #[command(flatten)]
    pub stamp: StampTargets,

    #[command(flatten)]
    pub sql: SqlOpts,

    #[command(flatten)]
    pub db: DbOpts,

    #[command(flatten)]
    pub lock: LockArgs,
}

/// `resolve` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct ResolveArgs {
    #[command(flatten)]
    pub resolve: ResolveOptions,

    #[command(flatten)]
    pub db: DbOpts,

    #[command(flatten)]
    pub lock: LockArgs,
}
