//! Running the CLI binary in scratch projects, against scratch databases.
//!
//! Integration tests of another package cannot use `CARGO_BIN_EXE_*`, so the
//! binary is built once per test run with the `cargo` that runs the tests
//! (`$CARGO build -p cargo-migrate`, same profile) and found next to the test
//! executable's own target directory. `MIGRATE_CLI_BIN` overrides the path.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The `cargo-migrate` binary, built on first use.
pub(crate) fn bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(crate::support::cli_bin)
}

/// One invocation's result.
#[derive(Debug)]
pub(crate) struct Run {
    /// Exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// A scratch project directory with an optional database URL.
pub(crate) struct Project {
    dir: tempfile::TempDir,
    /// Passed as `DATABASE_URL` to every command.
    pub url: Option<String>,
}

impl Project {
    /// An empty directory.
    pub(crate) fn new() -> Project {
        Project {
            dir: tempfile::Builder::new()
                .prefix("cli-e2e-")
                .tempdir()
                .expect("temp dir"),
            url: None,
        }
    }

    /// An empty directory with a `Cargo.toml`, as `init` expects to find.
    pub(crate) fn crate_dir() -> Project {
        let p = Project::new();
        p.write(
            "Cargo.toml",
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        );
        p
    }

    /// The directory.
    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `cargo-migrate migrate ARGS` in this directory, with a clean
    /// environment: nothing from the developer's shell leaks in.
    pub(crate) fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(bin());
        cmd.arg("migrate").args(args).current_dir(self.path());
        for var in [
            "DATABASE_URL",
            "MIGRATE_SOURCE",
            "MIGRATE_CONFIG",
            "MIGRATE_TABLE",
            "RUST_BACKTRACE",
        ] {
            cmd.env_remove(var);
        }
        if let Some(url) = &self.url {
            cmd.env("DATABASE_URL", url);
        }
        cmd
    }

    /// Runs a command and returns what happened.
    pub(crate) fn run(&self, args: &[&str]) -> Run {
        self.command(args)
            .output()
            .expect("run cargo-migrate")
            .into()
    }

    /// Runs a command that must succeed; returns stdout.
    #[track_caller]
    pub(crate) fn ok(&self, args: &[&str]) -> String {
        let r = self.run(args);
        assert_eq!(
            r.code,
            0,
            "`cargo migrate {}` failed:\nstdout:\n{}\nstderr:\n{}",
            args.join(" "),
            r.stdout,
            r.stderr
        );
        r.stdout
    }

    /// Runs a command that must fail with exit code 1 and no panic; returns stderr.
    #[track_caller]
    pub(crate) fn fail(&self, args: &[&str]) -> String {
        let r = self.run(args);
        assert_eq!(
            r.code,
            1,
            "`cargo migrate {}` should fail with 1:\nstdout:\n{}\nstderr:\n{}",
            args.join(" "),
            r.stdout,
            r.stderr
        );
        assert!(
            r.stderr.starts_with("error: "),
            "stderr should start with `error: `:\n{}",
            r.stderr
        );
        assert!(!r.stderr.contains("panicked"), "panic:\n{}", r.stderr);
        r.stderr
    }

    /// Writes a file relative to the project.
    pub(crate) fn write(&self, rel: &str, text: &str) {
        let path = self.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, text).unwrap();
    }

    /// Reads a file relative to the project.
    pub(crate) fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    /// `revision -m MSG [extra]`; returns the new file's path relative to the project.
    #[track_caller]
    pub(crate) fn revision(&self, message: &str, extra: &[&str]) -> String {
        let mut args = vec!["revision", "-m", message];
        args.extend_from_slice(extra);
        let out = self.ok(&args);
        out.trim()
            .strip_prefix("created ")
            .unwrap_or_else(|| panic!("unexpected output {out:?}"))
            .to_owned()
    }

    /// Replaces the empty sections of a new revision file with SQL.
    pub(crate) fn fill(&self, rel: &str, up: &str, down: &str) {
        let text = self.read(rel);
        let (header, _) = text.split_once("-- migrate:up").expect("up marker");
        self.write(
            rel,
            &format!("{header}-- migrate:up\n{up}\n\n-- migrate:down\n{down}\n"),
        );
    }

    /// The revision id in a file written by `revision`.
    pub(crate) fn id_of(&self, rel: &str) -> String {
        let text = self.read(rel);
        text.lines()
            .find_map(|l| l.strip_prefix("-- Revision ID: "))
            .expect("Revision ID line")
            .trim()
            .to_owned()
    }
}

/// A database backend under test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Backend {
    Sqlite,
    Postgres,
    MySql,
}

