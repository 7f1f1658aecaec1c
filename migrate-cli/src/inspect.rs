//! The application's `check`: the embedded set is valid (it compiled), so
//! only the database is checked, and reported by [`super::show::Check`] as
//! `cargo migrate check` reports it.

use super::args::CheckArgs;
use super::context::{status, Context};
use super::error::CmdError;
use super::show::{Check, Revisions};
use migrate_runtime::Migrations;
use std::io::Write;

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
