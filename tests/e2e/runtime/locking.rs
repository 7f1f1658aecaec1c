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
on_each_backend!(
    cancelled_run_releases_the_lock,
    cancelled_run_releases_the_lock
);

/// SQLite's session lock is an OS lock on `<database>.<table>.migrate-lock`,
/// next to the database file. Held elsewhere (here by the test itself, as
/// another process would), it makes a migrator wait and time out, without
/// blocking `status`; another table has a lock file of its own;
/// `LockStrategy::None` takes no lock; an in-memory database needs none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_lock_file() {
    let scratch = Scratch::new(Backend::Sqlite).await.unwrap();
    let dir = scratch.dir().unwrap().to_owned();
    let set = migrations(&files(&[
        logged_rev("aa01", &[]),
        logged_rev("bb02", &["aa01"]),
    ]));
    let db = scratch.db().await;
    assert_eq!(
        step_ids(&set.migrator().upgrade(&db, "aa01").await.unwrap()),
        ["aa01"]
    );
    let lock_path = dir.join(format!("test.db.{TABLE}.migrate-lock"));
    assert!(lock_path.is_file(), "{} exists", lock_path.display());

    let held = std::fs::File::open(&lock_path).unwrap();
    held.lock().unwrap();
    let started = Instant::now();
    let err = set
        .migrator()
        .lock_timeout(Duration::from_millis(300))
        .upgrade(&db, "heads")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::LockTimeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(set.migrator().status(&db).await.unwrap().pending, ["bb02"]);

    let other = migrations(&files(&[rev("zz01", &[])]));
    let r = other
        .migrator()
        .table("Other_Versions")
        .lock_timeout(Duration::from_millis(300))
        .upgrade(&db, "heads")
        .await
        .unwrap();
    assert_eq!(step_ids(&r), ["zz01"]);
    assert!(dir.join("test.db.other_versions.migrate-lock").is_file());

    let r = set
        .migrator()
        .lock(LockStrategy::None)
        .upgrade(&db, "heads")
        .await
        .unwrap();
    assert_eq!(step_ids(&r), ["bb02"]);
    drop(held);
    assert!(set.upgrade(&db).await.unwrap().steps.is_empty());
    assert_applied(&db, &["aa01", "bb02"], "after the lock file tests").await;
    db.close().await;

    let memory = migrate_runtime::Db::connect("sqlite::memory:")
        .await
        .unwrap();
    assert_eq!(
        step_ids(&set.upgrade(&memory).await.unwrap()),
        ["aa01", "bb02"]
    );
    assert!(set.upgrade(&memory).await.unwrap().steps.is_empty());
    memory.close().await;
}

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
    // The holder keeps its lock across aa01's commit and is into bb02 now.
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
        Backend::Sqlite => "migrate-lock",
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
        // (So it does on SQLite, whose lock file is named after the table,
        // but there it then waits for the holder's write transaction, as
        // every SQLite writer does.)
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
    // The session lock is held across the step on every backend (SQLite's
    // is a file lock, not a transaction), so the two may race.
    let a = set.migrator().lock_timeout(Duration::from_secs(20));
    let b = a.clone();
    let (ra, rb) = tokio::join!(a.upgrade(&db_a, "heads"), b.upgrade(&db_b, "heads"));
    let reports: Vec<Report> = vec![ra.unwrap(), rb.unwrap()];
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

/// An upgrade future dropped in the middle of a slow revision (a timeout
/// around it, say) leaves no lock behind and no half-applied revision: its
/// connection is closed, which rolls the revision back, and the lock is
/// released only after that, so the next migrator applies the revision
/// exactly once. On MariaDB the `started` row stays, as after a crash.
async fn cancelled_run_releases_the_lock(scratch: Scratch) {
    let backend = scratch.backend;
    let set = migrations(&files(&[
        logged_rev("aa01", &[]),
        rev("bb02", &["aa01"])
            .up(&format!(
                "INSERT INTO log (rev) VALUES ('bb02');\n{}",
                slow_sql(backend, 2)
            ))
            .down("DELETE FROM log WHERE rev = 'bb02';"),
    ]));
    let db = scratch.db().await;
    let cancelled = tokio::time::timeout(Duration::from_millis(700), set.upgrade(&db)).await;
    assert!(
        cancelled.is_err(),
        "the upgrade was cut short: {cancelled:?}"
    );

    let started = Instant::now();
    let result = set
        .migrator()
        .lock_timeout(Duration::from_secs(30))
        .upgrade(&db, "heads")
        .await;
    println!(
        "{backend:?}: the next run got the lock after {:?}",
        started.elapsed()
    );
    if backend.transactional_ddl() {
        assert_eq!(step_ids(&result.unwrap()), ["bb02"]);
        assert_applied(&db, &["aa01", "bb02"], "after a cancelled run").await;
    } else {
        let err = result.unwrap_err();
        assert!(matches!(err, Error::Failed { .. }), "{err:?}");
    }
    db.close().await;
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
