//! Read-only commands: `current`, `history`, `heads`, `check`. Text and
//! `--json` shapes mirror `cargo migrate`'s (`commands/inspect.rs`,
//! `commands/check.rs`, `commands/json.rs`), with the embedded file name
//! where the CLI shows a path.

use super::args::{CheckArgs, CurrentArgs, HeadsArgs, HistoryArgs};
use super::change::Cx;
use super::error::CmdError;
use crate::{Direction, Migrations, RowState};
use migrate_graph::{Anchor, Applied, Range, Target};
use serde_json::{json, Value};
use std::io::Write;

/// One revision as every `--json` output shows it (`cargo migrate`'s fields).
fn revision_json(ms: &Migrations, i: usize) -> Value {
    let graph = ms.graph();
    let m = &ms.as_slice()[i];
    json!({
        "id": m.id(),
        "file": m.file_name(),
        "message": m.message(),
        "parents": m.parents(),
        "depends_on": m.depends_on(),
        "children": graph.children(i).iter().map(|&c| graph.id(c)).collect::<Vec<_>>(),
        "branch_labels": m.branch_labels(),
        "is_head": graph.heads().contains(&i),
        "is_merge": m.parents().len() > 1,
        "is_branch_point": graph.is_branch_point(i),
        "irreversible": m.is_irreversible(),
    })
}

fn write_json(out: &mut (dyn Write + Send), value: &Value) -> Result<(), CmdError> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    Ok(())
}

fn state_name(state: RowState) -> Option<&'static str> {
    match state {
        RowState::Applied => None,
        RowState::Started(Direction::Up) => Some("upgrade started, not finished"),
        RowState::Started(Direction::Down) => Some("downgrade started, not finished"),
        RowState::Failed(Direction::Up) => Some("upgrade failed"),
        RowState::Failed(Direction::Down) => Some("downgrade failed"),
    }
}

fn labels(labels: &[&str]) -> String {
    if labels.is_empty() {
        String::new()
    } else {
        format!(" ({})", labels.join(", "))
    }
}

/// `current [-v] [--json]`: the database's applied heads.
pub(crate) async fn current(
    cx: &Cx<'_>,
    a: &CurrentArgs,
    out: &mut (dyn Write + Send),
) -> Result<(), CmdError> {
    let m = cx.migrator();
    let status = cx
        .conn
        .with("current", async |db| Ok(m.status(db).await?))
        .await?;
    let ms = cx.migrations;
    let graph = ms.graph();
    let heads: Vec<usize> = status
        .heads
        .iter()
        .filter_map(|h| graph.index_of(h))
        .collect();
    let mut all: Vec<&str> = graph.heads().iter().map(|&h| graph.id(h)).collect();
    all.sort_unstable();
    let mut at: Vec<&str> = status.heads.iter().map(String::as_str).collect();
    at.sort_unstable();
    if a.json {
        let value = json!({
            "heads": heads.iter().map(|&i| {
                let mut v = revision_json(ms, i);
                v["applied_at"] = json!(status.rows.iter().find(|r| r.revision == graph.id(i)).map(|r| r.applied_at.clone()));
                v
            }).collect::<Vec<_>>(),
            "unknown": status.unknown,
            "failed": status.rows.iter().filter_map(|r| state_name(r.state).map(|s| json!({"id": r.revision, "state": s}))).collect::<Vec<_>>(),
            "pending": status.pending,
            "at_heads": at == all,
        });
        return write_json(out, &value);
    }
    if heads.is_empty() && status.unknown.is_empty() {
        writeln!(out, "base (no revision applied)")?;
    }
    for &i in &heads {
        let mig = &ms.as_slice()[i];
        let head = if graph.heads().contains(&i) {
            " (head)"
        } else {
            ""
        };
        writeln!(
            out,
            "{}{}{head}, {}",
            mig.id(),
            labels(&graph.branch_labels(i)),
            mig.message()
        )?;
        if a.verbose {
            writeln!(out, "    Path: {}", mig.file_name())?;
            if let Some(row) = status.rows.iter().find(|r| r.revision == mig.id()) {
                writeln!(
                    out,
                    "    Applied: {} ({} ms)",
                    row.applied_at, row.duration_ms
                )?;
            }
        }
    }
    for id in &status.unknown {
        writeln!(out, "{id} (not in this build)")?;
    }
    for row in &status.rows {
        if let Some(state) = state_name(row.state) {
            writeln!(out, "{} ({state})", row.revision)?;
        }
    }
    if a.verbose && !status.pending.is_empty() {
        writeln!(out, "{} revision(s) pending", status.pending.len())?;
    }
    Ok(())
}

