//! The raw command line, as clap parses it. Nothing here reads files or the
//! environment beyond what clap itself does; [`crate::settings`] turns these
//! values, the config file and the environment into the settings commands use.

use clap::{ArgAction, Args as ClapArgs, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

mod schema;
mod stairway;

pub(crate) use schema::{AutogenOpts, DevOpts, DumpArgs, SchemaArgs, SchemaCommand};
pub(crate) use stairway::TestArgs;

/// The `cargo` front: cargo runs `cargo-migrate migrate ARGS...`, so the first
/// argument is the subcommand's own name, as in every cargo plugin.
#[derive(Debug, Parser)]
#[command(bin_name = "cargo")]
pub(crate) enum Cli {
    /// Versioned SQL migrations, Alembic's model in Rust.
    ///
    /// Migration files live in `migrations/` (or `--source DIR`, or `source` in
    /// `migrate.toml`). The CLI reads them at run time, so it works even when the
    /// crate that embeds them does not compile.
    ///
    /// Database commands take the URL from `--database-url`, else `DATABASE_URL`
    /// (or the variable named by `database_url_env` in `migrate.toml`), else a
    /// `.env` file. Passwords are never printed.
    Migrate(Args),
}

/// The arguments after `cargo migrate` (the help text is on [`Cli::Migrate`]).
#[derive(Debug, ClapArgs)]
#[command(version, after_long_help = crate::exit::HELP)]
pub(crate) struct Args {
    #[command(flatten)]
    pub global: GlobalOpts,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every subcommand accepts.
#[derive(Debug, ClapArgs)]
pub(crate) struct GlobalOpts {
    /// Directory of migration files.
    ///
    /// Default: `source` in migrate.toml, else `migrations`.
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        env = "MIGRATE_SOURCE",
        help_heading = "Global options"
    )]
    pub source: Option<PathBuf>,

    /// Config file to read instead of `./migrate.toml`.
    ///
    /// Keys: `source`, `table`, `file_template`, `truncate_slug_length`,
    /// `database_url_env`, `schema`, `dev_url`, `dialect`. A missing default file is fine; a missing file
    /// named here is an error.
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        env = "MIGRATE_CONFIG",
        help_heading = "Global options"
    )]
    pub config: Option<PathBuf>,
}

/// How to reach the database.
#[derive(Debug, ClapArgs)]
pub(crate) struct DbOpts {
    /// Database URL: `sqlite:app.db`, `postgres://user:pass@host/db`, `mysql://...`.
    ///
    /// Default: the variable named by `database_url_env` in migrate.toml, else
    /// `DATABASE_URL`, else a `DATABASE_URL` line in `.env`. The password is
    /// never printed.
    #[arg(long, value_name = "URL", env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Name of the version table (`schema.table` allowed).
    ///
    /// Default: `table` in migrate.toml, else `migrate_versions`.
    #[arg(long, value_name = "NAME", env = "MIGRATE_TABLE")]
    pub table: Option<String>,
}

/// Options of the commands that change the database.
#[derive(Debug, ClapArgs)]
pub(crate) struct LockOpts {
    /// How concurrent migrators are kept apart.
    ///
    /// `session` holds an advisory lock (PostgreSQL, MySQL) or a lock file next
    /// to the database (SQLite) for the whole run; `transaction` takes it in each revision's
    /// transaction, for poolers such as PgBouncer; `none` is for databases
    /// without advisory locks.
    #[arg(long, value_name = "MODE", value_enum, default_value_t = LockMode::Session)]
    pub lock: LockMode,

    /// Seconds to wait for another migrator's lock before giving up.
    #[arg(long, value_name = "SECONDS")]
    pub lock_timeout: Option<u64>,

    /// Seconds a migration's SQL may wait for a lock another session holds
    /// (an ALTER TABLE behind a long transaction) before it fails naming the
    /// statement: PostgreSQL lock_timeout, MySQL lock_wait_timeout, SQLite's
    /// busy timeout. Default: the database's own setting.
    #[arg(long, value_name = "SECONDS")]
    pub statement_lock_timeout: Option<u64>,

