//! `check`: the macro's validation rules on the files, plus, with a database,
//! pending revisions, drift, unknown and failed revisions. For CI. With
//! `--schema`, where the schema model finds no difference, the servers' own
//! schema dumps are compared too (the dump net of
//! [`migrate_devtools::proof`]): a view, trigger, policy... that differs
//! fails `check` naming it; a server whose dump program cannot run fails it
//! with `not compared: ...` rather than passing. The
//! database's problems and the report are the runtime's
//! ([`migrate_cli::show::Check`]), as the application's own
//! `migrate check` prints them; the files, the lint and the schema are
//! this command line's own.

use super::scratch::{self, Target};
use super::Env;
use crate::args::CheckArgs;
use crate::db;
use crate::error::CliError;
use crate::project::Project;
use crate::render;
use migrate_cli::show::{Check, Problem};
use migrate_graph::ValidationError;
use std::io::Write;

/// Runs `check`.
pub(crate) fn run(args: &CheckArgs, env: &Env<'_>, out: &mut dyn Write) -> Result<(), CliError> {
    let dir = &env.settings.source;
    let files = migrate_graph::read_dir(dir)?;
    let mut found: Vec<(Problem, String)> = Vec::new();

    // Every rule of the macro; if only rule 5 (one head) fails, the graph is
    // still sound enough to compare with a database.
    let set = match migrate_graph::load(&files) {
        Ok(set) => Some(set),
        Err(errors) => {
            for e in &errors.0 {
                let file = (!e.file().is_empty()).then(|| dir.join(e.file()).display().to_string());
                let text = render::validation_problems(dir, std::slice::from_ref(e), &files);
                found.push((Problem::new("file", e.message()).at(file, e.line()), text));
            }
            let only_heads = errors
                .0
                .iter()
                .all(|e| matches!(e, ValidationError::UnmergedHeads { .. }));
            if only_heads {
                migrate_graph::load_unmerged(&files).ok()
            } else {
                None
            }
        }
    };
    let project = set.map(|set| Project {
        dir: dir.clone(),
        set,
    });
    let mut check = match &project {
        Some(project) => Check::of(&project.revisions()),
        None => Check::new(files.len(), Vec::new()),
    };
    for (problem, text) in found {
        check.add(problem, &text);
    }

    // The lint, when the dialect is known: its errors fail `check`; its
    // warnings are left to `cargo migrate lint`, so that `check` stays quiet
    // on what passes.
    if let Some(project) = &project {
        for (f, rendered) in super::lint::check_findings(env, dir, &files, &project.set) {
            if f.severity == migrate_lint::Severity::Error {
                let file = Some(dir.join(&f.file).display().to_string());
                let message = format!("[{}] {}", f.rule, f.message);
                let problem = Problem::new("lint", message).at(file, f.line);
                check.add(problem.revision(f.revision), &rendered);
            }
        }
    }

    if let (Some(project), Some(_), false) = (&project, env.url, args.offline) {
        let table = env.settings.table(args.db.table.as_deref());
        let cx = env.context(project, &table);
        let status = db::block_on(migrate_cli::status(&cx, "check"))?;
        check.database(&project.revisions(), &status);
    }

    if let Some(project) = &project {
        // The live database is compared only when it is at the heads: a
        // database behind is already reported as pending.
        let live = check
            .pending()
            .is_some_and(<[String]>::is_empty)
            .then_some(env.url)
            .flatten();
        if let Some(mut found) = super::schema::check(args, env, project, live)? {
            check.schema_checked();
            found.extend(net(args, env, project, live, &found)?);
            for p in found {
                let mut text = format!("error: {}\n", p.message);
                for statement in &p.sql {
                    text.push_str(&format!("    {}\n", statement.replace('\n', "\n    ")));
                }
                check.add(Problem::new(p.kind, p.message).sql(p.sql), &text);
            }
        }
    }

    match check.finish(out, args.json, env.reporter)? {
        0 => Ok(()),
        count => Err(migrate_cli::CmdError::CheckFailed { count }.into()),
    }
}

/// The dump net under the model's schema checks: run for each comparison
/// the model passed (the migrations against the desired schema; the live
/// database against the migrations).
fn net(
    args: &CheckArgs,
    env: &Env<'_>,
    project: &Project,
    live: Option<&str>,
    model: &[super::schema::SchemaProblem],
) -> Result<Vec<super::schema::SchemaProblem>, CliError> {
    let model_saw = |kind: &str| model.iter().any(|p| p.kind == kind);
    if model_saw("schema") && (live.is_none() || model_saw("schema_drift")) {
        return Ok(Vec::new());
    }
    // The model's check resolved the same server; an error here must fail
    // `check`, never pass it without the net.
    let target = Target::resolve(env, &args.dev, "check --schema")?;
    let files = scratch::schema_files(env)?;
    let table = env
        .settings
        .table(args.db.table.as_deref())
        .unwrap_or_else(|| migrate_runtime::DEFAULT_TABLE.to_owned());
    let live = match live {
        Some(url) if !model_saw("schema_drift") => Some(migrate_runtime::DatabaseUrl::parse(url)?),
        _ => None,
    };
    let migrations = migrate_runtime::Migrations::from_set(&project.set);
    let found = scratch::run(async {
        let mut pipeline =
            migrate_devtools::autogen::Pipeline::new(&migrations, target.server).table(table);
        let result = pipeline
            .dump_net(&files, live.as_ref(), args.privileges)
            .await;
        let finished = pipeline.finish().await;
        let found = result?;
        finished?;
        Ok(found)
    })?;
    Ok(found
        .into_iter()
        .filter(|f| !model_saw(f.kind))
        .map(|f| super::schema::SchemaProblem {
            kind: f.kind,
            message: f.message,
            sql: f.objects,
        })
        .collect())
}
