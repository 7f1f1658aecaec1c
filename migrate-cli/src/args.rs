//! The command line of the application's own `migrate` command, as clap
//! parses it. Options and help follow `cargo migrate`'s, minus what needs
//! the source tree (files are embedded) and minus anything that writes
//! files or drops the schema.

use super::options::{DowngradeOptions, LockArgs, ResolveOptions, StampTargets, UpgradeOptions};
use clap::{Args, Subcommand};

/// `myapp migrate ...`: the migration commands over the migrations this
/// binary embeds. Add it to a service's own command line:
///
/// ```ignore
/// #[derive(clap::Subcommand)]
/// enum AppCmd {
///     /// Migrate the database.
///     Migrate(migrate_cli::MigrateCommand),
///     /// Serve requests.
///     Serve,
/// }
/// ```
///
/// then run it with [`MigrateCommand::run`] (connects to `--database-url`,
/// `DATABASE_URL` or a `.env` file) or [`MigrateCommand::run_with`] (the
/// service's own pool). Exit codes as `cargo migrate`: 0 success, 1 a user
/// error or a failed check, 2 a wrong command line.
#[derive(Debug, Clone, Args)]
#[command(after_long_help = EXIT_HELP)]
pub struct MigrateCommand {
    #[command(subcommand)]
    pub(crate) command: Command,

    /// Database URL: `sqlite:app.db`, `postgres://user:pass@host/db`,
    /// `mysql://...`. Default: `DATABASE_URL`, else a `DATABASE_URL` line
    /// in `.env`. The password is never printed.
    #[arg(
        long,
        global = true,
        value_name = "URL",
        env = "DATABASE_URL",
        hide_env_values = true
    )]
    pub(crate) database_url: Option<String>,

    /// Name of the version table (`schema.table` allowed); default `migrate_versions`.
    #[arg(long, global = true, value_name = "NAME", env = "MIGRATE_TABLE")]
    pub(crate) table: Option<String>,

    /// The URL when neither the flag, `DATABASE_URL` nor `.env` give one.
    #[arg(skip)]
    pub(crate) default_url: Option<String>,
}

impl MigrateCommand {
    /// Uses `url` when neither `--database-url`, `DATABASE_URL` nor `.env`
    /// gives one, as a service with a built-in default (`sqlite:app.db`)
    /// needs.
    pub fn default_database_url(mut self, url: impl Into<String>) -> Self {
        self.default_url = Some(url.into());
        self
    }
}

/// The exit-code table at the end of `migrate --help`.
const EXIT_HELP: &str = "\
Exit codes:
  0  success (output cut short by a closed pipe counts as success)
  1  user error or failed check: the reason is on stderr
  2  usage error: the command line is wrong, or `stamp`/`resolve` lack --yes off a terminal";

/// The subcommands, named as in Alembic and `cargo migrate`.
#[derive(Debug, Clone, Subcommand)]
pub(crate) enum Command {
    /// Apply the revisions needed to reach TARGET (default `head`).
    ///
    /// Runs under the database lock with drift checks, one transaction per
    /// revision where the database allows it.
    Upgrade(UpgradeArgs),
    /// Revert revisions down to TARGET (`-1`, `base`, an id, `<label>@-1`, ...).
    Downgrade(DowngradeArgs),
    /// Show the revisions the database is at (its applied heads).
    Current(CurrentArgs),
    /// List the embedded revisions, newest first.
    History(HistoryArgs),
    /// Show the heads of the embedded revisions.
    Heads(HeadsArgs),
    /// Check the database against the embedded revisions: pending, edited,
    /// unknown or failed revisions. Exits 1 on any problem.
    Check(CheckArgs),
    /// Record TARGET(s) as the database's state without running any SQL.
    ///
    /// Asks for confirmation; `--yes` is required when stdin is not a terminal.
    Stamp(StampArgs),
    /// Settle a failed or interrupted revision after checking the schema by hand.
    ///
    /// Asks for confirmation; `--yes` is required when stdin is not a terminal.
    Resolve(ResolveArgs),
    /// Take the database over from another migration tool (sqlx, diesel,
    /// refinery, dbmate, golang-migrate, flyway, alembic): record in our
    /// version table what its table says is applied, under the lock, in
    /// one transaction, leaving its table as it was.
    ///
    /// The embedded migrations must be the ones `cargo migrate import`
    /// wrote from that tool's files. `--sql` prints the statements instead.
    Adopt(AdoptArgs),
}

