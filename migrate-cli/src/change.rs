//! The commands that change the database (or print the SQL that would):
//! `upgrade`, `downgrade`, `stamp`, `resolve`, as both command lines run
//! them. Targets are parsed once, before anything else is done, and cross
//! to the runtime parsed.

use super::context::Pending;
use super::context::{Confirm, Context, Load, Offline};
use super::error::CmdError;
use super::options::{
    DowngradeOptions, LockArgs, ResolveOptions, RunArgs, StampTargets, UpgradeOptions,
};
use super::print;
use migrate_graph::{Spec, Target, TargetError, ToSpec};
use migrate_runtime::{Direction, Migrations};
use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

/// `upgrade [TARGET] [--sql] [--backup DIR]`; `sql` is `Some` with `--sql`.
pub async fn upgrade<L: Load + ?Sized, W: Write + ?Sized>(
    cx: &Context<'_, L>,
    up: &UpgradeOptions,
    lock: &LockArgs,
    sql: Option<Offline>,
    out: &mut W,
) -> Result<(), L::Error> {
    let mv = Move {
        target: &up.target,
        direction: Direction::Up,
        sql,
        run: &up.run,
        lock,
        backup: up.backup.as_deref(),
        yes: true,
    };
    move_to(cx, &mv, out).await
}

/// `downgrade TARGET [--sql] [--backup DIR]`; `sql` is `Some` with
/// `--sql`. Asks first where the policy says so ([`Confirm::Ask`]; `--yes`
/// is [`DowngradeOptions::yes`]): the down sections may drop data.
pub async fn downgrade<L: Load + ?Sized, W: Write + ?Sized>(
    cx: &Context<'_, L>,
    down: &DowngradeOptions,
    lock: &LockArgs,
    sql: Option<Offline>,
    out: &mut W,
) -> Result<(), L::Error> {
    let mv = Move {
        target: &down.target,
        direction: Direction::Down,
        sql,
        run: &down.run,
        lock,
        backup: down.backup.as_deref(),
        yes: down.yes,
    };
    move_to(cx, &mv, out).await
}

/// What `upgrade` and `downgrade` share.
struct Move<'a> {
    target: &'a str,
    direction: Direction,
    sql: Option<Offline>,
    run: &'a RunArgs,
    lock: &'a LockArgs,
    backup: Option<&'a Path>,
    /// Confirmed in advance (`--yes`); upgrades never ask.
    yes: bool,
}

async fn move_to<L: Load + ?Sized, W: Write + ?Sized>(
    cx: &Context<'_, L>,
    mv: &Move<'_>,
    out: &mut W,
) -> Result<(), L::Error> {
    let command = match mv.direction {
        Direction::Up => "upgrade",
        Direction::Down => "downgrade",
    };
    // A malformed target is reported before anything else is done.
    let spec = match Target::parse(mv.target).map_err(CmdError::from)? {
        Target::Single(spec) => Some(spec),
        Target::Range(_) => None,
    };
    if let Some(offline) = mv.sql {
        // Several unlabelled heads are fine here and below: `upgrade heads`
        // is how such a database is brought up, and `upgrade head` gets the
        // core's error naming the heads.
        let set = cx.migrations.load()?;
        let dialect = offline.dialect(&cx.database, command)?;
        let script = cx
            .migrator(&set)
            .offline_script(dialect, mv.target, mv.direction)
            .map_err(CmdError::from)?;
        out.write_all(script.as_bytes()).map_err(CmdError::from)?;
        return Ok(());
    }
    let Some(spec) = spec else {
        return Err(CmdError::from(TargetError::range_not_allowed(mv.target)).into());
    };
    if mv.direction == Direction::Down {
        let question = format!(
            "downgrade to {}, running the down sections of the revisions above it (they may drop tables and their data)?",
            mv.target
        );
        cx.policy.confirm.ask(command, mv.yes, &question)?;
    }
    let db = cx.database.connect(command)?;
    let set = cx.migrations.load()?;
    let mut m = mv.run.apply(mv.lock.apply(cx.migrator(&set)));
    if let Some(dir) = mv.backup {
        m = m.backup(dir);
    }
    // Earlier output must reach the terminal before the steps' lines.
    out.flush().map_err(CmdError::from)?;
    let report = db
        .with(async |db| match mv.direction {
            Direction::Up => m.upgrade(db, &spec).await,
            Direction::Down => m.downgrade(db, &spec).await,
        })
        .await?;
    let text = print::finished(mv.direction, &report, mv.run.progress());
    out.write_all(text.as_bytes()).map_err(CmdError::from)?;
    Ok(())
}

/// What `stamp` is asked to do.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Stamp<'a> {
    /// The state to record (`TARGET...`); empty with `accept_checksum`.
    pub targets: &'a [String],
    /// `--accept-checksum REV`: record the current checksum of REV instead.
    pub accept_checksum: Option<&'a str>,
    /// `--purge`: start from an empty record.
    pub purge: bool,
    /// `--yes`: confirmed in advance ([`Confirm::Ask`]).
    pub yes: bool,
    /// `--sql`: print the script instead.
    pub sql: Option<Offline>,
}

