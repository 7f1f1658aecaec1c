//! Running a parsed command: output on stdout, errors rendered once on
//! stderr, the exit code returned.

use super::args::{Command, MigrateCommand};
use super::conn::Conn;
use super::error::CmdError;
use super::report::Reporter;
use super::{change, exit, inspect};
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
        ExitCode::from(self.execute(migrations, Conn::Url(url)).await)
    }

    /// Runs the command against the service's own pool (`Db::from(pool)`);
    /// `--database-url` is then ignored. Returns the exit code.
    pub async fn run_with(&self, migrations: &Migrations, db: &Db) -> ExitCode {
        ExitCode::from(self.execute(migrations, Conn::Given(db)).await)
    }

    /// Runs the command and returns the exit code as a number ([`exit`]).
    async fn execute(&self, migrations: &Migrations, conn: Conn<'_>) -> u8 {
        // Not locked: the lock is not `Send`, and the step hooks print
        // progress lines to stdout from whichever thread runs the step.
        let mut out = std::io::BufWriter::new(std::io::stdout());
        let reporter = conn
            .url()
            .map(|u| Reporter::for_url(u, None))
            .unwrap_or_default();
        let result = self
            .dispatch(migrations, &conn, &reporter, &mut out)
            .await
            .and_then(|()| out.flush().map_err(CmdError::Output));
        match result {
            Ok(()) => exit::SUCCESS,
            Err(CmdError::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::SUCCESS,
            Err(e) => {
                let _ = out.flush();
                e.report(&reporter)
            }
        }
    }

    async fn dispatch(
        &self,
        migrations: &Migrations,
        conn: &Conn<'_>,
        reporter: &Reporter,
        out: &mut (dyn Write + Send),
    ) -> Result<(), CmdError> {
        let cx = change::Cx {
            migrations,
            conn,
            reporter,
            table: self.table.as_deref(),
        };
        match &self.command {
            Command::Upgrade(a) => change::upgrade(&cx, a, out).await,
            Command::Downgrade(a) => change::downgrade(&cx, a, out).await,
            Command::Stamp(a) => change::stamp(&cx, a, out).await,
            Command::Resolve(a) => change::resolve(&cx, a, out).await,
            Command::Current(a) => inspect::current(&cx, a, out).await,
            Command::History(a) => inspect::history(&cx, a, out).await,
            Command::Heads(a) => inspect::heads(&cx, a, out),
            Command::Check(a) => inspect::check(&cx, a, out).await,
        }
    }
}

/// `DATABASE_URL` from `./.env`, read without changing the environment.
fn dotenv_url() -> Option<String> {
    let iter = dotenvy::from_path_iter(".env").ok()?;
    iter.filter_map(Result::ok)
        .find(|(k, _)| k == "DATABASE_URL")
        .map(|(_, v)| v)
}
