//! Shared helpers for the end-to-end tests: a scratch database per test on
//! each backend, migration sets made in memory, and the binaries under test.
//!
//! Backends: SQLite always (a file in a temporary directory); PostgreSQL and
//! MariaDB/MySQL when `MIGRATE_TEST_POSTGRES_URL` / `MIGRATE_TEST_MYSQL_URL`
//! name a server (`scripts/servers start` prints them). A test on a backend
//! whose variable is unset prints a `SKIP` line and passes. Each scratch
//! database gets a unique name, so tests run in parallel, and is dropped when
//! the [`Scratch`] value is, panics included.

#![allow(dead_code)] // Each test module uses its own subset.

use migrate_graph::{DownText, RevisionFile, SectionText, SourceFile};
use migrate_runtime::sqlx::{self, Connection, Row};
use migrate_runtime::{Db, Dialect, Migrations};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The environment variable naming the PostgreSQL server.
pub const POSTGRES_ENV: &str = "MIGRATE_TEST_POSTGRES_URL";
/// The environment variable naming the MariaDB/MySQL server.
pub const MYSQL_ENV: &str = "MIGRATE_TEST_MYSQL_URL";

/// A database backend under test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, always available.
    Sqlite,
    /// PostgreSQL, when `MIGRATE_TEST_POSTGRES_URL` is set.
    Postgres,
    /// MariaDB or MySQL, when `MIGRATE_TEST_MYSQL_URL` is set.
    MySql,
}

impl Backend {
    /// The SQL dialect.
    pub fn dialect(self) -> Dialect {
        match self {
            Backend::Sqlite => Dialect::Sqlite,
            Backend::Postgres => Dialect::Postgres,
            Backend::MySql => Dialect::MySql,
        }
    }

    /// The server URL from the environment; `None` for SQLite and unset variables.
    pub fn server_url(self) -> Option<String> {
        let var = match self {
            Backend::Sqlite => return None,
            Backend::Postgres => POSTGRES_ENV,
            Backend::MySql => MYSQL_ENV,
        };
        std::env::var(var).ok().filter(|v| !v.trim().is_empty())
    }

    /// The backends to run: SQLite always, the servers whose URL is set
    /// (the others print a `SKIP` line).
    pub fn all() -> Vec<Backend> {
        let mut v = vec![Backend::Sqlite];
        for (b, var) in [
            (Backend::Postgres, POSTGRES_ENV),
            (Backend::MySql, MYSQL_ENV),
        ] {
            if b.server_url().is_some() {
                v.push(b);
            } else {
                println!("SKIP {b:?}: {var} is not set (scripts/servers start prints it)");
            }
        }
        v
    }

    /// Whether DDL is transactional (a failed revision leaves nothing behind).
    pub fn transactional_ddl(self) -> bool {
        self != Backend::MySql
    }
}

