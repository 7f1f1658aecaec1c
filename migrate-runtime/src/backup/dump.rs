//! Preparing one backup (the directory checked, the tool found) and
//! running its dump tool; `VACUUM INTO` runs on the engine's connection.

use super::private::{self, SecretDir};
use super::server::ToolConnection as Server;
use super::{name, BackupError};
use crate::url::DatabaseUrl;
use crate::Dialect;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

/// A backup about to be taken: the file it goes to, and how.
pub(crate) enum Backup {
    /// `VACUUM INTO` the file, run by the caller on its own connection
    /// (SQLite needs no tool, and sees the run's own view of the file).
    Vacuum {
        /// The backup file.
        file: PathBuf,
        /// The statement that writes it.
        sql: String,
    },
    /// A dump tool found on `PATH`.
    Tool {
        /// The backup file.
        file: PathBuf,
        dialect: Dialect,
        tool: PathBuf,
        server: Server,
    },
}

/// Checks `dir` (creating it) and finds what writes a backup of the
/// database at `url` (the pool's own options, password included: what the
/// dump tools need to reach the same database), named after `heads`, the
/// revisions it is at. Fails before anything runs.
pub(crate) fn prepare(
    dialect: Dialect,
    url: &str,
    dir: &Path,
    heads: &[String],
) -> Result<Backup, BackupError> {
    private::directory(dir)?;
    let url = url::Url::parse(url).ok();
    let now = SystemTime::now();
    let backup = match dialect {
        Dialect::Sqlite => {
            let db = url
                .as_ref()
                .map_or_else(|| "memory".to_owned(), sqlite_name);
            let file = dir.join(name::file_name(&db, heads, now, "sqlite"));
            let literal = file.to_string_lossy().replace('\'', "''");
            Backup::Vacuum {
                sql: format!("VACUUM INTO '{literal}'"),
                file,
            }
        }
        Dialect::Postgres => {
            let server = Server::from_url(url.as_ref());
            let tool = find("pg_dump").ok_or(BackupError::ToolMissing {
                database: "PostgreSQL",
                tool: "pg_dump",
                package: "the PostgreSQL client tools (Debian: postgresql-client)",
            })?;
            let file = dir.join(name::file_name(&server.database, heads, now, "sql"));
            Backup::Tool {
                file,
                dialect,
                tool,
                server,
            }
        }
        Dialect::MySql => {
            let server = Server::from_url(url.as_ref());
            let tool = find("mariadb-dump").or_else(|| find("mysqldump")).ok_or(
                BackupError::ToolMissing {
                    database: "MariaDB/MySQL",
                    tool: "mariadb-dump or mysqldump",
                    package: "the MariaDB or MySQL client tools (Debian: mariadb-client)",
                },
            )?;
            let file = dir.join(name::file_name(&server.database, heads, now, "sql"));
            Backup::Tool {
                file,
                dialect,
                tool,
                server,
            }
        }
    };
    // Created 0600 before any data goes in; the tools keep the mode.
    let file = backup.file();
    private::file(file).map_err(|source| BackupError::Directory {
        dir: file.to_owned(),
        source,
    })?;
    Ok(backup)
}

impl Backup {
    /// The file the backup goes to.
    pub(crate) fn file(&self) -> &Path {
        match self {
            Backup::Vacuum { file, .. } | Backup::Tool { file, .. } => file,
        }
    }

    /// Runs the dump tool; a `Vacuum` is the caller's to run.
    pub(crate) async fn dump(&self) -> Result<(), BackupError> {
        match self {
            Backup::Vacuum { .. } => Ok(()),
            Backup::Tool {
                file,
                dialect: Dialect::MySql,
                tool,
                server,
            } => my_dump(tool, server, file).await,
            Backup::Tool {
                file, tool, server, ..
            } => pg_dump(tool, server, file).await,
        }
    }
}

/// The file stem of a SQLite database (sqlx writes a relative file name as
/// the URL's host).
fn sqlite_name(url: &url::Url) -> String {
    let path = url.path();
    let last = path.rsplit('/').find(|s| !s.is_empty());
    let raw = last.or(url.host_str()).unwrap_or("memory");
    let raw = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
    match raw.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem.to_owned(),
        _ => raw.into_owned(),
    }
}

/// `pg_dump` in plain SQL format, the password in `PGPASSWORD`.
async fn pg_dump(tool: &Path, s: &Server, file: &Path) -> Result<(), BackupError> {
    let spawn = |source| BackupError::Spawn {
        tool: tool_name(tool),
        source,
    };
    let secret = SecretDir::new().map_err(spawn)?;
    let mut s = s.clone();
    s.write_inline_certificates(&secret).map_err(spawn)?;
    let mut cmd = s.pg_command(tool);
    cmd.arg("--format=plain");
    cmd.arg(format!("--file={}", file.display()));
    cmd.arg(format!("--dbname={}", s.database));
    let result = run_tool(cmd, file, s.password()).await;
    drop(secret);
    result
}

/// `mariadb-dump` / `mysqldump`, the password in an option file only this
/// user can read, removed afterwards.
async fn my_dump(tool: &Path, s: &Server, file: &Path) -> Result<(), BackupError> {
    let spawn = |source| BackupError::Spawn {
        tool: tool_name(tool),
        source,
    };
    let secret = SecretDir::new().map_err(spawn)?;
    let mut s = s.clone();
    s.write_inline_certificates(&secret).map_err(spawn)?;
    let options = secret
        .write("client.cnf", &s.my_option_file())
        .map_err(spawn)?;
    let mut cmd = s.my_command(tool, &options);
    // Routines, events and triggers are part of the database: a backup
    // without them does not restore it.
    cmd.args([
        "--single-transaction",
        "--routines",
        "--events",
        "--triggers",
        "--no-tablespaces",
    ]);
    cmd.arg(format!("--result-file={}", file.display()));
    cmd.arg(&s.database);
    let result = run_tool(cmd, file, s.password()).await;
    drop(secret);
    result
}

/// Runs a dump tool off the async threads; on failure removes the partial
/// file and reports its stderr without the password.
async fn run_tool(
    mut cmd: Command,
    file: &Path,
    password: Option<&str>,
) -> Result<(), BackupError> {
    let tool = tool_name(Path::new(cmd.get_program()));
    cmd.stdin(std::process::Stdio::null());
    let output = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .map_err(|e| BackupError::Spawn {
            tool: tool.clone(),
            source: std::io::Error::other(e),
        })?
        .map_err(|source| BackupError::Spawn {
            tool: tool.clone(),
            source,
        })?;
    if output.status.success() {
        return Ok(());
    }
    let _ = std::fs::remove_file(file);
    let mut stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
    if let Some(pw) = password.filter(|p| !p.is_empty()) {
        stderr = stderr.replace(pw, "***");
    }
    let stderr = DatabaseUrl::redact_in(&stderr);
    let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
    Err(BackupError::ToolFailed {
        tool,
        status: output.status.to_string(),
        stderr: tail.into_iter().rev().collect::<Vec<_>>().join(" / "),
    })
}

fn tool_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The first executable `name` on `PATH`.
fn find(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file() || p.with_extension("exe").is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_names_are_file_stems() {
        let abs = url::Url::parse("sqlite:///tmp/dir/app.db?mode=rwc").unwrap();
        assert_eq!(sqlite_name(&abs), "app");
        let rel = url::Url::parse("sqlite://todo.db?mode=rwc").unwrap();
        assert_eq!(sqlite_name(&rel), "todo");
    }
}