    /// Go on when the database has applied revisions that the migration
    /// directory lacks, as an older checkout must during a rollback.
    #[arg(long)]
    pub allow_unknown: bool,
}

/// `--lock` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum LockMode {
    /// One lock for the whole run.
    Session,
    /// A lock per revision transaction.
    Transaction,
    /// No lock.
    None,
}

/// `--dialect` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum DialectArg {
    /// SQLite 3.
    Sqlite,
    /// PostgreSQL 13+.
    #[value(alias = "postgresql")]
    Postgres,
    /// MySQL 8 and MariaDB 10.6+.
    #[value(alias = "mariadb")]
    Mysql,
}

/// Offline script options.
#[derive(Debug, ClapArgs)]
pub(crate) struct SqlOpts {
    /// Print the SQL script instead of touching the database.
    ///
    /// The script includes the version-table statements, so a DBA can run it
    /// as is. TARGET may be a `FROM:TO` range; without FROM, upgrade scripts
    /// start from base (with the version-table DDL) and downgrade scripts from
    /// the heads.
    #[arg(long)]
    pub sql: bool,

    /// SQL dialect of the script; default: the database URL's.
    #[arg(long, value_name = "NAME", value_enum, requires = "sql")]
    pub dialect: Option<DialectArg>,
}

/// The subcommands, named as in Alembic.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Create the migrations directory, migrate.toml and the build-script line.
    ///
    /// Creates the source directory and `migrate.toml` when missing, and makes
    /// sure `build.rs` prints `cargo:rerun-if-changed=<dir>` so that adding a
    /// migration rebuilds the crate that embeds them (the `migrations!` macro
    /// refuses to compile without it). An existing build.rs is never
    /// overwritten: the line is inserted at the start of `fn main() {`, or
    /// printed for you to add. Then prints the lines to add to your code.
    Init(InitArgs),

    /// Write a new revision file on top of the current head.
    ///
    /// The file is named from `file_template` in migrate.toml (default
    /// `{year}_{month}_{day}_{hour}{minute}-{rev}_{slug}.sql`) and gets a
    /// random 12-hex-digit id. With several heads, say which one to build on
    /// (`--head`) or merge them first.
    ///
    /// With `--autogenerate`, the SQL is drafted from the difference between
    /// the migrations and the desired schema (`schema` in migrate.toml,
    /// `--to-db`, `--to-cmd`), verified on scratch databases, and written
    /// with its warnings; "no changes" writes nothing.
    Revision(RevisionArgs),

    /// Write a merge revision that joins several heads into one.
    ///
    /// The new revision has empty up and down sections; it only records that
    /// the branches met. `cargo migrate merge -m "merge heads" heads` merges
    /// every head.
    Merge(MergeArgs),

    /// Apply the revisions needed to reach TARGET (default `head`).
    ///
    /// Runs under the same database lock and drift checks as the runtime, one
    /// transaction per revision where the database allows it.
    ///
    /// Targets: `head`, `heads`, an id or unique id prefix, `+N`, `<rev>+N`,
    /// `<label>@head`, `<label>@<rev>`, `<label>@base+N`.
    Upgrade(UpgradeArgs),

    /// Revert revisions down to TARGET (`-1`, `base`, an id, `<label>@-1`, ...).
    ///
    /// Reverts, newest first, every applied revision that TARGET does not
    /// need. A revision marked `-- migrate:down irreversible` stops it.
    Downgrade(DowngradeArgs),

    /// Record TARGET(s) as the database's state without running any SQL.
    ///
    /// Each target and its ancestors become applied, descendants on its line
    /// are unmarked, and unrelated branches stay. `stamp base` clears the
    /// table. Useful to baseline an existing database.
    ///
    /// `stamp --accept-checksum REV` instead records the current checksum of an
    /// applied revision whose file was edited on purpose.
    Stamp(StampArgs),

    /// Clear a failed or interrupted revision after checking the schema by hand.
    ///
    /// On MySQL/MariaDB, or with `transaction:false`, a revision that fails
    /// midway may leave part of its work behind and is recorded as failed;
    /// further runs stop until you say what state the schema is in.
    Resolve(ResolveArgs),

    /// Show the revisions the database is at (its applied heads).
    Current(CurrentArgs),

    /// List revisions, newest first.
    History(HistoryArgs),

    /// Show the heads of the migration directory.
    Heads(HeadsArgs),

    /// Show branch points and branch labels.
    Branches(BranchesArgs),

    /// Show one revision: its header, parents, children and file.
    Show(ShowArgs),

    /// Lint the migrations for dangerous statements (data loss, renames, locks).
    ///
    /// Reads each up section with the dialect's SQL grammar and reports, per
    /// statement, the rule, why it is dangerous and the safe pattern: drops,
    /// renames, NOT NULL and type changes on tables that existed before the
    /// revision; on PostgreSQL, indexes without CONCURRENTLY, CONCURRENTLY in
    /// a transaction, constraints without NOT VALID; on MySQL/MariaDB, DDL and
    /// DML in one revision and data changes without a down section.
    ///
    /// A reviewed exception is written above the statement:
    /// `-- migrate:allow RULE reason` (the reason is required). The dialect is
    /// `--dialect`, else the database URL's, else `dialect` in migrate.toml.
    /// Exits 1 on an error-level finding; `check` runs the lint too.
    Lint(LintArgs),

    /// Validate the migrations directory, and with a database, its state.
    ///
    /// Applies the same rules as the `migrations!` macro: every file parses,
    /// ids are unique, parents exist, no cycles, one head (or one branch label
    /// per head), down sections present. With a database URL, also reports
    /// pending revisions, edited (drifted) files, unknown and failed revisions.
    /// Exits 1 on any problem, for CI.
    ///
    /// With `--schema` (implied when `schema` is set in migrate.toml and a
    /// database kind is known), also replays the migrations on a scratch
    /// database and fails unless they reproduce the desired schema, printing
    /// the missing SQL; with a database URL, also reports a database that
    /// drifted from the migrations.
    Check(CheckArgs),

    /// The schema layer: `schema dump` writes the desired-state SQL.
    Schema(SchemaArgs),

    /// The stairway test: every revision upgraded, downgraded and upgraded
    /// again on a scratch database, the schema compared after each step.
    ///
    /// A revision whose down leaves something behind or removes too much
    /// fails, naming the revision and what differs, as SQL. Irreversible
    /// revisions are stepped over. With several heads, the heads are also
    /// applied in order and in reverse on scratch databases, and every order
    /// must end in the same schema; with `schema` in migrate.toml the end
    /// must equal it. Exit 1 when a check fails.
    Test(TestArgs),
}

