//! The raw options of the schema layer: `revision --autogenerate`,
//! `check --schema` and `schema dump`.

use super::DbOpts;
use clap::{ArgAction, Args as ClapArgs, Subcommand};
use std::path::PathBuf;

/// `revision --autogenerate` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct AutogenOpts {
    /// Draft the revision from the difference between the migrations and
    /// the desired schema (`schema` in migrate.toml, `--to-db` or `--to-cmd`).
    ///
    /// Both sides run on scratch databases (in memory for SQLite, temporary
    /// databases on the dev server otherwise) and are read back by the same
    /// catalog reader. The draft is verified there (up, down, on empty
    /// tables and with a row in each) before it is written. Writes nothing
    /// and prints "no changes" when there is nothing to do.
    #[arg(long)]
    pub autogenerate: bool,

    /// Declare a rename instead of a drop and an add: `old=new` for a
    /// table, `table.old=new` for a column (repeatable). `schema.sql` can
    /// say the same with `-- @renamed from=old`.
    #[arg(long, value_name = "OLD=NEW", action = ArgAction::Append, requires = "autogenerate")]
    pub rename: Vec<String>,

    /// Take the desired schema from this database (changed by hand)
    /// instead of schema.sql.
    #[arg(
        long,
        value_name = "URL",
        requires = "autogenerate",
        conflicts_with = "to_cmd"
    )]
    pub to_db: Option<String>,

    /// Take the desired schema from the DDL this shell command prints
    /// (an ORM's schema export, say).
    #[arg(long, value_name = "COMMAND", requires = "autogenerate")]
    pub to_cmd: Option<String>,

    #[command(flatten)]
    pub dev: DevOpts,

    #[command(flatten)]
    pub db: DbOpts,
}

/// Where scratch databases are created.
#[derive(Debug, ClapArgs)]
pub(crate) struct DevOpts {
    /// Server for the scratch databases (PostgreSQL, MariaDB): a user there
    /// must be allowed to CREATE DATABASE.
    ///
    /// Default: `dev_url` in migrate.toml, else a private server started
    /// from the installed server binaries (initdb/postgres,
    /// mariadb-install-db/mariadbd) in a temporary directory, on a Unix
    /// socket only, and removed at the end. The database URL's own server
    /// is refused unless migrate.toml says `dev_url_same_server = "<its
    /// database>"`. Scratch databases are named `migrate_scratch_<time>_<random>`
    /// and dropped on every path, Ctrl-C, SIGTERM and SIGHUP included.
    #[arg(
        long,
        value_name = "URL",
        env = "MIGRATE_DEV_URL",
        hide_env_values = true
    )]
    pub dev_url: Option<String>,
}

/// `schema` subcommands.
#[derive(Debug, ClapArgs)]
pub(crate) struct SchemaArgs {
    #[command(subcommand)]
    pub command: SchemaCommand,
}

/// What `schema` does.
#[derive(Debug, Subcommand)]
pub(crate) enum SchemaCommand {
    /// Write the desired-state SQL: from the migrations, or from a live database.
    ///
    /// From the migrations, they are replayed on a scratch database and
    /// read back. With `--from-db`, the database's own schema is read: the
    /// baseline of an existing database is `schema dump --from-db URL -o
    /// schema.sql`, then `revision --autogenerate` on an empty migrations
    /// directory, then `stamp head` on that database.
    Dump(DumpArgs),
}

/// `schema dump` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct DumpArgs {
    /// Read this database instead of replaying the migrations.
    #[arg(long, value_name = "URL")]
    pub from_db: Option<String>,

    /// Write to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub dev: DevOpts,

    #[command(flatten)]
    pub db: DbOpts,
}
