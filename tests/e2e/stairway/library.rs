//! `migrate_devtools::stairway::Stairway` on each backend: a down that
//! forgets an index or drops too much fails naming the revision and the SQL
//! that differs; a data migration passes; irreversible revisions are
//! stepped over; heads in either order; the end against a desired schema;
//! `from`, `only` and the progress hook.

use super::cases;
use super::each_backend;
use crate::support::{files, rev, Backend, Rev};
use migrate_devtools::autogen::SchemaFile;
use migrate_devtools::scratch::ScratchServer;
use migrate_devtools::stairway::{Failure, Outcome, Stage, Stairway, StairwayReport};
use migrate_graph::SourceFile;
use migrate_runtime::{DatabaseUrl, Migrations};
use std::sync::{Arc, Mutex};

/// The scratch server of `backend`: in memory, or the test server.
pub(crate) fn server(backend: Backend) -> ScratchServer {
    match backend.server_url() {
        None => ScratchServer::sqlite(),
        Some(url) => ScratchServer::new(backend.dialect(), &DatabaseUrl::parse(&url).unwrap())
            .expect("a scratch server"),
    }
}

/// The set of `revs`; several heads allowed, as `cargo migrate` allows
/// them (the macro would ask for a merge).
fn set(revs: &[Rev]) -> &'static Migrations {
    let sources: Vec<SourceFile> = files(revs)
        .into_iter()
        .map(|(name, text)| SourceFile::new(name, text))
        .collect();
    let set = migrate_graph::load_unmerged(&sources).expect("valid test migrations");
    Box::leak(Box::new(Migrations::from_set(&set)))
}

async fn run(backend: Backend, revs: &[Rev]) -> StairwayReport {
    Stairway::new(set(revs), server(backend))
        .run()
        .await
        .expect("the stairway runs")
}

fn outcomes(report: &StairwayReport) -> Vec<(&str, &Outcome)> {
    report
        .revisions
        .iter()
        .map(|r| (r.id.as_str(), &r.outcome))
        .collect()
}

/// The differences of the one failing revision, which must be `id` at `stage`.
fn differences<'a>(report: &'a StairwayReport, id: &str, stage: Stage) -> &'a [String] {
    let failed: Vec<_> = report.failures().collect();
    assert_eq!(failed.len(), 1, "{report:#?}");
    assert_eq!(failed[0].id, id, "{report:#?}");
    match &failed[0].outcome {
        Outcome::Failed(Failure::Differs {
            stage: s,
            differences,
        }) if *s == stage => differences,
        other => panic!("expected a difference after the {stage}: {other:?}"),
    }
}

each_backend!(
    forgotten_index,
    dropped_too_much,
    data_migration_passes,
    irreversible_is_stepped_over,
    two_heads_in_either_order,
    heads_whose_order_matters,
    heads_in_an_order_that_fails,
    desired_schema_end,
    from_only_and_progress,
    failing_down_statement,
    forgotten_view,
    merge_revision,
    squash_checked_alone,
);

async fn forgotten_index(backend: Backend) {
    let report = run(backend, &cases::forgets_index()).await;
    assert!(!report.passed());
    let d = differences(&report, "b2", Stage::Down).join("\n");
    assert!(
        d.contains("CREATE INDEX") && d.contains("t_name_idx"),
        "{d}"
    );
    assert_eq!(report.revisions[0].outcome, Outcome::Passed);
    assert_eq!(report.revisions[1].file, "b2.sql");
    // The walk goes on after the failure, from a database rebuilt at b2:
    // c3 is judged too; no end check is made after a failure.
    assert_eq!(report.revisions.len(), 3, "{report:#?}");
    assert_eq!(report.revisions[2].outcome, Outcome::Passed, "{report:#?}");
    assert!(report.orders.is_none() && report.desired.is_none());
}

async fn dropped_too_much(backend: Backend) {
    let report = run(backend, &cases::drops_too_much()).await;
    let d = differences(&report, "b2", Stage::Down).join("\n");
    assert!(d.contains("DROP TABLE"), "{d}");
    assert!(d.contains("\"t\"") || d.contains("`t`"), "{d}");
    assert!(!d.contains("\"u\"") && !d.contains("`u`"), "{d}");
}

async fn data_migration_passes(backend: Backend) {
    let report = run(backend, &cases::data_migration()).await;
    assert!(report.passed(), "{report:#?}");
    assert_eq!(
        outcomes(&report),
        [
            ("a1", &Outcome::Passed),
            ("b2", &Outcome::Passed),
            ("c3", &Outcome::Passed)
        ]
    );
}

