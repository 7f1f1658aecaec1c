//! Commands that change the database (or print the SQL that would):
//! `upgrade`, `downgrade`, `stamp`, `resolve`. They mirror `cargo migrate`'s
//! `commands/migrate.rs` and `db.rs` over the embedded set.

use super::args::{DowngradeArgs, ResolveArgs, StampArgs, UpgradeArgs};
use super::conn::Conn;
use super::error::CmdError;
use super::options::{LockArgs, RunArgs};
use super::print;
use super::report::Reporter;
use migrate_graph::Target;
use migrate_runtime::{Direction, Migrations, Migrator};
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

/// What every command works with.
pub(crate) struct Cx<'a> {
    /// The embedded set.
    pub migrations: &'a Migrations,
    /// The database.
    pub conn: &'a Conn<'a>,
    /// Prints diagnostics without passwords.
    pub reporter: &'a Reporter,
    /// `--table`.
    pub table: Option<&'a str>,
}

impl Cx<'_> {
    /// A migrator with the command line's table.
    pub(crate) fn migrator(&self) -> Migrator<'_> {
        let mut m = self.migrations.migrator();
        if let Some(t) = self.table {
            m = m.table(t);
        }
        m
    }

    /// The database's state against the embedded set; `command` is named
    /// when there is no database to ask.
    pub(crate) async fn status(
        &self,
        command: &'static str,
    ) -> Result<migrate_runtime::Status, CmdError> {
        let m = self.migrator();
        self.conn
            .with(command, async |db| Ok(m.status(db).await?))
            .await
    }

    /// A migrator for a write, with the lock options.
    fn writer(&self, lock: &LockArgs) -> Migrator<'_> {
        lock.apply(self.migrator())
    }
}

/// `upgrade [TARGET] [--sql] [--backup DIR]`.
pub(crate) async fn upgrade(
    cx: &Cx<'_>,
    a: &UpgradeArgs,
    out: &mut (dyn Write + Send),
) -> Result<(), CmdError> {
    let mv = Move {
        target: &a.up.target,
        direction: Direction::Up,
        sql: a.sql,
        run: &a.up.run,
        lock: &a.lock,
        backup: a.up.backup.as_deref(),
    };
    move_to(cx, &mv, out).await
}

/// `downgrade TARGET [--sql]`.
pub(crate) async fn downgrade(
    cx: &Cx<'_>,
    a: &DowngradeArgs,
    out: &mut (dyn Write + Send),
) -> Result<(), CmdError> {
    let mv = Move {
        target: &a.down.target,
        direction: Direction::Down,
        sql: a.sql,
        run: &a.down.run,
        lock: &a.lock,
        backup: None,
    };
    move_to(cx, &mv, out).await
}

struct Move<'a> {
    target: &'a str,
    direction: Direction,
    sql: bool,
    run: &'a RunArgs,
    lock: &'a LockArgs,
    backup: Option<&'a Path>,
}

async fn move_to(cx: &Cx<'_>, mv: &Move<'_>, out: &mut (dyn Write + Send)) -> Result<(), CmdError> {
    let command = match mv.direction {
        Direction::Up => "upgrade",
        Direction::Down => "downgrade",
    };
    // A malformed target is reported before anything else is done.
    let parsed = Target::parse(mv.target)?;
    if mv.sql {
        let dialect = cx.conn.dialect(command)?;
        let script = cx
            .migrator()
            .offline_script(dialect, mv.target, mv.direction)?;
        out.write_all(script.as_bytes())?;
        return Ok(());
    }
    if matches!(parsed, Target::Range(_)) {
        return Err(migrate_graph::TargetError::range_not_allowed(mv.target).into());
    }
    let progress = mv.run.progress();
    let mut m = mv.run.apply(cx.writer(mv.lock));
    if let Some(dir) = mv.backup {
        m = m.backup(dir);
    }
    // Earlier output must reach the terminal before the steps' lines.
    out.flush()?;
    let report = cx
        .conn
        .with(command, async |db| {
            Ok(match mv.direction {
                Direction::Up => m.upgrade(db, mv.target).await?,
                Direction::Down => m.downgrade(db, mv.target).await?,
            })
        })
        .await?;
    out.write_all(print::finished(mv.direction, &report, progress).as_bytes())?;
    Ok(())
}

/// Asks on the terminal, or requires `--yes` when stdin is not one.
fn confirm(command: &'static str, yes: bool, question: &str) -> Result<(), CmdError> {
    if yes {
        return Ok(());
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(CmdError::NeedsYes { command });
    }
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
        Ok(())
    } else {
        Err(CmdError::Cancelled { command })
    }
}

/// `stamp TARGET...` and `stamp --accept-checksum REV`.
pub(crate) async fn stamp(
    cx: &Cx<'_>,
    a: &StampArgs,
    out: &mut (dyn Write + Send),
) -> Result<(), CmdError> {
    for t in &a.targets {
        Target::parse(t)?;
    }
    let m = print::progress(cx.writer(&a.lock), false);
    if let Some(rev) = &a.accept_checksum {
        let graph = cx.migrations.graph();
        let i = graph.resolve_revision(rev)?;
        confirm(
            "stamp",
            a.yes,
            &format!(
                "record the current checksum of {} as the applied one?",
                graph.describe(i)
            ),
        )?;
        let id = graph.id(i).to_owned();
        cx.conn
            .with("stamp", async |db| Ok(m.accept_checksum(db, &id).await?))
            .await?;
        writeln!(out, "{}", print::accepted(&graph.describe(i)))?;
        return Ok(());
    }
    confirm(
        "stamp",
        a.yes,
        &format!(
            "record {} as the database's state without running any SQL?",
            a.targets.join(", ")
        ),
    )?;
    let targets: Vec<&str> = a.targets.iter().map(String::as_str).collect();
    let report = cx
        .conn
        .with("stamp", async |db| Ok(m.stamp(db, &targets, false).await?))
        .await?;
    out.write_all(print::stamped(&report).as_bytes())?;
    Ok(())
}

/// `resolve REV --applied|--rolled-back`.
pub(crate) async fn resolve(
    cx: &Cx<'_>,
    a: &ResolveArgs,
    out: &mut (dyn Write + Send),
) -> Result<(), CmdError> {
    let graph = cx.migrations.graph();
    let i = graph.resolve_revision(&a.resolve.revision)?;
    let outcome = print::resolution(a.resolve.applied);
    confirm(
        "resolve",
        a.yes,
        &format!("record that {outcome} for {}?", graph.describe(i)),
    )?;
    let id = graph.id(i).to_owned();
    let m = print::progress(cx.writer(&a.lock), false);
    cx.conn
        .with("resolve", async |db| {
            Ok(m.resolve(db, &id, a.resolve.applied).await?)
        })
        .await?;
    writeln!(
        out,
        "{}",
        print::resolved(&graph.describe(i), a.resolve.applied)
    )?;
    Ok(())
}
