//! Why a test database could not be made or dropped.

use crate::scratch::ScratchError;

/// A test database that could not be created, migrated or dropped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TestDbError {
    /// `DATABASE_URL` (or the URL given) does not parse.
    #[error("the test database server URL is invalid: {0}")]
    Url(#[from] migrate_runtime::UrlError),
    /// The database could not be created or dropped on the server.
    #[error(transparent)]
    Scratch(ScratchError),
    /// The server named for test databases refused `CREATE DATABASE`.
    #[error("cannot create the test database {name} on {server}: the user of MIGRATE_TEST_DATABASE_URL must be allowed to CREATE DATABASE (or unset it: a private server is started)")]
    Create {
        /// The database.
        name: String,
        /// The server, password hidden.
        server: String,
        /// The database's message.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// No private server could be started for the test databases.
    #[error("cannot start a private {dialect} server for test databases: {reason}; or set MIGRATE_TEST_DATABASE_URL to a server whose user may CREATE DATABASE")]
    Private {
        /// Its kind.
        dialect: migrate_runtime::Dialect,
        /// What went wrong.
        reason: String,
    },
    /// The migrations failed on the new database; it is kept.
    #[error("the migrations fail on the test database {database} (kept for inspection)")]
    Migrate {
        /// The database, as a URL without its password.
        database: String,
        /// The runtime's error: the revision, the statement and the database's message.
        #[source]
        source: migrate_runtime::Error,
    },
}

impl TestDbError {
    /// The scratch layer's error, with hints for tests (which have no
    /// `--dev-url`).
    pub(crate) fn from_scratch(e: ScratchError) -> TestDbError {
        match e {
            ScratchError::Create {
                name,
                server,
                source,
            } => TestDbError::Create {
                name,
                server,
                source,
            },
            ScratchError::Private { dialect, reason } => TestDbError::Private { dialect, reason },
            other => TestDbError::Scratch(other),
        }
    }
}