async fn irreversible_is_stepped_over(backend: Backend) {
    let report = run(backend, &cases::with_irreversible()).await;
    assert!(report.passed(), "{report:#?}");
    assert_eq!(
        outcomes(&report),
        [
            ("a1", &Outcome::Passed),
            ("b2", &Outcome::Irreversible),
            ("c3", &Outcome::Passed)
        ]
    );
}

async fn two_heads_in_either_order(backend: Backend) {
    let report = run(backend, &cases::two_heads()).await;
    assert!(report.passed(), "{report:#?}");
    let orders = report.orders.as_ref().expect("two heads: orders compared");
    assert_eq!(
        orders.compared,
        [
            "the apply order",
            "heads in order (b, c)",
            "heads reversed (c, b)"
        ]
    );
    assert!(orders.passed());
    // Reverting one head left the other alone (`c` is checked with `b` applied).
    assert_eq!(report.revisions.len(), 3);
}

async fn heads_whose_order_matters(backend: Backend) {
    let report = run(backend, &cases::order_dependent()).await;
    // Each revision passes its own stairway; only the end differs.
    assert_eq!(report.failures().count(), 0, "{report:#?}");
    assert!(!report.passed());
    let orders = report.orders.as_ref().unwrap();
    let m = orders.mismatch.as_ref().expect("the orders differ");
    assert_eq!(m.actual, "heads reversed (c, b)");
    let d = m.differences.join("\n");
    assert!(d.contains("copy") && d.contains('x'), "{d}");
}

async fn desired_schema_end(backend: Backend) {
    let revs = cases::two_heads();
    let file = |text: &str| SchemaFile {
        name: "schema.sql".to_owned(),
        text: text.to_owned(),
    };
    let same = "CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(50));\nCREATE TABLE tb (id INTEGER);\nCREATE TABLE tc (id INTEGER);\n";
    let report = Stairway::new(set(&revs), server(backend))
        .schema(vec![file(same)])
        .run()
        .await
        .unwrap();
    assert!(report.passed(), "{report:#?}");
    assert!(report.desired.as_ref().unwrap().passed());

    let more = format!("{same}CREATE TABLE td (id INTEGER);\n");
    let report = Stairway::new(set(&revs), server(backend))
        .schema(vec![file(&more)])
        .run()
        .await
        .unwrap();
    assert!(!report.passed());
    assert_eq!(report.failures().count(), 0);
    let m = report.desired.as_ref().unwrap().mismatch.as_ref().unwrap();
    assert_eq!(m.actual, "schema.sql");
    let d = m.differences.join("\n");
    assert!(d.contains("CREATE TABLE") && d.contains("td"), "{d}");
}

async fn from_only_and_progress(backend: Backend) {
    let revs = cases::with_irreversible();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let hook = Arc::clone(&seen);
    let report = Stairway::new(set(&revs), server(backend))
        .from("b2")
        .on_revision(move |r| hook.lock().unwrap().push(r.id.clone()))
        .run()
        .await
        .unwrap();
    assert_eq!(outcomes(&report).len(), 2, "{report:#?}");
    assert_eq!(*seen.lock().unwrap(), ["b2", "c3"]);

    let report = Stairway::new(set(&revs), server(backend))
        .only("c3")
        .run()
        .await
        .unwrap();
    assert_eq!(outcomes(&report), [("c3", &Outcome::Passed)]);

    // `only` on a failing revision in the middle of the graph.
    let report = Stairway::new(set(&cases::forgets_index()), server(backend))
        .only("b2")
        .run()
        .await
        .unwrap();
    assert_eq!(report.revisions.len(), 1);
    assert!(!report.passed());

    let err = Stairway::new(set(&revs), server(backend))
        .only("zz")
        .run()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("zz"), "{err}");
}

async fn failing_down_statement(backend: Backend) {
    let revs = [
        cases::base(),
        crate::support::rev("b2", &["a1"])
            .up("CREATE TABLE u (id INTEGER);")
            .down("DROP TABLE no_such_table;"),
    ];
    let report = run(backend, &revs).await;
    let failed: Vec<_> = report.failures().collect();
    assert_eq!(failed.len(), 1, "{report:#?}");
    match &failed[0].outcome {
        Outcome::Failed(Failure::Step {
            stage: Stage::Down,
            error,
        }) => assert!(error.contains("no_such_table"), "{error}"),
        other => panic!("{other:?}"),
    }
}

/// Two heads merged: the merge and both branches each revert alone.
async fn merge_revision(backend: Backend) {
    let mut revs = cases::two_heads();
    revs.push(
        crate::support::rev("d", &["b", "c"])
            .up("CREATE TABLE td (id INTEGER);")
            .down("DROP TABLE td;"),
    );
    let report = run(backend, &revs).await;
    assert!(report.passed(), "{report:#?}");
    assert_eq!(report.revisions.len(), 4);
    assert!(report.orders.is_none(), "one head after the merge");
}

