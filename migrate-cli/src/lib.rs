//! The application's own `migrate` command: `myapp migrate
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
//! `cargo migrate` is built on the same pieces, so that the two command
//! lines cannot drift apart: the options of the commands that change the
//! database ([`LockArgs`], [`UpgradeOptions`], [`DowngradeOptions`],
//! [`ResolveOptions`]), the lines printed while and after
//! they run ([`print`](mod@print)), what the read commands print ([`show`]), the error
//! renderer ([`Reporter`]) and the exit codes ([`exit`]).
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

#![deny(missing_docs)]

#[cfg(not(any(feature = "sqlite", feature = "postgres", feature = "mysql")))]
compile_error!("migrate-cli needs a backend: enable `sqlite`, `postgres` or `mysql`");

mod args;
mod change;
mod context;
mod database;
mod error;
pub mod exit;
mod inspect;
mod options;
pub mod print;
mod read;
pub mod report;
mod run;
pub mod show;
mod standalone;

pub use args::MigrateCommand;
pub use change::{downgrade, resolve, stamp, upgrade, Stamp};
pub use context::{resolve_one, status, Confirm, Context, Load, Lookup, Offline, Policy};
pub use database::Database;
pub use error::CmdError;
pub use options::{
    DowngradeOptions, LockArgs, LockMode, ResolveOptions, RunArgs, StampTargets, UpgradeOptions,
};
pub use read::{current, heads, history, Current, History};
pub use report::Reporter;
pub use standalone::main;
