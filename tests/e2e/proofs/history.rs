//! A generated history with the shapes real projects have, walked to the
//! end: tables with views over `SELECT *` re-created around a new column,
//! seed rows, indexes; every fourth table loses a column its down re-adds
//! at the end (SQLite by a table rebuild, PostgreSQL by DROP COLUMN); on
//! PostgreSQL a view embedding `'now'::timestamp`. Each true difference is
//! reported in words at its revision, every revision is judged, and with
//! `-- migrate:allow stairway` lines the same history passes.

use super::{on, server, set};
use crate::support::{rev, Backend, Rev};
use migrate_devtools::stairway::{Outcome, Stairway};

/// The history: `blocks` tables, five revisions each; with `allow`, the
/// true differences are accepted. Returns the revisions and, per revision
/// that has a true difference, what its report must say.
pub(crate) fn history(b: Backend, blocks: usize, allow: bool) -> (Vec<Rev>, Vec<(String, String)>) {
    let mut revs = Vec::new();
    let mut expected = Vec::new();
    let mut parent: Option<String> = None;
    let mut push = |up: String, down: String, revs: &mut Vec<Rev>| -> String {
        let id = format!("r{:04}", revs.len() + 1);
        let parents: Vec<&str> = parent.iter().map(String::as_str).collect();
        revs.push(rev(&id, &parents).up(&up).down(&down));
        parent = Some(id.clone());
        id
    };
    for g in 0..blocks {
        let t = format!("t{g}");
        let v = format!("v{g}");
        push(
            format!("CREATE TABLE {t} (id INTEGER PRIMARY KEY, a TEXT, b INTEGER);"),
            format!("DROP TABLE {t};"),
            &mut revs,
        );
        push(
            format!("CREATE VIEW {v} AS SELECT * FROM {t};"),
            format!("DROP VIEW {v};"),
            &mut revs,
        );
        push(
            format!("DROP VIEW {v};\nALTER TABLE {t} ADD COLUMN c INTEGER;\nCREATE VIEW {v} AS SELECT * FROM {t};"),
            format!("DROP VIEW {v};\nALTER TABLE {t} DROP COLUMN c;\nCREATE VIEW {v} AS SELECT * FROM {t};"),
            &mut revs,
        );
        push(
            format!("INSERT INTO {t} (id, a, b) VALUES (1, 'x', 1);"),
            format!("DELETE FROM {t} WHERE id = 1;"),
            &mut revs,
        );
        let allow_line = |object: &str| {
            if allow {
                format!("-- migrate:allow stairway {object} the column comes back at the end; nothing reads it by position\n")
            } else {
                String::new()
            }
        };
        match (g % 4, b) {
            (3, Backend::Sqlite) => {
                let id = push(
                    format!("{}DROP VIEW {v};\nCREATE TABLE {t}_new (id INTEGER PRIMARY KEY, b INTEGER, c INTEGER);\nINSERT INTO {t}_new (id, b, c) SELECT id, b, c FROM {t};\nDROP TABLE {t};\nALTER TABLE {t}_new RENAME TO {t};\nCREATE VIEW {v} AS SELECT * FROM {t};", allow_line(&t)),
                    format!("DROP VIEW {v};\nALTER TABLE {t} ADD COLUMN a TEXT;\nCREATE VIEW {v} AS SELECT * FROM {t};"),
                    &mut revs,
                );
                expected.push((id, format!("column a of {t} moved from position 2 to 4")));
            }
            (3, _) => {
                let id = push(
                    format!("{}{}DROP VIEW {v};\nALTER TABLE {t} DROP COLUMN a;\nCREATE VIEW {v} AS SELECT * FROM {t};", allow_line(&t), allow_line(&v)),
                    format!("DROP VIEW {v};\nALTER TABLE {t} ADD COLUMN a TEXT;\nCREATE VIEW {v} AS SELECT * FROM {t};"),
                    &mut revs,
                );
                expected.push((id, format!("column a of {t} moved from position 2 to 4")));
            }
            (1, Backend::Postgres) => {
                let now = format!("vnow{g}");
                let id = push(
                    format!(
                        "{}CREATE VIEW {now} AS SELECT id, 'now'::timestamp AS at FROM {t};",
                        allow_line(&now)
                    ),
                    format!("DROP VIEW {now};"),
                    &mut revs,
                );
                expected.push((id, format!("view {now}: definition differs:")));
            }
            _ => {
                push(
                    format!("CREATE INDEX i{g} ON {t} (b);"),
                    format!(
                        "DROP INDEX i{g}{};",
                        if b == Backend::MySql {
                            format!(" ON {t}")
                        } else {
                            String::new()
                        }
                    ),
                    &mut revs,
                );
            }
        }
    }
    (revs, expected)
}

async fn generated_history_walks_to_the_end(b: Backend) {
    let blocks = if b == Backend::Sqlite { 60 } else { 24 };
    let (revs, expected) = history(b, blocks, false);
    let report = Stairway::new(set(&revs), server(b))
        .run()
        .await
        .expect("the stairway runs");
    // Every revision judged, not just the ones before the first failure.
    assert_eq!(report.revisions.len(), revs.len(), "{report:#?}");
    let failed: Vec<&str> = report.failures().map(|r| r.id.as_str()).collect();
    let wanted: Vec<&str> = expected.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(failed, wanted);
    for (id, words) in &expected {
        let r = report.revisions.iter().find(|r| &r.id == id).unwrap();
        let Outcome::Failed(f) = &r.outcome else {
            unreachable!()
        };
        let text = f.to_string();
        assert!(
            text.contains(words.as_str()),
            "{id}: `{words}` not in:\n{text}"
        );
    }

    let (revs, _) = history(b, blocks, true);
    let report = Stairway::new(set(&revs), server(b))
        .run()
        .await
        .expect("the stairway runs");
    assert!(report.passed(), "{report:#?}");
    let accepted: Vec<&str> = report
        .revisions
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Accepted { .. }))
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(accepted, wanted);
}
on!(generated_history_walks_to_the_end: sqlite = Sqlite, postgres = Postgres);
