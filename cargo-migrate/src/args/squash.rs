//! `squash` options.

use super::{DbOpts, DevOpts, DialectArg};
use clap::Args as ClapArgs;

/// `squash --to REV -m MSG`.
#[derive(Debug, ClapArgs)]
pub(crate) struct SquashArgs {
    /// The last revision to replace: it and everything before it become one
    /// revision (a unique prefix of its id is enough).
    #[arg(long, value_name = "REV")]
    pub to: String,

    /// The message: goes into the `-- Message:` header and the file name.
    #[arg(short, long, value_name = "MESSAGE")]
    pub message: String,

    /// Use this id for the squash revision instead of a random one.
    #[arg(long, value_name = "ID")]
    pub rev_id: Option<String>,

    /// Also insert the rows the replaced revisions left in their tables
    /// (seed data, lookup tables); the tables and row counts are listed on
    /// stderr for review. Without it they are listed and left out.
    #[arg(long)]
    pub with_data: bool,

    /// SQL dialect of the squash; default: the database URL's, else the dev
    /// URL's, else `dialect` in migrate.toml.
    #[arg(long, value_enum, value_name = "DIALECT")]
    pub dialect: Option<DialectArg>,

    #[command(flatten)]
    pub dev: DevOpts,

    /// The URL gives the dialect and the scratch server; the database
    /// itself is not touched.
    #[command(flatten)]
    pub db: DbOpts,
}
