//! Private database servers, for the tests that stop a server in the middle
//! of a run: each has its own data directory (under the system temporary
//! directory) and port, and is started, stopped and restarted here, never
//! through `scripts/servers`, whose shared servers the other tests use.
//!
//! A [`PrivateServer`] stops its server (immediately) and deletes its data
//! directory (under `/tmp` when running as root) when dropped, so a failing test cleans up too. PostgreSQL runs
//! as the `postgres` user (through `runuser`) when the tests run as root.
//!
//! The binaries are the ones `scripts/servers` installs; when its server
//! variables are unset (`MIGRATE_TEST_NO_SERVERS=1`) the tests skip, like the
//! other server-backed tests.

use crate::support::{unique_name, Backend};
use migrate_runtime::sqlx::{self, Connection};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long a server may take to start.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A database server of this test's own.
pub struct PrivateServer {
    /// PostgreSQL or MariaDB.
    pub backend: Backend,
    /// The URL of its test database, password included.
    pub url: String,
    /// The password in [`PrivateServer::url`].
    pub password: String,
    dir: PathBuf,
    port: u16,
    /// PostgreSQL's `bin` directory.
    pg_bin: Option<PathBuf>,
    /// The running `mariadbd`.
    mariadbd: Option<Child>,
}

/// Whether this process runs as root (then PostgreSQL needs `runuser`).
fn is_root() -> bool {
    static ROOT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ROOT.get_or_init(|| {
        Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
    })
}

/// The newest `/usr/lib/postgresql/<version>/bin` with a server in it.
fn pg_bindir() -> Option<PathBuf> {
    std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| {
            let dir = e.ok()?.path();
            let version: u32 = dir.file_name()?.to_str()?.parse().ok()?;
            let bin = dir.join("bin");
            ["postgres", "initdb", "pg_ctl"]
                .iter()
                .all(|b| bin.join(b).is_file())
                .then_some((version, bin))
        })
        .max()
        .map(|(_, bin)| bin)
}

/// A program from the usual places.
fn program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/usr/bin".into()])
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// A port nothing listens on right now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}

fn run(cmd: &mut Command, what: &str) -> Output {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    out
}

fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

fn alive(pid: &str) -> bool {
    // A zombie counts as gone.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| s.rsplit_once(") ").map(|(_, rest)| !rest.starts_with('Z')))
        .unwrap_or(false)
}

