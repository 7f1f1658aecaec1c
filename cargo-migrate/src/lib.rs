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
//! `commands` → `db` → `render`, `settings` → `naming`, `project` → `args`, `dotenv`, `error`, `exit`
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
    fleet_argv(argv)
}

/// `upgrade --fleet FILE ...` is `fleet upgrade --fleet FILE ...`: the issue
/// and users write the operation first, the fleet command holds the one
/// implementation. Only `upgrade`, `downgrade`, `current`, `check` and
/// `rehearse` given a fleet flag (`--fleet`, `--fleet-query`, `--schemas`) are rewritten.
fn fleet_argv(mut argv: Vec<OsString>) -> Vec<OsString> {
    const OPS: [&str; 5] = ["upgrade", "downgrade", "current", "check", "rehearse"];
    const FLAGS: [&str; 3] = ["--fleet", "--fleet-query", "--schemas"];
    // The subcommand is the first word after `migrate` that is neither an
    // option nor the value of a global option (`--source DIR`, `--config F`).
    let mut at = None;
    let mut i = 2;
    while i < argv.len() {
        let word = argv[i].to_string_lossy();
        if word == "--source" || word == "--config" {
            i += 2;
            continue;
        }
        if !word.starts_with('-') {
            at = Some(i);
            break;
        }
        i += 1;
    }
    let Some(at) = at else { return argv };
    let is_op = OPS.iter().any(|op| argv[at] == *op);
    let has_flag = argv[at + 1..].iter().any(|a| {
        let a = a.to_string_lossy();
        FLAGS
            .iter()
            .any(|f| a == *f || a.starts_with(&format!("{f}=")))
    });
    if is_op && has_flag {
        argv.insert(at, OsString::from("fleet"));
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
        Command::Fleet(a) => Some(&a.db),
        Command::Rehearse(a) => Some(&a.db),
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

    fn argv(words: &str) -> Vec<OsString> {
        words.split(' ').map(OsString::from).collect()
    }

    #[test]
    fn an_operation_with_a_fleet_flag_is_the_fleet_command() {
        let a = cargo_argv(argv("cargo-migrate migrate upgrade --fleet t.txt -j 8"));
        assert_eq!(
            a,
            argv("cargo-migrate migrate fleet upgrade --fleet t.txt -j 8")
        );
        let b = cargo_argv(argv("cargo-migrate --source m current --schemas=t_%"));
        assert_eq!(
            b,
            argv("cargo-migrate migrate --source m fleet current --schemas=t_%")
        );
        // Without a fleet flag, and for other commands, nothing changes.
        let c = cargo_argv(argv("cargo-migrate migrate upgrade head"));
        assert_eq!(c, argv("cargo-migrate migrate upgrade head"));
        let d = cargo_argv(argv("cargo-migrate migrate history --fleet x"));
        assert_eq!(d, argv("cargo-migrate migrate history --fleet x"));
    }
}
