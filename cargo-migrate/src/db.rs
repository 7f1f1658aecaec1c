//! The bridge to migrate-runtime: one async runtime per invocation, one
//! connection pool, and the runtime's migrator doing every database write
//! under its lock and drift checks. The CLI adds only progress output.

use crate::error::CliError;
use crate::project::Project;
use migrate_cli::{print, LockArgs, RunArgs};
use migrate_runtime::{Db, Direction, Migrations, Migrator, Status};
use std::io::Write;

/// How a database-changing command runs.
pub(crate) struct RunOptions<'a> {
    /// The version table, if not the default.
    pub table: Option<&'a str>,
    /// Lock and policy flags.
    pub lock: &'a LockArgs,
    /// How `upgrade` and `downgrade` print and group their steps; quiet
    /// for the other commands.
    pub run: Option<&'a RunArgs>,
}

/// A connection being opened in the background while the caller reads the
/// migrations directory: the two are independent, and overlapping them takes
/// the connect time off every database command.
pub(crate) struct Connection {
    rt: Option<tokio::runtime::Runtime>,
    db: tokio::task::JoinHandle<Result<Db, migrate_runtime::Error>>,
}

impl Connection {
    /// Starts connecting to `url` on a one-worker runtime.
    pub(crate) fn start(url: &str) -> Result<Connection, CliError> {
        let rt = runtime()?;
        let url = url.to_owned();
        let db = rt.spawn(async move { Db::connect(&url).await });
        Ok(Connection { rt: Some(rt), db })
    }

    /// Waits for the connection, then runs `work` with it and closes it.
    fn with<T>(
        mut self,
        work: impl AsyncFnOnce(&Db) -> Result<T, migrate_runtime::Error>,
    ) -> Result<T, CliError> {
        let rt = self.rt.take().expect("a connection is used once");
        let db = &mut self.db;
        let result = rt.block_on(async move {
            let db = match db.await {
                Ok(connected) => connected?,
                // The connect task cannot be cancelled or panic unless the
                // runtime is gone; report it like a failed connection.
                Err(e) => return Err(CliError::Output(std::io::Error::other(e))),
            };
            let result = work(&db).await;
            db.close().await;
            Ok(result?)
        });
        rt.shutdown_background();
        result
    }

    /// The database's state compared with the directory.
    pub(crate) fn status(self, project: &Project, table: Option<&str>) -> Result<Status, CliError> {
        let migrations = Migrations::from_set(&project.set);
        let migrator = migrator(&migrations, table);
        self.with(async move |db| migrator.status(db).await)
    }

    /// Runs `work` (one of the migrator's operations) under the runtime's
    /// lock and checks, with the options of the command line.
    pub(crate) fn run<T>(
        self,
        project: &Project,
        opts: &RunOptions<'_>,
        work: impl AsyncFnOnce(&Migrator<'_>, &Db) -> Result<T, migrate_runtime::Error>,
    ) -> Result<T, CliError> {
        let migrations = Migrations::from_set(&project.set);
        let migrator = opts.lock.apply(migrator(&migrations, opts.table));
        let migrator = match opts.run {
            Some(run) => run.apply(migrator),
            None => print::progress(migrator, false),
        };
        // Earlier output must reach the terminal before the steps' lines.
        let _ = std::io::stdout().flush();
        self.with(async move |db| work(&migrator, db).await)
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        // Dropped unused (the directory failed to load, say): do not wait for
        // a slow server to answer before exiting.
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

/// The async runtime of one invocation: one worker is enough for a command
/// that talks to a database or two, and leaves the machine's other cores alone.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|source| CliError::Io {
            path: "tokio runtime".into(),
            action: "start",
            source,
        })
}

/// A migrator over the project's set (which owns a copy of its text).
fn migrator<'m>(migrations: &'m Migrations, table: Option<&str>) -> Migrator<'m> {
    let mut m = migrations.migrator();
    if let Some(t) = table {
        m = m.table(t);
    }
    m
}

/// The offline script for `range` (a target or `FROM:TO`), written by the runtime.
pub(crate) fn offline_script(
    project: &Project,
    table: Option<&str>,
    dialect: migrate_runtime::Dialect,
    range: &str,
    direction: Direction,
) -> Result<String, CliError> {
    let migrations = Migrations::from_set(&project.set);
    Ok(migrator(&migrations, table).offline_script(dialect, range, direction)?)
}

/// The offline script of a stamp, written by the runtime.
pub(crate) fn offline_stamp(
    project: &Project,
    table: Option<&str>,
    dialect: migrate_runtime::Dialect,
    targets: &[String],
    purge: bool,
) -> Result<String, CliError> {
    let targets: Vec<&str> = targets.iter().map(String::as_str).collect();
    let migrations = Migrations::from_set(&project.set);
    Ok(migrator(&migrations, table).offline_stamp(dialect, &targets, purge)?)
}
