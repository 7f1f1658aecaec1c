//! `cargo migrate`: Alembic's command set over migrate-graph and migrate-runtime.
//!
//! The binary is a thin shell around [`main`]. Arguments are parsed in two
//! layers: [`args`] is the raw clap definition, [`settings`] folds in the
//! environment and `migrate.toml`. Commands live in `commands/`, each a
//! function from its arguments to output on stdout or a [`error::CliError`];
//! `render.rs` is the only place errors become text, and `exit.rs` names the
//! exit codes.
//!
//! # Imports
//!
//! `commands` → `db`, `render`, `settings` → `naming`, `project` → `args`, `dotenv`, `error`, `exit`
#![deny(missing_docs)]

mod args;
mod commands;
mod db;
mod dotenv;
mod error;
pub mod exit;
mod naming;
mod project;
mod render;
mod settings;

use args::{Cli, Command};
use clap::{CommandFactory, FromArgMatches};
use error::CliError;
use migrate_cli::Reporter;
use settings::{Inputs, Settings, UrlOrigin};
use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

/// Runs `cargo migrate` with the process's arguments and environment and
/// returns the exit code (see [`exit`]).
pub fn main() -> ExitCode {
    ExitCode::from(run(std::env::args_os().collect()))
}

/// Runs one invocation; `argv` includes the program name.
fn run(argv: Vec<OsString>) -> u8 {
    // Which variables the real environment had, to tell a URL from `.env`
    // apart in messages.
    let real_env: Vec<OsString> = std::env::vars_os().map(|(k, _)| k).collect();
    let dotenv_problems = dotenv::load();

    let matches = match Cli::command().try_get_matches_from(cargo_argv(argv)) {
        Ok(m) => m,
        Err(e) => {
            // clap prints help and version on stdout and errors on stderr, and
            // knows which exit code each gets (0 or `exit::USAGE`).
            let _ = e.print();
            return if e.use_stderr() {
                exit::USAGE
            } else {
                exit::SUCCESS
            };
        }
    };
    let url_typed = typed_url(&matches);
    let Cli::Migrate(args) = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return exit::USAGE;
        }
    };

    let mut reporter = Reporter::default();
    for problem in &dotenv_problems {
        render::warning(&reporter, problem);
    }
    let settings = match Settings::resolve(Inputs {
        source: args.global.source.clone(),
        config: args.global.config.clone(),
    }) {
        Ok(s) => s,
        Err(e) => return render::report(&e, &reporter),
    };
    let url = db_opts(&args.command)
        .and_then(|db| settings.database_url(db.database_url.as_deref(), url_typed));
    if let Some((url, origin)) = &url {
        let origin = match origin {
            UrlOrigin::Flag => "--database-url".to_owned(),
            UrlOrigin::Env(var) if real_env.iter().any(|k| k == var.as_str()) => {
                format!("the {var} environment variable")
            }
            UrlOrigin::Env(var) => format!("{var} in the .env file"),
        };
        reporter = Reporter::for_url(url, Some(origin));
    }

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let env = commands::Env {
        settings: &settings,
        url: url.as_ref().map(|(u, _)| u.as_str()),
        reporter: &reporter,
    };
    let result = commands::dispatch(args.command, &env, &mut out)
        .and_then(|()| out.flush().map_err(CliError::from));
    match result {
        Ok(()) => exit::SUCCESS,
        // The reader went away (`| head`): it had all it wanted.
        Err(CliError::Cmd(e)) if e.is_broken_pipe() => exit::SUCCESS,
        Err(e) => {
            // Whatever was printed before the error still belongs to the user.
            let _ = out.flush();
            render::report(&e, &reporter)
        }
    }
}

/// Cargo runs a plugin as `cargo-migrate migrate ARGS`; when run directly as
/// `cargo-migrate ARGS`, put the `migrate` back so both spellings work.
fn cargo_argv(mut argv: Vec<OsString>) -> Vec<OsString> {
    if argv.get(1).is_none_or(|a| a != "migrate") {
        argv.insert(1.min(argv.len()), OsString::from("migrate"));
    }
    argv
}

/// Whether `--database-url` was typed, as opposed to read by clap from
/// `DATABASE_URL`: a config-named variable sits between the two.
fn typed_url(matches: &clap::ArgMatches) -> bool {
    let leaf = matches
        .subcommand_matches("migrate")
        .and_then(|m| m.subcommand().map(|(_, leaf)| leaf));
    // Only some subcommands define the option, and asking a matcher about an
    // option it does not define panics in debug builds.
    leaf.filter(|m| m.try_contains_id("database_url").is_ok())
        .and_then(|m| m.value_source("database_url"))
        == Some(clap::parser::ValueSource::CommandLine)
}

/// The database options of the commands that take them.
fn db_opts(command: &Command) -> Option<&args::DbOpts> {
    match command {
        Command::Upgrade(a) => Some(&a.db),
        Command::Downgrade(a) => Some(&a.db),
        Command::Stamp(a) => Some(&a.db),
        Command::Resolve(a) => Some(&a.db),
        Command::Current(a) => Some(&a.db),
        Command::History(a) => Some(&a.db),
        Command::Check(a) => Some(&a.db),
        Command::Lint(a) => Some(&a.db),
        Command::Revision(a) => Some(&a.auto.db),
        Command::Squash(a) => Some(&a.db),
        Command::Test(a) => Some(&a.db),
        Command::Adopt(a) => Some(&a.db),
        Command::Schema(a) => match &a.command {
            args::SchemaCommand::Dump(d) => Some(&d.db),
        },
        Command::Init(_)
        | Command::Import(_)
        | Command::Merge(_)
        | Command::Heads(_)
        | Command::Branches(_)
        | Command::Show(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings_reach_the_subcommand() {
        let a = cargo_argv(vec!["cargo-migrate".into(), "heads".into()]);
        assert_eq!(a, ["cargo-migrate", "migrate", "heads"]);
        let b = cargo_argv(vec![
            "cargo-migrate".into(),
            "migrate".into(),
            "heads".into(),
        ]);
        assert_eq!(b, ["cargo-migrate", "migrate", "heads"]);
    }
}
