//! The report of a rehearsal on each backend, `--max-lock`, and the source
//! and the server as they were.

use super::fixture::{base, pending, Source};
use crate::stairway::each_backend;
use crate::support::Backend;
use serde_json::Value;

each_backend!(reports_locks_rewrites_and_the_failing_down);

fn revision<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no revision {id} in {report:#}"))
}

/// Every lock of a revision's statements as `mode on relation`, with its
/// held time.
fn locks(rev: &Value) -> Vec<(String, f64)> {
    rev["statements"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["locks"].as_array().unwrap().iter())
        .map(|l| {
            (
                format!(
                    "{} on {}",
                    l["mode"].as_str().unwrap(),
                    l["relation"].as_str().unwrap()
                ),
                l["held_ms"].as_f64().unwrap(),
            )
        })
        .collect()
}

fn has_lock(rev: &Value, mode: &str, table: &str) -> bool {
    locks(rev)
        .iter()
        .any(|(l, held)| l.contains(mode) && l.ends_with(table) && *held > 0.0)
}

async fn reports_locks_rewrites_and_the_failing_down(backend: Backend) {
    let mut revs = vec![base(backend)];
    revs.extend(pending(backend));
    let Some(source) = Source::new(backend, &revs, "a1").await else {
        return;
    };
    let before = source.fingerprint().await;
    assert_eq!(source.rows().await, super::fixture::ROWS);

    let (ran, pid) = source.rehearse(&["--json"]);
    assert_eq!(ran.code, 1, "{ran:?}");
    let report: Value =
        serde_json::from_str(&ran.stdout).unwrap_or_else(|e| panic!("{e}: {ran:?}"));
    assert_eq!(report["passed"], false);
    assert_eq!(report["started_at"], serde_json::json!(["a1"]));
    for id in ["b2", "c3", "d4", "e5"] {
        let r = revision(&report, id);
        assert!(r["error"].is_null(), "{id}: {r:#}");
        let statements = r["statements"].as_array().unwrap();
        assert!(!statements.is_empty(), "{id}: {r:#}");
        for s in statements {
            assert!(s["duration_ms"].as_f64().unwrap() > 0.0, "{id}: {s:#}");
        }
    }
    let (a, b, c, d) = (
        revision(&report, "b2"),
        revision(&report, "c3"),
        revision(&report, "d4"),
        revision(&report, "e5"),
    );
    // The UPDATE of (d) changed half the rows.
    let update = d["statements"].as_array().unwrap().last().unwrap();
    assert_eq!(update["rows_affected"], super::fixture::ROWS / 2, "{d:#}");
    let rewritten = |r: &Value| {
        r["rewrites"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["table"].as_str().unwrap().ends_with("orders"))
    };
    // Which statement rewrote it (1-based), when told.
    let rewritten_by = |r: &Value| {
        r["rewrites"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["table"].as_str().unwrap().ends_with("orders"))
            .and_then(|w| w["statement"].as_u64())
    };
    if backend != Backend::MySql {
        // Every section runs in a transaction: the look at each statement's
        // end sees all its locks, and nothing is sampled.
        assert_eq!(report["lock_sampling"]["looks"], 0, "{report:#}");
    }
    match backend {
        Backend::Postgres => {
            assert_eq!(report["lock_source"], "PgLocks");
            // Read at each statement's end, inside the step's transaction:
            // every lock is there, however busy the machine.
            assert!(has_lock(a, "AccessExclusiveLock", "public.orders"), "{a:#}");
            assert!(rewritten(a), "a volatile default rewrites the table: {a:#}");
            assert_eq!(rewritten_by(a), Some(1), "{a:#}");
            assert!(has_lock(b, "ShareLock", "public.orders"), "{b:#}");
            assert!(!rewritten(b), "{b:#}");
            assert!(has_lock(c, "AccessExclusiveLock", "public.orders"), "{c:#}");
            assert!(
                !rewritten(c),
                "SET NOT NULL scans, it does not rewrite: {c:#}"
            );
            // The UPDATE of (d) holds RowExclusiveLock, which blocks no writes.
            assert!(has_lock(d, "RowExclusiveLock", "public.orders"), "{d:#}");
        }
        Backend::MySql => {
            // The DDL's metadata lock is there whatever the server exposes.
            for r in [a, b, c] {
                assert!(
                    has_lock(r, "exclusive metadata lock (estimated", "orders"),
                    "{r:#}"
                );
            }
            assert!(
                rewritten(c),
                "MODIFY ... NOT NULL rebuilds the table: {c:#}"
            );
            assert_eq!(rewritten_by(c), Some(1), "{c:#}");
            let algorithm = |r: &Value| r["statements"][0]["algorithm"].clone();
            // Verified on MariaDB 10.11: NOT NULL rebuilds in place (0 rows
            // counted, a new table id); an index is added in place.
            assert_eq!(algorithm(c), "INPLACE (table rebuilt)", "{c:#}");
            assert_eq!(algorithm(b), "INSTANT or INPLACE (table kept)", "{b:#}");
        }
        Backend::Sqlite => {
            assert_eq!(report["lock_source"], "DatabaseLock");
            for r in [a, b, c] {
                assert!(has_lock(r, "write lock", "database"), "{r:#}");
            }
            assert!(rewritten(c), "the rebuild gives the table new pages: {c:#}");
        }
    }
    // (d): its down fails on the real rows, and the report says so.
    let down = &d["down"];
    assert!(
        down["error"].as_str().is_some_and(|e| e.contains("e5")),
        "{d:#}"
    );
    assert!(
        report["failures"].to_string().contains("the down of e5"),
        "{report:#}"
    );
    assert!(ran.stderr.contains("the rehearsal failed"), "{ran:?}");

    // --max-lock: the locks of (a) and (b) last longer than 0 s, not an
    // hour; their downs' locks count too.
    let (strict, p2) = source.rehearse(&["c3", "--max-lock", "0", "--json"]);
    assert_eq!(strict.code, 1, "{strict:?}");
    let strict_report: Value = serde_json::from_str(&strict.stdout).unwrap();
    let long = strict_report["long_locks"].as_array().unwrap();
    assert!(
        !long.is_empty()
            && long
                .iter()
                .all(|l| l["revision"] == "b2" || l["revision"] == "c3"),
        "{strict_report:#}"
    );
    for direction in ["up", "down"] {
        assert!(
            long.iter().any(|l| l["direction"] == direction),
            "{direction}: {strict_report:#}"
        );
    }
    let (lax, p3) = source.rehearse(&["c3", "--no-down", "--max-lock", "3600"]);
    assert_eq!(lax.code, 0, "{lax:?}");
    assert!(
        lax.stdout.contains("ok: 2 revision(s) rehearsed"),
        "{lax:?}"
    );
    assert!(
        !lax.stdout.contains("d4 (d4.sql)"),
        "only up to the target: {lax:?}"
    );

    // The source is as it was; nothing is left behind.
    assert_eq!(source.fingerprint().await, before);
    // The copies were on a private server, in TMPDIR: gone with it.
    let _ = (pid, p2, p3);
    assert_eq!(source.tmp_left(), Vec::<std::path::PathBuf>::new());
}

