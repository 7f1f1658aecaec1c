//! `schema dump`, and the schema half of `check`: do the migrations
//! reproduce the desired schema, and does a live database match them?

use super::scratch::{self, Target};
use super::Env;
use crate::args::{CheckArgs, DumpArgs, SchemaArgs, SchemaCommand};
use crate::error::CliError;
use crate::project::Project;
use migrate_devtools::autogen::{read_live, Pipeline};
use migrate_runtime::{Db, Migrations, DEFAULT_TABLE};
use migrate_schema::{draft, Hints, Presence, Schema};
use serde::Serialize;
use std::io::Write;

/// Runs a `schema` subcommand.
pub(crate) fn run(args: &SchemaArgs, env: &Env<'_>, out: &mut dyn Write) -> Result<(), CliError> {
    match &args.command {
        SchemaCommand::Dump(a) => dump(a, env, out),
    }
}

fn table(env: &Env<'_>, flag: Option<&str>) -> String {
    env.settings
        .table(flag)
        .unwrap_or_else(|| DEFAULT_TABLE.to_owned())
}

/// `schema dump`: the whole schema as SQL, from the migrations or a database.
fn dump(args: &DumpArgs, env: &Env<'_>, out: &mut dyn Write) -> Result<(), CliError> {
    let table = table(env, args.db.table.as_deref());
    let (schema, dialect) = match &args.from_db {
        Some(url) => {
            let dialect = migrate_runtime::DatabaseUrl::parse(url)?.dialect();
            let schema = scratch::run(async {
                let db = Db::connect(url).await?;
                let schema = read_live(&db, &table).await;
                db.close().await;
                Ok(schema?)
            })?;
            (schema, dialect)
        }
        None => {
            let project = Project::load(&env.settings.source)?;
            let target = Target::resolve(env, &args.dev, "schema dump")?;
            let dialect = target.dialect;
            let migrations = Migrations::from_set(&project.set);
            let schema = scratch::run(async {
                let mut pipeline = Pipeline::new(&migrations, target.server).table(table.clone());
                if let Some(hook) = scratch::progress(migrations.len()) {
                    pipeline = pipeline.on_step(hook);
                }
                let result = pipeline.current().await;
                let finished = pipeline.finish().await;
                let schema = result?;
                finished?;
                Ok(schema)
            })?;
            (schema, dialect)
        }
    };
    let text = draft(&Schema::default(), &schema, &Hints::new(), dialect).script();
    match &args.output {
        Some(path) => {
            std::fs::write(path, &text).map_err(|source| CliError::Io {
                path: path.clone(),
                action: "write",
                source,
            })?;
            writeln!(out, "wrote {}", path.display())?;
        }
        None => out.write_all(text.as_bytes())?,
    }
    Ok(())
}

/// A difference `check` reports.
#[derive(Debug, Serialize)]
pub(crate) struct SchemaProblem {
    /// `schema` (migrations vs desired) or `schema_drift` (database vs migrations).
    pub kind: &'static str,
    /// What differs.
    pub message: String,
    /// The SQL that would remove the difference.
    pub sql: Vec<String>,
}

/// The schema checks of `check`: `None` when they do not apply (no
/// `--schema` and no `schema` configured, or no way to know the database
/// kind without `--schema`). `live` is the database URL when the database
/// is to be compared too (it is up to date with the migrations).
pub(crate) fn check(
    args: &CheckArgs,
    env: &Env<'_>,
    project: &Project,
    live: Option<&str>,
) -> Result<Option<Vec<SchemaProblem>>, CliError> {
    if !args.schema && env.settings.schema.is_none() {
        return Ok(None);
    }
    let target = match Target::resolve(env, &args.dev, "check --schema") {
        Ok(t) => t,
        Err(_) if !args.schema => return Ok(None),
        Err(e) => return Err(e),
    };
    let files = scratch::schema_files(env)?;
    let table = table(env, args.db.table.as_deref());
    let dialect = target.dialect;
    let migrations = Migrations::from_set(&project.set);
    let (current, desired, live) = scratch::run(async {
        let mut pipeline = Pipeline::new(&migrations, target.server).table(table.clone());
        let result = async {
            let current = pipeline.current().await?;
            let desired = pipeline.desired(&files).await?;
            let live = match live {
                Some(url) => {
                    let db = Db::connect(url).await?;
                    let schema = read_live(&db, &table).await;
                    db.close().await;
                    Some(schema?)
                }
                None => None,
            };
            Ok::<_, CliError>((current, desired, live))
        }
        .await;
        let finished = pipeline.finish().await;
        let states = result?;
        finished?;
        Ok(states)
    })?;
    let names: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
    let mut problems = Vec::new();
    // The dialect's draft decides: what it writes SQL for is a difference
    // with its SQL; objects of a kind no SQL is written for still differ (a
    // pass would be a lie), so each is a problem of its own, named.
    let mut judge = |from: &Schema, to: &Schema, kind: &'static str, message: String| {
        let d = draft(from, to, &Hints::new(), dialect);
        problems.extend(d.not_generated.iter().filter_map(|n| {
            let how = match n.presence {
                Presence::DesiredOnly => "is missing",
                Presence::CurrentOnly => "is there but should not be",
                Presence::Changed => "has another definition",
                Presence::Unknown => return None,
            };
            Some(SchemaProblem {
                kind,
                message: format!(
                    "{} {} {how} (a kind autogenerate writes no SQL for; compared, not generated)",
                    n.object.kind, n.object.name
                ),
                sql: Vec::new(),
            })
        }));
        if !d.is_empty() {
            problems.push(SchemaProblem {
                kind,
                message,
                sql: d.up.into_iter().map(|s| s.sql).collect(),
            });
        }
    };
    judge(
        &current,
        &desired,
        "schema",
        format!(
            "the migrations do not reproduce the desired schema ({}); the missing SQL:",
            names.join(", ")
        ),
    );
    if let Some(live) = &live {
        judge(
            live,
            &current,
            "schema_drift",
            "the database drifted from its migrations (changed by hand?); the SQL that would bring it back:".to_owned(),
        );
    }
    Ok(Some(problems))
}