/// `history -r`'s range: a lone spec is `FROM`.
fn history_range(text: &str) -> Result<Range, CmdError> {
    Ok(match Target::parse(text)? {
        Target::Range(range) => range,
        Target::Single(spec) => Range {
            from: Some(spec),
            to: None,
        },
    })
}

/// `history [-r RANGE] [-v] [--json]`: the embedded revisions, newest first.
pub(crate) async fn history(
    cx: &Cx<'_>,
    a: &HistoryArgs,
    out: &mut (dyn Write + Send),
) -> Result<(), CmdError> {
    let ms = cx.migrations;
    let graph = ms.graph();
    let range = a.rev_range.as_deref().map(history_range).transpose()?;
    // Only a range counted from the current revision (`-3:`) needs the database.
    let relative = range.as_ref().is_some_and(|r| {
        [&r.from, &r.to]
            .iter()
            .any(|s| s.as_ref().is_some_and(|s| s.anchor == Anchor::Current))
    });
    let mut applied = Applied::empty(graph.len());
    if relative {
        let m = cx.migrator();
        let status = cx
            .conn
            .with("history with a relative range", async |db| {
                Ok(m.status(db).await?)
            })
            .await?;
        for r in status.rows.iter().filter(|r| r.state == RowState::Applied) {
            if let Some(i) = graph.index_of(&r.revision) {
                applied.insert(i);
            }
        }
    }
    let mut revs = match &range {
        Some(range) => graph.history_range(range, &applied)?,
        None => graph.order().to_vec(),
    };
    revs.reverse();
    if a.json {
        let value = json!({
            "revisions": revs.iter().map(|&i| revision_json(ms, i)).collect::<Vec<_>>(),
        });
        return write_json(out, &value);
    }
    for &i in &revs {
        if a.verbose {
            verbose(ms, i, out)?;
        } else {
            let m = &ms.as_slice()[i];
            let parents = if m.parents().is_empty() {
                "<base>".to_owned()
            } else {
                m.parents().join(", ")
            };
            writeln!(
                out,
                "{parents} -> {}{}, {}",
                m.id(),
                flags(ms, i),
                m.message()
            )?;
        }
    }
    Ok(())
}

/// ` (label) (head) (branchpoint) (mergepoint)`.
fn flags(ms: &Migrations, i: usize) -> String {
    let graph = ms.graph();
    let m = &ms.as_slice()[i];
    let declared: Vec<&str> = m.branch_labels().iter().map(|l| l.as_ref()).collect();
    let mut s = labels(&declared);
    if graph.heads().contains(&i) {
        s.push_str(" (head)");
    }
    if graph.is_branch_point(i) {
        s.push_str(" (branchpoint)");
    }
    if m.parents().len() > 1 {
        s.push_str(" (mergepoint)");
    }
    s
}

/// Alembic's verbose block.
fn verbose(ms: &Migrations, i: usize, out: &mut (dyn Write + Send)) -> std::io::Result<()> {
    let graph = ms.graph();
    let m = &ms.as_slice()[i];
    writeln!(out, "Rev: {}{}", m.id(), flags(ms, i))?;
    if m.parents().len() > 1 {
        writeln!(out, "Merges: {}", m.parents().join(", "))?;
    } else {
        writeln!(
            out,
            "Parent: {}",
            m.parents().first().map_or("<base>", |p| p.as_ref())
        )?;
    }
    if graph.is_branch_point(i) {
        let children: Vec<&str> = graph.children(i).iter().map(|&c| graph.id(c)).collect();
        writeln!(out, "Branches into: {}", children.join(", "))?;
    }
    let inherited = graph.branch_labels(i);
    if !inherited.is_empty() {
        writeln!(out, "Branch names: {}", inherited.join(", "))?;
    }
    if !m.depends_on().is_empty() {
        writeln!(out, "Also depends on: {}", m.depends_on().join(", "))?;
    }
    writeln!(out, "Path: {}", m.file_name())?;
    if m.is_irreversible() {
        writeln!(out, "Irreversible: yes")?;
    }
    writeln!(out)?;
    writeln!(out, "    {}", m.message())?;
    writeln!(out)?;
    Ok(())
}

