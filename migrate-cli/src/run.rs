//! Running a parsed command: output on stdout, errors rendered once on
//! stderr, the exit code returned.

use super::args::{Command, MigrateCommand};
use super::context::Database;
use super::context::{Context, Offline, Policy};
use super::error::CmdError;
use super::options::DialectArg;
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
        let url = self.database_url.clone().or_else(dotenv_url);
        // The application's default, on purpose (`default_database_url`),
        // and said: never a database created where nobody asked for one.
        let url = url.or_else(|| {
            let default = self.default_url.clone()?;
            eprintln!(
                "note: no --database-url and no DATABASE_URL: using this application's default, {}",
                migrate_runtime::redact_url(&default)
            );
            Some(default)
        });
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
            policy: Policy {
                adopt_from: self.adopt_from,
                ..Policy::APP
            },
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
        // `--dialect`, else the pool's or the URL's.
        let sql = |sql: bool, dialect: Option<DialectArg>| {
            sql.then_some(match dialect {
                Some(d) => Offline::Dialect(Some(d.into())),
                None => Offline::Database,
            })
        };
        match &self.command {
            Command::Upgrade(a) => {
                change::upgrade(cx, &a.up, &a.lock, sql(a.sql, a.dialect), out).await
            }
            Command::Downgrade(a) => {
                let mut down = a.down.clone();
                down.yes = a.yes;
                change::downgrade(cx, &down, &a.lock, sql(a.sql, a.dialect), out).await
            }
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
            Command::Fleet(a) => super::fleet::fleet(cx, a, out).await,
            #[cfg(feature = "rehearse")]
            Command::Rehearse(a) => super::rehearse::run(cx, a, out).await,
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
