//! What a fleet run prints: a progress bar on a terminal while it runs,
//! then the distribution of tenants over revisions and the failures, as
//! text or `--json`.

use migrate_runtime::fleet::{FleetReport, Progress};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// A one-line progress bar on stderr, redrawn at most every 100 ms, only
/// when stderr is a terminal.
pub(crate) struct Bar {
    on: bool,
    last: Option<Instant>,
}

impl Bar {
    /// A bar, shown when `wanted` and stderr is a terminal.
    pub(crate) fn new(wanted: bool) -> Bar {
        Bar {
            on: wanted && std::io::stderr().is_terminal(),
            last: None,
        }
    }

    /// Redraws the bar (throttled).
    pub(crate) fn show(&mut self, p: &Progress) {
        if !self.on {
            return;
        }
        let now = Instant::now();
        if self
            .last
            .is_some_and(|t| now - t < migrate_runtime::fleet::PROGRESS_INTERVAL)
        {
            return;
        }
        self.last = Some(now);
        let total = p.done + p.failed + p.remaining.unwrap_or(0);
        let width = 30;
        let filled = ((p.done + p.failed) * width)
            .checked_div(total)
            .unwrap_or(width);
        let eta = p.eta().map(seconds).unwrap_or_else(|| "?".to_owned());
        eprint!(
            "\r\x1b[2K[{}{}] {} done, {} failed, {} remaining, {:.0}/s, ETA {eta}",
            "#".repeat(filled),
            " ".repeat(width - filled),
            p.done,
            p.failed,
            p.remaining.unwrap_or(0),
            p.rate(),
        );
    }

    /// Clears the bar's line.
    pub(crate) fn clear(&self) {
        if self.on && self.last.is_some() {
            eprint!("\r\x1b[2K");
        }
    }
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

/// What the summary says besides the report.
pub(crate) struct Extra<'a> {
    /// The operation (`upgrade`, `current`, ...).
    pub op: &'a str,
    /// Tenants an earlier run finished, not run again.
    pub already_done: usize,
    /// The state file or table, when kept for a later run.
    pub state: Option<String>,
}

/// Writes the summary.
pub(crate) fn write<W: Write + ?Sized>(
    out: &mut W,
    report: &FleetReport,
    extra: &Extra<'_>,
    json: bool,
) -> std::io::Result<()> {
    if json {
        let failed: Vec<_> = report
            .failed
            .iter()
            .map(|(id, error)| serde_json::json!({ "tenant": id, "error": error }))
            .collect();
        let value = serde_json::json!({
            "command": extra.op,
            "tenants": report.total() + extra.already_done,
            "done": report.done,
            "already_done": extra.already_done,
            "failed": failed,
            "skipped": report.skipped,
            "revisions": report.revisions,
            "elapsed_ms": report.elapsed.as_millis() as u64,
            "state": extra.state,
        });
        writeln!(out, "{value}")?;
        return out.flush();
    }
    let secs = report.elapsed.as_secs_f64();
    let rate = if secs > 0.0 {
        report.total() as f64 / secs
    } else {
        0.0
    };
    write!(
        out,
        "fleet {}: {} tenant(s): {} done, {} failed, {} skipped",
        extra.op,
        report.total() + extra.already_done,
        report.done,
        report.failed.len(),
        report.skipped,
    )?;
    if extra.already_done > 0 {
        write!(out, ", {} done by an earlier run", extra.already_done)?;
    }
    writeln!(out, " in {secs:.1} s ({rate:.0} tenants/s)")?;
    if !report.revisions.is_empty() {
        writeln!(out, "tenants per revision:")?;
        let mut rows: Vec<_> = report.revisions.iter().collect();
        rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (rev, n) in rows {
            writeln!(out, "  {n:>8}  {rev}")?;
        }
    }
    if !report.failed.is_empty() {
        writeln!(out, "failed tenants:")?;
        for (id, error) in &report.failed {
            writeln!(out, "  {id}: {error}")?;
        }
    }
    if let Some(state) = &extra.state {
        writeln!(
            out,
            "state kept in {state}: run the same command again to finish, or with --only-failed to retry the failures"
        )?;
    }
    out.flush()
}
