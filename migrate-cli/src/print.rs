//! The lines both command lines print while they change a database: the
//! application's own `migrate` command and `cargo migrate` share them, so
//! that the two read the same.

use migrate_runtime::Migrator;
use migrate_runtime::{Direction, Report, StepEvent, WaitEvent};
use std::io::{IsTerminal, Write};

/// Whether progress lines go out: on a terminal, or when asked with `-v`.
/// Quiet when piped, so that scripts see only what they asked for.
pub fn show_progress(verbose: bool) -> bool {
    verbose || std::io::stdout().is_terminal()
}

/// `m` printing a [`step`] line on stdout after each revision when
/// `progress` is on, and a [`wait`] line on stderr for a step stuck behind
/// another session's lock (also whenever stderr is a terminal, so that a
/// wait does not look like a hang).
pub fn progress(m: Migrator<'_>, progress: bool) -> Migrator<'_> {
    let mut m = m;
    if progress || std::io::stderr().is_terminal() {
        m = m.on_wait(|w| {
            let _ = writeln!(std::io::stderr().lock(), "{}", wait(w));
        });
    }
    if progress {
        // A closed pipe must not stop a migration half-way: the line is
        // lost, the work goes on.
        m = m.on_step(|s| {
            let _ = writeln!(std::io::stdout().lock(), "{}", step(s));
        });
    }
    m
}

/// `  -> 1f3a9c0b7d42  create todos  (3 ms)`; `<-` for a revert.
pub fn step(step: &StepEvent) -> String {
    let arrow = match step.direction {
        Direction::Up => "->",
        Direction::Down => "<-",
    };
    format!(
        "  {arrow} {}  {}  ({} ms)",
        step.revision,
        step.message,
        step.duration.as_millis()
    )
}

/// `  .. 1f3a9c0b7d42 still running after 5 s: waiting for a lock held by
/// pid 4242 (idle in transaction): LOCK TABLE todos`.
pub fn wait(wait: &WaitEvent) -> String {
    let what = match &wait.waiting_for {
        Some(what) => format!("waiting for {what}"),
        None => "the database reports no lock wait".to_owned(),
    };
    format!(
        "  .. {} still running after {} s: {what}",
        wait.revision,
        wait.waited.as_secs()
    )
}

/// What an upgrade or downgrade did, in one line: `applied 2 revision(s) in
/// 5 ms; the database is at 1f3a9c0b7d42`, or `nothing to do: ...`.
pub fn outcome(direction: Direction, report: &Report) -> String {
    if report.steps.is_empty() {
        return format!("nothing to do: the database is at {}", at(report));
    }
    let verb = match direction {
        Direction::Up => "applied",
        Direction::Down => "reverted",
    };
    let total: u128 = report.steps.iter().map(|s| s.duration.as_millis()).sum();
    format!(
        "{verb} {} revision(s) in {total} ms; the database is at {}",
        report.steps.len(),
        at(report)
    )
}

/// What an upgrade or downgrade prints when it is done: `backed up to
/// FILE` when it took a backup, then (with `progress`) its [`outcome`].
/// Newline-terminated lines, or nothing.
pub fn finished(direction: Direction, report: &Report, progress: bool) -> String {
    let mut out = String::new();
    if let Some(file) = &report.backup {
        out.push_str(&format!("backed up to {}\n", file.display()));
    }
    if progress {
        out.push_str(&outcome(direction, report));
        out.push('\n');
    }
    out
}

/// The heads after a run, or `base`.
pub fn at(report: &Report) -> String {
    if report.heads.is_empty() {
        "base".to_owned()
    } else {
        report.heads.join(", ")
    }
}

/// What a stamp recorded: `recorded as applied: ...`, `removed from the
/// record: ...`, then `the database is at ...`; or `nothing to stamp: ...`.
/// One line each, newline-terminated.
pub fn stamped(report: &Report) -> String {
    if report.stamped.is_empty() && report.unstamped.is_empty() {
        return format!("nothing to stamp: the database is at {}\n", at(report));
    }
    let mut out = String::new();
    if !report.stamped.is_empty() {
        out.push_str(&format!(
            "recorded as applied: {}\n",
            report.stamped.join(", ")
        ));
    }
    if !report.unstamped.is_empty() {
        out.push_str(&format!(
            "removed from the record: {}\n",
            report.unstamped.join(", ")
        ));
    }
    out.push_str(&format!("the database is at {}\n", at(report)));
    out
}

/// `stamp --accept-checksum`'s line; `revision` as `Graph::describe` gives it.
pub fn accepted(revision: &str) -> String {
    format!("accepted the current checksum of {revision}")
}

/// `resolve`'s line: `applied` for `--applied`, else `--rolled-back`.
pub fn resolved(revision: &str, applied: bool) -> String {
    format!("resolved {revision}: recorded that {}", resolution(applied))
}

/// What `resolve` records, as its confirmation question and line say it.
pub fn resolution(applied: bool) -> &'static str {
    if applied {
        "its changes are in place"
    } else {
        "its changes were rolled back"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn step(revision: &str, ms: u64) -> StepEvent {
        StepEvent {
            revision: revision.to_owned(),
            file_name: format!("{revision}.sql"),
            message: "m".to_owned(),
            direction: Direction::Up,
            duration: Duration::from_millis(ms),
        }
    }

    #[test]
    fn a_stamp_says_what_it_recorded_and_where_the_database_is() {
        let nothing = Report {
            heads: vec!["a1".to_owned()],
            ..Report::default()
        };
        assert_eq!(
            stamped(&nothing),
            "nothing to stamp: the database is at a1\n"
        );
        let moved = Report {
            stamped: vec!["b2".to_owned()],
            unstamped: vec!["c3".to_owned()],
            ..Report::default()
        };
        assert_eq!(
            stamped(&moved),
            "recorded as applied: b2\nremoved from the record: c3\nthe database is at base\n"
        );
    }

    #[test]
    fn a_finished_run_names_its_backup_and_with_progress_its_outcome() {
        let report = Report {
            steps: vec![step("a1", 2), step("b2", 3)],
            heads: vec!["b2".to_owned()],
            backup: Some("backups/db-at-base.sqlite".into()),
            ..Report::default()
        };
        assert_eq!(
            finished(Direction::Up, &report, false),
            "backed up to backups/db-at-base.sqlite\n"
        );
        assert_eq!(
            finished(Direction::Up, &report, true),
            "backed up to backups/db-at-base.sqlite\napplied 2 revision(s) in 5 ms; the database is at b2\n"
        );
        assert_eq!(finished(Direction::Down, &Report::default(), false), "");
    }
}
