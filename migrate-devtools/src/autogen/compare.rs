//! Two schemas compared, the difference rendered as SQL in the dialect:
//! what the stairway reports and what a squash's check refuses.

use migrate_runtime::Dialect;
use migrate_schema::{draft, Hints, Presence, Schema};

/// `None` when `actual` is `expected`; else the SQL that turns `expected`
/// into `actual` (what differs: views, routines, triggers, sequences,
/// policies and the other kinds drafts write are in it), then a comment
/// line per object of a kind no SQL is written for (a partition, a MariaDB
/// sequence...) that differs, saying it is not compared by SQL.
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
            Presence::DesiredOnly => "present, not expected (not generated)",
            Presence::CurrentOnly => "expected, missing (not generated)",
            Presence::Changed => "its definition differs (not generated)",
            // No definition on either side (an aggregate, a MariaDB
            // sequence): nothing shows a difference; drafts list them as
            // "on both sides, not compared".
            Presence::Unknown => continue,
        };
        out.push(format!("-- {} {}: {how}", n.object.kind, n.object.name));
    }
    (!out.is_empty()).then_some(out)
}
