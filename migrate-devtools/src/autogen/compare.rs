//! Two schemas compared, the difference rendered as SQL in the dialect:
//! what the stairway reports and what a squash's check refuses.

use migrate_runtime::Dialect;
use migrate_schema::{draft, Hints, Presence, Schema};

/// `None` when `actual` is `expected`; else the SQL that turns `expected`
/// into `actual` (what differs), then a comment line per object outside
/// the diff (view, trigger...) that differs.
pub(crate) fn differences(
    expected: &Schema,
    actual: &Schema,
    dialect: Dialect,
) -> Option<Vec<String>> {
    let d = draft(expected, actual, &Hints::new(), dialect);
    let mut out: Vec<String> = d.up.into_iter().map(|s| s.sql).collect();
    if out.is_empty() && !d.changes.is_empty() {
        // A change the renderer writes no SQL for: say what it is.
        out.extend(d.changes.iter().map(|c| format!("-- {c:?}")));
    }
    for n in &d.not_generated {
        let how = match n.presence {
            Presence::DesiredOnly => "present, not expected",
            Presence::CurrentOnly => "expected, missing",
            Presence::Changed => "its definition differs",
            // No definition to compare: not a difference anyone can show.
            Presence::Unknown => continue,
        };
        out.push(format!("-- {} {}: {how}", n.object.kind, n.object.name));
    }
    (!out.is_empty()).then_some(out)
}