/// `init` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct InitArgs {
    /// Do not create or edit build.rs; only print the line it needs.
    #[arg(long)]
    pub no_build_script: bool,
}

/// `revision` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct RevisionArgs {
    /// The message: goes into the `-- Message:` header and the file name.
    #[arg(short, long, value_name = "MESSAGE")]
    pub message: String,

    /// Use this revision id instead of a random one.
    #[arg(long, value_name = "ID")]
    pub rev_id: Option<String>,

    /// The revision to build on: a head, `<label>@head`, or `base` for a new root.
    ///
    /// Default: the single head. Building on a revision that is not a head
    /// needs `--splice`.
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,

    /// Allow `--head` to name a revision that is not a head, starting a branch.
    #[arg(long, requires = "head")]
    pub splice: bool,

    /// Branch label(s) for the new revision (repeat or separate with commas).
    #[arg(long, value_name = "LABEL", value_delimiter = ',', action = ArgAction::Append)]
    pub branch_label: Vec<String>,

    /// Revision(s) that must be applied first without being parents.
    #[arg(long, value_name = "REV", value_delimiter = ',', action = ArgAction::Append)]
    pub depends_on: Vec<String>,

    #[command(flatten)]
    pub auto: AutogenOpts,
}

/// `merge` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct MergeArgs {
    /// The message of the merge revision.
    #[arg(short, long, value_name = "MESSAGE")]
    pub message: String,

    /// The revisions to merge, or `heads` for every head.
    #[arg(value_name = "REV", required = true)]
    pub revisions: Vec<String>,

    /// Use this revision id instead of a random one.
    #[arg(long, value_name = "ID")]
    pub rev_id: Option<String>,

    /// Branch label(s) for the merge revision.
    #[arg(long, value_name = "LABEL", value_delimiter = ',', action = ArgAction::Append)]
    pub branch_label: Vec<String>,
}

