//! Read-only commands: `current`, `history`, `heads`, `check`, printed by
//! [`super::show`] as `cargo migrate` prints them, with the embedded file
//! name where the CLI shows a path.

use super::args::{CheckArgs, CurrentArgs, HeadsArgs, HistoryArgs};
use super::context::{status, Context};
use super::error::CmdError;
use super::show::{self, Check, Revisions};
use migrate_runtime::Migrations;
use std::io::Write;

/// `current [-v] [--json]`: the database's applied heads.
pub(crate) async fn current(
    cx: &Context<'_, Migrations>,
    a: &CurrentArgs,
    out: &mut (dyn Write + Send),
) -> Result<(), CmdError> {
    let status = status(cx, "current").await?;
    let revs = Revisions::embedded(cx.migrations);
    Ok(show::current(out, &revs, &status, a.verbose, a.json)?)
}

/// `history [-r RANGE] [-v] [--json]`: the embedded revisions, newest first.
pub(crate) async fn history(
    cx: &Context<'_, Migrations>,
    a: &HistoryArgs,
    out: &mut (dyn Write + Send),
) -> Result<(), CmdError> {
    let range = a
        .rev_range
        .as_deref()
        .map(show::history_range)
        .transpose()?;
    // Only a range counted from the current revision (`-3:`) needs the database.
    let status = match &range {
        Some((_, true)) => Some(status(cx, "history with a relative range").await?),
        _ => None,
    };
    let revs = Revisions::embedded(cx.migrations);
    let range = range.as_ref().map(|(r, _)| r);
    let list = show::history_revisions(revs.graph(), range, status.as_ref())?;
    Ok(show::history(out, &revs, &list, None, a.verbose, a.json)?)
}

/// `heads [-v] [--json]`: the embedded heads.
pub(crate) fn heads(
    cx: &Context<'_, Migrations>,
    a: &HeadsArgs,
    out: &mut (dyn Write + Send),
) -> Result<(), CmdError> {
    let revs = Revisions::embedded(cx.migrations);
    Ok(show::heads(out, &revs, a.verbose, a.json)?)
}

/// `check [--json]`: the embedded set is valid (it compiled); this checks
/// the database against it. Exits 1 on any problem, for CI and probes.
pub(crate) async fn check(
    cx: &Context<'_, Migrations>,
    a: &CheckArgs,
    out: &mut (dyn Write + Send),
) -> Result<(), CmdError> {
    let status = status(cx, "check").await?;
    let revs = Revisions::embedded(cx.migrations);
    let mut check = Check::of(&revs);
    check.database(&revs, &status);
    match check.finish(out, a.json, cx.reporter)? {
        0 => Ok(()),
        count => Err(CmdError::CheckFailed { count }),
    }
}
