//! How one step ends and the next begins: each transactional step's end
//! (savepoint, version row, session settings) is one round trip and its
//! commit rides with the next step's start, so these pin what must not
//! change with that: every finished step is committed and reported before
//! anything else happens, whatever the next step does, and a version-row
//! write that changes no row rolls its step back.

use super::{assert_applied, assert_row_unchanged, logged, logged_rev, TABLE};
use crate::on_each_backend;
use crate::support::{exec, files, migrations, rev, version_rows, Backend, Scratch};
use migrate_runtime::{Direction, Error};
use std::sync::{Arc, Mutex};

on_each_backend!(
    finished_steps_commit_before_a_failing_one,
    finished_steps_commit_before_a_failing_one
);
on_each_backend!(
    a_section_that_removes_its_own_row,
    a_section_that_removes_its_own_row
);
on_each_backend!(
    a_row_a_trigger_skips_is_not_a_record,
    a_row_a_trigger_skips_is_not_a_record
);

/// Two transactional steps, then a `transaction:false` one that fails: the
/// first two are committed, recorded and reported once each; the third is
/// recorded failed. Down, a failing second revert keeps the first.
async fn finished_steps_commit_before_a_failing_one(scratch: Scratch) {
    let db = scratch.db().await;
    let set = migrations(&files(&[
        logged_rev("aa01", &[]),
        logged_rev("bb02", &["aa01"]),
        rev("cc03", &["bb02"])
            .up_no_tx()
            .up("INSERT INTO log (rev) VALUES ('cc03');\nINSERT INTO missing_table VALUES (1);")
            .down("DELETE FROM log WHERE rev = 'cc03';"),
    ]));
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = events.clone();
    let m = set.migrator().on_step(move |e| {
        seen.lock()
            .unwrap()
            .push(format!("{}:{}", e.revision, e.direction))
    });
    let err = m.upgrade(&db, "heads").await.unwrap_err();
    assert!(
        matches!(&err, Error::Migration { revision, rolled_back: false, .. } if revision == "cc03"),
        "{err:?}"
    );
    assert_eq!(
        version_rows(&db, TABLE).await,
        ["aa01:applied", "bb02:applied", "cc03:failed_up"]
    );
    assert_eq!(logged(&db).await, ["aa01", "bb02", "cc03"]);
    assert_eq!(
        *events.lock().unwrap(),
        ["aa01:upgrade", "bb02:upgrade"],
        "each finished step reported once, in order"
    );

    // Down: a set whose bb02 fails to revert, after cc03's revert.
    m.resolve(&db, "cc03", false).await.unwrap();
    exec(&db, "DELETE FROM log WHERE rev = 'cc03'")
        .await
        .unwrap();
    m.downgrade(&db, "base").await.unwrap();
    let down_fails = migrations(&files(&[
        logged_rev("aa01", &[]),
        rev("bb02", &["aa01"])
            .up("INSERT INTO log (rev) VALUES ('bb02');")
            .down("DELETE FROM log WHERE rev = 'bb02';\nINSERT INTO missing_table VALUES (1);"),
        logged_rev("cc03", &["bb02"]),
    ]));
    let m = down_fails.migrator();
    m.upgrade(&db, "heads").await.unwrap();
    let err = m.downgrade(&db, "base").await.unwrap_err();
    assert!(
        matches!(&err, Error::Migration { revision, direction: Direction::Down, .. } if revision == "bb02"),
        "{err:?}"
    );
    if scratch.backend.transactional_ddl() {
        assert_applied(
            &db,
            &["aa01", "bb02"],
            "cc03's revert committed, bb02's did not",
        )
        .await;
    } else {
        // MariaDB: bb02's revert is claimed, and its first statement commits.
        assert_eq!(
            version_rows(&db, TABLE).await,
            ["aa01:applied", "bb02:failed_down"]
        );
        assert_eq!(logged(&db).await, ["aa01"]);
    }
    db.close().await;
}

/// A revert whose SQL deletes its own version row: the revert's row write
/// changes no row, which is an error, never a silent success. Where the
/// revert is transactional (PostgreSQL, SQLite) it rolls back with it.
async fn a_section_that_removes_its_own_row(scratch: Scratch) {
    let backend = scratch.backend;
    let db = scratch.db().await;
    let set = migrations(&files(&[
        logged_rev("aa01", &[]),
        rev("bb02", &["aa01"])
            .up("INSERT INTO log (rev) VALUES ('bb02');")
            .down(&format!(
                "DELETE FROM log WHERE rev = 'bb02';\nDELETE FROM {TABLE} WHERE revision = 'bb02';"
            )),
    ]));
    let m = set.migrator();
    m.upgrade(&db, "heads").await.unwrap();
    let err = m.downgrade(&db, "aa01").await.unwrap_err();
    assert_row_unchanged(&err, "bb02");
    if backend.transactional_ddl() {
        assert_applied(&db, &["aa01", "bb02"], "the revert rolled back").await;
    }
    db.close().await;
}

/// A trigger that silently skips bb02's version row (PostgreSQL: a BEFORE
/// trigger returning NULL; SQLite: `RAISE(IGNORE)`): the step's row changed
/// nothing, so the step is not recorded and its SQL rolls back with it.
/// MariaDB has no way to skip a row silently.
async fn a_row_a_trigger_skips_is_not_a_record(scratch: Scratch) {
    let skip = match scratch.backend {
        Backend::MySql => return,
        Backend::Postgres => format!(
            "CREATE FUNCTION skip_bb02() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;\n\
             CREATE TRIGGER skip_bb02 BEFORE INSERT ON {TABLE} FOR EACH ROW \
             WHEN (NEW.revision = 'bb02') EXECUTE FUNCTION skip_bb02();"
        ),
        Backend::Sqlite => format!(
            "CREATE TRIGGER skip_bb02 BEFORE INSERT ON {TABLE} WHEN NEW.revision = 'bb02' \
             BEGIN SELECT RAISE(IGNORE); END;"
        ),
    };
    let db = scratch.db().await;
    let set = migrations(&files(&[
        logged_rev("aa01", &[]),
        logged_rev("bb02", &["aa01"]),
        logged_rev("cc03", &["bb02"]),
    ]));
    let m = set.migrator();
    m.upgrade(&db, "aa01").await.unwrap();
    exec(&db, &skip).await.unwrap();
    let err = m.upgrade(&db, "heads").await.unwrap_err();
    assert_row_unchanged(&err, "bb02");
    assert_applied(&db, &["aa01"], "bb02 rolled back with its row").await;
    db.close().await;
}
