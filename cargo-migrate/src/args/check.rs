//! The options of the commands that review the migrations: `lint` and
//! `check`.

use super::{DbOpts, DevOpts, DialectArg};
use clap::Args as ClapArgs;

/// `lint` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct LintArgs {
    /// SQL dialect of the migrations; default: the database URL's, else
    /// `dialect` in migrate.toml.
    #[arg(long, value_name = "NAME", value_enum)]
    pub dialect: Option<DialectArg>,

    /// Print the findings as a JSON list.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub db: DbOpts,
}

/// `check` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct CheckArgs {
    /// Only check the files, even when a database URL is set.
    #[arg(long)]
    pub offline: bool,

    /// Also check that the migrations reproduce the desired schema
    /// (`schema` in migrate.toml), and with a database URL that the
    /// database did not drift from them.
    #[arg(long)]
    pub schema: bool,

    /// With --schema: compare owners, grants and definers too (left out
    /// of the schema dumps by default).
    #[arg(long)]
    pub privileges: bool,

    #[command(flatten)]
    pub dev: DevOpts,

    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub db: DbOpts,
}
