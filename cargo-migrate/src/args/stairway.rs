//! The raw options of `test`, the stairway.

use super::{DbOpts, DevOpts};
use clap::Args as ClapArgs;

/// `test` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct TestArgs {
    /// Check REV and every revision after it in apply order; the ones
    /// before are applied without being checked.
    #[arg(long, value_name = "REV", conflicts_with = "only")]
    pub from: Option<String>,

    /// Check REV alone, on its ancestors applied without being checked.
    /// The end checks (heads, schema.sql) are not made.
    #[arg(long, value_name = "REV")]
    pub only: Option<String>,

    /// Print the report as JSON on stdout.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub dev: DevOpts,

    #[command(flatten)]
    pub db: DbOpts,
}