/// A fresh, empty database for one test.
pub struct Scratch {
    /// Which backend.
    pub backend: Backend,
    /// The URL to connect to it, password included.
    pub url: String,
    /// The database name (the file path for SQLite).
    pub name: String,
    server: Option<String>,
    dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A name no other test process or test uses: pid, a counter and the clock.
pub fn unique_name(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{nanos:x}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// `url` with its database (path) replaced by `db`.
pub fn with_database(url: &str, db: &str) -> String {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[scheme_end..];
    let path_start = rest.find('/').map_or(rest.len(), |i| i);
    let after = &rest[path_start..];
    let query = after.find('?').map_or("", |i| &after[i..]);
    format!("{}{}/{db}{query}", &url[..scheme_end], &rest[..path_start])
}

impl Scratch {
    /// A new empty database, or `None` after printing why the backend is skipped.
    pub async fn new(backend: Backend) -> Option<Scratch> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("a temporary directory");
                let path = dir.path().join("test.db");
                Some(Scratch {
                    backend,
                    url: format!("sqlite:{}", path.display()),
                    name: path.display().to_string(),
                    server: None,
                    dir: Some(dir),
                })
            }
            Backend::Postgres | Backend::MySql => {
                let Some(server) = backend.server_url() else {
                    let var = if backend == Backend::Postgres {
                        POSTGRES_ENV
                    } else {
                        MYSQL_ENV
                    };
                    println!(
                        "SKIP {backend:?}: {var} is not set (scripts/servers start prints it)"
                    );
                    return None;
                };
                let name = unique_name("mt");
                admin(backend, &server, &format!("CREATE DATABASE {name}"))
                    .await
                    .unwrap_or_else(|e| {
                        panic!("cannot create scratch database {name} on {backend:?}: {e}")
                    });
                Some(Scratch {
                    backend,
                    url: with_database(&server, &name),
                    name,
                    server: Some(server),
                    dir: None,
                })
            }
        }
    }

    /// A pool on the scratch database.
    pub async fn db(&self) -> Db {
        Db::connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to the scratch database: {e}"))
    }

    /// A new database for tests that are not async (the CLI's): for SQLite
    /// a file inside `dir`; a server backend must be available.
    pub fn blocking(backend: Backend, dir: &Path) -> Scratch {
        let mut scratch = on_own_runtime(move || async move { Scratch::new(backend).await })
            .unwrap_or_else(|| panic!("{backend:?} is not available"));
        if backend == Backend::Sqlite {
            let path = dir.join(format!("{}.db", unique_name("cli")));
            scratch.url = format!("sqlite:{}", path.display());
            scratch.name = path.display().to_string();
        }
        scratch
    }

    /// Runs SQL on this database, blocking (for tests that are not async).
    pub fn exec_blocking(&self, sql: &str) {
        let (url, sql) = (self.url.clone(), sql.to_owned());
        on_own_runtime(move || async move {
            let db = Db::connect(&url).await.unwrap();
            exec(&db, &sql)
                .await
                .unwrap_or_else(|e| panic!("`{sql}`: {e}"));
            db.close().await;
        });
    }

    /// One integer, blocking.
    pub fn query_i64(&self, sql: &str) -> i64 {
        let (url, sql) = (self.url.clone(), sql.to_owned());
        on_own_runtime(move || async move {
            let db = Db::connect(&url).await.unwrap();
            let n = int(&db, &sql)
                .await
                .unwrap_or_else(|e| panic!("`{sql}`: {e}"));
            db.close().await;
            n
        })
    }

    /// Whether a table exists, blocking.
    pub fn has_table(&self, table: &str) -> bool {
        let sql = match self.backend {
            Backend::Sqlite => format!("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"),
            Backend::Postgres => format!("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = '{table}'"),
            Backend::MySql => format!("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '{table}'"),
        };
        self.query_i64(&sql) == 1
    }

    /// The temporary directory of a SQLite scratch database (for extra files).
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_ref().map(|d| d.path())
    }
}

/// Runs one statement on the server's own database (not the scratch one).
async fn admin(backend: Backend, server: &str, sql: &str) -> Result<(), sqlx::Error> {
    match backend {
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(server).await?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut c)
                .await?;
            c.close().await
        }
        Backend::MySql => {
            let mut c = sqlx::MySqlConnection::connect(server).await?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut c)
                .await?;
            c.close().await
        }
        Backend::Sqlite => Ok(()),
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let Some(server) = self.server.take() else {
            return;
        };
        let (backend, name) = (self.backend, self.name.clone());
        let sql = match backend {
            // FORCE ends sessions a failed test left open (PostgreSQL 13+).
            Backend::Postgres => format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            _ => format!("DROP DATABASE IF EXISTS {name}"),
        };
        // Drop runs inside the test's runtime, where blocking on another
        // future is not allowed: use a thread with a runtime of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                tokio::time::timeout(Duration::from_secs(10), admin(backend, &server, &sql)).await
            })
            .ok()
        })
        .join();
    }
}