/// `upgrade` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct UpgradeArgs {
    /// Where to go: `head` (default), `heads`, `+1`, an id or prefix, `<label>@head`;
    /// with `--sql`, also `FROM:TO`.
    #[arg(
        value_name = "TARGET",
        default_value = "head",
        allow_hyphen_values = true
    )]
    pub target: String,

    #[command(flatten)]
    pub sql: SqlOpts,

    /// Print each revision as it runs, even when stdout is not a terminal.
    #[arg(short, long)]
    pub verbose: bool,

    /// Run all the revisions in one transaction (PostgreSQL, SQLite), so the
    /// run applies completely or not at all; `transaction:false` revisions
    /// still run outside it, and MySQL commits DDL regardless.
    #[arg(long)]
    pub single_transaction: bool,

    /// Back the database up into DIR first, when something is pending:
    /// SQLite with VACUUM INTO, PostgreSQL with pg_dump, MariaDB/MySQL with
    /// mariadb-dump or mysqldump (on PATH). A missing tool or an unwritable
    /// DIR fails before any revision runs.
    #[arg(long, value_name = "DIR", conflicts_with = "sql")]
    pub backup: Option<PathBuf>,

    #[command(flatten)]
    pub db: DbOpts,

    #[command(flatten)]
    pub lock: LockOpts,
}

/// `downgrade` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct DowngradeArgs {
    /// Where to go: `-1`, `base`, an id or prefix, `<label>@-1`; with `--sql`,
    /// also `FROM:TO`.
    #[arg(value_name = "TARGET", allow_hyphen_values = true)]
    pub target: String,

    #[command(flatten)]
    pub sql: SqlOpts,

    /// Print each revision as it runs, even when stdout is not a terminal.
    #[arg(short, long)]
    pub verbose: bool,

    /// Run all the revisions in one transaction (PostgreSQL, SQLite), so the
    /// run applies completely or not at all; `transaction:false` revisions
    /// still run outside it, and MySQL commits DDL regardless.
    #[arg(long)]
    pub single_transaction: bool,

    #[command(flatten)]
    pub db: DbOpts,

    #[command(flatten)]
    pub lock: LockOpts,
}

/// `stamp` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct StampArgs {
    /// The state to record: revisions, `head`, `heads`, `base`, `<label>@head`.
    #[arg(
        value_name = "TARGET",
        allow_negative_numbers = true,
        required_unless_present = "accept_checksum",
        conflicts_with = "accept_checksum"
    )]
    pub targets: Vec<String>,

    /// Start from an empty record instead of the current one, so targets may
    /// overlap (a revision with its own ancestor).
    #[arg(long)]
    pub purge: bool,

    /// Accept the edited file of applied revision REV: record its current checksum.
    #[arg(long, value_name = "REV", conflicts_with_all = ["purge", "sql"])]
    pub accept_checksum: Option<String>,

    #[command(flatten)]
    pub sql: SqlOpts,

    #[command(flatten)]
    pub db: DbOpts,

    #[command(flatten)]
    pub lock: LockOpts,
}

/// `resolve` options.
#[derive(Debug, ClapArgs)]
#[command(group(clap::ArgGroup::new("outcome").required(true).args(["applied", "rolled_back"])))]
pub(crate) struct ResolveArgs {
    /// The failed revision (id or unique prefix).
    #[arg(value_name = "REV")]
    pub revision: String,

    /// Its changes are all in the schema: record it as applied (or, for a
    /// failed downgrade, as reverted).
    #[arg(long)]
    pub applied: bool,

    /// None of its changes are in the schema: forget the attempt.
    #[arg(long)]
    pub rolled_back: bool,

