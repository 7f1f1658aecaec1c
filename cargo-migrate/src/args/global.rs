//! Options every subcommand accepts: where the migrations and the config
//! file are.

use clap::Args as ClapArgs;
use std::path::PathBuf;

/// Options every subcommand accepts.
#[derive(Debug, ClapArgs)]
pub(crate) struct GlobalOpts {
    /// Directory of migration files.
    ///
    /// Default: `source` in migrate.toml, else `migrations`.
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        env = "MIGRATE_SOURCE",
        help_heading = "Global options"
    )]
    pub source: Option<PathBuf>,

    /// Config file to read instead of `./migrate.toml`.
    ///
    /// Keys: `source`, `table`, `file_template`, `truncate_slug_length`,
    /// `database_url_env`, `schema`, `dev_url`, `dev_url_same_server`, `dialect`. A missing default file is fine; a missing file
    /// named here is an error.
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        env = "MIGRATE_CONFIG",
        help_heading = "Global options"
    )]
    pub config: Option<PathBuf>,
}
