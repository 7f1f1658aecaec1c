//! Commands that change the database (or print the SQL that would):
//! `upgrade`, `downgrade`, `stamp`, `resolve`.

use super::Env;
use crate::args::{
    DbOpts, DialectArg, DowngradeArgs, ResolveArgs, SqlOpts, StampArgs, UpgradeArgs,
};
use crate::db::{self, RunOptions};
use crate::error::CliError;
use crate::project::Project;
use migrate_cli::{print, LockArgs, RunArgs};
use migrate_graph::Target;
use migrate_runtime::{Dialect, Direction};
use std::io::Write;

/// `upgrade [TARGET]`.
pub(crate) fn upgrade(
    args: &UpgradeArgs,
    env: &Env<'_>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let move_ = Move {
        target: &args.up.target,
        direction: Direction::Up,
        sql: &args.sql,
        db: &args.db,
        lock: &args.lock,
        run: &args.up.run,
        backup: args.up.backup.as_deref(),
    };
    move_to(&move_, env, out)
}

/// `downgrade TARGET`.
pub(crate) fn downgrade(
    args: &DowngradeArgs,
    env: &Env<'_>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let move_ = Move {
        target: &args.down.target,
        direction: Direction::Down,
        sql: &args.sql,
        db: &args.db,
        lock: &args.lock,
        run: &args.down.run,
        backup: None,
    };
    move_to(&move_, env, out)
}

/// What `upgrade` and `downgrade` share.
struct Move<'a> {
    target: &'a str,
    direction: Direction,
    sql: &'a SqlOpts,
    db: &'a DbOpts,
    lock: &'a LockArgs,
    run: &'a RunArgs,
    backup: Option<&'a std::path::Path>,
}

fn move_to(m: &Move<'_>, env: &Env<'_>, out: &mut dyn Write) -> Result<(), CliError> {
    let Move {
        target,
        direction,
        sql,
        db: db_opts,
        lock,
        run,
        backup,
    } = *m;
    // A malformed target is reported before anything else is done.
    let parsed = Target::parse(target)?;
    let table = env.settings.table(db_opts.table.as_deref());
    if sql.sql {
        // Several unlabelled heads are fine here and below: `upgrade heads`
        // is how such a database is brought up, and `upgrade head` gets the
        // core's error naming the heads.
        let project = Project::load(&env.settings.source)?;
        let dialect = dialect(sql.dialect, env.url)?;
        let script = db::offline_script(&project, table.as_deref(), dialect, target, direction)?;
        out.write_all(script.as_bytes())?;
        return Ok(());
    }
    if matches!(parsed, Target::Range(_)) {
        return Err(migrate_graph::TargetError::range_not_allowed(target).into());
    }
    let command = match direction {
        Direction::Up => "upgrade",
        Direction::Down => "downgrade",
    };
    let connection = db::Connection::start(env.require_url(command)?)?;
    let project = Project::load(&env.settings.source)?;
    let opts = RunOptions {
        table: table.as_deref(),
        lock,
        run: Some(run),
    };
    let report = connection.run(&project, &opts, async |m, db| match direction {
        Direction::Up => match backup {
            Some(dir) => m.clone().backup(dir).upgrade(db, target).await,
            None => m.upgrade(db, target).await,
        },
        Direction::Down => m.downgrade(db, target).await,
    })?;
    out.write_all(print::finished(direction, &report, run.progress()).as_bytes())?;
    Ok(())
}

/// The script's dialect: `--dialect`, else the URL's.
fn dialect(flag: Option<DialectArg>, url: Option<&str>) -> Result<Dialect, CliError> {
    match flag {
        Some(d) => Ok(d.into()),
        None => {
            let url = url.ok_or(CliError::NoDialect)?;
            Ok(migrate_runtime::DatabaseUrl::parse(url)?.dialect())
        }
    }
}

/// `stamp TARGET... [--purge] [--sql]` and `stamp --accept-checksum REV`.
pub(crate) fn stamp(args: &StampArgs, env: &Env<'_>, out: &mut dyn Write) -> Result<(), CliError> {
    for t in &args.targets {
        Target::parse(t)?;
    }
    let table = env.settings.table(args.db.table.as_deref());
    if args.sql.sql {
        let project = Project::load(&env.settings.source)?;
        let dialect = dialect(args.sql.dialect, env.url)?;
        let script = db::offline_stamp(
            &project,
            table.as_deref(),
            dialect,
            &args.targets,
            args.purge,
        )?;
        out.write_all(script.as_bytes())?;
        return Ok(());
    }
    let connection = db::Connection::start(env.require_url("stamp")?)?;
    let project = Project::load(&env.settings.source)?;
    let opts = RunOptions {
        table: table.as_deref(),
        lock: &args.lock,
        run: None,
    };
    if let Some(rev) = &args.accept_checksum {
        let i = project.resolve_one(rev)?;
        let id = project.graph().id(i).to_owned();
        connection.run(&project, &opts, async |m, db| {
            m.accept_checksum(db, &id).await
        })?;
        writeln!(out, "{}", print::accepted(&project.graph().describe(i)))?;
        return Ok(());
    }
    let targets: Vec<&str> = args.targets.iter().map(String::as_str).collect();
    let report = connection.run(&project, &opts, async |m, db| {
        m.stamp(db, &targets, args.purge).await
    })?;
    out.write_all(print::stamped(&report).as_bytes())?;
    Ok(())
}

/// `resolve REV --applied|--rolled-back`.
pub(crate) fn resolve(
    args: &ResolveArgs,
    env: &Env<'_>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let connection = db::Connection::start(env.require_url("resolve")?)?;
    let project = Project::load(&env.settings.source)?;
    let i = project.resolve_one(&args.resolve.revision)?;
    let id = project.graph().id(i).to_owned();
    let table = env.settings.table(args.db.table.as_deref());
    let opts = RunOptions {
        table: table.as_deref(),
        lock: &args.lock,
        run: None,
    };
    connection.run(&project, &opts, async |m, db| {
        m.resolve(db, &id, args.resolve.applied).await
    })?;
    writeln!(
        out,
        "{}",
        print::resolved(&project.graph().describe(i), args.resolve.applied)
    )?;
    Ok(())
}