/// `adopt` options.
#[derive(Debug, Clone, Args)]
pub(crate) struct AdoptArgs {
    /// The tool: sqlx, diesel, refinery, dbmate, golang-migrate, flyway, alembic.
    #[arg(long, value_name = "TOOL", value_parser = |s: &str| s.parse::<migrate_runtime::Tool>().map_err(|e| e.to_string()))]
    pub from: migrate_runtime::Tool,

    /// Print the SQL that records the adoption instead of writing it.
    #[arg(long)]
    pub sql: bool,

    #[command(flatten)]
    pub lock: LockArgs,
}

/// `upgrade` options.
#[derive(Debug, Clone, Args)]
pub(crate) struct UpgradeArgs {
    /// Print the SQL script instead of touching the database.
    #[arg(long)]
    pub sql: bool,

    #[command(flatten)]
    pub up: UpgradeOptions,

    #[command(flatten)]
    pub lock: LockArgs,
}

/// `downgrade` options.
#[derive(Debug, Clone, Args)]
pub(crate) struct DowngradeArgs {
    /// Print the SQL script instead of touching the database.
    #[arg(long)]
    pub sql: bool,

    #[command(flatten)]
    pub down: DowngradeOptions,

    #[command(flatten)]
    pub lock: LockArgs,
}

/// `current` options.
#[derive(Debug, Clone, Args)]
pub(crate) struct CurrentArgs {
    /// Show each applied head's file and when it was applied.
    #[arg(short, long)]
    pub verbose: bool,

    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
}

/// `history` options.
#[derive(Debug, Clone, Args)]
pub(crate) struct HistoryArgs {
    /// Only revisions in `FROM:TO` (either end may be left out; `-3:`
    /// counts from the database's current revision).
    #[arg(short, long, value_name = "RANGE", allow_hyphen_values = true)]
    pub rev_range: Option<String>,

    /// Show each revision's header and file.
    #[arg(short, long)]
    pub verbose: bool,

    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
}

/// `heads` options.
#[derive(Debug, Clone, Args)]
pub(crate) struct HeadsArgs {
    /// Show each head's header and file.
    #[arg(short, long)]
    pub verbose: bool,

    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
}

/// `check` options.
#[derive(Debug, Clone, Args)]
pub(crate) struct CheckArgs {
    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
}

/// `stamp` options.
#[derive(Debug, Clone, Args)]
pub(crate) struct StampArgs {
    #[command(flatten)]
    pub stamp: StampTargets,

    /// Do it without asking (required when stdin is not a terminal).
    #[arg(short, long)]
    pub yes: bool,

    #[command(flatten)]
    pub lock: LockArgs,
}

/// `resolve` options.
#[derive(Debug, Clone, Args)]
pub(crate) struct ResolveArgs {
    #[command(flatten)]
    pub resolve: ResolveOptions,

    /// Do it without asking (required when stdin is not a terminal).
    #[arg(short, long)]
    pub yes: bool,

    #[command(flatten)]
    pub lock: LockArgs,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, Parser};

    #[derive(Debug, Parser)]
    enum App {
        Migrate(MigrateCommand),
        Serve,
    }

    fn parse(args: &[&str]) -> Result<MigrateCommand, clap::Error> {
        let argv = ["app", "migrate"].into_iter().chain(args.iter().copied());
        match App::try_parse_from(argv)? {
            App::Migrate(m) => Ok(m),
            App::Serve => unreachable!(),
        }
    }

    #[test]
    fn the_command_line_definition_is_consistent() {
        App::command().debug_assert();
        super::super::standalone::Standalone::command().debug_assert();
    }

    #[test]
    fn targets_options_and_confirmations_parse() {
        let m = parse(&["downgrade", "-1"]).unwrap();
        assert!(matches!(m.command, Command::Downgrade(ref d) if d.down.target == "-1"));
        let m = parse(&["upgrade"]).unwrap();
        assert!(
            matches!(m.command, Command::Upgrade(ref u) if u.up.target == "head" && u.up.backup.is_none())
        );
        let m = parse(&["current", "--database-url", "sqlite:x.db"]).unwrap();
        assert_eq!(m.database_url.as_deref(), Some("sqlite:x.db"));
        assert!(parse(&["downgrade"]).is_err());
        assert!(parse(&["upgrade", "--sql", "--backup", "d"]).is_err());
        assert!(parse(&["resolve", "abc", "--yes"]).is_err());
        let m = parse(&["stamp", "head", "-y"]).unwrap();
        assert!(matches!(m.command, Command::Stamp(ref s) if s.yes));
        // Nothing that drops the schema or writes migration files.
        for missing in ["reset", "fresh", "revision", "init", "merge"] {
            assert!(parse(&[missing]).is_err(), "{missing}");
        }
    }
}