/// Runs the same test body on each backend: `on_each_backend!(name, body_fn)`
/// makes a module `name` with tests `sqlite`, `postgres` and `mysql`.
#[macro_export]
macro_rules! on_each_backend {
    ($name:ident, $body:ident) => {
        mod $name {
            use $crate::support::{Backend, Scratch};

            async fn run(backend: Backend) {
                if let Some(scratch) = Scratch::new(backend).await {
                    super::$body(scratch).await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run(Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                run(Backend::Postgres).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn mysql() {
                run(Backend::MySql).await;
            }
        }
    };
}

// ------------------------------------------------------------ migrations --

/// A migration file being written: `rev("b2", &["a1"]).up("...").down("...").file()`.
#[derive(Clone, Debug)]
pub struct Rev {
    file: RevisionFile,
    up: String,
    up_transaction: bool,
    down: String,
    down_transaction: bool,
    irreversible: bool,
    name: Option<String>,
}

/// Starts a migration file with id `id` revising `revises`.
pub fn rev(id: &str, revises: &[&str]) -> Rev {
    let mut file = RevisionFile::new(id);
    file.parents = revises.iter().map(|s| s.to_string()).collect();
    file.message = Some(format!("revision {id}"));
    Rev {
        file,
        up: String::new(),
        up_transaction: true,
        down: String::new(),
        down_transaction: true,
        irreversible: false,
        name: None,
    }
}

impl Rev {
    /// The up SQL.
    pub fn up(mut self, sql: &str) -> Rev {
        self.up = sql.to_owned();
        self
    }
    /// The down SQL.
    pub fn down(mut self, sql: &str) -> Rev {
        self.down = sql.to_owned();
        self
    }
    /// Marks the up section `transaction:false`.
    pub fn up_no_tx(mut self) -> Rev {
        self.up_transaction = false;
        self
    }
    /// Marks the down section `transaction:false`.
    pub fn down_no_tx(mut self) -> Rev {
        self.down_transaction = false;
        self.irreversible = false;
        self
    }
    /// `-- migrate:down irreversible`.
    pub fn irreversible(mut self) -> Rev {
        self.irreversible = true;
        self.down.clear();
        self
    }
    /// An extra `-- Key: Value` header, e.g. `Branch Labels: feature`.
    pub fn header(mut self, header: &str) -> Rev {
        let (key, value) = header
            .split_once(':')
            .unwrap_or_else(|| panic!("`{header}` is not `Key: Value`"));
        let value = value.trim();
        let list = || value.split(',').map(|s| s.trim().to_owned()).collect();
        match key.trim() {
            "Depends On" => self.file.depends_on = list(),
            "Branch Labels" => self.file.branch_labels = list(),
            "Replaces" => self.file.replaces = list(),
            "Create Date" => self.file.create_date = Some(value.to_owned()),
            "Message" => self.file.message = Some(value.to_owned()),
            other => panic!("`{other}` is not a header key the test helper writes"),
        }
        self
    }
    /// The file name (default `<id>.sql`; files apply in name order among ready revisions).
    pub fn named(mut self, name: &str) -> Rev {
        self.name = Some(name.to_owned());
        self
    }
    /// `(file name, text)`.
    pub fn file(&self) -> (String, String) {
        let mut file = self.file.clone();
        // A blank line between the up SQL and the down marker.
        file.up = SectionText {
            text: format!("{}\n\n", self.up),
            transaction: self.up_transaction,
        };
        file.down = if self.irreversible {
            DownText::Irreversible("\n".to_owned())
        } else {
            DownText::Sql(SectionText {
                text: format!("{}\n", self.down),
                transaction: self.down_transaction,
            })
        };
        (
            self.name
                .clone()
                .unwrap_or_else(|| format!("{}.sql", file.id)),
            file.render(),
        )
    }
}

/// The files of several revisions.
pub fn files(revs: &[Rev]) -> Vec<(String, String)> {
    revs.iter().map(Rev::file).collect()
}

/// A validated migration set from `(file name, text)` pairs. Leaked, as the
/// CLI does: a test process is short-lived.
pub fn migrations(files: &[(String, String)]) -> &'static Migrations {
    let files: Vec<SourceFile> = files
        .iter()
        .map(|(name, text)| SourceFile::new(name.clone(), text.clone()))
        .collect();
    let set =
        migrate_graph::load(&files).unwrap_or_else(|e| panic!("test migrations are invalid:\n{e}"));
    Box::leak(Box::new(Migrations::from_set(&set)))
}

/// Writes `(file name, text)` pairs into a new directory, for the binaries.
pub fn write_dir(files: &[(String, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("writing a migration");
    }
    dir
}

// ------------------------------------------------------------------ SQL --

/// Runs SQL (several statements allowed) on `db`.
pub async fn exec(db: &Db, sql: &str) -> Result<(), sqlx::Error> {
    match db {
        Db::Sqlite(p) => sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(p)
            .await
            .map(drop),
        Db::Postgres(p) => sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(p)
            .await
            .map(drop),
        Db::MySql(p) => sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(p)
            .await
            .map(drop),
        _ => unreachable!("all backends are enabled in the tests"),
    }
}

/// The first column of every row, as text (`CAST` it in the query if needed).
pub async fn strings(db: &Db, sql: &str) -> Result<Vec<String>, sqlx::Error> {
    // MySQL's binary-collated text columns fail sqlx's String type check.
    match db {
        Db::Sqlite(p) => sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| r.try_get_unchecked(0))
            .collect(),
        Db::Postgres(p) => sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| r.try_get_unchecked(0))
            .collect(),
        Db::MySql(p) => sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| r.try_get_unchecked(0))
            .collect(),
        _ => unreachable!("all backends are enabled in the tests"),
    }
}

