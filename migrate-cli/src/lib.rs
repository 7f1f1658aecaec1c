//! The application's own `migrate` command: `myapp migrate
//! upgrade|downgrade|current|history|heads|check|stamp|resolve` over the
//! migrations the binary embeds, for containers that hold one binary and
//! no source tree.
//!
//! [`MigrateCommand`] is a clap subcommand a service adds to its own
//! command line; [`main`] is a ready `main` for a binary that has none.
//! Messages, progress lines (`  -> id  message  (ms)`) and exit codes
//! ([`exit`]) are those of `cargo migrate`. Nothing here writes files
//! (`upgrade`/`downgrade --backup DIR` aside, which the user asks for) or drops the
//! schema: there is no `init`, `revision`, `merge`, `reset` or `fresh`.
//!
//! `cargo migrate` runs the same functions: [`upgrade`], [`downgrade`],
//! [`stamp`], [`resolve`], [`current`], [`history`] and [`heads`] take a
//! [`Context`] (the migrations through [`Load`]: the embedded set, or
//! `cargo migrate`'s directory read when needed; the [`Database`]: a pool,
//! or a URL parsed once and connected to while the migrations load; the
//! version table; the [`Reporter`]) and fail with one [`CmdError`]. Both
//! command lines flatten the same options ([`LockArgs`], [`UpgradeOptions`],
//! [`DowngradeOptions`], [`StampTargets`], [`ResolveOptions`]) and print
//! through [`print`](mod@print) and [`show`]. `check` is the exception: the
//! application's checks the database only, `cargo migrate check` also the
//! files, the lint and the schema; both report through [`show::Check`].
//!
//! Where the two command lines differ, the difference is an option of the
//! shared function, decided once by whoever builds the context:
//!
//! | choice | application's `migrate` | `cargo migrate` |
//! | --- | --- | --- |
//! | [`Policy::confirm`] (`stamp`, `resolve`, `downgrade`) | [`Confirm::Ask`]: asks, needs `--yes` off a terminal (exit 2); resolves and asks before connecting | [`Confirm::Never`]: no question, no `--yes`; connects while the files load |
//! | [`Policy::lookup`] (`resolve REV`, `stamp --accept-checksum REV`) | [`Lookup::Revision`]: id, prefix or label | [`Lookup::Target`]: any target naming one revision (`head`, `<label>@head`, `<rev>+1`) |
//! | `--sql` dialect ([`Offline`]) | `--dialect`, else [`Offline::Database`]: the pool's or URL's | [`Offline::Dialect`]: `--dialect`, else the URL's |
//! | [`Stamp::purge`], [`Stamp::sql`] | not offered | `stamp --purge`, `stamp --sql` |
//! | [`Current::check_heads`], [`History::indicate_current`] | not offered; `history` marks nothing | `--check-heads`, `-i`; `history` marks the current revisions whenever it read the database |
//! | missing URL | an error naming `DATABASE_URL`, unless the application set a default ([`MigrateCommand::default_database_url`], said on stderr when used) | names `database_url_env` from migrate.toml |
//! | [`Policy::adopt_from`] | [`MigrateCommand::adopt_from`]: `upgrade` takes over another tool's version table while ours does not exist | not offered: `cargo migrate adopt --from TOOL` |
//! | hints | its own for several heads and for an older binary, then [`CmdError::hint`] | its own (`cargo migrate merge`, `upgrade heads`), then [`CmdError::hint`] |
//!
//! ```ignore
//! use clap::Parser;
//! use migrate_cli::MigrateCommand;
//! use migrate_runtime::{migrations, Migrations};
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
//!
//! # Imports
//!
//! `standalone`, `run` → `adopt`, `change`, `inspect`, `read` → `args` → `fleet`, `rehearse` → `context`, `signal` → `options` → `error` → `show` → `print`, `report` → `exit`

#![deny(missing_docs)]

#[cfg(not(any(feature = "sqlite", feature = "postgres", feature = "mysql")))]
compile_error!("migrate-cli needs a backend: enable `sqlite`, `postgres` or `mysql`");

mod adopt;
mod args;
mod change;
mod context;
mod error;
pub mod exit;
pub mod fleet;
mod inspect;
mod options;
pub mod print;
mod read;
#[cfg(feature = "rehearse")]
pub mod rehearse;
pub mod report;
mod run;
pub mod show;
#[cfg(feature = "rehearse")]
mod signal;
mod standalone;

pub use adopt::adopt;
pub use args::MigrateCommand;
pub use change::{downgrade, resolve, stamp, upgrade, Stamp};
pub use context::{resolve_one, status, Confirm, Context, Database, Load, Lookup, Offline, Policy};
pub use error::CmdError;
pub use options::{
    DialectArg, DowngradeOptions, LockArgs, LockMode, ResolveOptions, RunArgs, StampTargets,
    UpgradeOptions,
};
pub use read::{current, heads, history, Current, History};
pub use report::Reporter;
pub use standalone::main;
