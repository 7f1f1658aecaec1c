//! `rehearse`: the pending migrations run on a copy of the database
//! (migrate-devtools' `Rehearsal`), for `cargo migrate rehearse` and an
//! application's own `migrate rehearse` (feature `rehearse`): the report
//! as a table or JSON, exit 1 when the rehearsal fails, Ctrl-C and SIGTERM
//! dropping the copy.

use super::context::Context;
use super::context::Database;
use super::error::CmdError;
use super::signal::until_signal;
use migrate_devtools::rehearse::{Rehearsal, RehearsalReport, StatementRun};
use migrate_runtime::{DatabaseUrl, Migrations, DEFAULT_TABLE};
use serde_json::{json, Value};
use std::io::{IsTerminal, Write};
use std::time::Duration;

/// The rehearsal's options, as both command lines take them (each adds
/// its own `--dev-url` and database options beside them).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Settings {
    /// Rehearse the upgrade to TARGET: `heads` (default), `head`, a
    /// revision id, an id prefix or a branch label.
    #[arg(value_name = "TARGET")]
    pub target: Option<String>,
    /// The database to copy (only read). Default: the database URL.
    #[arg(long, value_name = "URL")]
    pub from_url: Option<String>,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Keep the copy afterwards and print its URL (password hidden).
    /// PostgreSQL and MariaDB copies need --dev-url to be kept on.
    #[arg(long)]
    pub keep: bool,
    /// Exit 1 when a lock stronger than row-level (one that blocks writes)
    /// is held longer than SECONDS on the copy.
    #[arg(long, value_name = "SECONDS")]
    pub max_lock: Option<f64>,
    /// Do not roll back on the copy (nor upgrade again).
    #[arg(long)]
    pub no_down: bool,
    /// Copy the schema and about PERCENT of each table's rows (the version
    /// table whole), for a database too large to copy: the report says so.
    #[arg(long, value_name = "PERCENT")]
    pub sample: Option<f64>,
    /// The dev server may be the source's own server (`cargo migrate`:
    /// migrate.toml's `dev_url_same_server` names the source's database).
    #[arg(skip)]
    pub same_server_allowed: bool,
}

/// The application's `migrate rehearse` options.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct RehearseArgs {
    #[command(flatten)]
    pub settings: Settings,
    /// The server for the copy; a user there must be allowed to CREATE
    /// DATABASE; never the source's own server. Default: a private server
    /// started from the installed server binaries.
    #[arg(
        long,
        value_name = "URL",
        env = "MIGRATE_DEV_URL",
        hide_env_values = true
    )]
    pub dev_url: Option<String>,
}

/// Rehearses `migrations` on a copy of `source` on the server of `dev`
/// (default: a private server started for it; never the source's own
/// server unless `settings.same_server_allowed`), with `table` as the version table; prints the
/// report on `out`. `Err(RehearsalFailed)` when it failed; Ctrl-C or
/// SIGTERM drop the copy and give `Err(Interrupted)`.
pub async fn rehearse<W: Write + ?Sized>(
    migrations: &Migrations,
    source: DatabaseUrl,
    dev: Option<DatabaseUrl>,
    table: Option<&str>,
    settings: &Settings,
    out: &mut W,
) -> Result<(), CmdError> {
    let mut rehearsal = Rehearsal::new(migrations, source)
        .table(table.unwrap_or(DEFAULT_TABLE))
        .down(!settings.no_down)
        .keep(settings.keep)
        .same_server_allowed(settings.same_server_allowed);
    if let Some(dev) = dev {
        rehearsal = rehearsal.dev(dev);
    }
    rehearsal = super::options::bounded(
        rehearsal,
        settings.target.as_deref(),
        settings.max_lock,
        settings.sample,
    );
    let progress = !settings.json && std::io::stderr().is_terminal();
    if progress {
        rehearsal = rehearsal.on_progress(|line| {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K{line}");
            let _ = err.flush();
        });
    }
    let report = until_signal(rehearsal.run()).await?;
    if progress {
        eprint!("\r\x1b[2K");
    }
    // Rendered whole, then written: `out` may be any writer, `Send` or not.
    let mut text = Vec::new();
    if settings.json {
        super::show::write_json(&mut text, &to_json(&report)).map_err(CmdError::Output)?;
    } else {
        write_text(&mut text, &report).map_err(CmdError::Output)?;
    }
    out.write_all(&text).map_err(CmdError::Output)?;
    if report.passed() {
        return Ok(());
    }
    Err(CmdError::RehearsalFailed {
        what: report.failures().join("; "),
    })
}

