//! `revision --autogenerate`: the migrations replayed and the desired schema
//! run on scratch databases, both read back, diffed, the draft verified
//! there, and only then written as an ordinary revision file.

use super::new_revision::{parents, write, NewFile, Sections};
use super::scratch::{self, Target};
use super::Env;
use crate::args::RevisionArgs;
use crate::error::CliError;
use crate::project::Project;
use crate::render;
use migrate_devtools::autogen::{read_live, Pipeline, SchemaFile, Verification};
use migrate_graph::{DownText, RevisionFile, SectionText, SourceFile};
use migrate_runtime::{Db, Migrations, DEFAULT_TABLE};
use migrate_schema::{draft, Draft, Hints};
use std::io::Write;

/// The id the draft carries while it is verified (never written).
const VERIFY_ID: &str = "autogenerate_draft_under_verification";

/// Runs `revision --autogenerate`.
pub(crate) fn run(args: &RevisionArgs, env: &Env<'_>, out: &mut dyn Write) -> Result<(), CliError> {
    let project = Project::load(&env.settings.source)?;
    let (parents, depends_on) = parents(&project, args)?;
    let target = Target::resolve(env, &args.auto.dev, "revision --autogenerate")?;
    let table = env
        .settings
        .table(args.auto.db.table.as_deref())
        .unwrap_or_else(|| DEFAULT_TABLE.to_owned());
    let files: Vec<SchemaFile> = match (&args.auto.to_db, &args.auto.to_cmd) {
        (Some(_), _) => Vec::new(),
        (None, Some(cmd)) => vec![scratch::command_output(cmd)?],
        (None, None) => scratch::schema_files(env)?,
    };
    let hints = scratch::hints(target.dialect, &files, &args.auto.rename)?;
    let migrations = Migrations::from_set(&project.set);

    let outcome = scratch::run(async {
        let mut pipeline = Pipeline::new(&migrations, target.server).table(table.clone());
        if let Some(hook) = scratch::progress(migrations.len()) {
            pipeline = pipeline.on_step(hook);
        }
        let result = drafted(
            &mut pipeline,
            &project,
            args,
            &files,
            &table,
            &hints,
            &parents,
        )
        .await;
        let finished = pipeline.finish().await;
        let outcome = result?;
        finished?;
        Ok(outcome)
    })?;

    let (up, written) = outcome;
    let Some((sections, verification)) = written else {
        writeln!(out, "no changes")?;
        not_generated(env, &up);
        return Ok(());
    };
    let path = write(
        &project,
        env,
        &NewFile {
            message: &args.message,
            rev_id: args.rev_id.as_deref(),
            parents: &parents,
            depends_on: &depends_on,
            labels: &args.branch_label,
            replaces: &[],
            sections: Some(sections),
        },
    )?;
    writeln!(out, "created {}", path.display())?;
    for w in &up.warnings {
        render::warning(env.reporter, &format!("{w}"));
    }
    not_generated(env, &up);
    for t in &verification.tables_without_rows {
        render::warning(
            env.reporter,
            &format!("verified on an empty table only, no row could be made up for {t}"),
        );
    }
    if let Some(e) = &verification.down_with_rows {
        render::warning(
            env.reporter,
            &format!(
                "the down section cannot run over the rows the up leaves ({e}); it was verified on empty tables: the up drops data it cannot give back"
            ),
        );
    }
    Ok(())
}

/// The up draft (for what it says on stderr) and, unless there is nothing
/// to do, the file's sections and what verification noticed.
type Drafted = (Draft, Option<(Sections, Verification)>);

/// Objects not generated, on stderr (they are also listed in the file).
fn not_generated(env: &Env<'_>, up: &Draft) {
    for n in &up.not_generated {
        render::warning(
            env.reporter,
            &format!(
                "not generated: {} {} (write its SQL by hand)",
                n.object.kind, n.object.name
            ),
        );
    }
}

/// The current and desired states, the drafts both ways and their
/// verification; `None` when there is nothing to do.
async fn drafted(
    pipeline: &mut Pipeline<'_>,
    project: &Project,
    args: &RevisionArgs,
    files: &[SchemaFile],
    table: &str,
    hints: &Hints,
    parents: &[String],
) -> Result<Drafted, CliError> {
    let dialect = pipeline.dialect();
    let current = pipeline.current().await?;
    let desired = match &args.auto.to_db {
        Some(url) => {
            let db = Db::connect(url).await?;
            let schema = read_live(&db, table).await;
            db.close().await;
            schema?
        }
        None => pipeline.desired(files).await?,
    };
    let up = draft(&current, &desired, hints, dialect);
    if up.is_empty() {
        return Ok((up, None));
    }
    let down = draft(&desired, &current, &hints.reversed(), dialect);
    let sections = sections(&up, &down);

    // The draft as a revision of the graph, under a temporary id.
    let mut sources = migrate_graph::read_dir(&project.dir)?;
    let mut file = RevisionFile::new(VERIFY_ID);
    file.parents = parents.to_vec();
    file.up = sections.up.clone();
    file.down = sections.down.clone();
    sources.push(SourceFile::new(format!("{VERIFY_ID}.sql"), file.render()));
    let set = migrate_graph::load_unmerged(&sources).map_err(|errors| CliError::Invalid {
        dir: project.dir.clone(),
        errors: errors.0,
        files: sources.clone(),
    })?;
    let with_draft = Migrations::from_set(&set);
    let mut verification = pipeline
        .verify(&with_draft, parents, &current, &desired)
        .await?;
    // Only a draft that loses data may have a down that cannot run over
    // the rows (it cannot bring back what it dropped); any other is wrong.
    let loses_data = up
        .warnings
        .iter()
        .any(|w| w.kind == migrate_schema::WarningKind::DataLoss);
    if let Some(e) = verification.down_with_rows.take_if(|_| !loses_data) {
        return Err(e.into());
    }
    Ok((up, Some((sections, verification))))
}

/// The two sections of the revision file: each draft's comment blocks
/// (warnings, objects not generated, notes) above its SQL.
fn sections(up: &Draft, down: &Draft) -> Sections {
    let section = |d: &Draft, text: String| SectionText {
        text,
        transaction: d.transaction,
    };
    Sections {
        comments: Vec::new(),
        // A blank line between the up SQL and the down marker.
        up: section(up, format!("{}\n", up.script())),
        down: if down.up.is_empty() {
            // Nothing renders the way back (the up only adds what down
            // cannot remove): say so rather than leave a section that
            // looks forgotten.
            DownText::Irreversible(down.script())
        } else {
            DownText::Sql(section(down, down.script()))
        },
    }
}
