//! How a command reaches the database, and which SQL dialect it writes
//! when it does not.

use clap::{Args as ClapArgs, ValueEnum};
use migrate_graph::Dialect;

/// How to reach the database.
#[derive(Debug, ClapArgs)]
pub(crate) struct DbOpts {
    /// Database URL: `sqlite:app.db`, `postgres://user:pass@host/db`, `mysql://...`.
    ///
    /// Default: the variable named by `database_url_env` in migrate.toml, else
    /// `DATABASE_URL`, else a `DATABASE_URL` line in `.env`. The password is
    /// never printed.
    #[arg(long, value_name = "URL", env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Name of the version table (`schema.table` allowed).
    ///
    /// Default: `table` in migrate.toml, else `migrate_versions`.
    #[arg(long, value_name = "NAME", env = "MIGRATE_TABLE")]
    pub table: Option<String>,
}

/// `--dialect` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum DialectArg {
    /// SQLite 3.
    Sqlite,
    /// PostgreSQL 13+.
    #[value(alias = "postgresql")]
    Postgres,
    /// MySQL 8 and MariaDB 10.6+.
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
