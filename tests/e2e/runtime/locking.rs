//! The migration lock: waits time out with a hint, status and other tables
//! are not blocked, a panic releases it, `transaction:false` steps (PostgreSQL
//! `CREATE INDEX CONCURRENTLY`) run while another migrator waits, and the
//! other lock strategies.

use super::{assert_applied, logged_rev, merge_fixture, step_ids, TABLE};
use crate::on_each_backend;
use crate::support::{files, int, migrations, rev, Backend, Scratch};
use migrate_runtime::{Error, LockStrategy, Report};
use std::time::{Duration, Instant};

on_each_backend!(lock_timeout, lock_timeout);
on_each_backend!(
    panic_in_hook_releases_the_lock,
    panic_in_hook_releases_the_lock
);
on_each_backend!(
    transaction_false_runs_outside_transactions,
    transaction_false_runs_outside_transactions
);
on_each_backend!(lock_strategies, lock_strategies);

/// SQL that takes about `secs` seconds on the backend.
pub fn slow_sql(backend: Backend, secs: u32) -> String {
    match backend {
        Backend::Postgres => format!("SELECT pg_sleep({secs});"),
        Backend::MySql => format!("SELECT SLEEP({secs});"),
        // SQLite has no sleep: count through a recursive CTE (about 5 million
        // rows a second in a debug build).
        Backend::Sqlite => format!(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {}) SELECT COUNT(*) FROM c;",
            secs * 5_000_000
        ),
    }
}

/// A migrator waiting longer than its timeout fails with a backend hint;
/// `status` answers meanwhile (it takes no lock), and on PostgreSQL and
/// MariaDB a migrator of another table is not blocked.
async fn lock_timeout(scratch: Scratch) {
    let backend = scratch.backend;
    let set = migrations(&files(&[
        logged_rev("aa01", &[]),
        rev("bb02", &["aa01"])
            .up(&format!(
                "INSERT INTO log (rev) VALUES ('bb02');\n{}",
                slow_sql(backend, 3)
            ))
            .down("DELETE FROM log WHERE rev = 'bb02';"),
    ]));
    let (first_done, first) = tokio::sync::oneshot::channel();
    let first_done = std::sync::Mutex::new(Some(first_done));
    let holder = set.migrator().on_step(move |e| {
        if e.revision == "aa01" {
            if let Some(tx) = first_done.lock().unwrap().take() {
                let _ = tx.send(());
            }
        }
    });
    let holder_db = scratch.db().await;
    let holding = tokio::spawn(async move { holder.upgrade(&holder_db, "heads").await });
    tokio::time::timeout(Duration::from_secs(20), first)
        .await
        .expect("aa01 applied in time")
        .unwrap();
    // SQLite takes its lock again right after aa01's commit.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let db = scratch.db().await;
    let started = Instant::now();
    let err = set
        .migrator()
        .lock_timeout(Duration::from_millis(300))
        .upgrade(&db, "heads")
        .await
        .unwrap_err();
    let waited = started.elapsed();
    let Error::LockTimeout {
        waited: reported,
        hint,
    } = &err
    else {
        panic!("expected a lock timeout, got {err:?}")
    };
    assert!(
        *reported >= Duration::from_millis(300) && waited < Duration::from_secs(2),
        "{reported:?} / {waited:?}"
    );
    let expected_hint = match backend {
        Backend::Postgres => "pg_locks",
        Backend::MySql => "GET_LOCK",
        Backend::Sqlite => "write lock",
    };
    assert!(hint.contains(expected_hint), "{hint}");
    assert!(err.to_string().contains(expected_hint));

    let started = Instant::now();
    let status = set.migrator().status(&db).await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "status waited for the lock"
    );
    if backend.transactional_ddl() {
        assert_eq!(status.pending, ["bb02"], "bb02 is not committed yet");
    } else {
        assert_eq!(status.failed, ["bb02"], "MySQL shows bb02 as started");
    }

    if backend != Backend::Sqlite {
        // The lock key is the table name: another table's migrator goes on.
        let other = migrations(&files(&[rev("zz01", &[])]));
        let r = other
            .migrator()
            .table("other_versions")
            .lock_timeout(Duration::from_millis(300))
            .upgrade(&db, "heads")
            .await;
        assert_eq!(step_ids(&r.unwrap()), ["zz01"]);
    }

    let report = holding.await.unwrap().unwrap();
    assert_eq!(step_ids(&report), ["aa01", "bb02"]);
    assert_applied(&db, &["aa01", "bb02"], "after the holder finished").await;
    db.close().await;
}

