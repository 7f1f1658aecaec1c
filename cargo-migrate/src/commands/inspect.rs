//! Read-only commands: `current`, `history`, `heads`, `branches`, `show`.
//! Text output follows Alembic's layout so that its users read it at a glance.

use super::json::{self, RevisionJson};
use super::Env;
use crate::args::{BranchesArgs, CurrentArgs, HeadsArgs, HistoryArgs, ShowArgs};
use crate::db;
use crate::error::CliError;
use crate::project::Project;
use migrate_graph::{Anchor, Applied, Down, Range, Spec, Target};
use migrate_runtime::RowState;
use serde::Serialize;
use std::io::Write;

/// `current`: the database's applied heads.
pub(crate) fn current(
    args: &CurrentArgs,
    env: &Env<'_>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let connection = db::Connection::start(env.require_url("current")?)?;
    let project = Project::load(&env.settings.source)?;
    let status = connection.status(
        &project,
        env.settings.table(args.db.table.as_deref()).as_deref(),
    )?;
    let graph = project.graph();
    let heads: Vec<usize> = status
        .heads
        .iter()
        .filter_map(|h| graph.index_of(h))
        .collect();
    let mut all_heads: Vec<String> = graph
        .heads()
        .iter()
        .map(|&h| graph.id(h).to_owned())
        .collect();
    all_heads.sort();
    let mut at: Vec<String> = status.heads.clone();
    at.sort();
    let at_heads = at == all_heads;

    if args.json {
        #[derive(Serialize)]
        struct Head {
            #[serde(flatten)]
            revision: RevisionJson,
            applied_at: Option<String>,
        }
        #[derive(Serialize)]
        struct Failed {
            id: String,
            state: &'static str,
        }
        #[derive(Serialize)]
        struct Current {
            heads: Vec<Head>,
            unknown: Vec<String>,
            failed: Vec<Failed>,
            pending: Vec<String>,
            at_heads: bool,
        }
        let value = Current {
            heads: heads
                .iter()
                .map(|&i| Head {
                    revision: RevisionJson::new(&project, i),
                    applied_at: status
                        .rows
                        .iter()
                        .find(|r| r.revision == graph.id(i))
                        .map(|r| r.applied_at.clone()),
                })
                .collect(),
            unknown: status.unknown.clone(),
            failed: status
                .rows
                .iter()
                .filter_map(|r| {
                    state_name(r.state).map(|state| Failed {
                        id: r.revision.clone(),
                        state,
                    })
                })
                .collect(),
            pending: status.pending.clone(),
            at_heads,
        };
        json::write(out, &value)?;
    } else {
        if heads.is_empty() && status.unknown.is_empty() {
            writeln!(out, "base (no revision applied)")?;
        }
        for &i in &heads {
            let rev = project.revision(i);
            let head = if graph.heads().contains(&i) {
                " (head)"
            } else {
                ""
            };
            writeln!(
                out,
                "{}{}{head}, {}",
                rev.id,
                labels(&graph.branch_labels(i)),
                rev.message()
            )?;
            if args.verbose {
                let row = status.rows.iter().find(|r| r.revision == rev.id);
                writeln!(out, "    Path: {}", project.path_of(i).display())?;
                if let Some(row) = row {
                    writeln!(
                        out,
                        "    Applied: {} ({} ms)",
                        row.applied_at, row.duration_ms
                    )?;
                }
            }
        }
        for id in &status.unknown {
            writeln!(out, "{id} (not in {})", project.dir.display())?;
        }
        for row in &status.rows {
            if let Some(state) = state_name(row.state) {
                writeln!(out, "{} ({state})", row.revision)?;
            }
        }
        if args.verbose && !status.pending.is_empty() {
            writeln!(out, "{} revision(s) pending", status.pending.len())?;
        }
    }
    if args.check_heads && !at_heads {
        return Err(CliError::NotAtHeads {
            current: if at.is_empty() {
                "base".to_owned()
            } else {
                at.join(", ")
            },
            heads: all_heads.join(", "),
        });
    }
    Ok(())
}

fn state_name(state: RowState) -> Option<&'static str> {
    match state {
        RowState::Applied => None,
        RowState::Started(migrate_runtime::Direction::Up) => Some("upgrade started, not finished"),
        RowState::Started(migrate_runtime::Direction::Down) => {
            Some("downgrade started, not finished")
        }
        RowState::Failed(migrate_runtime::Direction::Up) => Some("upgrade failed"),
        RowState::Failed(migrate_runtime::Direction::Down) => Some("downgrade failed"),
    }
}

