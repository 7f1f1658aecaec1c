//! `test`: the stairway of migrate-runtime on scratch databases, its
//! report as text or JSON, exit 1 when a check fails.

use super::scratch::{self, Target};
use super::Env;
use crate::args::TestArgs;
use crate::error::CliError;
use crate::project::Project;
use migrate_cli::show::write_json;
use migrate_devtools::scratch::ScratchServer;
use migrate_devtools::stairway::{
    EndCheck, Failure, Outcome, RevisionReport, Stairway, StairwayReport,
};
use migrate_runtime::{Migrations, DEFAULT_TABLE};
use serde::Serialize;
use std::io::{IsTerminal, Write};

/// Runs `test`.
pub(crate) fn run(args: &TestArgs, env: &Env<'_>, out: &mut dyn Write) -> Result<(), CliError> {
    let project = Project::load(&env.settings.source)?;
    let server = server(args, env)?;
    let table = env
        .settings
        .table(args.db.table.as_deref())
        .unwrap_or_else(|| DEFAULT_TABLE.to_owned());
    let migrations = Migrations::from_set(&project.set);
    let mut stairway = Stairway::new(&migrations, server)
        .table(table)
        .privileges(args.privileges);
    if let Some(rev) = &args.from {
        stairway = stairway.from(rev.clone());
    }
    if let Some(rev) = &args.only {
        stairway = stairway.only(rev.clone());
    }
    if env.settings.schema.is_some() && args.only.is_none() {
        stairway = stairway.schema(scratch::schema_files(env)?);
    }
    if !args.json && std::io::stderr().is_terminal() {
        let total = stairway.planned()?;
        stairway = stairway.on_revision(progress(total));
    }
    let report = scratch::run(async { Ok(stairway.run().await?) })?;
    if args.json {
        write_json(out, &ReportJson::new(&report))?;
    } else {
        write_text(out, &report)?;
    }
    if let (true, Some(why)) = (report.passed(), &report.not_compared) {
        // A pass means pass: what only the dumps see was not looked at.
        return Err(CliError::StairwayFailed {
            what: format!("not compared: the schema dumps ({why})"),
        });
    }
    if report.passed() {
        return Ok(());
    }
    let failed: Vec<String> = report
        .failures()
        .map(|r| format!("{} ({})", r.id, r.file))
        .collect();
    let what = match failed.as_slice() {
        [one] => format!("revision {one}"),
        [_, ..] => format!("{} revisions: {}", failed.len(), failed.join(", ")),
        [] if report.orders.as_ref().is_some_and(|o| !o.passed()) => {
            "the heads end in different schemas in different orders".to_owned()
        }
        [] => "the migrations do not end in the desired schema".to_owned(),
    };
    Err(CliError::StairwayFailed { what })
}

/// The scratch server: as autogenerate finds it (`--dev-url`, `dev_url`,
/// the database URL), or in memory when migrate.toml says `dialect =
/// "sqlite"` and no URL is given.
fn server(args: &TestArgs, env: &Env<'_>) -> Result<ScratchServer, CliError> {
    Ok(Target::resolve(env, &args.dev, "test")?.server)
}

/// One line per revision checked, rewritten in place on stderr.
fn progress(total: usize) -> impl Fn(&RevisionReport) + Send + Sync {
    let done = std::sync::atomic::AtomicUsize::new(0);
    move |r: &RevisionReport| {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K[{n}/{total}] {} {}", r.id, word(&r.outcome));
        if n == total || matches!(r.outcome, Outcome::Failed(_)) {
            let _ = writeln!(err);
        }
    }
}

fn word(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Passed => "ok",
        Outcome::Irreversible => "irreversible",
        Outcome::Accepted { .. } => "accepted",
        Outcome::Failed(_) => "FAILED",
        _ => "?",
    }
}

