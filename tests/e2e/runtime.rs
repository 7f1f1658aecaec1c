//! The runtime against SQLite, PostgreSQL and MariaDB.
//!
//! Every test body runs once per backend (`<test>::sqlite`, `::postgres`,
//! `::mysql`) on a scratch database of its own; PostgreSQL and MariaDB tests
//! print `SKIP` and pass when their server variable is unset.
//!
//! The fixture migrations make their effects observable: the base revision
//! creates a `log` table, and every revision inserts its own id into it (and
//! deletes it when reverted). The database's real state (`log`) and the
//! version table must agree after every operation, and a revision applied
//! twice would show as a duplicate.

mod api;
mod failures;
mod locking;
mod offline;
mod processes;
mod squash;
mod steps;
mod targets;

use crate::support::{rev, strings, version_rows, Rev};
use migrate_runtime::Db;

/// The version table's default name.
pub const TABLE: &str = "migrate_versions";

/// A revision that logs itself; the first one (no parents) creates the log.
pub fn logged_rev(id: &str, revises: &[&str]) -> Rev {
    if revises.is_empty() {
        rev(id, revises)
            .up(&format!("CREATE TABLE log (rev VARCHAR(64) NOT NULL);\nINSERT INTO log (rev) VALUES ('{id}');"))
            .down("DROP TABLE log;")
    } else {
        rev(id, revises)
            .up(&format!("INSERT INTO log (rev) VALUES ('{id}');"))
            .down(&format!("DELETE FROM log WHERE rev = '{id}';"))
    }
}

/// A linear start, a branch and its merge:
///
/// ```text
/// aa01 -> bb02 -> cc03 -> ee05 -> ff06
///              \> cd04 /
/// ```
pub fn merge_fixture() -> Vec<Rev> {
    vec![
        logged_rev("aa01", &[]).named("01_aa01.sql"),
        logged_rev("bb02", &["aa01"]).named("02_bb02.sql"),
        logged_rev("cc03", &["bb02"]).named("03_cc03.sql"),
        logged_rev("cd04", &["bb02"]).named("04_cd04.sql"),
        logged_rev("ee05", &["cc03", "cd04"]).named("05_ee05.sql"),
        logged_rev("ff06", &["ee05"]).named("06_ff06.sql"),
    ]
}

/// Two labelled branches on one root, each with its own head:
///
/// ```text
/// r0 -> f1 (feature) -> f2
///    \> g1 (other)   -> g2
/// ```
pub fn branch_fixture() -> Vec<Rev> {
    vec![
        logged_rev("r0", &[]).named("01_r0.sql"),
        logged_rev("f1", &["r0"])
            .header("Branch Labels: feature")
            .named("02_f1.sql"),
        logged_rev("f2", &["f1"]).named("03_f2.sql"),
        logged_rev("g1", &["r0"])
            .header("Branch Labels: other")
            .named("04_g1.sql"),
        logged_rev("g2", &["g1"]).named("05_g2.sql"),
    ]
}

/// The ids in `log`, sorted; empty when the table does not exist.
pub async fn logged(db: &Db) -> Vec<String> {
    strings(db, "SELECT rev FROM log ORDER BY rev")
        .await
        .unwrap_or_default()
}

/// Asserts that exactly `ids` are applied: in the schema (`log`) and in the
/// version table, all in the `applied` state.
pub async fn assert_applied(db: &Db, ids: &[&str], context: &str) {
    let mut want: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(logged(db).await, want, "{context}: the log table");
    let rows: Vec<String> = want.iter().map(|id| format!("{id}:applied")).collect();
    assert_eq!(
        version_rows(db, TABLE).await,
        rows,
        "{context}: the version table"
    );
}

/// The revision ids of a report's steps, in order.
pub fn step_ids(report: &migrate_runtime::Report) -> Vec<&str> {
    report.steps.iter().map(|s| s.revision.as_str()).collect()
}

/// `err` is the runtime's refusal of a step whose version-row write changed
/// no row, naming `revision`.
pub fn assert_row_unchanged(err: &migrate_runtime::Error, revision: &str) {
    assert!(
        matches!(
            err,
            migrate_runtime::Error::RecordMismatch {
                expected: 1,
                changed: 0,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains(revision), "{err}");
}
