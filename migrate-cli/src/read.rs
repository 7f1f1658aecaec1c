//! The read commands both command lines run: `current`, `history`,
//! `heads`, printed by [`super::show`]. (`check` differs by more than
//! options: `cargo migrate check` also validates files, lints and compares
//! schemas; both build their report with [`super::show::Check`].)

use super::context::{status, Context, Load};
use super::error::CmdError;
use super::show::{self, Position};
use std::io::Write;

/// `current [-v] [--json] [--check-heads]`: the database's applied heads;
/// with `check_heads`, fails unless the database is at every head.
pub async fn current<L: Load + ?Sized, W: Write + ?Sized>(
    cx: &Context<'_, L>,
    opts: &Current,
    out: &mut W,
) -> Result<(), L::Error> {
    let status = status(cx, "current").await?;
    let revs = cx.migrations.revisions()?;
    let mut out = out;
    show::current(&mut out, &revs, &status, opts.verbose, opts.json).map_err(CmdError::from)?;
    let position = Position::of(revs.graph(), &status);
    if opts.check_heads && !position.at_heads() {
        let current = if position.at.is_empty() {
            "base".to_owned()
        } else {
            position.at.join(", ")
        };
        let heads = position.heads.join(", ");
        return Err(CmdError::NotAtHeads { current, heads }.into());
    }
    Ok(())
}

/// `current`'s options.
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct Current {
    /// `-v`: each applied head's file and when it was applied.
    pub verbose: bool,
    /// `--json`.
    pub json: bool,
    /// `--check-heads` (`cargo migrate`).
    pub check_heads: bool,
}

impl Current {
    /// `-v` and `--json`.
    pub fn new(verbose: bool, json: bool) -> Current {
        Current {
            verbose,
            json,
            check_heads: false,
        }
    }

    /// `--check-heads`.
    pub fn check_heads(mut self, check: bool) -> Self {
        self.check_heads = check;
        self
    }
}

/// `history`'s options.
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct History<'a> {
    /// `-r FROM:TO`.
    pub range: Option<&'a str>,
    /// `-v`: each revision's header and file.
    pub verbose: bool,
    /// `--json`.
    pub json: bool,
    /// `-i` (`cargo migrate`): read the database even without a relative
    /// range, and mark the revisions it is at. `cargo migrate` marks them
    /// whenever it read the database; the application never does.
    pub indicate_current: Option<bool>,
}

impl<'a> History<'a> {
    /// `-r`, `-v` and `--json`, marking nothing.
    pub fn new(range: Option<&'a str>, verbose: bool, json: bool) -> History<'a> {
        History {
            range,
            verbose,
            json,
            indicate_current: None,
        }
    }

    /// `-i`: mark the current revisions whenever the database was read, and
    /// read it when `indicate`.
    pub fn indicate_current(mut self, indicate: bool) -> Self {
        self.indicate_current = Some(indicate);
        self
    }
}

/// `history [-r RANGE] [-v] [--json] [-i]`: revisions, newest first. The
/// database is read only for `-i` and for a range that counts from the
/// current revision (`-3:`).
pub async fn history<L: Load + ?Sized, W: Write + ?Sized>(
    cx: &Context<'_, L>,
    opts: &History<'_>,
    out: &mut W,
) -> Result<(), L::Error> {
    let range = opts
        .range
        .map(show::history_range)
        .transpose()
        .map_err(CmdError::from)?;
    let relative = range.as_ref().is_some_and(|(_, relative)| *relative);
    let indicate = opts.indicate_current == Some(true);
    let status = if indicate || relative {
        let what = if relative {
            "history with a relative range"
        } else {
            "history --indicate-current"
        };
        Some(status(cx, what).await?)
    } else {
        None
    };
    let revs = cx.migrations.revisions()?;
    let range = range.as_ref().map(|(r, _)| r);
    let list =
        show::history_revisions(revs.graph(), range, status.as_ref()).map_err(CmdError::from)?;
    let current = match (opts.indicate_current, status) {
        (Some(_), Some(s)) => Some(Position::of(revs.graph(), &s).nodes),
        _ => None,
    };
    let mut out = out;
    show::history(
        &mut out,
        &revs,
        &list,
        current.as_deref(),
        opts.verbose,
        opts.json,
    )
    .map_err(CmdError::from)?;
    Ok(())
}

/// `heads [-v] [--json]`: the heads of the migrations; no database.
pub fn heads<L: Load + ?Sized, W: Write + ?Sized>(
    cx: &Context<'_, L>,
    verbose: bool,
    json: bool,
    out: &mut W,
) -> Result<(), L::Error> {
    let revs = cx.migrations.revisions()?;
    let mut out = out;
    show::heads(&mut out, &revs, verbose, json).map_err(CmdError::from)?;
    Ok(())
}
