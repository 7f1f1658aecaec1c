//! The copy tools: where they are, how they reach a server (the password in
//! their environment or a private option file, never on their command
//! line), and running them so that a cancelled rehearsal kills them.

use super::error::RehearseError;
use migrate_runtime::DatabaseUrl;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use tokio::process::Command;

/// A server database's connection parameters, from its URL.
pub(crate) struct Server {
    pub(crate) host: Option<String>,
    pub(crate) port: Option<u16>,
    pub(crate) user: String,
    pub(crate) password: Option<String>,
    pub(crate) database: String,
    pub(crate) sslmode: Option<String>,
    /// A Unix socket (its directory for PostgreSQL's `?host=/dir`, the file
    /// for MariaDB's `?socket=`): a private scratch server listens on
    /// nothing else.
    pub(crate) socket: Option<String>,
}

impl Server {
    /// The parameters of `url` (the driver's text, password included).
    pub(crate) fn of(url: &DatabaseUrl) -> Server {
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let parsed = url::Url::parse(&url.driver_text()).ok();
        let Some(u) = parsed else {
            return Server {
                host: None,
                port: None,
                user: String::new(),
                password: None,
                database: String::new(),
                sslmode: None,
                socket: None,
            };
        };
        Server {
            host: u
                .host_str()
                .map(|h| decode(h.trim_start_matches('[').trim_end_matches(']'))),
            port: u.port(),
            user: decode(u.username()),
            password: u.password().map(decode),
            database: decode(u.path().trim_start_matches('/')),
            sslmode: u
                .query_pairs()
                .find(|(k, _)| k == "sslmode")
                .map(|(_, v)| v.into_owned()),
            socket: u
                .query_pairs()
                .find(|(k, v)| k == "socket" || (k == "host" && v.starts_with('/')))
                .map(|(_, v)| v.into_owned()),
        }
    }

    /// A libpq command reaching this server (`pg_dump`, `pg_restore`): the
    /// connection in options, the password in `PGPASSWORD`.
    pub(crate) fn pg_command(&self, tool: &Path) -> Command {
        let mut cmd = Command::new(tool);
        cmd.arg("--no-password");
        if let Some(h) = self.socket.as_ref().or(self.host.as_ref()) {
            cmd.arg(format!("--host={h}"));
        }
        if let Some(p) = self.port {
            cmd.arg(format!("--port={p}"));
        }
        if !self.user.is_empty() {
            cmd.arg(format!("--username={}", self.user));
        }
        cmd.env_remove("PGPASSWORD");
        if let Some(pw) = &self.password {
            cmd.env("PGPASSWORD", pw);
        }
        if let Some(m) = &self.sslmode {
            cmd.env("PGSSLMODE", m);
        }
        cmd
    }

    /// A MariaDB client command (`mariadb-dump`, `mariadb`) reaching this
    /// server, the password in the option file `options` (written by
    /// [`SecretFile`]).
    pub(crate) fn my_command(&self, tool: &Path, options: &Path) -> Command {
        let mut cmd = Command::new(tool);
        // Must come first, as the tools require.
        cmd.arg(format!("--defaults-extra-file={}", options.display()));
        if let Some(socket) = &self.socket {
            cmd.args(["--protocol=SOCKET", &format!("--socket={socket}")]);
        } else {
            if let Some(h) = &self.host {
                cmd.arg(format!("--host={h}"));
            }
            if let Some(p) = self.port {
                cmd.arg(format!("--port={p}"));
            }
            // sqlx connects over TCP; `localhost` would make the tool use
            // the default socket, which may be another server.
            cmd.arg("--protocol=TCP");
        }
        if !self.user.is_empty() {
            cmd.arg(format!("--user={}", self.user));
        }
        cmd
    }

    /// The `[client]` option file text holding the password.
    pub(crate) fn my_options(&self) -> String {
        let pw = self.password.as_deref().unwrap_or("");
        let escaped = pw.replace('\\', "\\\\").replace('"', "\\\"");
        format!("[client]\npassword=\"{escaped}\"\n")
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
        let _ = std::fs::remove_dir_all(&self.0);
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