    #[command(flatten)]
    pub db: DbOpts,

    #[command(flatten)]
    pub lock: LockOpts,
}

/// `current` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct CurrentArgs {
    /// Show each applied head's file, message and when it was applied.
    #[arg(short, long)]
    pub verbose: bool,

    /// Exit 1 unless the database is at every head of the directory.
    #[arg(long)]
    pub check_heads: bool,

    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub db: DbOpts,
}

/// `history` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct HistoryArgs {
    /// Only revisions in `FROM:TO` (either end may be left out; `-3:` counts
    /// from the database's current revision).
    #[arg(short, long, value_name = "RANGE", allow_hyphen_values = true)]
    pub rev_range: Option<String>,

    /// Show each revision's header and file.
    #[arg(short, long)]
    pub verbose: bool,

    /// Mark the revisions the database is at (needs a database URL).
    #[arg(short, long)]
    pub indicate_current: bool,

    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub db: DbOpts,
}

/// `heads` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct HeadsArgs {
    /// Show each head's header and file.
    #[arg(short, long)]
    pub verbose: bool,

    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
}

/// `branches` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct BranchesArgs {
    /// Show the header and file of each branch point.
    #[arg(short, long)]
    pub verbose: bool,

    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
}

/// `show` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct ShowArgs {
    /// The revision: an id, unique prefix, branch label, `head` or `<label>@head`.
    #[arg(value_name = "REV", allow_hyphen_values = true)]
    pub revision: String,

    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
}

/// `lint` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct LintArgs {
    /// SQL dialect of the migrations; default: the database URL's, else
    /// `dialect` in migrate.toml.
    #[arg(long, value_name = "NAME", value_enum)]
    pub dialect: Option<DialectArg>,

    /// Print the findings as a JSON list.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub db: DbOpts,
}

/// `check` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct CheckArgs {
    /// Only check the files, even when a database URL is set.
    #[arg(long)]
    pub offline: bool,

    /// Also check that the migrations reproduce the desired schema
    /// (`schema` in migrate.toml), and with a database URL that the
    /// database did not drift from them.
    #[arg(long)]
    pub schema: bool,

    #[command(flatten)]
    pub dev: DevOpts,

    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub db: DbOpts,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(
            std::iter::once("cargo-migrate")
                .chain(std::iter::once("migrate"))
                .chain(args.iter().copied()),
        )
    }

    #[test]
    fn negative_targets_are_targets_not_options() {
        let Cli::Migrate(a) = parse(&["downgrade", "-1"]).unwrap();
        let Command::Downgrade(d) = a.command else {
            panic!()
        };
        assert_eq!(d.target, "-1");
        let Cli::Migrate(a) = parse(&["downgrade", "-v", "-2"]).unwrap();
        let Command::Downgrade(d) = a.command else {
            panic!()
        };
        assert!(d.verbose);
        assert_eq!(d.target, "-2");
    }

    #[test]
    fn resolve_needs_exactly_one_outcome() {
        assert!(parse(&["resolve", "abc"]).is_err());
        assert!(parse(&["resolve", "abc", "--applied", "--rolled-back"]).is_err());
        assert!(parse(&["resolve", "abc", "--applied"]).is_ok());
    }

    #[test]
    fn stamp_takes_targets_or_accept_checksum() {
        assert!(parse(&["stamp"]).is_err());
        assert!(parse(&["stamp", "head", "--accept-checksum", "abc"]).is_err());
        assert!(parse(&["stamp", "--accept-checksum", "abc"]).is_ok());
        let Cli::Migrate(a) = parse(&["stamp", "a", "-1", "--purge", "--sql"]).unwrap();
        let Command::Stamp(s) = a.command else {
            panic!()
        };
        assert_eq!(s.targets, ["a", "-1"]);
        assert!(s.purge && s.sql.sql);
    }

    #[test]
    fn global_options_go_before_or_after_the_subcommand() {
        assert!(parse(&["--source", "db", "heads"]).is_ok());
        assert!(parse(&["heads", "--source", "db"]).is_ok());
    }
}