/// One integer.
pub async fn int(db: &Db, sql: &str) -> Result<i64, sqlx::Error> {
    match db {
        Db::Sqlite(p) => sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_one(p)
            .await?
            .try_get_unchecked(0),
        Db::Postgres(p) => sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_one(p)
            .await?
            .try_get_unchecked(0),
        Db::MySql(p) => sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_one(p)
            .await?
            .try_get_unchecked(0),
        _ => unreachable!("all backends are enabled in the tests"),
    }
}

/// `revision:state` for every row of the version table, sorted; empty when
/// the table does not exist.
pub async fn version_rows(db: &Db, table: &str) -> Vec<String> {
    strings(
        db,
        &format!("SELECT CONCAT(revision, ':', state) FROM {table} ORDER BY revision"),
    )
    .await
    .unwrap_or_default()
}

/// Whether `table` exists (a `SELECT` from it works).
pub async fn table_exists(db: &Db, table: &str) -> bool {
    int(db, &format!("SELECT COUNT(*) FROM {table}"))
        .await
        .is_ok()
}

// ------------------------------------------------------------ processes --

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the workspace")
        .to_owned()
}

/// The `todo-service` example binary, built once per test process with the
/// same cargo and profile as the tests (`cargo test` has released its build
/// lock by the time tests run).
pub fn todo_service_bin() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| build_bin("migrate-examples", "todo-service"))
        .clone()
}

/// Builds a binary of the workspace with the cargo, target directory and
/// profile of this test executable (`target/<profile>/deps/e2e-<hash>`), and
/// returns its path. Cargo's build lock is free while tests run.
pub fn build_bin(package: &str, bin: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test executable");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>")
        .to_owned();
    let target_dir = profile_dir.parent().expect("the target directory");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut cmd = std::process::Command::new(cargo);
    cmd.current_dir(workspace_root())
        .args(["build", "-q", "-p", package, "--bin", bin])
        .arg("--target-dir")
        .arg(target_dir);
    match profile_dir.file_name().and_then(|p| p.to_str()) {
        Some("debug") | None => {}
        Some("release") => {
            cmd.arg("--release");
        }
        Some(other) => {
            cmd.args(["--profile", other]);
        }
    }
    let status = cmd.status().expect("running cargo build");
    assert!(
        status.success(),
        "cargo build -p {package} --bin {bin} failed"
    );
    let path = profile_dir.join(format!("{bin}{}", std::env::consts::EXE_SUFFIX));
    assert!(path.is_file(), "{} was not built", path.display());
    path
}

/// The `migrate-probe` test binary.
pub fn probe_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_migrate-probe"))
}

