//! The copy tools: where they are, how they reach a server
//! ([`ToolConnection`], the runtime's one home of the client programs'
//! connection parameters: the password in their environment or a private
//! option file, never on their command line; sockets; TLS), and running
//! them so that a cancelled rehearsal kills them.

use super::error::RehearseError;
use migrate_runtime::{DatabaseUrl, SecretDir, ToolConnection};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use tokio::process::Command;

/// A server database the copy tools reach: the runtime's
/// [`ToolConnection`], with the private directory its inline certificates
/// were written to (kept as long as the commands may run).
pub(crate) struct Server {
    pub(crate) password: Option<String>,
    pub(crate) database: String,
    conn: ToolConnection,
    _certificates: Option<SecretDir>,
}

impl Server {
    /// The parameters of `url` (the driver's text, password included).
    /// Certificates the URL holds inline are written to a private
    /// directory; should that fail they are left out (never passed as
    /// text), and the tool reports the refused connection.
    pub(crate) fn of(url: &DatabaseUrl) -> Server {
        let mut conn = ToolConnection::of(url);
        let certificates = SecretDir::new()
            .ok()
            .filter(|dir| conn.write_inline_certificates(dir).is_ok());
        Server {
            password: conn.password().map(str::to_owned),
            database: conn.database.clone(),
            conn,
            _certificates: certificates,
        }
    }

    /// A libpq command reaching this server (`pg_dump`, `pg_restore`).
    pub(crate) fn pg_command(&self, tool: &Path) -> Command {
        Command::from(self.conn.pg_command(tool))
    }

    /// A MariaDB client command (`mariadb-dump`, `mariadb`) reaching this
    /// server, the password in the option file `options` (written from
    /// [`Server::my_options`] by [`TempDir::write_secret`]).
    pub(crate) fn my_command(&self, tool: &Path, options: &Path) -> Command {
        Command::from(self.conn.my_command(tool, options))
    }

    /// The `[client]` option file text holding the password.
    pub(crate) fn my_options(&self) -> String {
        self.conn.my_option_file()
    }
}

/// A private temporary directory (mode 0700), removed when dropped: on
/// success, on error and when a cancelled rehearsal drops its future.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    /// Creates one under the system's temporary directory.
    pub(crate) fn new() -> Result<TempDir, RehearseError> {
        let base = std::env::temp_dir();
        let name = format!(
            "migrate-rehearse-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
        );
        let path = base.join(name);
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(&path).map_err(|source| RehearseError::Io {
            action: format!("create a temporary directory in {}", base.display()),
            source,
        })?;
        Ok(TempDir(path))
    }

    /// Leaves it on disk (`--keep`).
    pub(crate) fn keep(self) {
        std::mem::forget(self);
    }

    /// Its path.
    pub(crate) fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `text` to `name` inside it, readable by this user only.
    pub(crate) fn write_secret(&self, name: &str, text: &str) -> Result<PathBuf, RehearseError> {
        let path = self.0.join(name);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let io = |source| RehearseError::Io {
            action: format!("write {}", path.display()),
            source,
        };
        let mut f = options.open(&path).map_err(io)?;
        std::io::Write::write_all(&mut f, text.as_bytes()).map_err(io)?;
        Ok(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // A cancelled rehearsal can drop this while SQLite's worker thread
        // still writes a journal into it (the statement runs on until the
        // process ends): removal then races the writer and can find the
        // directory not empty. A few more tries settle it.
        for _ in 0..40 {
            match std::fs::remove_dir_all(&self.0) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    std::thread::sleep(std::time::Duration::from_millis(25));
                }
                _ => return,
            }
        }
    }
}

/// The first of `names` on `PATH`.
pub(crate) fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|n| {
        std::env::split_paths(&path)
            .map(|d| d.join(n))
            .find(|p| p.is_file())
    })
}

/// `tool` for a PostgreSQL server of major version `major`: the Debian
/// layout's `/usr/lib/postgresql/<v>/bin` with the same major (else the
/// lowest newer one: a newer pg_dump reads an older server, not the other
/// way round), else `PATH`.
pub(crate) fn pg_tool(tool: &'static str, major: Option<u32>) -> Result<PathBuf, RehearseError> {
    let mut versions: Vec<u32> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    versions.sort_unstable();
    let fits = |v: &u32| major.is_none_or(|m| *v >= m);
    versions
        .iter()
        .filter(|v| fits(v))
        .map(|v| PathBuf::from(format!("/usr/lib/postgresql/{v}/bin/{tool}")))
        .find(|p| p.is_file())
        .or_else(|| on_path(&[tool]))
        .ok_or(RehearseError::ToolMissing {
            tool,
            database: "PostgreSQL",
            package: "postgresql-client",
        })
}

/// Runs `cmd` to the end (killed if the rehearsal is cancelled); its error
/// output, scrubbed of `secrets`, in the error when it fails.
pub(crate) async fn run(
    mut cmd: Command,
    tool: &str,
    database: &str,
    secrets: &[&str],
) -> Result<(), RehearseError> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let child = cmd.spawn().map_err(|source| RehearseError::Io {
        action: format!("start {tool}"),
        source,
    })?;
    let out = child
        .wait_with_output()
        .await
        .map_err(|source| RehearseError::Io {
            action: format!("wait for {tool}"),
            source,
        })?;
    check(tool, database, out.status, &out.stderr, secrets)
}

/// An error when `status` is not success.
pub(crate) fn check(
    tool: &str,
    database: &str,
    status: std::process::ExitStatus,
    stderr: &[u8],
    secrets: &[&str],
) -> Result<(), RehearseError> {
    if status.success() {
        return Ok(());
    }
    let mut text = String::from_utf8_lossy(stderr).trim().to_owned();
    for s in secrets.iter().filter(|s| !s.is_empty()) {
        text = text.replace(s, "***");
    }
    Err(RehearseError::Tool {
        tool: tool.to_owned(),
        status: status.to_string(),
        database: database.to_owned(),
        stderr: text,
    })
}
