//! The lines both command lines print while they change a database: the
//! application's own `migrate` command and `cargo migrate` share them, so
//! that the two read the same.

use crate::types::{Direction, Report, StepEvent, WaitEvent};

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

/// The heads after a run, or `base`.
pub fn at(report: &Report) -> String {
    if report.heads.is_empty() {
        "base".to_owned()
    } else {
        report.heads.join(", ")
    }
}