impl<'a> Stamp<'a> {
    /// Records the targets (or accepts a checksum), asking first where the
    /// policy says so.
    pub fn new(targets: &'a StampTargets) -> Stamp<'a> {
        Stamp {
            targets: &targets.targets,
            accept_checksum: targets.accept_checksum.as_deref(),
            purge: false,
            yes: false,
            sql: None,
        }
    }

    /// `--purge`.
    pub fn purge(mut self, purge: bool) -> Self {
        self.purge = purge;
        self
    }

    /// `--yes`.
    pub fn yes(mut self, yes: bool) -> Self {
        self.yes = yes;
        self
    }

    /// `--sql`, with where the dialect comes from.
    pub fn sql(mut self, sql: Option<Offline>) -> Self {
        self.sql = sql;
        self
    }
}

/// A stamp target, parsed once. A range parses as a target but names no
/// state: the runtime reports it (after connecting, as it always has) with
/// the grammar's own message.
struct Parsed<'a> {
    text: &'a str,
    target: Target,
}

impl ToSpec for Parsed<'_> {
    fn to_spec(&self) -> Result<Spec, TargetError> {
        match &self.target {
            Target::Single(spec) => Ok(spec.clone()),
            Target::Range(_) => Spec::parse(self.text),
        }
    }
}

/// `stamp TARGET... [--purge] [--sql]` and `stamp --accept-checksum REV`.
pub async fn stamp<L: Load + ?Sized, W: Write + ?Sized>(
    cx: &Context<'_, L>,
    stamp: &Stamp<'_>,
    lock: &LockArgs,
    out: &mut W,
) -> Result<(), L::Error> {
    let targets = stamp
        .targets
        .iter()
        .map(|t| {
            Ok(Parsed {
                text: t,
                target: Target::parse(t)?,
            })
        })
        .collect::<Result<Vec<_>, CmdError>>()?;
    if let Some(offline) = stamp.sql {
        let set = cx.migrations.load()?;
        let dialect = offline.dialect(&cx.database, "stamp")?;
        let texts: Vec<&str> = stamp.targets.iter().map(String::as_str).collect();
        let script = cx
            .migrator(&set)
            .offline_stamp(dialect, &texts, stamp.purge)
            .map_err(CmdError::from)?;
        out.write_all(script.as_bytes()).map_err(CmdError::from)?;
        return Ok(());
    }
    let (db, set) = connect_and_load(cx, "stamp")?;
    let m = print::progress(lock.apply(cx.migrator(&set)), false);
    let graph = set.graph();
    if let Some(rev) = stamp.accept_checksum {
        let i = cx.policy.lookup.resolve(graph, rev)?;
        let question = format!(
            "record the current checksum of {} as the applied one?",
            graph.describe(i)
        );
        cx.policy.confirm.ask("stamp", stamp.yes, &question)?;
        let id = graph.id(i).to_owned();
        db_or_connect(cx, db, "stamp")?
            .with(async |db| m.accept_checksum(db, &id).await)
            .await?;
        writeln!(out, "{}", print::accepted(&graph.describe(i))).map_err(CmdError::from)?;
        return Ok(());
    }
    let question = format!(
        "record {} as the database's state without running any SQL?",
        stamp.targets.join(", ")
    );
    cx.policy.confirm.ask("stamp", stamp.yes, &question)?;
    let report = db_or_connect(cx, db, "stamp")?
        .with(async |db| m.stamp(db, &targets, stamp.purge).await)
        .await?;
    out.write_all(print::stamped(&report).as_bytes())
        .map_err(CmdError::from)?;
    Ok(())
}

/// `resolve REV --applied|--rolled-back`; `yes` is `--yes`.
pub async fn resolve<L: Load + ?Sized, W: Write + ?Sized>(
    cx: &Context<'_, L>,
    resolve: &ResolveOptions,
    yes: bool,
    lock: &LockArgs,
    out: &mut W,
) -> Result<(), L::Error> {
    let (db, set) = connect_and_load(cx, "resolve")?;
    let graph = set.graph();
    let i = cx.policy.lookup.resolve(graph, &resolve.revision)?;
    let outcome = print::resolution(resolve.applied);
    let question = format!("record that {outcome} for {}?", graph.describe(i));
    cx.policy.confirm.ask("resolve", yes, &question)?;
    let id = graph.id(i).to_owned();
    let m = print::progress(lock.apply(cx.migrator(&set)), false);
    db_or_connect(cx, db, "resolve")?
        .with(async |db| m.resolve(db, &id, resolve.applied).await)
        .await?;
    let text = print::resolved(&graph.describe(i), resolve.applied);
    writeln!(out, "{text}").map_err(CmdError::from)?;
    Ok(())
}

/// The migrations, and the connection when it may start now: a command
/// that asks first connects only after the answer, so that a person is not
/// asked about a database that is not there, nor a connection held open
/// while they read.
fn connect_and_load<'c, L: Load + ?Sized>(
    cx: &'c Context<'_, L>,
    command: &'static str,
) -> Result<(Option<Pending<'c>>, Cow<'c, Migrations>), L::Error> {
    let db = match cx.policy.confirm {
        Confirm::Never => Some(cx.database.connect(command)?),
        Confirm::Ask => None,
    };
    Ok((db, cx.migrations.load()?))
}

/// The connection started by [`connect_and_load`], else a new one.
fn db_or_connect<'c, L: Load + ?Sized>(
    cx: &'c Context<'_, L>,
    db: Option<Pending<'c>>,
    command: &'static str,
) -> Result<Pending<'c>, CmdError> {
    match db {
        Some(db) => Ok(db),
        None => cx.database.connect(command),
    }
}
