//! Backups taken before an upgrade ([`Migrator::backup`](crate::Migrator::backup)):
//! only when something is pending, after the plan is known and before the
//! first revision runs, so that a failed backup leaves the database untouched.
//!
//! SQLite is copied with `VACUUM INTO` on the run's own connection (no
//! external tool). PostgreSQL goes through `pg_dump` and MariaDB/MySQL
//! through `mariadb-dump` (or `mysqldump`), found on `PATH` (`dump.rs`).
//! How those programs reach the server is [`ToolConnection`]'s
//! (`server.rs`), public because the devtools' copy and dump programs use
//! it too: the password through `PGPASSWORD` or a `--defaults-extra-file`
//! readable only by this user, never through their command line, and the
//! URL's TLS options as the program takes them (`tls.rs`).
//!
//! Backups hold the data: the file is created 0600 before anything is
//! written into it, a new directory 0700, and an existing directory that
//! other users can enter is refused (`private.rs`).
//!
//! A file is named `<database>-at-<revision>-<UTC timestamp>.<ext>`: the
//! database, the revision(s) it was at (`base` when none), and when.
//!
//! # Imports
//!
//! `dump` → `server` → `tls` → `private` → `error`, `name`

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
mod dump;
mod error;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
mod name;
mod private;
mod server;
mod tls;

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
pub(crate) use dump::{prepare, Backup};
pub use error::BackupError;
pub use private::SecretDir;
pub use server::ToolConnection;
