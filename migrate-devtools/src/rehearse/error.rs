//! Why a rehearsal could not run at all (a revision that fails on the copy
//! is not an error here: it is in the report).

use crate::scratch::ScratchError;

/// Why a rehearsal stopped before it could report.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RehearseError {
    /// The scratch database for the copy could not be made or dropped.
    #[error(transparent)]
    Scratch(#[from] ScratchError),
    /// A database call outside the migrations failed (connecting, reading
    /// the catalog, sampling).
    #[error(transparent)]
    Database(#[from] migrate_runtime::Error),
    /// A query of the rehearsal's own failed.
    #[error("cannot {action} on {database}")]
    Query {
        /// What it was doing.
        action: &'static str,
        /// The database, password hidden.
        database: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// A copy tool is not installed.
    #[error(
        "{tool} is not installed: the copy of a {database} database needs it (Debian: {package})"
    )]
    ToolMissing {
        /// The tool.
        tool: &'static str,
        /// The kind of database.
        database: &'static str,
        /// Where to get it.
        package: &'static str,
    },
    /// A copy tool failed.
    #[error("{tool} failed ({status}) copying {database}: {stderr}")]
    Tool {
        /// The tool.
        tool: String,
        /// Its exit status.
        status: String,
        /// The source database, password hidden.
        database: String,
        /// Its error output, passwords removed.
        stderr: String,
    },
    /// Starting a tool, or a temporary file, failed.
    #[error("cannot {action}")]
    Io {
        /// What it was doing.
        action: String,
        /// The system's error.
        #[source]
        source: std::io::Error,
    },
    /// TARGET names nothing a rehearsal can resolve.
    #[error("rehearse takes `heads`, `head`, a revision id, an id prefix or a branch label as its target, not {target:?}")]
    Target {
        /// The target as given.
        target: String,
    },
    /// `--keep` without a dev server to keep the copy on.
    #[error(
        "--keep needs a dev server to keep the copy on (--dev-url URL or MIGRATE_DEV_URL; \
         `cargo migrate` also reads dev_url from migrate.toml): the private server is removed \
         when rehearse ends"
    )]
    KeepOnPrivateServer,
    /// `--sample` outside (0, 100].
    #[error("--sample takes a percentage above 0 and at most 100, not {0}")]
    Sample(f64),
    /// The source is a SQLite database in memory, which no other connection
    /// can see.
    #[error("an in-memory SQLite database cannot be copied: name a database file")]
    MemorySource,
    /// SQLite's online backup of the source failed.
    #[error("cannot copy {database} with SQLite's backup API: {message}")]
    Backup {
        /// The source, password hidden.
        database: String,
        /// SQLite's message.
        message: String,
    },
    /// The SQLite source stayed locked by another connection.
    #[error("cannot copy {database}: another connection kept it locked for {seconds} s; rehearse again when its writers are idle")]
    SourceBusy {
        /// The source.
        database: String,
        /// How long the copy waited.
        seconds: u64,
    },
}

impl RehearseError {
    /// The copy of a backend this crate was built without.
    #[cfg_attr(
        all(feature = "sqlite", feature = "postgres", feature = "mysql"),
        allow(dead_code)
    )]
    pub(crate) fn not_built(dialect: migrate_runtime::Dialect) -> RehearseError {
        RehearseError::Io {
            action: "copy the database".to_owned(),
            source: std::io::Error::other(crate::NotBuilt(dialect).to_string()),
        }
    }

    /// What a failed query of the rehearsal's own becomes: `action` on
    /// `database` (shown with its password hidden), for `map_err`.
    pub(crate) fn query(
        action: &'static str,
        database: impl Into<String>,
    ) -> impl Fn(sqlx::Error) -> RehearseError {
        let database = database.into();
        move |source| RehearseError::Query {
            action,
            database: database.clone(),
            source,
        }
    }
}