impl Backend {
    /// The backends to run: SQLite always, the servers when their URL is set.
    pub(crate) fn all() -> Vec<Backend> {
        let mut v = vec![Backend::Sqlite];
        for (b, var) in [
            (Backend::Postgres, "MIGRATE_TEST_POSTGRES_URL"),
            (Backend::MySql, "MIGRATE_TEST_MYSQL_URL"),
        ] {
            if std::env::var_os(var).is_some() {
                v.push(b);
            } else {
                println!("skipping {b:?}: {var} is not set (scripts/test sets it)");
            }
        }
        v
    }

    /// The `--dialect` name.
    pub(crate) fn dialect(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
            Backend::MySql => "mysql",
        }
    }
}

/// A fresh database of `backend`, dropped on drop.
pub(crate) struct Scratch {
    /// Its URL.
    pub url: String,
    backend: Backend,
    admin: Option<String>,
    name: String,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl Scratch {
    /// A new database; for SQLite a file inside `dir`.
    pub(crate) fn new(backend: Backend, dir: &Path) -> Scratch {
        let name = format!(
            "cli_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        );
        match backend {
            Backend::Sqlite => Scratch {
                url: format!("sqlite:{}", dir.join(format!("{name}.db")).display()),
                backend,
                admin: None,
                name,
            },
            Backend::Postgres | Backend::MySql => {
                let var = if backend == Backend::Postgres {
                    "MIGRATE_TEST_POSTGRES_URL"
                } else {
                    "MIGRATE_TEST_MYSQL_URL"
                };
                let admin = std::env::var(var).expect("backend URL");
                exec(&admin, &format!("CREATE DATABASE {name}"));
                let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
                Scratch {
                    url: format!("{base}/{name}"),
                    backend,
                    admin: Some(admin),
                    name,
                }
            }
        }
    }

    /// Runs one statement on this database.
    pub(crate) fn exec(&self, sql: &str) {
        exec(&self.url, sql);
    }

    /// The first column of the first row of an integer query.
    pub(crate) fn query_i64(&self, sql: &str) -> i64 {
        query_i64(&self.url, sql)
    }

    /// Whether a table exists (works on every backend).
    pub(crate) fn has_table(&self, table: &str) -> bool {
        let sql = match self.backend {
            Backend::Sqlite => format!("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"),
            Backend::Postgres => format!("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = '{table}'"),
            Backend::MySql => format!("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '{table}'"),
        };
        self.query_i64(&sql) == 1
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some(admin) = &self.admin {
            let sql = match self.backend {
                Backend::Postgres => format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
                _ => format!("DROP DATABASE IF EXISTS {}", self.name),
            };
            let admin = admin.clone();
            // Best effort: a leftover scratch database is harmless.
            let _ = std::panic::catch_unwind(move || exec(&admin, &sql));
        }
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Runs one statement through the runtime's own pools (no extra sqlx
/// features, so the test build shares its sqlx with the CLI's).
pub(crate) fn exec(url: &str, sql: &str) {
    use migrate_runtime::sqlx;
    use migrate_runtime::Db;
    rt().block_on(async {
        let db = Db::connect(url)
            .await
            .unwrap_or_else(|e| panic!("connect for `{sql}`: {e}"));
        let result = match &db {
            Db::Sqlite(p) => sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(p)
                .await
                .map(|_| ()),
            Db::Postgres(p) => sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(p)
                .await
                .map(|_| ()),
            Db::MySql(p) => sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(p)
                .await
                .map(|_| ()),
            _ => unreachable!("all backends are enabled"),
        };
        result.unwrap_or_else(|e| panic!("`{sql}`: {e}"));
        db.close().await;
    });
}

/// The first column of the first row of a query returning an integer.
pub(crate) fn query_i64(url: &str, sql: &str) -> i64 {
    use migrate_runtime::sqlx::{self, Row};
    use migrate_runtime::Db;
    rt().block_on(async {
        let db = Db::connect(url)
            .await
            .unwrap_or_else(|e| panic!("connect for `{sql}`: {e}"));
        let value = match &db {
            Db::Sqlite(p) => sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_one(p)
                .await
                .and_then(|r| r.try_get::<i64, _>(0)),
            Db::Postgres(p) => sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_one(p)
                .await
                .and_then(|r| r.try_get::<i64, _>(0)),
            Db::MySql(p) => sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_one(p)
                .await
                .and_then(|r| r.try_get::<i64, _>(0)),
            _ => unreachable!("all backends are enabled"),
        };
        db.close().await;
        value.unwrap_or_else(|e| panic!("`{sql}`: {e}"))
    })
}
