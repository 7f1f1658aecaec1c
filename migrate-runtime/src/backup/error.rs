//! Why a backup could not be taken.

use std::path::PathBuf;

/// Why a backup could not be taken. Nothing was migrated when one of these
/// is returned: the backup comes before the first revision.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    /// The backup directory cannot be created or written.
    #[error("cannot write a backup to {}: {source}; create the directory or pick a writable one; nothing was migrated", .dir.display())]
    Directory {
        /// The directory.
        dir: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The backup directory exists and other users can enter it: backups
    /// hold the data, so it is refused rather than changed.
    #[error("the backup directory {} is open to other users (mode {mode:o}); backups hold the whole database: make it private (`chmod 700 {}`) or name a directory that does not exist yet (created with mode 700); nothing was migrated", .dir.display(), .dir.display())]
    OpenDirectory {
        /// The directory.
        dir: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The dump tool the database needs is not on `PATH`.
    #[error("cannot back up the {database} database: {tool} is not on PATH; install {package} (or put it on PATH), or upgrade without a backup; nothing was migrated")]
    ToolMissing {
        /// `PostgreSQL` or `MariaDB/MySQL`.
        database: &'static str,
        /// The tool(s) looked for: `pg_dump`, `mariadb-dump or mysqldump`.
        tool: &'static str,
        /// What provides it, for the message.
        package: &'static str,
    },
    /// The dump tool ran and failed.
    #[error("the backup with {tool} failed ({status}): {stderr}; nothing was migrated")]
    ToolFailed {
        /// The tool.
        tool: String,
        /// Its exit status.
        status: String,
        /// The end of what it printed on stderr, password removed.
        stderr: String,
    },
    /// The tool could not be started, or a temporary file for it written.
    #[error("cannot run {tool} for the backup: {source}; nothing was migrated")]
    Spawn {
        /// The tool.
        tool: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// SQLite's `VACUUM INTO` failed.
    #[error("cannot back up the SQLite database to {}: {source}; nothing was migrated", .file.display())]
    Sqlite {
        /// The backup file.
        file: PathBuf,
        /// The database's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}
