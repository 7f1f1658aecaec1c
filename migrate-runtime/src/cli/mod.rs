//! The application's own `migrate` command (feature `cli`): `myapp migrate
//! upgrade|downgrade|current|history|heads|check|stamp|resolve` over the
//! migrations the binary embeds, for containers that hold one binary and
//! no source tree.
//!
//! [`MigrateCommand`] is a clap subcommand a service adds to its own
//! command line; [`main`] is a ready `main` for a binary that has none.
//! Messages, progress lines (`  -> id  message  (ms)`) and exit codes
//! ([`exit`]) are those of `cargo migrate`. Nothing here writes files
//! (`upgrade --backup DIR` aside, which the user asks for) or drops the
//! schema: there is no `init`, `revision`, `merge`, `reset` or `fresh`.
//!
//! ```ignore
//! use clap::Parser;
//! use migrate_runtime::{cli::MigrateCommand, migrations, Migrations};
//!
//! static MIGRATIONS: Migrations = migrations!("migrations");
//!
//! #[derive(Parser)]
//! enum App {
//!     /// Migrate the database.
//!     Migrate(MigrateCommand),
//!     /// Serve requests.
//!     Serve,
//! }
//!
//! #[tokio::main]
//! async fn main() -> std::process::ExitCode {
//!     match App::parse() {
//!         App::Migrate(cmd) => cmd.run(&MIGRATIONS).await,
//!         App::Serve => { /* ... */ std::process::ExitCode::SUCCESS }
//!     }
//! }
//! ```

mod args;
mod change;
mod error;
mod inspect;

pub use args::MigrateCommand;

use crate::{Db, Dialect, Migrations};
use args::Command;
use error::CmdError;
use std::io::Write;
use std::process::ExitCode;

/// The process exit codes, the same as `cargo migrate`'s.
pub mod exit {
    /// Success (output cut short by a closed pipe counts as success).
    pub const SUCCESS: u8 = 0;
    /// A user error or a failed check: the reason is on stderr.
    pub const FAILURE: u8 = 1;
    /// The command line itself is wrong (clap's usage errors; `stamp` or
    /// `resolve` without `--yes` when stdin is not a terminal).
    pub const USAGE: u8 = 2;
}

/// Where the database comes from.
pub(crate) enum Conn<'a> {
    /// The service's own pool.
    Given(&'a Db),
    /// A URL to connect to when the command needs it.
    Url(Option<String>),
}

impl Conn<'_> {
    /// The URL, for scrubbing messages.
    fn url(&self) -> Option<&str> {
        match self {
            Conn::Url(u) => u.as_deref(),
            Conn::Given(_) => None,
        }
    }

    /// The dialect of offline scripts.
    fn dialect(&self, command: &'static str) -> Result<Dialect, CmdError> {
        match self {
            Conn::Given(db) => Ok(db.dialect()),
            Conn::Url(Some(url)) => Ok(crate::DatabaseUrl::parse(url)?.dialect()),
            Conn::Url(None) => Err(CmdError::NoDatabaseUrl { command }),
        }
    }

    /// Runs `work` with the database, connecting (and closing) if needed.
    async fn with<T>(
        &self,
        command: &'static str,
        work: impl AsyncFnOnce(&Db) -> Result<T, CmdError>,
    ) -> Result<T, CmdError> {
        match self {
            Conn::Given(db) => work(db).await,
            Conn::Url(None) => Err(CmdError::NoDatabaseUrl { command }),
            Conn::Url(Some(url)) => {
                let db = Db::connect(url).await?;
                let result = work(&db).await;
                db.close().await;
                result
            }
        }
    }
}

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
        let result = self
            .dispatch(migrations, &conn, &mut out)
            .await
            .and_then(|()| out.flush().map_err(CmdError::Output));
        match result {
            Ok(()) => exit::SUCCESS,
            Err(CmdError::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::SUCCESS,
            Err(e) => {
                let _ = out.flush();
                error::report(&e, conn.url())
            }
        }
    }

    async fn dispatch(
        &self,
        migrations: &Migrations,
        conn: &Conn<'_>,
        out: &mut (dyn Write + Send),
    ) -> Result<(), CmdError> {
        let cx = change::Cx {
            migrations,
            conn,
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

/// The command line of [`main`]: the migrate commands at the top level.
#[derive(Debug, clap::Parser)]
#[command(about = "Migrate this application's database with the migrations it embeds")]
struct Standalone {
    #[command(flatten)]
    command: MigrateCommand,
}

/// A ready `main` for a binary whose only job is migrating:
/// `fn main() -> ExitCode { migrate_runtime::cli::main(&MIGRATIONS) }`,
/// then `myapp-migrate upgrade`, `myapp-migrate current`, ... The URL comes
/// from `--database-url`, `DATABASE_URL` or `.env`. Starts its own async
/// runtime, so call it outside one.
pub fn main(migrations: &Migrations) -> ExitCode {
    use clap::Parser;
    // `.env` first, so that clap's `env = "DATABASE_URL"` sees it; the real
    // environment wins over the file.
    let _ = dotenvy::dotenv();
    let args = match Standalone::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::USAGE
            } else {
                exit::SUCCESS
            });
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::FAILURE);
        }
    };
    rt.block_on(args.command.run(migrations))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send<T: Send>(_: &T) {}

    #[test]
    fn a_service_can_spawn_the_command() {
        use clap::Parser;
        let set = Migrations::from_dir(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/todo-service/migrations"
        ))
        .unwrap();
        let cmd = Standalone::try_parse_from(["app", "heads"])
            .unwrap()
            .command;
        send(&cmd.run(&set));
    }
}
