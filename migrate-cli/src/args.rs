//! The command line of the application's own `migrate` command, as clap
//! parses it. Options and help follow `cargo migrate`'s, minus what needs
//! the source tree (files are embedded) and minus anything that writes
//! files or drops the schema.
//!
//! Each command's options live with their kind: `change` (upgrade,
//! downgrade, stamp, resolve, adopt) and `read` (current, history, heads,
//! check).
//!
//! # Imports
//!
//! `change`, `read`

mod change;
mod read;

pub(crate) use change::{AdoptArgs, DowngradeArgs, ResolveArgs, StampArgs, UpgradeArgs};
use clap::{Args, Subcommand};
use migrate_runtime::Tool;
pub(crate) use read::{CheckArgs, CurrentArgs, HeadsArgs, HistoryArgs};

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

    /// The tool whose record `upgrade` adopts while ours does not exist.
    #[arg(skip)]
    pub(crate) adopt_from: Option<Tool>,
}

impl MigrateCommand {
    /// Uses `url` when neither `--database-url`, `DATABASE_URL` nor `.env`
    /// gives one, as a service with a built-in default (`sqlite:app.db`)
    /// needs. Without this call a missing URL is an error naming
    /// `DATABASE_URL`: a command that runs in production must not create a
    /// database of its own by accident. When the default is used, a line
    /// on stderr says so.
    pub fn default_database_url(mut self, url: impl Into<String>) -> Self {
        self.default_url = Some(url.into());
        self
    }

    /// Makes `upgrade` take over `tool`'s version table when ours does not
    /// exist yet, under the migration lock, before it applies anything
    /// ([`migrate_runtime::Migrator::adopt_from`]): a service that ran
    /// `sqlx::migrate!` (say) deploys the files `cargo migrate import
    /// --from sqlx` wrote and its first `migrate upgrade` goes on from what
    /// sqlx applied. `migrate adopt --from TOOL` does the same by hand.
    ///
    /// ```ignore
    /// App::Migrate(cmd) => cmd.adopt_from(Tool::Sqlx).run(&MIGRATIONS).await,
    /// ```
    pub fn adopt_from(mut self, tool: Tool) -> Self {
        self.adopt_from = Some(tool);
        self
    }
}

/// The exit-code table at the end of `migrate --help`.
const EXIT_HELP: &str = "\
Exit codes:
  0  success (output cut short by a closed pipe counts as success)
  1  user error or failed check: the reason is on stderr
  2  usage error: the command line is wrong, or `stamp`/`resolve`/`downgrade` lack --yes off a terminal";

/// The subcommands, named as in Alembic and `cargo migrate`.
#[derive(Debug, Clone, Subcommand)]
pub(crate) enum Command {
    /// Apply the revisions needed to reach TARGET (default `head`).
    ///
    /// Runs under the database lock with drift checks, one transaction per
    /// revision where the database allows it.
    Upgrade(UpgradeArgs),
    /// Revert revisions down to TARGET (`-1`, `base`, an id, `<label>@-1`, ...).
    ///
    /// Asks for confirmation; `--yes` is required when stdin is not a terminal.
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
    /// Run `upgrade`, `downgrade`, `current` or `check` over a fleet of
    /// tenant databases or schemas (`--fleet FILE`, `--fleet-query SQL`,
    /// `--schemas PATTERN`), `--jobs N` at once per server.
    Fleet(Box<super::fleet::FleetCommand>),
    /// Rehearse the pending migrations on a copy of the database.
    ///
    /// Copies the database (--from-url, else the database URL; only read)
    /// into a scratch database on the dev server (--dev-url, else a
    /// private server started for it), runs the pending revisions there timing each statement
    /// and recording its locks and rewrites, rolls back and upgrades again,
    /// then drops the copy (Ctrl-C and SIGTERM included) unless --keep. Exit
    /// 1 when a revision or its down fails on the copy, or a lock that
    /// blocks writes is held longer than --max-lock.
    #[cfg(feature = "rehearse")]
    Rehearse(super::rehearse::RehearseArgs),
    /// Take the database over from another migration tool (sqlx, diesel,
    /// refinery, dbmate, golang-migrate, flyway, alembic): record in our
    /// version table what its table says is applied, under the lock, in
    /// one transaction, leaving its table as it was.
    ///
    /// The embedded migrations must be the ones `cargo migrate import`
    /// wrote from that tool's files. `--sql` prints the statements instead.
    Adopt(AdoptArgs),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::DialectArg;
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

    /// The application's `migrate rehearse` takes `cargo migrate
    /// rehearse`'s options.
    #[cfg(feature = "rehearse")]
    #[test]
    fn rehearse_options_parse() {
        let m = parse(&[
            "rehearse",
            "b2",
            "--from-url",
            "postgres://h/prod",
            "--dev-url",
            "postgres://h/dev",
            "--max-lock",
            "2",
            "--no-down",
            "--sample",
            "5",
            "--keep",
            "--json",
        ])
        .unwrap();
        let Command::Rehearse(r) = m.command else {
            panic!("not rehearse")
        };
        let s = &r.settings;
        assert_eq!(s.target.as_deref(), Some("b2"));
        assert_eq!(s.from_url.as_deref(), Some("postgres://h/prod"));
        assert_eq!(r.dev_url.as_deref(), Some("postgres://h/dev"));
        assert_eq!((s.max_lock, s.sample), (Some(2.0), Some(5.0)));
        assert!(s.no_down && s.keep && s.json);
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
        let m = parse(&["downgrade", "base", "--yes", "--backup", "b"]).unwrap();
        assert!(matches!(m.command, Command::Downgrade(ref d) if d.yes && d.down.backup.is_some()));
        assert!(parse(&["downgrade", "base", "--sql", "--backup", "b"]).is_err());
        let m = parse(&["upgrade", "--sql", "--dialect", "postgres"]).unwrap();
        assert!(
            matches!(m.command, Command::Upgrade(ref u) if u.dialect == Some(DialectArg::Postgres))
        );
        assert!(
            parse(&["upgrade", "--dialect", "postgres"]).is_err(),
            "--dialect needs --sql"
        );
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
