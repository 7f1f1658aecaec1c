//! Why an adoption was refused, each with what to do.

use super::tool::Tool;

/// Why `adopt` did not take the database over. Nothing was written in any
/// of these cases.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AdoptError {
    /// The other tool's version table is not there.
    #[error("no {tool} version table `{table}` in this database; check the database URL (and the tool), or, for a database nothing migrated yet, run `upgrade` instead")]
    NoRecord {
        /// The tool.
        tool: Tool,
        /// The table looked for.
        table: String,
    },
    /// A row the other tool left failed or partial (sqlx `success = false`,
    /// golang-migrate `dirty`, Flyway `success = false`).
    #[error("{tool} recorded version {version} as {state} in `{table}`: its changes may be half done. Check the schema by hand, then let {tool} settle it ({hint}) or remove that row once the schema is right, and adopt again")]
    Failed {
        /// The tool.
        tool: Tool,
        /// The table.
        table: String,
        /// The version of the row.
        version: String,
        /// `failed`, `dirty`, ...
        state: &'static str,
        /// The other tool's own way out.
        hint: &'static str,
    },
    /// A version in the other table has no imported revision.
    #[error("{tool} recorded version {version} in `{table}`, but no revision {id} is in this migration set; import again from the directory the database was migrated with (`cargo migrate import --from {tool}`)")]
    UnknownVersion {
        /// The tool.
        tool: Tool,
        /// The table.
        table: String,
        /// The version as recorded.
        version: String,
        /// The revision id it maps to (empty if none can be made).
        id: String,
    },
    /// A recorded file's checksum differs from the one of the file the
    /// import was made from: the file was edited after it was applied.
    #[error("{file} was edited after {tool} applied it (revision {revision}): the checksum in `{table}` is {recorded}, the imported file's is {imported}; restore the file as it was applied and import again, or write the change as a new revision")]
    Edited {
        /// The tool.
        tool: Tool,
        /// The table.
        table: String,
        /// Our revision.
        revision: String,
        /// The other tool's file name.
        file: String,
        /// The checksum in the other table.
        recorded: String,
        /// The checksum the import computed.
        imported: String,
    },
    /// An applied revision whose parent is not applied: the other tool ran
    /// them out of order, which our graph cannot record.
    #[error("{tool} recorded {revision} as applied but not {missing}, which comes before it; apply {missing} with {tool} first (or remove it from the directory and import again), then adopt")]
    Gap {
        /// The tool.
        tool: Tool,
        /// The applied revision.
        revision: String,
        /// Its unapplied ancestor.
        missing: String,
    },
    /// Our version table already records other revisions.
    #[error("the version table `{table}` already records revisions ({current}), not what {tool} recorded: this database was adopted or migrated already; see `cargo migrate current`")]
    AlreadyRecorded {
        /// The tool.
        tool: Tool,
        /// Our table.
        table: String,
        /// What it holds (heads).
        current: String,
    },
    /// A row kind the adoption does not understand.
    #[error("{tool} row {detail} in `{table}` cannot be carried over; {hint}")]
    Unsupported {
        /// The tool.
        tool: Tool,
        /// The table.
        table: String,
        /// Which row.
        detail: String,
        /// What to do.
        hint: &'static str,
    },
    /// The database failed.
    #[error(transparent)]
    Database(#[from] crate::error::Error),
}

impl AdoptError {
    /// Wraps an adoption error as the runtime's [`Error`](crate::Error), for
    /// a migrator that adopts by itself before upgrading.
    pub fn into_error(self) -> crate::error::Error {
        match self {
            AdoptError::Database(e) => e,
            other => crate::error::Error::Adopt(Box::new(other)),
        }
    }
}
