//! Running a parsed command: output on stdout, errors rendered once on
//! stderr, the exit code returned.

use super::args::{Command, MigrateCommand};
use super::context::{Context, Offline, Policy};
use super::database::Database;
use super::error::CmdError;
use super::report::Reporter;
use super::{adopt, change, exit, inspect, read};
use migrate_graph::TargetError;
use migrate_runtime::{Db, Migrations};
use std::io::Write;
use std::process::ExitCode;

impl MigrateCommand {
    /// Runs the command against the database of `--database-url`,
    /// `DATABASE_URL` or a `DATABASE_URL` line in `./.env`, printing its
    /// output and errors; returns the exit code.
    pub async fn run(&self, migrations: &Migrations) -> ExitCode {
        let url = self
            .database_url
            .clone()
            .or_else(dotenv_url)
            .or_else(|| self.default_url.clone());
        let reporter = url
            .as_deref()
            .map(|u| Reporter::for_url(u, None))
            .unwrap_or_default();
        let database = Database::url(url.as_deref(), "DATABASE_URL");
        ExitCode::from(self.execute(migrations, database, &reporter).await)
    }

    /// Runs the command against the service's own pool (`Db::from(pool)`);
    /// `--database-url` is then ignored. Returns the exit code.
    pub async fn run_with(&self, migrations: &Migrations, db: &Db) -> ExitCode {
        let reporter = Reporter::default();
        ExitCode::from(
            self.execute(migrations, Database::Pool(db), &reporter)
                .await,
        )
    }

    /// Runs the command and returns the exit code as a number ([`exit`]).
    async fn execute(
        &self,
        migrations: &Migrations,
        database: Database<'_>,
        reporter: &Reporter,
    ) -> u8 {
        // Not locked: the lock is not `Send`, and the step hooks print
        // progress lines to stdout from whichever thread runs the step.
        let mut out = std::io::BufWriter::new(std::io::stdout());
        let cx = Context {
            migrations,
            database,
            table: self.table.as_deref(),
            reporter,
            policy: Policy::APP,
        };
        let result = self
            .dispatch(&cx, &mut out)
            .await
            .and_then(|()| out.flush().map_err(CmdError::Output));
        match result {
            Ok(()) => exit::SUCCESS,
            Err(e) if e.is_broken_pipe() => exit::SUCCESS,
            Err(e) => {
                let _ = out.flush();
                reporter.report(&e, hint(&e, reporter).as_deref());
                e.code()
            }
        }
    }

    async fn dispatch(
        &self,
        cx: &Context<'_, Migrations>,
        out: &mut (dyn Write + Send),
    ) -> Result<(), CmdError> {
        let sql = |sql: bool| sql.then_some(Offline::Database);
        match &self.command {
            Command::Upgrade(a) => change::upgrade(cx, &a.up, &a.lock, sql(a.sql), out).await,
            Command::Downgrade(a) => change::downgrade(cx, &a.down, &a.lock, sql(a.sql), out).await,
            Command::Stamp(a) => {
                let stamp = change::Stamp::new(&a.stamp).yes(a.yes);
                change::stamp(cx, &stamp, &a.lock, out).await
            }
            Command::Resolve(a) => change::resolve(cx, &a.resolve, a.yes, &a.lock, out).await,
            Command::Current(a) => {
                read::current(cx, &read::Current::new(a.verbose, a.json), out).await
            }
            Command::History(a) => {
                let opts = read::History::new(a.rev_range.as_deref(), a.verbose, a.json);
                read::history(cx, &opts, out).await
            }
            Command::Heads(a) => read::heads(cx, a.verbose, a.json, out),
            Command::Check(a) => inspect::check(cx, a, out).await,
            Command::Adopt(a) => adopt::adopt(cx, a.from, None, a.sql, &a.lock, out).await,
        }
    }
}

/// The application's own advice first (it cannot merge heads, and an
/// unknown revision means an older binary), then the shared hints.
fn hint(e: &CmdError, reporter: &Reporter) -> Option<String> {
    match e {
        CmdError::Runtime(migrate_runtime::Error::Target(TargetError::MultipleHeads { .. }))
        | CmdError::Target(TargetError::MultipleHeads { .. }) => {
            Some("`upgrade heads` brings every branch up".to_owned())
        }
        CmdError::Runtime(migrate_runtime::Error::UnknownApplied { .. }) => Some(
            "this binary is older than the database: deploy the build that applied them, or pass --allow-unknown to go on without touching them".to_owned(),
        ),
        _ => e.hint(reporter),
    }
}

/// `DATABASE_URL` from `./.env`, read without changing the environment.
fn dotenv_url() -> Option<String> {
    let iter = dotenvy::from_path_iter(".env").ok()?;
    iter.filter_map(Result::ok)
        .find(|(k, _)| k == "DATABASE_URL")
        .map(|(_, v)| v)
}
