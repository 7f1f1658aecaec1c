//! Read-only commands: `current`, `history`, `heads`, `branches`, `show`.
//! Text output follows Alembic's layout so that its users read it at a
//! glance; what `cargo migrate` and the application's own `migrate` both
//! print comes from [`migrate_cli::show`].

use super::Env;
use crate::args::{BranchesArgs, CurrentArgs, HeadsArgs, HistoryArgs, ShowArgs};
use crate::db::{self, Dir};
use crate::error::CliError;
use crate::project::Project;
use migrate_cli::show::{self, write_json, Position, RevisionJson};
use migrate_graph::Down;
use serde::Serialize;
use std::io::Write;

/// `current`: the database's applied heads.
pub(crate) fn current(
    args: &CurrentArgs,
    env: &Env<'_>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let dir = Dir::new(&env.settings.source);
    let table = env.settings.table(args.db.table.as_deref());
    let status = db::block_on(migrate_cli::status(&env.context(&dir, &table), "current"))?;
    let project = dir.project()?;
    show::current(out, &project.revisions(), &status, args.verbose, args.json)?;
    let position = Position::of(project.graph(), &status);
    if args.check_heads && !position.at_heads() {
        return Err(CliError::NotAtHeads {
            current: if position.at.is_empty() {
                "base".to_owned()
            } else {
                position.at.join(", ")
            },
            heads: position.heads.join(", "),
        });
    }
    Ok(())
}

/// `history`: revisions newest first, Alembic-style.
pub(crate) fn history(
    args: &HistoryArgs,
    env: &Env<'_>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    // The database is needed for `--indicate-current` and for ranges that
    // count from the current revision (`-3:`); everything else is files only.
    let range = args
        .rev_range
        .as_deref()
        .map(show::history_range)
        .transpose()?;
    let relative = range.as_ref().is_some_and(|(_, relative)| *relative);
    let dir = Dir::new(&env.settings.source);
    let status = if args.indicate_current || relative {
        let what = if relative {
            "history with a relative range"
        } else {
            "history --indicate-current"
        };
        let table = env.settings.table(args.db.table.as_deref());
        Some(db::block_on(migrate_cli::status(
            &env.context(&dir, &table),
            what,
        ))?)
    } else {
        None
    };
    let project = dir.project()?;
    let range = range.as_ref().map(|(r, _)| r);
    let list = show::history_revisions(project.graph(), range, status.as_ref())?;
    let current = status.map(|s| Position::of(project.graph(), &s).nodes);
    let revs = project.revisions();
    show::history(
        out,
        &revs,
        &list,
        current.as_deref(),
        args.verbose,
        args.json,
    )?;
    Ok(())
}

/// `heads`: the directory's heads.
pub(crate) fn heads(args: &HeadsArgs, env: &Env<'_>, out: &mut dyn Write) -> Result<(), CliError> {
    let project = Project::load(&env.settings.source)?;
    Ok(show::heads(
        out,
        &project.revisions(),
        args.verbose,
        args.json,
    )?)
}

/// `branches`: branch points with the revisions they lead to, then labels.
pub(crate) fn branches(
    args: &BranchesArgs,
    env: &Env<'_>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let project = Project::load(&env.settings.source)?;
    let revs = project.revisions();
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
                    revision: RevisionJson::new(&revs, p),
                    branches: graph
                        .children(p)
                        .iter()
                        .map(|&c| RevisionJson::new(&revs, c))
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
        return Ok(write_json(out, &value)?);
    }
    for &p in &points {
        if args.verbose {
            revs.write_block(out, p, false)?;
        } else {
            writeln!(
                out,
                "{}{}, {}",
                graph.id(p),
                revs.flags(p, false),
                project.revision(p).message()
            )?;
        }
        for &c in graph.children(p) {
            writeln!(
                out,
                "    -> {}{}, {}",
                graph.id(c),
                revs.flags(c, false),
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
    let revs = project.revisions();
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
            revision: RevisionJson::new(&revs, i),
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
        return Ok(write_json(out, &value)?);
    }
    revs.write_block(out, i, false)?;
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