/// `history`: revisions newest first, Alembic-style.
pub(crate) fn history(
    args: &HistoryArgs,
    env: &Env<'_>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    // The database is needed for `--indicate-current` and for ranges that
    // count from the current revision (`-3:`); everything else is files only.
    let relative = match &args.rev_range {
        Some(range) => {
            let range = history_range(range)?;
            range.from.as_ref().is_some_and(is_current) || range.to.as_ref().is_some_and(is_current)
        }
        None => false,
    };
    let connection = if args.indicate_current || relative {
        let what = if relative {
            "history with a relative range"
        } else {
            "history --indicate-current"
        };
        Some(db::Connection::start(env.require_url(what)?)?)
    } else {
        None
    };
    let project = Project::load(&env.settings.source)?;
    let graph = project.graph();
    let mut current: Option<Vec<usize>> = None;
    let mut applied = Applied::empty(graph.len());
    if let Some(connection) = connection {
        let status = connection.status(
            &project,
            env.settings.table(args.db.table.as_deref()).as_deref(),
        )?;
        let ids = status
            .rows
            .iter()
            .filter(|r| r.state == RowState::Applied)
            .map(|r| r.revision.as_str());
        for id in ids {
            if let Some(i) = graph.index_of(id) {
                applied.insert(i);
            }
        }
        current = Some(
            status
                .heads
                .iter()
                .filter_map(|h| graph.index_of(h))
                .collect(),
        );
    }
    let mut revs = match &args.rev_range {
        Some(range) => graph.history_range(&history_range(range)?, &applied)?,
        None => graph.order().to_vec(),
    };
    revs.reverse();

    if args.json {
        #[derive(Serialize)]
        struct History {
            revisions: Vec<RevisionJson>,
            #[serde(skip_serializing_if = "Option::is_none")]
            current: Option<Vec<String>>,
        }
        let value = History {
            revisions: revs
                .iter()
                .map(|&i| {
                    let mut r = RevisionJson::new(&project, i);
                    r.current = current.as_ref().map(|c| c.contains(&i));
                    r
                })
                .collect(),
            current: current
                .as_ref()
                .map(|c| c.iter().map(|&i| graph.id(i).to_owned()).collect()),
        };
        return Ok(json::write(out, &value)?);
    }
    for &i in &revs {
        let is_current = current.as_ref().is_some_and(|c| c.contains(&i));
        if args.verbose {
            verbose(&project, i, is_current, out)?;
        } else {
            line(&project, i, is_current, out)?;
        }
    }
    Ok(())
}

/// `history -r`'s range: `FROM:TO`, where a lone spec is `FROM` (everything
/// from it up), not the `TO` that offline scripts take it for.
fn history_range(text: &str) -> Result<Range, CliError> {
    Ok(match Target::parse(text)? {
        Target::Range(range) => range,
        Target::Single(spec) => Range {
            from: Some(spec),
            to: None,
        },
    })
}

fn is_current(spec: &Spec) -> bool {
    spec.anchor == Anchor::Current
}

/// `a1 -> b2 (label) (head) (current), message`
fn line(project: &Project, i: usize, current: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let rev = project.revision(i);
    let parents = if rev.parents.is_empty() {
        "<base>".to_owned()
    } else {
        rev.parents.join(", ")
    };
    writeln!(
        out,
        "{parents} -> {}{}, {}",
        rev.id,
        flags(project, i, current),
        rev.message()
    )?;
    Ok(())
}