impl PrivateServer {
    /// Starts a new server of `backend` (PostgreSQL or MariaDB), or returns
    /// `None` after printing why it is skipped.
    pub fn start(backend: Backend) -> Option<PrivateServer> {
        if backend.server_url().is_none() {
            println!("SKIP {backend:?}: its server variable is not set, so scripts/servers did not install it");
            return None;
        }
        // The `postgres` user must reach the data directory: a TMPDIR under
        // root's home would not do.
        let base = if is_root() && Path::new("/tmp").is_dir() {
            PathBuf::from("/tmp")
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(unique_name("migrate-fault"));
        std::fs::create_dir(&dir).expect("creating the private server's directory");
        let password = format!("Fault-Pw-{}", &unique_name("x")[2..]);
        let mut server = PrivateServer {
            backend,
            url: String::new(),
            password,
            dir,
            port: 0,
            pg_bin: None,
            mariadbd: None,
        };
        match backend {
            Backend::Postgres => server.init_postgres(),
            Backend::MySql => server.init_mariadb(),
            Backend::Sqlite => unreachable!("SQLite has no server"),
        }
        Some(server)
    }

    // ---------------------------------------------------------- PostgreSQL --

    fn as_postgres(&self, program: &Path) -> Command {
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        cmd.current_dir("/");
        cmd
    }

    fn pg_data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn init_postgres(&mut self) {
        let bin = pg_bindir().expect("PostgreSQL server binaries under /usr/lib/postgresql/*/bin");
        self.pg_bin = Some(bin.clone());
        let pwfile = self.dir.join("pwfile");
        std::fs::write(&pwfile, format!("{}\n", self.password)).unwrap();
        if is_root() {
            let out = run(
                Command::new("chown")
                    .args(["-R", "postgres:postgres"])
                    .arg(&self.dir),
                "chown",
            );
            assert!(out.status.success(), "chown: {out:?}");
        }
        let out = run(
            self.as_postgres(&bin.join("initdb"))
                .arg("-D")
                .arg(self.pg_data())
                .args(["-U", "postgres", "-A", "scram-sha-256"])
                .arg(format!("--pwfile={}", pwfile.display()))
                .args(["-E", "UTF8", "--no-locale", "--no-sync"]),
            "initdb",
        );
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut conf = std::fs::OpenOptions::new()
            .append(true)
            .open(self.pg_data().join("postgresql.conf"))
            .unwrap();
        std::io::Write::write_all(
            &mut conf,
            format!(
                "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\nmax_connections = 40\nshared_buffers = 16MB\nfsync = off\nlogging_collector = off\n",
                self.dir.display()
            )
            .as_bytes(),
        )
        .unwrap();
        // A port taken between choosing and binding: try another.
        for attempt in 1..=3 {
            self.port = free_port();
            self.url = format!(
                "postgres://postgres:{}@127.0.0.1:{}/postgres",
                self.password, self.port
            );
            match self.start_postgres() {
                Ok(()) => return,
                Err(e) if attempt < 3 => println!("PostgreSQL did not start, retrying: {e}"),
                Err(e) => panic!("{e}"),
            }
        }
    }

    fn start_postgres(&self) -> Result<(), String> {
        let bin = self.pg_bin.as_ref().expect("initialised");
        let log = self.dir.join("server.log");
        let out = run(
            self.as_postgres(&bin.join("pg_ctl"))
                .arg("start")
                .arg("-D")
                .arg(self.pg_data())
                .arg("-l")
                .arg(&log)
                .args(["-w", "-t", &START_TIMEOUT.as_secs().to_string(), "-s"])
                .args(["-o", &format!("-p {}", self.port)]),
            "pg_ctl start",
        );
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "pg_ctl start failed: {}\n{}",
                String::from_utf8_lossy(&out.stderr),
                tail(&log)
            ))
        }
    }

    fn postmaster_pid(&self) -> Option<String> {
        let text = std::fs::read_to_string(self.pg_data().join("postmaster.pid")).ok()?;
        text.lines().next().map(str::to_owned)
    }

    // ------------------------------------------------------------- MariaDB --

    fn init_mariadb(&mut self) {
        let install = program("mariadb-install-db").expect("mariadb-install-db");
        let mut cmd = Command::new(install);
        cmd.arg("--no-defaults");
        if is_root() {
            cmd.arg("--user=root");
        }
        let out = run(
            cmd.arg(format!("--datadir={}", self.dir.join("data").display()))
                .args([
                    "--auth-root-authentication-method=normal",
                    "--skip-test-db",
                    "--skip-name-resolve",
                ]),
            "mariadb-install-db",
        );
        assert!(
            out.status.success(),
            "mariadb-install-db failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        for attempt in 1..=3 {
            self.port = free_port();
            match self.start_mariadb("root", "mysql") {
                Ok(()) => break,
                Err(e) if attempt < 3 => println!("MariaDB did not start, retrying: {e}"),
                Err(e) => panic!("{e}"),
            }
        }
        // The test's own user, with a password, over TCP only.
        let setup = format!(
            "CREATE USER 'fault'@'127.0.0.1' IDENTIFIED BY '{pw}'; \
             GRANT ALL PRIVILEGES ON *.* TO 'fault'@'127.0.0.1'; \
             CREATE DATABASE fault;",
            pw = self.password
        );
        let root = format!("mysql://root@127.0.0.1:{}/mysql", self.port);
        block_on(async {
            let mut c = sqlx::MySqlConnection::connect(&root).await?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(setup.as_str()))
                .execute(&mut c)
                .await?;
            c.close().await
        })
        .expect("creating the private MariaDB's user");
        self.url = format!(
            "mysql://fault:{}@127.0.0.1:{}/fault",
            self.password, self.port
        );
    }

    /// Starts `mariadbd` and waits until `user` can connect to `db`.
    fn start_mariadb(&mut self, user: &str, db: &str) -> Result<(), String> {
        let mariadbd = program("mariadbd").expect("mariadbd");
        let log = self.dir.join("server.log");
        let mut cmd = Command::new(mariadbd);
        cmd.arg("--no-defaults");
        if is_root() {
            cmd.arg("--user=root");
        }
        let d = |name: &str| self.dir.join(name).display().to_string();
        cmd.args([
            format!("--datadir={}", d("data")),
            format!("--socket={}", d("mariadb.sock")),
            format!("--pid-file={}", d("mariadb.pid")),
            format!("--log-error={}", log.display()),
            format!("--tmpdir={}", self.dir.display()),
            format!("--port={}", self.port),
            "--bind-address=127.0.0.1".to_owned(),
            "--skip-networking=0".to_owned(),
            "--skip-name-resolve".to_owned(),
            "--skip-log-bin".to_owned(),
            "--max-connections=40".to_owned(),
            "--innodb-buffer-pool-size=32M".to_owned(),
            // Committed rows must survive the server process dying (not the
            // machine): written to the OS at each commit.
            "--innodb-flush-log-at-trx-commit=2".to_owned(),
            "--innodb-doublewrite=0".to_owned(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot start mariadbd: {e}"))?;
        let url = if user == "root" {
            format!("mysql://root@127.0.0.1:{}/{db}", self.port)
        } else {
            format!(
                "mysql://{user}:{}@127.0.0.1:{}/{db}",
                self.password, self.port
            )
        };
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let ready = block_on(async {
                let c = sqlx::MySqlConnection::connect(&url).await?;
                c.close().await
            });
            if ready.is_ok() {
                self.mariadbd = Some(child);
                return Ok(());
            }
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("mariadbd exited ({status}):\n{}", tail(&log)));
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("mariadbd not ready in time:\n{}", tail(&log)));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    // -------------------------------------------------------------- public --

    /// Stops the server at once, as a crash would: PostgreSQL's immediate
    /// shutdown (no checkpoint; recovery runs at the next start), SIGKILL
    /// for `mariadbd` (InnoDB recovers at the next start).
    pub fn stop_immediately(&mut self) {
        match self.backend {
            Backend::Postgres => {
                let bin = self.pg_bin.clone().expect("initialised");
                let out = run(
                    self.as_postgres(&bin.join("pg_ctl"))
                        .arg("stop")
                        .arg("-D")
                        .arg(self.pg_data())
                        .args(["-m", "immediate", "-w", "-t", "30"]),
                    "pg_ctl stop",
                );
                assert!(
                    out.status.success(),
                    "pg_ctl stop failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            Backend::MySql => {
                let mut child = self.mariadbd.take().expect("mariadbd is running");
                child.kill().expect("SIGKILL mariadbd");
                child.wait().expect("reaping mariadbd");
            }
            Backend::Sqlite => unreachable!(),
        }
    }

    /// Starts the server again on the same data directory and port.
    pub fn restart(&mut self) {
        let result = match self.backend {
            Backend::Postgres => self.start_postgres(),
            Backend::MySql => self.start_mariadb("fault", "fault"),
            Backend::Sqlite => unreachable!(),
        };
        result.unwrap_or_else(|e| panic!("restarting the private server: {e}"));
    }

    /// The server's log, for failure messages.
    pub fn log(&self) -> String {
        tail(&self.dir.join("server.log"))
    }
}

impl Drop for PrivateServer {
    fn drop(&mut self) {
        match self.backend {
            Backend::Postgres => {
                if let (Some(bin), Some(pid)) = (self.pg_bin.clone(), self.postmaster_pid()) {
                    if alive(&pid) {
                        let _ = self
                            .as_postgres(&bin.join("pg_ctl"))
                            .arg("stop")
                            .arg("-D")
                            .arg(self.pg_data())
                            .args(["-m", "immediate", "-w", "-t", "20"])
                            .stdin(Stdio::null())
                            .output();
                        if alive(&pid) {
                            let _ = Command::new("kill").args(["-KILL", &pid]).output();
                        }
                    }
                }
            }
            Backend::MySql => {
                if let Some(mut child) = self.mariadbd.take() {
                    let _ = child.kill();
                    let _ = child.wait();
                }
            }
            Backend::Sqlite => {}
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs a future to completion from sync code: on the test's runtime when
/// called inside `tokio::task::block_in_place` (as the tests do), else on a
/// runtime of its own.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => handle.block_on(future),
        Err(_) => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
            .block_on(future),
    }
}