async fn heads_in_an_order_that_fails(backend: Backend) {
    let report = run(backend, &cases::order_fails()).await;
    assert_eq!(report.failures().count(), 0, "{report:#?}");
    let m = report.orders.as_ref().unwrap().mismatch.as_ref().unwrap();
    assert_eq!(m.actual, "heads reversed (c, b)");
    let d = m.differences.join("\n");
    assert!(
        d.starts_with("-- does not apply: ") && d.contains("c (c.sql)"),
        "{d}"
    );
}

/// A down that forgets a view fails, the view shown as the SQL that
/// creates it (views are in the diff since issue 19).
async fn forgotten_view(backend: Backend) {
    let revs = [
        cases::base(),
        crate::support::rev("b2", &["a1"])
            .up("CREATE VIEW names AS SELECT name FROM t;")
            .down("SELECT 1;"),
    ];
    let report = run(backend, &revs).await;
    let d = differences(&report, "b2", Stage::Down).join("\n");
    assert!(
        d.contains("CREATE") && d.contains("VIEW") && d.contains("names"),
        "{d}"
    );
}

/// A squash whose replaced files are present only records itself on the
/// walk's database; its own SQL is checked alone on a fresh one, where it
/// must give the schema the replaced revisions gave.
async fn squash_checked_alone(backend: Backend) {
    let base = [
        rev("a1", &[])
            .up("CREATE TABLE t1 (id INTEGER NOT NULL PRIMARY KEY);")
            .down("DROP TABLE t1;"),
        rev("b2", &["a1"])
            .up("CREATE TABLE t2 (id INTEGER NOT NULL PRIMARY KEY);")
            .down("DROP TABLE t2;"),
        rev("c3", &["b2"])
            .up("CREATE TABLE t3 (id INTEGER NOT NULL PRIMARY KEY);")
            .down("DROP TABLE t3;"),
    ];
    let squash = |up: &str, down: &str| {
        rev("s2", &["b2"])
            .header("Replaces: a1, b2")
            .named("b2_squash.sql")
            .up(up)
            .down(down)
    };
    let good = squash(
        "CREATE TABLE t1 (id INTEGER NOT NULL PRIMARY KEY);\nCREATE TABLE t2 (id INTEGER NOT NULL PRIMARY KEY);",
        "DROP TABLE t2;\nDROP TABLE t1;",
    );
    let mut revs = base.to_vec();
    revs.push(good);
    let report = run(backend, &revs).await;
    assert!(report.passed(), "{report:#?}");
    let ids: Vec<&str> = outcomes(&report).iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, ["a1", "b2", "s2", "c3"]);

    // A squash that forgets a table fails, naming it.
    let bad = squash(
        "CREATE TABLE t1 (id INTEGER NOT NULL PRIMARY KEY);",
        "DROP TABLE t1;",
    );
    let mut revs = base.to_vec();
    revs.push(bad);
    let report = run(backend, &revs).await;
    let found = differences(&report, "s2", Stage::Up);
    assert!(found.iter().any(|d| d.contains("t2")), "{found:?}");
}

/// SQLite's snapshot is one aggregate of the stored texts, without names:
/// a difference still names its object as SQLite does (read from the
/// text's header, quoted in any of SQLite's ways), and a text holding the
/// aggregate's separator itself (an RS in a default) is read row by row,
/// its difference found all the same.
#[tokio::test]
async fn sqlite_differences_name_objects_read_from_their_texts() {
    let forgets = |up: &str, down: &str| {
        vec![
            cases::base(),
            rev("b2", &["a1"]).up(up).down(down),
            rev("c3", &["b2"])
                .up("CREATE TABLE v (id INTEGER);")
                .down("DROP TABLE v;"),
        ]
    };
    let revs = forgets("CREATE INDEX [by name] ON t (name);", "SELECT 1;");
    let report = run(Backend::Sqlite, &revs).await;
    let d = differences(&report, "b2", Stage::Down).join("\n");
    assert!(d.contains("index by name: present, not expected:"), "{d}");

    let odd = "CREATE TABLE \"odd\u{1e}one\" (a TEXT DEFAULT 'x\u{1e}y');";
    let report = run(Backend::Sqlite, &forgets(odd, "SELECT 1;")).await;
    let d = differences(&report, "b2", Stage::Down).join("\n");
    assert!(
        d.contains("table odd\u{1e}one: present, not expected:"),
        "{d}"
    );
    let report = run(
        Backend::Sqlite,
        &forgets(odd, "DROP TABLE \"odd\u{1e}one\";"),
    )
    .await;
    assert!(report.passed(), "{report:#?}");
}
