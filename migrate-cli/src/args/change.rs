//! The options of the commands that change the database's revisions:
//! `upgrade`, `downgrade`, `stamp`, `resolve` and `adopt`.

use crate::options::{
    DialectArg, DowngradeOptions, LockArgs, ResolveOptions, StampTargets, UpgradeOptions,
};
use clap::Args;

/// `upgrade` options.
#[derive(Debug, Clone, Args)]
pub(crate) struct UpgradeArgs {
    /// Print the SQL script instead of touching the database.
    #[arg(long)]
    pub sql: bool,

    /// SQL dialect of the script; default: the database's.
    #[arg(long, value_name = "NAME", value_enum, requires = "sql")]
    pub dialect: Option<DialectArg>,

    #[command(flatten)]
    pub up: UpgradeOptions,

    #[command(flatten)]
    pub lock: LockArgs,
}

/// `downgrade` options.
#[derive(Debug, Clone, Args)]
pub(crate) struct DowngradeArgs {
    /// Print the SQL script instead of touching the database.
    #[arg(long)]
    pub sql: bool,

    /// SQL dialect of the script; default: the database's.
    #[arg(long, value_name = "NAME", value_enum, requires = "sql")]
    pub dialect: Option<DialectArg>,

    #[command(flatten)]
    pub down: DowngradeOptions,

    /// Do it without asking (required when stdin is not a terminal).
    #[arg(short, long)]
    pub yes: bool,

    #[command(flatten)]
    pub lock: LockArgs,
}

/// `stamp` options.
#[derive(Debug, Clone, Args)]
pub(crate) struct StampArgs {
    #[command(flatten)]
    pub stamp: StampTargets,

    /// Do it without asking (required when stdin is not a terminal).
    #[arg(short, long)]
    pub yes: bool,

    #[command(flatten)]
    pub lock: LockArgs,
}

/// `resolve` options.
#[derive(Debug, Clone, Args)]
pub(crate) struct ResolveArgs {
    #[command(flatten)]
    pub resolve: ResolveOptions,

    /// Do it without asking (required when stdin is not a terminal).
    #[arg(short, long)]
    pub yes: bool,

    #[command(flatten)]
    pub lock: LockArgs,
}

/// `adopt` options.
#[derive(Debug, Clone, Args)]
pub(crate) struct AdoptArgs {
    /// The tool: sqlx, diesel, refinery, dbmate, golang-migrate, flyway, alembic.
    #[arg(long, value_name = "TOOL", value_parser = |s: &str| s.parse::<migrate_runtime::Tool>().map_err(|e| e.to_string()))]
    pub from: migrate_runtime::Tool,

    /// Print the SQL that records the adoption instead of writing it.
    #[arg(long)]
    pub sql: bool,

    #[command(flatten)]
    pub lock: LockArgs,
}
