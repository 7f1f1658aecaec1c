//! A transactional section sent with the previous step's commit and its own
//! `BEGIN` (SQLite, when no hook listens): every step before a failing one
//! stays committed, the failing statement is numbered within its own
//! section, and nothing of the failing step remains, up and down. Also run
//! on PostgreSQL, whose steps are never chained, so that both paths are held
//! to the same outcome. (MySQL runs no step in a transaction.)

use crate::runtime::{assert_applied, logged, logged_rev, TABLE};
use crate::support::{files, migrations, rev, version_rows, Backend, Scratch};
use migrate_runtime::{Direction, Error};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    if let Some(scratch) = Scratch::new(Backend::Sqlite).await {
        a_failing_section_after_committed_steps(scratch).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    if let Some(scratch) = Scratch::new(Backend::Postgres).await {
        a_failing_section_after_committed_steps(scratch).await;
    }
}

/// The failure's revision, direction and 1-based statement number.
fn failed_at(err: &Error) -> (String, Direction, Option<usize>, bool) {
    match err {
        Error::Migration {
            revision,
            direction,
            statement,
            rolled_back,
            ..
        } => (
            revision.clone(),
            *direction,
            statement.as_ref().map(|s| s.number),
            *rolled_back,
        ),
        other => panic!("not a migration error: {other:?}"),
    }
}

async fn a_failing_section_after_committed_steps(scratch: Scratch) {
    let db = scratch.db().await;
    // Four steps: the fourth's second statement fails. No hook, one
    // transaction per revision: on SQLite, steps two to four go out chained.
    let up_fails = migrations(&files(&[
        logged_rev("aa01", &[]),
        logged_rev("bb02", &["aa01"]),
        logged_rev("cc03", &["bb02"]),
        rev("dd04", &["cc03"])
            .up("INSERT INTO log (rev) VALUES ('dd04');\nINSERT INTO missing_table VALUES (1);\nINSERT INTO log (rev) VALUES ('dd04b');")
            .down("DELETE FROM log WHERE rev = 'dd04';"),
    ]));
    let m = up_fails.migrator();
    let err = m.upgrade(&db, "heads").await.unwrap_err();
    assert_eq!(
        failed_at(&err),
        ("dd04".to_owned(), Direction::Up, Some(2), true),
        "{err}"
    );
    assert_applied(
        &db,
        &["aa01", "bb02", "cc03"],
        "after the failed fourth step",
    )
    .await;

    // A first statement that fails is statement 1 of its section, not of
    // the text it went out in.
    let first_fails = migrations(&files(&[
        logged_rev("aa01", &[]),
        logged_rev("bb02", &["aa01"]),
        logged_rev("cc03", &["bb02"]),
        rev("dd04", &["cc03"])
            .up("INSERT INTO missing_table VALUES (1);")
            .down("SELECT 1;"),
    ]));
    let err = first_fails
        .migrator()
        .upgrade(&db, "heads")
        .await
        .unwrap_err();
    assert_eq!(
        failed_at(&err),
        ("dd04".to_owned(), Direction::Up, Some(1), true),
        "{err}"
    );
    assert_applied(
        &db,
        &["aa01", "bb02", "cc03"],
        "after the failed first statement",
    )
    .await;

    // Down: cc03 and bb02 revert (chained from the second revert on), then
    // aa01's revert fails at its second statement; both reverts stay.
    m.downgrade(&db, "base").await.unwrap();
    assert_applied(&db, &[], "back at base").await;
    let down_fails = migrations(&files(&[
        rev("aa01", &[])
            .up("CREATE TABLE log (rev VARCHAR(64) NOT NULL);\nINSERT INTO log (rev) VALUES ('aa01');")
            .down("DELETE FROM log WHERE rev = 'aa01';\nINSERT INTO missing_table VALUES (1);"),
        logged_rev("bb02", &["aa01"]),
        logged_rev("cc03", &["bb02"]),
    ]));
    let m = down_fails.migrator();
    m.upgrade(&db, "heads").await.unwrap();
    let err = m.downgrade(&db, "base").await.unwrap_err();
    assert_eq!(
        failed_at(&err),
        ("aa01".to_owned(), Direction::Down, Some(2), true),
        "{err}"
    );
    assert_eq!(logged(&db).await, ["aa01"], "aa01's delete rolled back");
    assert_eq!(version_rows(&db, TABLE).await, ["aa01:applied"]);
}
