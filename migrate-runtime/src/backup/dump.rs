//! Preparing one backup (the directory checked, the tool found) and
//! running its dump tool; `VACUUM INTO` runs on the engine's connection.

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
    writable(dir)?;
    let url = url::Url::parse(url).ok();
    let now = SystemTime::now();
    Ok(match dialect {
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
            let server = Server::of(url.as_ref());
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
            let server = Server::of(url.as_ref());
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
    })
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

/// Creates `dir` if needed and proves it writable, before anything else.
fn writable(dir: &Path) -> Result<(), BackupError> {
    let err = |source| BackupError::Directory {
        dir: dir.to_owned(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(err)?;
    let probe = dir.join(format!(".migrate-backup-probe-{}", std::process::id()));
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&probe)
        .map_err(err)?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
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

/// Where a server database is, from the pool's options.
pub(crate) struct Server {
    host: Option<String>,
    port: Option<u16>,
    user: String,
    password: Option<String>,
    database: String,
    query: Vec<(String, String)>,
}

impl Server {
    fn of(url: Option<&url::Url>) -> Server {
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let Some(url) = url else {
            return Server {
                host: None,
                port: None,
                user: String::new(),
                password: None,
                database: "database".to_owned(),
                query: Vec::new(),
            };
        };
        Server {
            host: url
                .host_str()
                .map(|h| decode(h.trim_start_matches('[').trim_end_matches(']'))),
            port: url.port(),
            user: decode(url.username()),
            password: url.password().map(decode),
            database: decode(url.path().trim_start_matches('/')),
            query: url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        }
    }

    fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// `pg_dump` in plain SQL format, the password in `PGPASSWORD`.
async fn pg_dump(tool: &Path, s: &Server, file: &Path) -> Result<(), BackupError> {
    let mut cmd = Command::new(tool);
    cmd.arg("--no-password").arg("--format=plain");
    if let Some(h) = &s.host {
        cmd.arg(format!("--host={h}"));
    }
    if let Some(p) = s.port {
        cmd.arg(format!("--port={p}"));
    }
    if !s.user.is_empty() {
        cmd.arg(format!("--username={}", s.user));
    }
    cmd.arg(format!("--file={}", file.display()));
    cmd.arg(format!("--dbname={}", s.database));
    cmd.env_remove("PGPASSWORD");
    if let Some(pw) = &s.password {
        cmd.env("PGPASSWORD", pw);
    }
    for (key, var) in [
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
    ] {
        if let Some(v) = s.param(key) {
            cmd.env(var, v);
        }
    }
    run_tool(cmd, file, s.password.as_deref()).await
}

/// `mariadb-dump` / `mysqldump`, the password in an option file only this
/// user can read, removed afterwards.
async fn my_dump(tool: &Path, s: &Server, file: &Path) -> Result<(), BackupError> {
    let tool_name = tool_name(tool);
    let spawn = |source| BackupError::Spawn {
        tool: tool_name.clone(),
        source,
    };
    let secret = SecretDir::new().map_err(spawn)?;
    let pw = s.password.as_deref().unwrap_or("");
    let escaped = pw.replace('\\', "\\\\").replace('"', "\\\"");
    let options = secret
        .write("client.cnf", &format!("[client]\npassword=\"{escaped}\"\n"))
        .map_err(spawn)?;
    let mut cmd = Command::new(tool);
    // Must come first, as the tools require.
    cmd.arg(format!("--defaults-extra-file={}", options.display()));
    if let Some(h) = &s.host {
        cmd.arg(format!("--host={h}"));
    }
    if let Some(p) = s.port {
        cmd.arg(format!("--port={p}"));
    }
    // sqlx always connects over TCP; `localhost` would make the tool use
    // the default socket instead, which may be another server.
    cmd.arg("--protocol=TCP");
    if !s.user.is_empty() {
        cmd.arg(format!("--user={}", s.user));
    }
    if s.param("ssl-mode")
        .is_some_and(|m| m.eq_ignore_ascii_case("disabled"))
    {
        cmd.arg("--skip-ssl");
    }
    cmd.args([
        "--single-transaction",
        "--routines",
        "--triggers",
        "--no-tablespaces",
    ]);
    cmd.arg(format!("--result-file={}", file.display()));
    cmd.arg(&s.database);
    cmd.env_remove("MYSQL_PWD");
    let result = run_tool(cmd, file, s.password.as_deref()).await;
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

/// A temporary directory only this user can enter, removed on drop.
struct SecretDir(PathBuf);

impl SecretDir {
    fn new() -> std::io::Result<SecretDir> {
        let nanos = SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        let dir =
            std::env::temp_dir().join(format!("migrate-backup-{}-{nanos}", std::process::id()));
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(&dir)?;
        Ok(SecretDir(dir))
    }

    fn write(&self, name: &str, text: &str) -> std::io::Result<PathBuf> {
        use std::io::Write;
        let path = self.0.join(name);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        options.open(&path)?.write_all(text.as_bytes())?;
        Ok(path)
    }
}

impl Drop for SecretDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
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

    #[test]
    fn server_options_are_decoded() {
        let u = url::Url::parse("postgres://app:p%40ss@db:6000/orders?sslmode=require").unwrap();
        let s = Server::of(Some(&u));
        assert_eq!(s.password.as_deref(), Some("p@ss"));
        assert_eq!((s.host.as_deref(), s.port), (Some("db"), Some(6000)));
        assert_eq!(s.database, "orders");
        assert_eq!(s.param("sslmode"), Some("require"));
    }

    #[test]
    fn the_secret_file_is_private_and_removed() {
        let dir = SecretDir::new().unwrap();
        let file = dir.write("x.cnf", "[client]\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(file.metadata().unwrap().permissions().mode() & 0o777, 0o600);
        }
        let root = dir.0.clone();
        drop(dir);
        assert!(!root.exists());
    }
}