/// ` (label) (head) (mergepoint) (current)`: labels declared here, then flags.
fn flags(project: &Project, i: usize, current: bool) -> String {
    let graph = project.graph();
    let rev = project.revision(i);
    let mut s = labels(
        &rev.branch_labels
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    if graph.heads().contains(&i) {
        s.push_str(" (head)");
    }
    if graph.is_branch_point(i) {
        s.push_str(" (branchpoint)");
    }
    if rev.is_merge() {
        s.push_str(" (mergepoint)");
    }
    if current {
        s.push_str(" (current)");
    }
    s
}

fn labels(labels: &[&str]) -> String {
    if labels.is_empty() {
        String::new()
    } else {
        format!(" ({})", labels.join(", "))
    }
}

/// Alembic's verbose block.
fn verbose(project: &Project, i: usize, current: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let graph = project.graph();
    let rev = project.revision(i);
    writeln!(out, "Rev: {}{}", rev.id, flags(project, i, current))?;
    if rev.is_merge() {
        writeln!(out, "Merges: {}", rev.parents.join(", "))?;
    } else {
        writeln!(
            out,
            "Parent: {}",
            rev.parents.first().map_or("<base>", String::as_str)
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
    if !rev.depends_on.is_empty() {
        writeln!(out, "Also depends on: {}", rev.depends_on.join(", "))?;
    }
    writeln!(out, "Path: {}", project.path_of(i).display())?;
    if let Some(date) = &rev.create_date {
        writeln!(out, "Create Date: {date}")?;
    }
    if matches!(rev.down, Down::Irreversible) {
        writeln!(out, "Irreversible: yes")?;
    }
    writeln!(out)?;
    writeln!(out, "    {}", rev.message())?;
    writeln!(out)?;
    Ok(())
}

/// `heads`: the directory's heads.
pub(crate) fn heads(args: &HeadsArgs, env: &Env<'_>, out: &mut dyn Write) -> Result<(), CliError> {
    let project = Project::load(&env.settings.source)?;
    let graph = project.graph();
    if args.json {
        #[derive(Serialize)]
        struct Heads {
            heads: Vec<RevisionJson>,
        }
        let heads = graph
            .heads()
            .iter()
            .map(|&h| RevisionJson::new(&project, h))
            .collect();
        return Ok(json::write(out, &Heads { heads })?);
    }
    for &h in graph.heads() {
        if args.verbose {
            verbose(&project, h, false, out)?;
        } else {
            writeln!(
                out,
                "{}{} (head), {}",
                graph.id(h),
                labels(&graph.branch_labels(h)),
                project.revision(h).message()
            )?;
        }
    }
    Ok(())
}

/// `branches`: branch points with the revisions they lead to, then labels.
pub(crate) fn branches(
    args: &BranchesArgs,
    env: &Env<'_>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let project = Project::load(&env.settings.source)?;
    let graph = project.graph();
    let points: Vec<usize> = graph
        .order()
        .iter()
        .copied()
        .filter(|&i| graph.is_branch_point(i))
        .collect();
    if args.json {
        #[derive(Serialize)]
        struct Point {
            #[serde(flatten)]
            revision: RevisionJson,
            branches: Vec<RevisionJson>,
        }
        #[derive(Serialize)]
        struct Label {
            label: String,
            revision: String,
        }
        #[derive(Serialize)]
        struct Branches {
            branch_points: Vec<Point>,
            labels: Vec<Label>,
        }
        let value = Branches {
            branch_points: points
                .iter()
                .map(|&p| Point {
                    revision: RevisionJson::new(&project, p),
                    branches: graph
                        .children(p)
                        .iter()
                        .map(|&c| RevisionJson::new(&project, c))
                        .collect(),
                })
                .collect(),
            labels: graph
                .labels()
                .into_iter()
                .map(|(l, i)| Label {
                    label: l.to_owned(),
                    revision: graph.id(i).to_owned(),
                })
                .collect(),
        };
        return Ok(json::write(out, &value)?);
    }
    for &p in &points {
        if args.verbose {
            verbose(&project, p, false, out)?;
        } else {
            writeln!(
                out,
                "{}{}, {}",
                graph.id(p),
                flags(&project, p, false),
                project.revision(p).message()
            )?;
        }
        for &c in graph.children(p) {
            writeln!(
                out,
                "    -> {}{}, {}",
                graph.id(c),
                flags(&project, c, false),
                project.revision(c).message()
            )?;
        }
    }
    let labels = graph.labels();
    if !labels.is_empty() {
        if !points.is_empty() {
            writeln!(out)?;
        }
        for (label, i) in labels {
            writeln!(out, "{label}@ starts at {}", graph.describe(i))?;
        }
    }
    Ok(())
}

/// `show REV`: one revision in full.
pub(crate) fn show(args: &ShowArgs, env: &Env<'_>, out: &mut dyn Write) -> Result<(), CliError> {
    let project = Project::load(&env.settings.source)?;
    let i = project.resolve_one(&args.revision)?;
    let rev = project.revision(i);
    if args.json {
        #[derive(Serialize)]
        struct Show {
            #[serde(flatten)]
            revision: RevisionJson,
            branch_names: Vec<String>,
            checksum: String,
            up_sql: String,
            up_transaction: bool,
            down_sql: Option<String>,
            down_transaction: bool,
        }
        let value = Show {
            revision: RevisionJson::new(&project, i),
            branch_names: project
                .graph()
                .branch_labels(i)
                .into_iter()
                .map(str::to_owned)
                .collect(),
            checksum: rev.checksum.to_hex(),
            up_sql: rev.up.sql.clone(),
            up_transaction: rev.up.transaction,
            down_sql: rev.down.section().map(|s| s.sql.clone()),
            down_transaction: rev.down.section().is_none_or(|s| s.transaction),
        };
        return Ok(json::write(out, &value)?);
    }
    verbose(&project, i, false, out)?;
    let marker = |name: &str, transaction: bool| {
        format!(
            "-- migrate:{name}{}",
            if transaction {
                ""
            } else {
                " transaction:false"
            }
        )
    };
    writeln!(out, "{}", marker("up", rev.up.transaction))?;
    if !rev.up.sql.is_empty() {
        writeln!(out, "{}", rev.up.sql)?;
    }
    match &rev.down {
        Down::Sql(s) => {
            writeln!(out, "{}", marker("down", s.transaction))?;
            if !s.sql.is_empty() {
                writeln!(out, "{}", s.sql)?;
            }
        }
        Down::Irreversible => writeln!(out, "-- migrate:down irreversible")?,
    }
    Ok(())
}
