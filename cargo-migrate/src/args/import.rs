//! The options of `import` and `adopt`: taking a project over from another
//! migration tool.

use super::{DbOpts, DialectArg};
use clap::Args as ClapArgs;
use migrate_cli::LockArgs;
use migrate_runtime::Tool;
use std::path::PathBuf;

fn tool(s: &str) -> Result<Tool, String> {
    s.parse::<Tool>().map_err(|e| e.to_string())
}

/// `import` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct ImportArgs {
    /// The tool whose migrations DIR holds: alembic, sqlx, diesel,
    /// refinery, dbmate, golang-migrate, flyway.
    #[arg(long, value_name = "TOOL", value_parser = tool)]
    pub from: Tool,

    /// The other tool's migration directory (default: `migrations`;
    /// `db/migrations` for dbmate, `sql` for Flyway); for Alembic, the
    /// directory holding `alembic.ini` (default: the current one).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// SQL dialect of the project (Alembic: how its offline SQL is split
    /// into statements; default postgres).
    #[arg(long, value_name = "NAME", value_enum)]
    pub dialect: Option<DialectArg>,
}

/// `adopt` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct AdoptArgs {
    /// The tool whose version table the database holds: alembic, sqlx,
    /// diesel, refinery, dbmate, golang-migrate, flyway.
    #[arg(long, value_name = "TOOL", value_parser = tool)]
    pub from: Tool,

    /// The other tool's version table, when it is not the tool's default
    /// (`_sqlx_migrations`, `__diesel_schema_migrations`, ...).
    #[arg(long, value_name = "NAME")]
    pub their_table: Option<String>,

    /// Print the SQL that records the adoption, for a DBA, instead of
    /// writing it (the other table is read all the same).
    #[arg(long)]
    pub sql: bool,

    #[command(flatten)]
    pub db: DbOpts,

    #[command(flatten)]
    pub lock: LockArgs,
}