/// The application's `migrate rehearse`: the source is `--from-url`, else
/// the command's database URL (a service's own pool cannot be copied).
pub(crate) async fn run(
    cx: &Context<'_, Migrations>,
    args: &RehearseArgs,
    out: &mut (dyn Write + Send),
) -> Result<(), CmdError> {
    let source = match (&args.settings.from_url, &cx.database) {
        (Some(u), _) => DatabaseUrl::parse(u)?,
        (None, Database::Url { url: Some(u), .. }) => u.as_ref().clone()?,
        (None, Database::Url { env, .. }) => {
            return Err(CmdError::NoDatabaseUrl {
                command: "rehearse",
                env: env.clone(),
            })
        }
        (None, Database::Pool(_)) => {
            return Err(CmdError::NoDatabaseUrl {
                command: "rehearse --from-url URL",
                env: "DATABASE_URL".to_owned(),
            })
        }
    };
    let dev = args
        .dev_url
        .as_deref()
        .map(DatabaseUrl::parse)
        .transpose()?;
    rehearse(cx.migrations, source, dev, cx.table, &args.settings, out).await
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn write_statements(out: &mut dyn Write, statements: &[StatementRun]) -> std::io::Result<()> {
    for s in statements {
        writeln!(
            out,
            "    #{:<3} {:>12}  {:>9} rows  {}",
            s.number,
            ms(s.duration),
            s.rows_affected,
            s.text
        )?;
        if let Some(a) = &s.algorithm {
            writeln!(out, "          algorithm {a}")?;
        }
        for l in &s.locks {
            writeln!(
                out,
                "          lock {} on {} held {}{}",
                l.mode,
                l.relation,
                ms(l.held),
                if l.strong { " (blocks writes)" } else { "" }
            )?;
        }
    }
    Ok(())
}

/// The report as a table: a line per revision, statement and lock.
pub fn write_text(out: &mut dyn Write, r: &RehearsalReport) -> std::io::Result<()> {
    writeln!(
        out,
        "copy of {}: {} in {:.1} s{}",
        r.source,
        r.copy.method,
        r.copy.duration.as_secs_f64(),
        match r.copy.sample {
            Some(p) => format!(" (SAMPLE of {p}% of the rows: times and sizes are for the sample)"),
            None => String::new(),
        }
    )?;
    match r.sampling.looks {
        0 => writeln!(out, "locks from: {:?}", r.lock_source)?,
        n => writeln!(
            out,
            "locks from: {:?} (sampled: {n} looks, {} round trip)",
            r.lock_source,
            ms(r.sampling.busy)
        )?,
    }
    if r.revisions.is_empty() {
        writeln!(
            out,
            "nothing pending: the copy is at {}",
            r.started_at.join(", ")
        )?;
    }
    for rev in &r.revisions {
        let state = if rev.error.is_some() { "FAILED" } else { "ok" };
        writeln!(
            out,
            "up   {state:<6} {} ({})  {}",
            rev.id,
            rev.file,
            ms(rev.duration)
        )?;
        write_statements(out, &rev.statements)?;
        if let Some(e) = &rev.error {
            writeln!(out, "    error: {e}")?;
        }
        for w in &rev.rewrites {
            match w.statement {
                Some(n) => writeln!(out, "    rewrite: {} {} (statement #{n})", w.table, w.how)?,
                None => writeln!(out, "    rewrite: {} {}", w.table, w.how)?,
            }
        }
        for s in &rev.sizes {
            writeln!(
                out,
                "    size: {} {:?} -> {:?} bytes",
                s.table, s.before, s.after
            )?;
        }
    }
    if let Some(rb) = &r.rollback {
        if let Some(why) = &rb.skipped {
            writeln!(out, "rollback skipped: {why}")?;
        } else {
            writeln!(out, "rollback to {}: {}", start(r), ms(rb.duration))?;
            for rev in r.revisions.iter().rev() {
                let Some(d) = &rev.down else { continue };
                let state = if d.error.is_some() { "FAILED" } else { "ok" };
                writeln!(
                    out,
                    "down {state:<6} {} ({})  {}",
                    rev.id,
                    rev.file,
                    ms(d.duration)
                )?;
                write_statements(out, &d.statements)?;
                if let Some(e) = &d.error {
                    writeln!(out, "    error: {e}")?;
                }
            }
            for d in &rb.schema_differences {
                writeln!(out, "    schema not back: {d}")?;
            }
            for l in &rb.lost {
                writeln!(
                    out,
                    "    lost: {} had {} row(s), has {} (rows or values did not come back)",
                    l.table,
                    l.rows_before,
                    l.rows_after
                        .map_or("no table".to_owned(), |n| n.to_string())
                )?;
            }
            if let Some(a) = rb.again {
                writeln!(out, "upgrade again: {}", ms(a))?;
            }
            if let Some(e) = &rb.again_error {
                writeln!(out, "    error: {e}")?;
            }
            for d in &rb.again_differences {
                writeln!(out, "    ends elsewhere: {d}")?;
            }
        }
    }
    if let Some(k) = &r.copy.kept {
        writeln!(out, "the copy is kept: {k}")?;
    }
    if r.passed() {
        writeln!(out, "ok: {} revision(s) rehearsed", r.revisions.len())?;
    } else {
        for f in r.failures() {
            writeln!(out, "FAILED: {f}")?;
        }
    }
    Ok(())
}

fn start(r: &RehearsalReport) -> String {
    if r.started_at.is_empty() {
        "base".to_owned()
    } else {
        r.started_at.join(", ")
    }
}

fn statements_json(statements: &[StatementRun]) -> Value {
    statements
        .iter()
        .map(|s| {
            json!({
                "number": s.number,
                "line": s.line,
                "sql": s.text,
                "duration_ms": s.duration.as_secs_f64() * 1000.0,
                "rows_affected": s.rows_affected,
                "algorithm": s.algorithm,
                "locks": s.locks.iter().map(|l| json!({
                    "relation": l.relation,
                    "mode": l.mode,
                    "held_ms": l.held.as_secs_f64() * 1000.0,
                    "blocks_writes": l.strong,
                })).collect::<Vec<_>>(),
            })
        })
        .collect()
}

/// The `--json` report; its shape: add fields, never rename or remove them.
pub fn to_json(r: &RehearsalReport) -> Value {
    json!({
        "dialect": r.dialect.to_string(),
        "passed": r.passed(),
        "failures": r.failures(),
        "source": r.source,
        "copy": {
            "method": r.copy.method,
            "sample_percent": r.copy.sample,
            "duration_ms": r.copy.duration.as_secs_f64() * 1000.0,
            "kept": r.copy.kept,
        },
        "lock_source": format!("{:?}", r.lock_source),
        "lock_sampling": {
            "looks": r.sampling.looks,
            "busy_ms": r.sampling.busy.as_secs_f64() * 1000.0,
        },
        "started_at": r.started_at,
        "max_lock_s": r.max_lock.map(|d| d.as_secs_f64()),
        "revisions": r.revisions.iter().map(|rev| json!({
            "id": rev.id,
            "file": rev.file,
            "message": rev.message,
            "duration_ms": rev.duration.as_secs_f64() * 1000.0,
            "error": rev.error,
            "statements": statements_json(&rev.statements),
            "rewrites": rev.rewrites.iter().map(|w| json!({"table": w.table, "how": w.how, "statement": w.statement})).collect::<Vec<_>>(),
            "sizes": rev.sizes.iter().map(|s| json!({"table": s.table, "before": s.before, "after": s.after})).collect::<Vec<_>>(),
            "down": rev.down.as_ref().map(|d| json!({
                "duration_ms": d.duration.as_secs_f64() * 1000.0,
                "error": d.error,
                "statements": statements_json(&d.statements),
            })),
        })).collect::<Vec<_>>(),
        "rollback": r.rollback.as_ref().map(|rb| json!({
            "skipped": rb.skipped,
            "duration_ms": rb.duration.as_secs_f64() * 1000.0,
            "error": rb.error,
            "schema_differences": rb.schema_differences,
            "lost": rb.lost.iter().map(|l| json!({"table": l.table, "rows_before": l.rows_before, "rows_after": l.rows_after})).collect::<Vec<_>>(),
            "again_ms": rb.again.map(|a| a.as_secs_f64() * 1000.0),
            "again_error": rb.again_error,
            "again_differences": rb.again_differences,
        })),
        "long_locks": r.long_locks.iter().map(|l| json!({
            "revision": l.revision,
            "direction": match l.direction {
                migrate_runtime::Direction::Up => "up",
                migrate_runtime::Direction::Down => "down",
            },
            "statement": l.statement,
            "relation": l.lock.relation,
            "mode": l.lock.mode,
            "held_ms": l.lock.held.as_secs_f64() * 1000.0,
        })).collect::<Vec<_>>(),
    })
}
