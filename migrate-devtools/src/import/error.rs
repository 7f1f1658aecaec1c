//! Why an import failed.

use std::path::PathBuf;

/// An import that wrote nothing, and why.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// A file or directory could not be read or written.
    #[error("cannot read or write {}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A file does not follow the tool's format.
    #[error("{file}: {reason}")]
    Format {
        /// The file.
        file: String,
        /// What is wrong, and what the tool expects.
        reason: String,
    },
    /// A version that no revision id can be made from.
    #[error("{file}: version `{version}` cannot be a revision id (letters, digits and `_`)")]
    BadVersion {
        /// The file.
        file: String,
        /// The version.
        version: String,
    },
    /// The directory held no migration of the tool.
    #[error("{} holds no {tool} migration; check the directory and `--from`", dir.display())]
    Empty {
        /// The directory.
        dir: PathBuf,
        /// The tool.
        tool: migrate_runtime::Tool,
    },
    /// Alembic's graph or its offline SQL could not be had.
    #[error("alembic: {reason}")]
    Alembic {
        /// What failed, and what to do.
        reason: String,
    },
    /// The written files do not pass `check`.
    #[error("the imported files do not form a valid migration set: {reason}")]
    Invalid {
        /// The validation errors.
        reason: String,
    },
}