/// PostgreSQL: a section outside a transaction lets go of each lock at
/// its statement's end, so a second connection samples `pg_locks` while it
/// runs, up and down; the report counts the looks and their time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_section_outside_a_transaction_is_sampled() {
    let backend = Backend::Postgres;
    if !Backend::all().contains(&backend) {
        return;
    }
    let revs = vec![
        base(backend),
        crate::support::rev("c3", &["a1"])
            .up("CREATE INDEX CONCURRENTLY orders_amount_idx ON orders (amount);")
            .up_no_tx()
            .down("DROP INDEX CONCURRENTLY orders_amount_idx;")
            .down_no_tx(),
    ];
    let Some(source) = Source::new(backend, &revs, "a1").await else {
        return;
    };
    let (ran, _) = source.rehearse(&["--json"]);
    assert_eq!(ran.code, 0, "{ran:?}");
    let report: Value = serde_json::from_str(&ran.stdout).unwrap();
    let sampling = &report["lock_sampling"];
    // One look at least for the up and one for the down.
    assert!(sampling["looks"].as_u64().unwrap() >= 2, "{report:#}");
    assert!(sampling["busy_ms"].as_f64().unwrap() > 0.0, "{report:#}");
    let (text, _) = source.rehearse(&["--no-down"]);
    assert_eq!(text.code, 0, "{text:?}");
    assert!(
        text.stdout.contains("locks from: PgLocks (sampled: "),
        "{text:?}"
    );
    assert_eq!(source.tmp_left(), Vec::<std::path::PathBuf>::new());
}

each_backend!(a_sample_copies_a_share_of_the_rows);

/// `--sample 10`: the report says so, the data migration of (d) finds
/// about a tenth of its rows, and the version table came whole (the same
/// revisions are pending).
async fn a_sample_copies_a_share_of_the_rows(backend: Backend) {
    let mut revs = vec![base(backend)];
    revs.extend(pending(backend));
    let Some(source) = Source::new(backend, &revs, "a1").await else {
        return;
    };
    let before = source.fingerprint().await;
    let (ran, pid) = source.rehearse(&["--sample", "10", "--no-down", "--json"]);
    assert_eq!(ran.code, 0, "{ran:?}");
    let report: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(report["copy"]["sample_percent"], 10.0, "{report:#}");
    assert_eq!(report["started_at"], serde_json::json!(["a1"]));
    let d = revision(&report, "e5");
    let rows = d["statements"].as_array().unwrap().last().unwrap()["rows_affected"]
        .as_i64()
        .unwrap();
    let half = super::fixture::ROWS / 2;
    // 10% of 100,000 rows: far from none and far from all.
    assert!(
        rows > half / 20 && rows < half / 5,
        "{rows} rows of {half}: {d:#}"
    );
    assert_eq!(source.fingerprint().await, before);
    let _ = pid;
    assert_eq!(source.tmp_left(), Vec::<std::path::PathBuf>::new());
}