/// Polls `check` every 50 ms until it returns `Some` or `timeout` passes.
pub async fn wait_for<T, F, Fut>(timeout: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

// ------------------------------------------------- faults (issue 5) --

/// The `cargo-migrate` binary, built once per test process with the same
/// cargo and profile as the tests (`MIGRATE_CLI_BIN` overrides the path).
pub fn cli_bin() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| match std::env::var_os("MIGRATE_CLI_BIN") {
            Some(path) => PathBuf::from(path),
            None => build_bin("cargo-migrate", "cargo-migrate"),
        })
        .clone()
}

/// Waits for `child` at most `limit`; kills it and returns `None` if it
/// overstays.
pub fn wait_limited(
    child: &mut std::process::Child,
    limit: Duration,
) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("polling a child") {
            return Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Every row of the version table as `revision|checksum|state`, NULLs shown
/// as `NULL`, sorted; for "nothing was lost or changed" comparisons.
pub async fn version_snapshot(db: &Db, table: &str) -> Vec<String> {
    let sql = match db.dialect() {
        Dialect::MySql => format!(
            "SELECT CONCAT(COALESCE(revision, 'NULL'), '|', COALESCE(checksum, 'NULL'), '|', COALESCE(state, 'NULL')) FROM {table}"
        ),
        _ => format!(
            "SELECT COALESCE(revision, 'NULL') || '|' || COALESCE(checksum, 'NULL') || '|' || COALESCE(state, 'NULL') FROM {table}"
        ),
    };
    let mut rows = strings(db, &sql)
        .await
        .unwrap_or_else(|e| panic!("reading {table}: {e}"));
    rows.sort();
    rows
}

/// Starts `migrate-probe DIR URL heads TIMEOUT_MS`; its stdout lines arrive on
/// the returned channel with the time each was read.
pub fn spawn_probe(
    dir: &Path,
    url: &str,
    timeout_ms: &str,
) -> (
    std::process::Child,
    std::sync::mpsc::Receiver<(Instant, String)>,
) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(probe_bin())
        .args([dir.to_str().unwrap(), url, "heads", timeout_ms])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starting migrate-probe");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send((Instant::now(), line));
        }
    });
    (child, rx)
}

/// Waits (bounded) for the line `want` from a probe; returns when it came.
pub fn expect_line(
    rx: &std::sync::mpsc::Receiver<(Instant, String)>,
    want: &str,
    limit: Duration,
) -> Instant {
    let deadline = Instant::now() + limit;
    loop {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok((at, line)) if line == want => return at,
            Ok(_) => {}
            Err(_) => panic!("the probe did not print `{want}` within {limit:?}"),
        }
    }
}

/// Waits (bounded) for a probe to exit; returns its exit code and stderr.
pub fn finish(mut child: std::process::Child, limit: Duration) -> (Option<i32>, String) {
    use std::io::Read;
    let status = wait_limited(&mut child, limit)
        .unwrap_or_else(|| panic!("the probe did not exit within {limit:?}"));
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut stderr);
    }
    (status.code(), stderr)
}

/// An error and its causes, as the CLI prints them: each cause once,
/// joined by `: `.
pub fn chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// Runs an async body to completion on a runtime of its own, on a thread of
/// its own (a test's runtime may not block on another future).
pub fn on_own_runtime<T, F, Fut>(body: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = T>,
{
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
            .block_on(body())
    })
    .join()
    .unwrap_or_else(|e| std::panic::resume_unwind(e))
}

// ------------------------------------------------------------ processes --

/// What a process did: its exit code (`None` when a signal ended it) and
/// everything it printed.
#[derive(Debug)]
pub struct Ran {
    /// Exit code, -1 when killed by a signal.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl From<std::process::Output> for Ran {
    fn from(o: std::process::Output) -> Ran {
        Ran {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// Runs `cmd` to the end and collects what it printed: the one way the
/// tests run a process and read its output.
pub fn run_to_end(cmd: &mut std::process::Command) -> Ran {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
        .into()
}