fn write_text(out: &mut dyn Write, report: &StairwayReport) -> std::io::Result<()> {
    for r in &report.revisions {
        match &r.outcome {
            Outcome::Passed => writeln!(out, "ok            {} ({})", r.id, r.file)?,
            Outcome::Irreversible => writeln!(
                out,
                "irreversible  {} ({}): stepped over, its down is not checked",
                r.id, r.file
            )?,
            Outcome::Accepted { differences } => {
                writeln!(
                    out,
                    "accepted      {} ({}): its known differences are allowed:",
                    r.id, r.file
                )?;
                for d in differences {
                    writeln!(out, "    {}", d.replace('\n', "\n    "))?;
                }
            }
            Outcome::Failed(f) => writeln!(out, "FAILED        {} ({}): {f}", r.id, r.file)?,
            _ => {}
        }
    }
    if let Some(why) = &report.not_compared {
        writeln!(
            out,
            "not compared  the schema dumps: {why}; only what the schema model reads was compared"
        )?;
    }
    for what in &report.unchecked {
        writeln!(out, "not compared  {what}")?;
    }
    for (name, check) in [("heads", &report.orders), ("schema", &report.desired)] {
        let Some(check) = check else { continue };
        match &check.mismatch {
            None => writeln!(
                out,
                "ok            {name}: {} end in the same schema",
                check.compared.join(", ")
            )?,
            Some(m) => writeln!(out, "FAILED        {name}: {m}")?,
        }
    }
    let irreversible = report
        .revisions
        .iter()
        .filter(|r| r.outcome == Outcome::Irreversible)
        .count();
    if report.passed() {
        writeln!(
            out,
            "ok: {} revision(s) checked on {}, {irreversible} irreversible stepped over",
            report.revisions.len(),
            report.dialect
        )?;
    }
    Ok(())
}

/// The `--json` shape: add fields, never rename or remove them.
#[derive(Serialize)]
struct ReportJson<'a> {
    dialect: String,
    passed: bool,
    /// Why the schema dumps were not compared; `null` when they were.
    not_compared: Option<&'a str>,
    /// What was left out on purpose (grants... without `--privileges`).
    unchecked: &'a [String],
    revisions: Vec<RevisionJson<'a>>,
    /// `null` with one head or `--only`.
    heads: Option<EndJson<'a>>,
    /// `null` without `schema` in migrate.toml or with `--only`.
    schema: Option<EndJson<'a>>,
}

#[derive(Serialize)]
struct RevisionJson<'a> {
    id: &'a str,
    file: &'a str,
    message: &'a str,
    /// `passed`, `irreversible`, `accepted` or `failed`.
    outcome: &'static str,
    /// On failure: `up`, `down` or `up_again`.
    stage: Option<&'static str>,
    /// On a failing statement: it and the database's message.
    error: Option<&'a str>,
    /// On a schema that differs: the SQL turning the expected one into it.
    differences: Vec<&'a str>,
}

#[derive(Serialize)]
struct EndJson<'a> {
    compared: &'a [String],
    passed: bool,
    expected: Option<&'a str>,
    actual: Option<&'a str>,
    differences: Vec<&'a str>,
}

impl<'a> ReportJson<'a> {
    fn new(report: &'a StairwayReport) -> ReportJson<'a> {
        ReportJson {
            dialect: report.dialect.to_string(),
            passed: report.passed(),
            not_compared: report.not_compared.as_deref(),
            unchecked: &report.unchecked,
            revisions: report.revisions.iter().map(RevisionJson::new).collect(),
            heads: report.orders.as_ref().map(EndJson::new),
            schema: report.desired.as_ref().map(EndJson::new),
        }
    }
}

impl<'a> RevisionJson<'a> {
    fn new(r: &'a RevisionReport) -> RevisionJson<'a> {
        let mut json = RevisionJson {
            id: &r.id,
            file: &r.file,
            message: &r.message,
            outcome: match r.outcome {
                Outcome::Passed => "passed",
                Outcome::Irreversible => "irreversible",
                Outcome::Accepted { .. } => "accepted",
                _ => "failed",
            },
            stage: None,
            error: None,
            differences: Vec::new(),
        };
        match &r.outcome {
            Outcome::Failed(Failure::Step { stage, error }) => {
                json.stage = Some(stage.key());
                json.error = Some(error);
            }
            Outcome::Failed(Failure::Differs { stage, differences }) => {
                json.stage = Some(stage.key());
                json.differences = differences.iter().map(String::as_str).collect();
            }
            Outcome::Accepted { differences } => {
                json.differences = differences.iter().map(String::as_str).collect();
            }
            _ => {}
        }
        json
    }
}

impl<'a> EndJson<'a> {
    fn new(check: &'a EndCheck) -> EndJson<'a> {
        EndJson {
            compared: &check.compared,
            passed: check.passed(),
            expected: check.mismatch.as_ref().map(|m| m.expected.as_str()),
            actual: check.mismatch.as_ref().map(|m| m.actual.as_str()),
            differences: check
                .mismatch
                .iter()
                .flat_map(|m| m.differences.iter().map(String::as_str))
                .collect(),
        }
    }
}
