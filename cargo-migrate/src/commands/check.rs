//! `check`: the macro's validation rules on the files, plus, with a database,
//! pending revisions, drift, unknown and failed revisions. For CI.

use super::json;
use super::Env;
use crate::args::CheckArgs;
use crate::db;
use crate::error::CliError;
use crate::project::Project;
use crate::render;
use migrate_graph::ValidationError;
use serde::Serialize;
use std::io::Write;

#[derive(Serialize)]
struct Problem {
    /// `file`, `lint`, `pending`, `drift`, `unknown` or `failed`.
    kind: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    revision: Option<String>,
    /// For schema problems: the SQL that would remove the difference.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    sql: Vec<String>,
}

#[derive(Serialize)]
struct Report {
    ok: bool,
    revisions: usize,
    heads: Vec<String>,
    database_checked: bool,
    schema_checked: bool,
    pending: Vec<String>,
    problems: Vec<Problem>,
}

/// Runs `check`.
pub(crate) fn run(args: &CheckArgs, env: &Env<'_>, out: &mut dyn Write) -> Result<(), CliError> {
    let dir = &env.settings.source;
    let connection = match (env.url, args.offline) {
        (Some(url), false) => Some(db::Connection::start(url)?),
        _ => None,
    };
    let files = migrate_graph::read_dir(dir)?;
    let mut problems: Vec<Problem> = Vec::new();
    let mut text = String::new();

    // Every rule of the macro; if only rule 5 (one head) fails, the graph is
    // still sound enough to compare with a database.
    let set = match migrate_graph::load(&files) {
        Ok(set) => Some(set),
        Err(errors) => {
            text.push_str(&render::validation_problems(dir, &errors.0, &files));
            for e in &errors.0 {
                problems.push(Problem {
                    kind: "file",
                    message: e.message(),
                    file: (!e.file().is_empty()).then(|| dir.join(e.file()).display().to_string()),
                    line: Some(e.line()),
                    revision: None,
                    sql: Vec::new(),
                });
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

    // The lint, when the dialect is known: its errors fail `check`; its
    // warnings are left to `cargo migrate lint`, so that `check` stays quiet
    // on what passes.
    if let Some(project) = &project {
        for (f, rendered) in super::lint::check_findings(env, dir, &files, &project.set) {
            if f.severity == migrate_lint::Severity::Error {
                text.push_str(&rendered);
                problems.push(Problem {
                    kind: "lint",
                    message: format!("[{}] {}", f.rule, f.message),
                    file: Some(dir.join(&f.file).display().to_string()),
                    line: Some(f.line),
                    revision: Some(f.revision),
                    sql: Vec::new(),
                });
            }
        }
    }

    let mut report = Report {
        ok: false,
        revisions: project.as_ref().map_or(files.len(), |p| p.graph().len()),
        heads: project
            .as_ref()
            .map(|p| {
                p.graph()
                    .heads()
                    .iter()
                    .map(|&h| p.graph().id(h).to_owned())
                    .collect()
            })
            .unwrap_or_default(),
        database_checked: false,
        schema_checked: false,
        pending: Vec::new(),
        problems: Vec::new(),
    };

    if let (Some(project), Some(connection)) = (&project, connection) {
        let status = connection.status(
            project,
            env.settings.table(args.db.table.as_deref()).as_deref(),
        )?;
        report.database_checked = true;
        report.pending = status.pending.clone();
        let mut add = |kind, message: String, hint: &str, revision: Option<String>| {
            text.push_str(&render::problem(&message, Some(hint)));
            problems.push(Problem {
                kind,
                message,
                file: None,
                line: None,
                revision,
                sql: Vec::new(),
            });
        };
        if !status.pending.is_empty() {
            add(
                "pending",
                format!(
                    "the database is not up to date: {} revision(s) pending ({})",
                    status.pending.len(),
                    status.pending.join(", ")
                ),
                "run `cargo migrate upgrade heads`",
                None,
            );
        }
        for (id, file) in &status.drifted {
            add(
                "drift",
                format!("revision {id} ({}) was edited after it was applied", project.dir.join(file).display()),
                &format!("revert the edit, or accept it with `cargo migrate stamp --accept-checksum {id}`"),
                Some(id.clone()),
            );
        }
        if !status.unknown.is_empty() {
            add(
                "unknown",
                format!(
                    "the database has applied revision(s) {} that {} does not contain",
                    status.unknown.join(", "),
                    project.dir.display()
                ),
                "check out the branch that has them, or downgrade with the build that has them",
                None,
            );
        }
        for id in &status.failed {
            add(
                "failed",
                format!("revision {id} failed or was interrupted and may be partly applied"),
                &format!("check the schema, then `cargo migrate resolve {id} --applied` or `--rolled-back`"),
                Some(id.clone()),
            );
        }
    }

    if let Some(project) = &project {
        // The live database is compared only when it is at the heads: a
        // database behind is already reported as pending.
        let live = (report.database_checked && report.pending.is_empty())
            .then_some(env.url)
            .flatten();
        if let Some(found) = super::schema::check(args, env, project, live)? {
            report.schema_checked = true;
            for p in found {
                text.push_str(&render::problem(&p.message, None));
                for statement in &p.sql {
                    text.push_str(&format!("    {}\n", statement.replace('\n', "\n    ")));
                }
                problems.push(Problem {
                    kind: p.kind,
                    message: p.message,
                    file: None,
                    line: None,
                    revision: None,
                    sql: p.sql,
                });
            }
        }
    }

    report.ok = problems.is_empty();
    report.problems = problems;
    let count = report.problems.len();
    if args.json {
        json::write(out, &report)?;
    } else if count == 0 {
        let heads = report.heads.join(", ");
        let db = match (report.database_checked, report.schema_checked) {
            (true, true) => {
                "; the database is up to date; the migrations reproduce the desired schema"
            }
            (true, false) => "; the database is up to date",
            (false, true) => "; the migrations reproduce the desired schema",
            (false, false) => "",
        };
        writeln!(
            out,
            "ok: {} revision(s), head {}{db}",
            report.revisions,
            if heads.is_empty() { "<none>" } else { &heads }
        )?;
    } else {
        out.flush()?;
        render::diagnostics(env.reporter, &text);
    }
    if count > 0 {
        return Err(CliError::CheckFailed { count });
    }
    Ok(())
}
