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
    Scratch(#[from] ScratchError),
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