/// A hook that panics unwinds through the migrator; the lock is freed with
/// the connection, and the next migrator finishes the work at once.
async fn panic_in_hook_releases_the_lock(scratch: Scratch) {
    let set = migrations(&files(&[
        logged_rev("aa01", &[]),
        logged_rev("bb02", &["aa01"]),
        logged_rev("cc03", &["bb02"]),
    ]));
    let panicking = set.migrator().on_step(|e| {
        if e.revision == "bb02" {
            panic!("a hook panicked on purpose");
        }
    });
    let db = scratch.db().await;
    let task_db = db.clone();
    let joined = tokio::spawn(async move { panicking.upgrade(&task_db, "heads").await }).await;
    assert!(joined.unwrap_err().is_panic());

    let started = Instant::now();
    let r = set
        .migrator()
        .lock_timeout(Duration::from_secs(10))
        .upgrade(&db, "heads")
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the lock was not freed promptly: {:?}",
        started.elapsed()
    );
    assert_eq!(
        step_ids(&r),
        ["cc03"],
        "bb02 had committed before its hook ran"
    );
    assert_applied(&db, &["aa01", "bb02", "cc03"], "after the panic").await;
    db.close().await;
}

/// `transaction:false` sections run outside any transaction: PostgreSQL's
/// `CREATE INDEX CONCURRENTLY` (while a second migrator waits for the lock,
/// which must not block it) and SQLite's `VACUUM` are refused inside one.
async fn transaction_false_runs_outside_transactions(scratch: Scratch) {
    let backend = scratch.backend;
    let (up, down) = match backend {
        Backend::Postgres => (
            "SELECT pg_sleep(0.5);\nCREATE INDEX CONCURRENTLY items_id ON items (id);",
            "DROP INDEX CONCURRENTLY items_id;",
        ),
        Backend::MySql => (
            "CREATE INDEX items_id ON items (id);",
            "DROP INDEX items_id ON items;",
        ),
        Backend::Sqlite => ("VACUUM;", "VACUUM;"),
    };
    let set = migrations(&files(&[
        rev("aa01", &[])
            .up("CREATE TABLE items (id INT);")
            .down("DROP TABLE items;"),
        rev("bb02", &["aa01"])
            .up_no_tx()
            .up(up)
            .down_no_tx()
            .down(down),
    ]));
    let (db_a, db_b) = (scratch.db().await, scratch.db().await);
    let reports: Vec<Report> = if backend == Backend::Sqlite {
        // SQLite's only lock is its write transaction, which a
        // transaction:false step cannot hold: run one migrator at a time.
        vec![
            set.upgrade(&db_a).await.unwrap(),
            set.upgrade(&db_b).await.unwrap(),
        ]
    } else {
        let a = set.migrator().lock_timeout(Duration::from_secs(20));
        let b = a.clone();
        let (ra, rb) = tokio::join!(a.upgrade(&db_a, "heads"), b.upgrade(&db_b, "heads"));
        vec![ra.unwrap(), rb.unwrap()]
    };
    let mut applied: Vec<&str> = reports.iter().flat_map(step_ids).collect();
    applied.sort();
    assert_eq!(applied, ["aa01", "bb02"], "each revision once");
    assert_eq!(
        crate::support::version_rows(&db_a, TABLE).await,
        ["aa01:applied", "bb02:applied"]
    );
    if backend == Backend::Postgres {
        let valid = "SELECT COUNT(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'items_id' AND i.indisvalid";
        assert_eq!(
            int(&db_a, valid).await.unwrap(),
            1,
            "the concurrent index was built"
        );
    }
    let r = set.migrator().downgrade(&db_a, "aa01").await.unwrap();
    assert_eq!(step_ids(&r), ["bb02"]);
    if backend == Backend::Postgres {
        let count = "SELECT COUNT(*) FROM pg_class WHERE relname = 'items_id'";
        assert_eq!(
            int(&db_a, count).await.unwrap(),
            0,
            "DROP INDEX CONCURRENTLY ran"
        );
    }
    db_a.close().await;
    db_b.close().await;
}

/// `LockStrategy::Transaction` (PostgreSQL's transaction-scoped advisory
/// lock; the session lock elsewhere) keeps two concurrent migrators apart;
/// `LockStrategy::None` works for a lone migrator.
async fn lock_strategies(scratch: Scratch) {
    let set = migrations(&files(&merge_fixture()));
    let (db_a, db_b) = (scratch.db().await, scratch.db().await);
    let a = set
        .migrator()
        .lock(LockStrategy::Transaction)
        .lock_timeout(Duration::from_secs(20));
    let b = a.clone();
    let (ra, rb) = tokio::join!(a.upgrade(&db_a, "heads"), b.upgrade(&db_b, "heads"));
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    let mut applied: Vec<&str> = step_ids(&ra).into_iter().chain(step_ids(&rb)).collect();
    applied.sort();
    assert_eq!(
        applied,
        ["aa01", "bb02", "cc03", "cd04", "ee05", "ff06"],
        "each revision once"
    );
    assert_applied(
        &db_a,
        &["aa01", "bb02", "cc03", "cd04", "ee05", "ff06"],
        "transaction strategy",
    )
    .await;

    let none = set.migrator().lock(LockStrategy::None);
    assert_eq!(none.downgrade(&db_a, "base").await.unwrap().steps.len(), 6);
    assert_eq!(none.upgrade(&db_b, "bb02").await.unwrap().steps.len(), 2);
    assert_applied(&db_a, &["aa01", "bb02"], "no lock").await;
    db_a.close().await;
    db_b.close().await;
}