/// `heads [-v] [--json]`: the embedded heads.
pub(crate) fn heads(
    cx: &Cx<'_>,
    a: &HeadsArgs,
    out: &mut (dyn Write + Send),
) -> Result<(), CmdError> {
    let ms = cx.migrations;
    let graph = ms.graph();
    if a.json {
        let value = json!({
            "heads": graph.heads().iter().map(|&h| revision_json(ms, h)).collect::<Vec<_>>(),
        });
        return write_json(out, &value);
    }
    for &h in graph.heads() {
        if a.verbose {
            verbose(ms, h, out)?;
        } else {
            writeln!(
                out,
                "{}{} (head), {}",
                graph.id(h),
                labels(&graph.branch_labels(h)),
                ms.as_slice()[h].message()
            )?;
        }
    }
    Ok(())
}

/// `check [--json]`: the embedded set is valid (it compiled); this checks
/// the database against it. Exits 1 on any problem, for CI and probes.
pub(crate) async fn check(
    cx: &Cx<'_>,
    a: &CheckArgs,
    out: &mut (dyn Write + Send),
) -> Result<(), CmdError> {
    let ms = cx.migrations;
    let graph = ms.graph();
    let m = cx.migrator();
    let status = cx
        .conn
        .with("check", async |db| Ok(m.status(db).await?))
        .await?;
    let mut text = String::new();
    let mut problems: Vec<Value> = Vec::new();
    let mut add = |kind: &str, message: String, hint: String, revision: Option<&str>| {
        text.push_str(&format!("error: {message}\nhint: {hint}\n"));
        let mut p = json!({"kind": kind, "message": message});
        if let Some(r) = revision {
            p["revision"] = json!(r);
        }
        problems.push(p);
    };
    if !status.pending.is_empty() {
        add(
            "pending",
            format!(
                "the database is not up to date: {} revision(s) pending ({})",
                status.pending.len(),
                status.pending.join(", ")
            ),
            "run `migrate upgrade heads`".to_owned(),
            None,
        );
    }
    for (id, file) in &status.drifted {
        add(
            "drift",
            format!("revision {id} ({file}) was edited after it was applied"),
            format!("deploy a build with the applied file, or accept the edit with `migrate stamp --accept-checksum {id}`"),
            Some(id),
        );
    }
    if !status.unknown.is_empty() {
        add(
            "unknown",
            format!(
                "the database has applied revision(s) {} that this build does not contain",
                status.unknown.join(", ")
            ),
            "deploy the build that applied them, or downgrade with it".to_owned(),
            None,
        );
    }
    for id in &status.failed {
        add(
            "failed",
            format!("revision {id} failed or was interrupted and may be partly applied"),
            format!("check the schema, then `migrate resolve {id} --applied` or `--rolled-back`"),
            Some(id),
        );
    }
    let heads: Vec<&str> = graph.heads().iter().map(|&h| graph.id(h)).collect();
    let count = problems.len();
    if a.json {
        let value = json!({
            "ok": count == 0,
            "revisions": graph.len(),
            "heads": heads,
            "database_checked": true,
            "pending": status.pending,
            "problems": problems,
        });
        write_json(out, &value)?;
    } else if count == 0 {
        let heads = heads.join(", ");
        writeln!(
            out,
            "ok: {} revision(s), head {}; the database is up to date",
            graph.len(),
            if heads.is_empty() { "<none>" } else { &heads }
        )?;
    } else {
        out.flush()?;
        cx.reporter.eprint(&text);
    }
    if count > 0 {
        return Err(CmdError::CheckFailed { count });
    }
    Ok(())
}
