//! A project directory for one test, the CLI run in it with a clean
//! environment, and the "production" around the database: objects the
//! scratch work must never change, read back to compare.

use crate::support::{cli_bin, on_own_runtime, run_to_end, strings, with_database, Backend, Ran};
use migrate_runtime::Db;
use std::path::Path;

/// A project: migrate.toml, migrations, schema.sql in a temporary directory.
pub struct Sandbox {
    dir: tempfile::TempDir,
    /// `DATABASE_URL` for the commands.
    pub url: Option<String>,
}

impl Sandbox {
    pub fn new(url: Option<&str>, config: &str) -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("migrations")).unwrap();
        std::fs::write(dir.path().join("migrate.toml"), config).unwrap();
        Sandbox {
            dir,
            url: url.map(str::to_owned),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path().join(name), text).unwrap();
    }

    /// A revision file `NNNN_<id>.sql`.
    pub fn revision(&self, n: usize, id: &str, parent: &str, up: &str, down: &str) {
        self.write(
            &format!("migrations/{n:04}_{id}.sql"),
            &format!("-- Revision ID: {id}\n-- Revises: {parent}\n\n-- migrate:up\n{up}\n\n-- migrate:down\n{down}\n"),
        );
    }

    pub fn command(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(cli_bin());
        cmd.arg("migrate").args(args).current_dir(self.path());
        for var in [
            "MIGRATE_SOURCE",
            "MIGRATE_CONFIG",
            "MIGRATE_TABLE",
            "MIGRATE_DEV_URL",
            "DATABASE_URL",
        ] {
            cmd.env_remove(var);
        }
        if let Some(url) = &self.url {
            cmd.env("DATABASE_URL", url);
        }
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Ran {
        run_to_end(&mut self.command(args))
    }
}

/// The server's admin database URL (the test server's own `migrate`
/// database).
pub fn server(backend: Backend) -> Option<String> {
    backend.server_url()
}

/// Runs statements on `url`, blocking.
pub fn exec_on(url: &str, sql: &str) {
    let (url, sql) = (url.to_owned(), sql.to_owned());
    on_own_runtime(move || async move {
        let db = Db::connect(&url).await.unwrap();
        for s in sql.split(";\n").filter(|s| !s.trim().is_empty()) {
            crate::support::exec(&db, s)
                .await
                .unwrap_or_else(|e| panic!("`{s}`: {e}"));
        }
        db.close().await;
    });
}

/// The text rows of `sql` on `url`, blocking.
pub fn rows_on(url: &str, sql: &str) -> Vec<String> {
    let (url, sql) = (url.to_owned(), sql.to_owned());
    on_own_runtime(move || async move {
        let db = Db::connect(&url).await.unwrap();
        let r = strings(&db, &sql)
            .await
            .unwrap_or_else(|e| panic!("`{sql}`: {e}"));
        db.close().await;
        r
    })
}

/// The databases on the server of `url`.
pub fn databases(backend: Backend, url: &str) -> Vec<String> {
    let sql = match backend {
        Backend::Postgres => "SELECT datname::text FROM pg_database ORDER BY 1",
        _ => "SELECT CAST(SCHEMA_NAME AS CHAR) FROM information_schema.SCHEMATA ORDER BY 1",
    };
    rows_on(url, sql)
}

/// Production around the database: another database holding a table with
/// a row, and a role (user) with a password. Removed when dropped.
pub struct Production {
    backend: Backend,
    server: String,
    /// The other database.
    pub other: String,
    /// The role or user.
    pub role: String,
}

impl Production {
    pub fn new(backend: Backend) -> Option<Production> {
        let server = server(backend)?;
        let tag = crate::support::unique_name("p").replace('_', "");
        let other = format!("shop{tag}");
        let role = format!("batch{tag}");
        match backend {
            Backend::Postgres => {
                exec_on(&server, &format!("CREATE DATABASE {other}"));
                exec_on(
                    &server,
                    &format!("CREATE ROLE {role} LOGIN PASSWORD 'rotated-Secret-1'"),
                );
                exec_on(
                    &with_database(&server, &other),
                    "CREATE TABLE orders (id INT PRIMARY KEY, card TEXT);\nINSERT INTO orders VALUES (1, '4111')",
                );
            }
            _ => {
                exec_on(&server, &format!("CREATE DATABASE {other}"));
                exec_on(
                    &server,
                    &format!("CREATE USER '{role}'@'%' IDENTIFIED BY 'rotated-Secret-1';\nGRANT SELECT ON {other}.* TO '{role}'@'%'"),
                );
                exec_on(
                    &server,
                    &format!("CREATE TABLE {other}.orders (id INT PRIMARY KEY, card TEXT);\nINSERT INTO {other}.orders VALUES (1, '4111')"),
                );
            }
        }
        Some(Production {
            backend,
            server,
            other,
            role,
        })
    }

    /// Everything a run must leave alone, as text: the other database's
    /// rows, the role's password hash and grants.
    pub fn state(&self) -> Vec<String> {
        let mut state = match self.backend {
            Backend::Postgres => rows_on(
                &with_database(&self.server, &self.other),
                "SELECT id::text || ':' || card FROM orders ORDER BY id",
            ),
            _ => rows_on(
                &self.server,
                &format!(
                    "SELECT CONCAT(id, ':', card) FROM {}.orders ORDER BY id",
                    self.other
                ),
            ),
        };
        state.extend(match self.backend {
            Backend::Postgres => rows_on(
                &self.server,
                &format!("SELECT coalesce(rolpassword, 'NONE') FROM pg_authid WHERE rolname = '{}'", self.role),
            ),
            _ => rows_on(
                &self.server,
                &format!("SELECT CONCAT(authentication_string, '|', (SELECT COUNT(*) FROM mysql.db WHERE User = '{0}')) FROM mysql.user WHERE User = '{0}'", self.role),
            ),
        });
        assert_eq!(state.len(), 2, "production objects missing: {state:?}");
        state
    }
}

impl Drop for Production {
    fn drop(&mut self) {
        let sql = match self.backend {
            Backend::Postgres => format!(
                "DROP DATABASE IF EXISTS {};\nDROP ROLE IF EXISTS {}",
                self.other, self.role
            ),
            _ => format!(
                "DROP DATABASE IF EXISTS {};\nDROP USER IF EXISTS '{}'@'%'",
                self.other, self.role
            ),
        };
        let (server, sql) = (self.server.clone(), sql);
        let _ = std::thread::spawn(move || exec_on(&server, &sql)).join();
    }
}

/// The backends with a server (PostgreSQL, MariaDB), each printing a SKIP
/// line when its server is not configured.
pub fn servers() -> Vec<Backend> {
    Backend::all()
        .into_iter()
        .filter(|b| *b != Backend::Sqlite)
        .collect()
}
