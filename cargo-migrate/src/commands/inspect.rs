//! Read-only commands: `current`, `history`, `heads`, `branches`, `show`.
//! Text output follows Alembic's layout so that its users read it at a
//! glance. `current`, `history` and `heads` are migrate-cli's, as the
//! application's own `migrate` runs them; what both print comes from
//! [`migrate_cli::show`].

use super::Env;
use crate::args::{BranchesArgs, CurrentArgs, HeadsArgs, HistoryArgs, ShowArgs};
use crate::db::{self, Dir};
use crate::error::CliError;
use crate::project::Project;
use migrate_cli::show::{write_json, RevisionJson};
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
    let opts = migrate_cli::Current::new(args.verbose, args.json).check_heads(args.check_heads);
    db::block_on(migrate_cli::current(&env.context(&dir, &table), &opts, out))
}

/// `history`: revisions newest first, Alembic-style.
pub(crate) fn history(
    args: &HistoryArgs,
    env: &Env<'_>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let dir = Dir::new(&env.settings.source);
    let table = env.settings.table(args.db.table.as_deref());
    let opts = migrate_cli::History::new(args.rev_range.as_deref(), args.verbose, args.json)
        .indicate_current(args.indicate_current);
    db::block_on(migrate_cli::history(&env.context(&dir, &table), &opts, out))
}

/// `heads`: the directory's heads.
pub(crate) fn heads(args: &HeadsArgs, env: &Env<'_>, out: &mut dyn Write) -> Result<(), CliError> {
    let dir = Dir::new(&env.settings.source);
    let cx = env.context(&dir, &None);
    migrate_cli::heads(&cx, args.verbose, args.json, out)
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
