//! Offline scripts run with each database's own client at its defaults:
//! after a revision fails, nothing more is applied or recorded.

use super::run_with_client;
use crate::on_each_backend;
use crate::support::{files, migrations, rev, table_exists, version_rows, Backend, Scratch};
use migrate_runtime::{Direction, Migrations};

/// Four revisions; `bb02` fails after its first statement when `fail`,
/// `cc03` is `transaction:false`.
fn set(fail: bool) -> &'static Migrations {
    let bad = if fail {
        "CREATE TABLE t2 (id INTEGER);\nINSERT INTO no_such_table VALUES (1);"
    } else {
        "CREATE TABLE t2 (id INTEGER);"
    };
    migrations(&files(&[
        rev("aa01", &[])
            .up("CREATE TABLE t1 (id INTEGER);")
            .down("DROP TABLE t1;"),
        rev("bb02", &["aa01"]).up(bad).down("DROP TABLE t2;"),
        rev("cc03", &["bb02"])
            .up_no_tx()
            .up("CREATE TABLE t3 (id INTEGER);")
            .down("DROP TABLE t3;"),
        rev("dd04", &["cc03"])
            .up("CREATE TABLE t4 (id INTEGER);")
            .down("DROP TABLE t4;"),
    ]))
}

on_each_backend!(
    a_failed_revision_stops_the_script_with_the_databases_own_client,
    a_failed_revision_stops_the_script_with_the_databases_own_client
);

async fn a_failed_revision_stops_the_script_with_the_databases_own_client(scratch: Scratch) {
    let dialect = scratch.backend.dialect();
    let dir = tempfile::tempdir().unwrap();

    // The script as printed, run by the client: revision bb02 fails.
    let script = set(true)
        .migrator()
        .offline_script(dialect, "base:head", Direction::Up)
        .unwrap();
    let Some(ran) = run_with_client(&scratch, &script, dir.path()) else {
        return;
    };
    let db = scratch.db().await;
    assert_eq!(
        version_rows(&db, "migrate_versions").await,
        ["aa01:applied"],
        "{:?}: only the revision before the failed one is recorded\n{ran:?}\n{script}",
        scratch.backend
    );
    assert!(table_exists(&db, "t1").await);
    for later in ["t3", "t4"] {
        assert!(
            !table_exists(&db, later).await,
            "{:?}: {later} was created after bb02 failed\n{ran:?}",
            scratch.backend
        );
    }
    match scratch.backend {
        // Rolled back with its transaction.
        Backend::Postgres | Backend::Sqlite => assert!(!table_exists(&db, "t2").await),
        // MySQL commits DDL at once: the client stopped, with an error.
        Backend::MySql => assert_ne!(ran.code, 0, "{ran:?}"),
    }
    if scratch.backend == Backend::Postgres {
        assert!(
            ran.stderr
                .contains("revision bb02 was not applied, so it failed"),
            "{ran:?}"
        );
    }
    db.close().await;

    // The same script without the failure applies everything through the
    // same client, guards and all, and the runtime reads the rows back.
    let Some(fresh) = Scratch::new(scratch.backend).await else {
        return;
    };
    let good = set(false);
    let script = good
        .migrator()
        .offline_script(dialect, "base:head", Direction::Up)
        .unwrap();
    let ran = run_with_client(&fresh, &script, dir.path()).unwrap();
    assert_eq!(ran.code, 0, "{ran:?}\n{script}");
    let db = fresh.db().await;
    assert_eq!(
        version_rows(&db, "migrate_versions").await,
        [
            "aa01:applied",
            "bb02:applied",
            "cc03:applied",
            "dd04:applied"
        ],
        "{ran:?}"
    );
    assert!(good
        .migrator()
        .upgrade(&db, "head")
        .await
        .unwrap()
        .steps
        .is_empty());

    // A downgrade script whose second step fails (cc03's table is gone
    // already, so its DROP fails): the steps after it revert nothing.
    crate::support::exec(&db, "DROP TABLE t3").await.unwrap();
    let down = good
        .migrator()
        .offline_script(dialect, "dd04:base", Direction::Down)
        .unwrap();
    let ran = run_with_client(&fresh, &down, dir.path()).unwrap();
    assert_eq!(
        version_rows(&db, "migrate_versions").await,
        ["aa01:applied", "bb02:applied", "cc03:applied"],
        "{:?}: dd04 reverted, then cc03 failed and nothing more\n{ran:?}\n{down}",
        fresh.backend
    );
    assert!(table_exists(&db, "t1").await && table_exists(&db, "t2").await);
    db.close().await;
}
