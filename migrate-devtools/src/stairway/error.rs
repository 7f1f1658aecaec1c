//! What stops a stairway run before it can judge the revisions.

use crate::autogen::AutogenError;
use crate::scratch::ScratchError;

/// A stairway run that could not be carried out. A revision that fails the
/// check is not an error: it is a [`Outcome::Failed`](super::Outcome::Failed)
/// in the [`StairwayReport`](super::StairwayReport).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StairwayError {
    /// A scratch database could not be created or dropped.
    #[error(transparent)]
    Scratch(#[from] ScratchError),
    /// `from` or `only` names no revision (or a prefix of several).
    #[error("cannot check `{given}`: {source}")]
    Revision {
        /// What was given.
        given: String,
        /// Why it names no single revision (with the closest ids).
        #[source]
        source: migrate_graph::TargetError,
    },
    /// A revision the checked ones stand on (before `from`, or the parents
    /// of `only`) does not apply.
    #[error("the migrations do not replay up to the revisions under test: {failed}")]
    Replay {
        /// The revision, its file and the statement.
        failed: String,
        /// The database's message.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The desired schema (`schema.sql`) does not run.
    #[error(transparent)]
    Desired(AutogenError),
    /// The dump net stopped working during the walk (it ran at its start).
    #[error("the schema dump failed during the walk: {why}")]
    Net {
        /// The dump program's message.
        why: String,
    },
    /// Reading the rows of a table a revision names failed.
    #[error("reading the rows a revision changes failed")]
    Rows {
        /// The database's message.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Reading a scratch database's catalog failed.
    #[error(transparent)]
    Runtime(#[from] migrate_runtime::Error),
}
