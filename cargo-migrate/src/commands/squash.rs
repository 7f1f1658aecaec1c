//! `squash --to REV -m MSG`: one revision replacing REV and everything
//! before it, its SQL read from a scratch database where they ran.

use super::new_revision::{write, NewFile, Sections};
use super::scratch::{self, Target};
use super::Env;
use crate::args::SquashArgs;
use crate::error::CliError;
use crate::project::Project;
use crate::render;
use migrate_devtools::autogen::{Pipeline, SquashDraft};
use migrate_devtools::scratch::ScratchServer;
use migrate_graph::{DownText, SectionText};
use migrate_runtime::{Dialect, Migrations, DEFAULT_TABLE};
use std::io::Write;

/// Runs `squash`.
pub(crate) fn run(args: &SquashArgs, env: &Env<'_>, out: &mut dyn Write) -> Result<(), CliError> {
    let project = Project::load(&env.settings.source)?;
    let graph = project.graph();
    let to = graph.resolve_revision(&args.to)?;
    let replaces: Vec<String> = graph
        .squash_prefix(to)?
        .into_iter()
        .map(|i| graph.id(i).to_owned())
        .collect();
    let target = target(args, env)?;
    let table = env
        .settings
        .table(args.db.table.as_deref())
        .unwrap_or_else(|| DEFAULT_TABLE.to_owned());
    let migrations = Migrations::from_set(&project.set);
    let to_id = graph.id(to).to_owned();
    let squashed = scratch::run(async {
        let mut pipeline = Pipeline::new(&migrations, target.server).table(table);
        if let Some(hook) = scratch::progress(replaces.len()) {
            pipeline = pipeline.on_step(hook);
        }
        let result = pipeline.squash(&to_id, args.with_data).await;
        let finished = pipeline.finish().await;
        let squashed = result?;
        finished?;
        Ok(squashed)
    })?;
    let sections = sections(&squashed, target.dialect, replaces.len(), args.with_data);
    let path = write(
        &project,
        env,
        &NewFile {
            message: &args.message,
            rev_id: args.rev_id.as_deref(),
            parents: std::slice::from_ref(&to_id),
            depends_on: &[],
            labels: &[],
            replaces: &replaces,
            sections: Some(sections),
        },
    )?;
    writeln!(
        out,
        "created {} (replaces {} revisions, up to {})",
        path.display(),
        replaces.len(),
        graph.describe(to)
    )?;
    let labels: Vec<&str> = replaces
        .iter()
        .filter_map(|id| graph.index_of(id))
        .flat_map(|i| graph.declared_labels(i))
        .map(String::as_str)
        .collect();
    if !labels.is_empty() {
        render::warning(
            env.reporter,
            &format!(
                "branch label(s) {} are declared on replaced revisions: once their files are deleted, targets such as `{}@head` no longer resolve; declare them on a revision after the squash first",
                labels.join(", "),
                labels[0]
            ),
        );
    }
    for t in &squashed.data {
        let what = if args.with_data {
            "included"
        } else {
            "NOT included (pass --with-data to include them)"
        };
        render::warning(
            env.reporter,
            &format!(
                "{} holds {} row(s) the replaced revisions inserted: {what}",
                t.table, t.rows
            ),
        );
    }
    Ok(())
}

/// The dialect and scratch server: `--dialect`, else as the other schema
/// commands (the URLs, else `dialect = "sqlite"` in migrate.toml).
fn target(args: &SquashArgs, env: &Env<'_>) -> Result<Target, CliError> {
    match args.dialect.map(Dialect::from) {
        Some(Dialect::Sqlite) => Ok(Target {
            dialect: Dialect::Sqlite,
            server: ScratchServer::sqlite(),
        }),
        Some(dialect) => {
            let target = Target::resolve(env, &args.dev, "squash")?;
            if target.dialect != dialect {
                return Err(CliError::SquashServer {
                    dialect: dialect.name(),
                });
            }
            Ok(target)
        }
        None => Target::resolve(env, &args.dev, "squash"),
    }
}

/// The file's sections, each statement followed by a blank line.
fn sections(
    squashed: &SquashDraft,
    dialect: Dialect,
    replaced: usize,
    with_data: bool,
) -> Sections {
    let statements = |list: &[String]| {
        let mut text = String::new();
        for sql in list {
            text.push_str(sql.trim_end_matches(';'));
            text.push_str(";\n\n");
        }
        text
    };
    Sections {
        comments: vec![format!(
            "The schema that the {replaced} replaced revisions build, as the {} catalog describes it{}.",
            dialect.name(),
            if with_data {
                ", with the rows they inserted"
            } else {
                ""
            },
        )],
        up: SectionText {
            text: statements(&squashed.up),
            transaction: squashed.transaction,
        },
        down: match &squashed.down {
            Some(down) => DownText::Sql(SectionText::new(statements(down))),
            None => DownText::Irreversible(
                "-- (the schema holds an object whose drop cannot be derived from the catalog)\n"
                    .to_owned(),
            ),
        },
    }
}
