//! Routes a parsed command to its implementation.

use super::Env;
use crate::args::Command;
use crate::error::CliError;
use std::io::Write;

/// Runs `command`, writing its output to `out`.
pub(crate) fn dispatch(
    command: Command,
    env: &Env<'_>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    match command {
        Command::Init(a) => super::init::run(&a, env, out),
        Command::Revision(a) => super::revision::revision(&a, env, out),
        Command::Merge(a) => super::revision::merge(&a, env, out),
        Command::Squash(a) => super::squash::run(&a, env, out),
        Command::Upgrade(a) => super::migrate::upgrade(&a, env, out),
        Command::Downgrade(a) => super::migrate::downgrade(&a, env, out),
        Command::Stamp(a) => super::migrate::stamp(&a, env, out),
        Command::Resolve(a) => super::migrate::resolve(&a, env, out),
        Command::Current(a) => super::inspect::current(&a, env, out),
        Command::History(a) => super::inspect::history(&a, env, out),
        Command::Heads(a) => super::inspect::heads(&a, env, out),
        Command::Branches(a) => super::inspect::branches(&a, env, out),
        Command::Show(a) => super::inspect::show(&a, env, out),
        Command::Lint(a) => super::lint::run(&a, env, out),
        Command::Check(a) => super::check::run(&a, env, out),
        Command::Schema(a) => super::schema::run(&a, env, out),
        Command::Test(a) => super::stairway::run(&a, env, out),
        Command::Fleet(a) => super::fleet::run(&a, env, out),
        Command::Rehearse(a) => super::rehearse::run(&a, env, out),
        Command::Import(a) => super::import::import(&a, env, out),
        Command::Adopt(a) => super::import::adopt(&a, env, out),
    }
}
