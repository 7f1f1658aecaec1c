//! The raw command line, as clap parses it. Nothing here reads files or the
//! environment beyond what clap itself does; [`crate::settings`] turns these
//! values, the config file and the environment into the settings commands use.
//!
//! # Imports
//!
//! `check`, `fleet`, `import`, `inspect`, `migrate`, `revision`, `squash`, `stairway` → `schema` → `db`, `global`, `init`

use clap::{Args as ClapArgs, Parser, Subcommand};

mod check;
mod db;
mod fleet;
mod global;
mod import;
mod init;
mod inspect;
mod migrate;
mod rehearse;
mod revision;
mod schema;
mod squash;
mod stairway;
#[cfg(test)]
mod tests;

pub(crate) use check::{CheckArgs, LintArgs};
pub(crate) use db::{DbOpts, DialectArg};
pub(crate) use fleet::FleetArgs;
pub(crate) use global::GlobalOpts;
pub(crate) use import::{AdoptArgs, ImportArgs};
pub(crate) use init::InitArgs;
pub(crate) use inspect::{BranchesArgs, CurrentArgs, HeadsArgs, HistoryArgs, ShowArgs};
pub(crate) use migrate::{DowngradeArgs, ResolveArgs, SqlOpts, StampArgs, UpgradeArgs};
pub(crate) use rehearse::RehearseArgs;
pub(crate) use revision::{MergeArgs, RevisionArgs};
pub(crate) use schema::{AutogenOpts, DevOpts, DumpArgs, SchemaArgs, SchemaCommand};
pub(crate) use squash::SquashArgs;
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

    /// Write one revision that replaces every revision up to --to.
    ///
    /// The squash's SQL is the schema those revisions build, replayed on a
    /// scratch database and read back, then checked on a fresh one. Its
    /// header says `Replaces:` (them) and `Revises:` (the last one). A fresh
    /// database then runs the squash alone; a database with some of them
    /// applied runs the rest and is then recorded at the squash. Once every
    /// database is past --to, delete the replaced files.
    Squash(SquashArgs),

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

    /// Run `upgrade`, `downgrade`, `current`, `check` or `rehearse` over a
    /// fleet of tenant databases or PostgreSQL schemas.
    ///
    /// Tenants come from `--fleet FILE` (one URL a line), `--fleet-query
    /// SQL` (run on the database URL) or `--schemas PATTERN` (PostgreSQL
    /// schema per tenant); `--jobs N` run at once per server, each under
    /// its own lock. A summary counts the tenants per revision and lists the
    /// failures; exit 1 when any failed. `upgrade` and `downgrade` record
    /// which tenants are done, so the same command after a crash or Ctrl-C
    /// does only the rest (`--only-failed` retries the failures).
    Fleet(Box<FleetArgs>),

    /// Rehearse the pending migrations on a copy of the database.
    ///
    /// Copies the database (--from-url, else the database URL; only read)
    /// into a scratch database on the dev server, runs every pending
    /// revision there through the migrator, timing each statement and
    /// recording the locks it held, the tables it rewrote and their sizes;
    /// then downgrades to where the copy started (schema compared, tables
    /// that lost rows listed) and upgrades again. The copy is dropped on
    /// every path, Ctrl-C and SIGTERM included, unless --keep. Exit 1 when a
    /// revision or its down fails on the copy, or a lock stronger than
    /// row-level is held longer than --max-lock.
    Rehearse(RehearseArgs),

    /// Write our migration files from another tool's (sqlx, diesel,
    /// refinery, dbmate, golang-migrate, Flyway).
    ///
    /// Keeps the tool's order, its versions as revision ids (so importing
    /// again gives the same files), messages, down sections and
    /// no-transaction markers, and says what it could not carry. Each up
    /// section starts with a line naming the file it came from and the
    /// tool's checksum, which `adopt` checks. Then run `check`, and `adopt`
    /// on each database.
    Import(ImportArgs),

    /// Take a database over from another tool: record in our version table
    /// the revisions its version table says are applied.
    ///
    /// One transaction under our lock; the other tool's table is left as it
    /// was. A failed or dirty row, a version with no imported revision, or
    /// (sqlx, refinery, Flyway) a file edited since it was applied is
    /// refused with what to do. `--sql` prints the statements for a DBA.
    Adopt(AdoptArgs),
}
