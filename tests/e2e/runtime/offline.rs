//! Offline scripts: run on a real database they give the same state as the
//! online migrator (the runtime accepts the rows they write), and their text
//! follows each dialect's transaction rules.

use super::{assert_applied, logged, logged_rev, merge_fixture, TABLE};
use crate::on_each_backend;
use crate::support::{exec, files, migrations, rev, version_rows, Scratch};
use migrate_runtime::{Dialect, Direction, Error};

on_each_backend!(
    offline_scripts_run_on_the_database,
    offline_scripts_run_on_the_database
);

/// The upgrade script from base creates the table and applies everything;
/// the online migrator then sees an up-to-date database without drift. A
/// partial range, a downgrade script and an offline stamp follow.
async fn offline_scripts_run_on_the_database(scratch: Scratch) {
    let dialect = scratch.backend.dialect();
    let db = scratch.db().await;
    let set = migrations(&files(&merge_fixture()));
    let m = set.migrator();

    let first = m
        .offline_script(dialect, "base:cc03", Direction::Up)
        .unwrap();
    exec(&db, &sqlx_runnable(&first))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{first}"));
    assert_applied(&db, &["aa01", "bb02", "cc03"], "offline base:cc03").await;

    let rest = m
        .offline_script(dialect, "cc03:heads", Direction::Up)
        .unwrap();
    assert!(
        !rest.contains("CREATE TABLE IF NOT EXISTS"),
        "no table DDL past base:\n{rest}"
    );
    exec(&db, &sqlx_runnable(&rest))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{rest}"));
    assert_applied(
        &db,
        &["aa01", "bb02", "cc03", "cd04", "ee05", "ff06"],
        "offline cc03:heads",
    )
    .await;
    let status = m.status(&db).await.unwrap();
    assert!(
        status.pending.is_empty() && status.drifted.is_empty() && status.failed.is_empty(),
        "{status:?}"
    );
    assert!(m.upgrade(&db, "heads").await.unwrap().steps.is_empty());

    let down = m
        .offline_script(dialect, "ff06:bb02", Direction::Down)
        .unwrap();
    exec(&db, &sqlx_runnable(&down))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{down}"));
    assert_applied(&db, &["aa01", "bb02"], "offline downgrade").await;
    assert_eq!(m.status(&db).await.unwrap().heads, ["bb02"]);

    let stamp = m.offline_stamp(dialect, &["bb02:ee05"], false).unwrap();
    assert!(!stamp.contains("CREATE TABLE"), "{stamp}");
    exec(&db, &sqlx_runnable(&stamp))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{stamp}"));
    assert_eq!(m.status(&db).await.unwrap().heads, ["ee05"]);
    assert_eq!(
        logged(&db).await,
        ["aa01", "bb02"],
        "a stamp runs no migration SQL"
    );

    let purge = m.offline_stamp(dialect, &["aa01"], true).unwrap();
    exec(&db, &sqlx_runnable(&purge))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{purge}"));
    assert_eq!(version_rows(&db, TABLE).await, ["aa01:applied"]);
    db.close().await;
}

/// A script as sqlx runs it: without the `sqlite3` shell's `.bail on`
/// line, which only the shell understands (`ops::offline` runs the scripts
/// as printed, with each database's own client).
fn sqlx_runnable(script: &str) -> String {
    script
        .lines()
        .filter(|l| *l != ".bail on")
        .map(|l| format!("{l}\n"))
        .collect()
}

/// The text rules, per dialect: `BEGIN;`/`COMMIT;` around each revision on
/// PostgreSQL and SQLite but not MySQL, `transaction:false` sections outside,
/// version-table DDL only from base, sections without a final `;` closed.
#[test]
fn offline_script_text() {
    let set = migrations(&files(&[
        logged_rev("aa01", &[]),
        rev("bb02", &["aa01"])
            .up_no_tx()
            .up("CREATE INDEX CONCURRENTLY i ON log (rev)")
            .down("DROP INDEX i"),
        rev("cc03", &["bb02"])
            .up("SELECT 1\n-- a trailing comment")
            .down("SELECT 2;"),
    ]));
    let m = set.migrator();
    let pg = m
        .offline_script(Dialect::Postgres, "base:heads", Direction::Up)
        .unwrap();
    assert_eq!(pg.matches("BEGIN;").count(), 2, "{pg}");
    assert_eq!(pg.matches("COMMIT;").count(), 2, "{pg}");
    let index = pg.find("CREATE INDEX CONCURRENTLY").unwrap();
    let before = &pg[..index];
    assert!(
        before.rfind("COMMIT;") > before.rfind("BEGIN;"),
        "the index is outside a transaction:\n{pg}"
    );
    assert!(pg.contains("-- transaction:false"));
    assert!(
        pg.contains("CONCURRENTLY i ON log (rev)\n;\nINSERT INTO \"migrate_versions\""),
        "{pg}"
    );
    assert!(pg.contains("-- a trailing comment\n;\n"), "{pg}");
    assert!(pg.contains("VALUES ('aa01', '"), "{pg}");
    assert_eq!(
        pg.matches("CREATE TABLE IF NOT EXISTS \"migrate_versions\"")
            .count(),
        1
    );

    let my = m
        .offline_script(Dialect::MySql, "base:heads", Direction::Up)
        .unwrap();
    assert!(!my.contains("BEGIN") && !my.contains("COMMIT"), "{my}");
    assert!(
        my.contains("INSERT INTO `migrate_versions`") && my.contains("ENGINE=InnoDB"),
        "{my}"
    );
    let lite = m
        .offline_script(Dialect::Sqlite, "aa01:heads", Direction::Up)
        .unwrap();
    assert!(!lite.contains("CREATE TABLE IF NOT EXISTS"), "{lite}");
    assert!(
        lite.starts_with(".bail on\n-- upgrade aa01:heads"),
        "{lite}"
    );
    // Stopping at a failed revision: a guard before each PostgreSQL
    // revision but the first, the sqlite3 shell's `.bail`, MySQL's client
    // named in the header (`ops::offline` runs them with the clients).
    assert_eq!(pg.matches("DO $migrate$").count(), 2, "{pg}");
    assert!(
        pg.contains("WHERE revision = 'aa01' AND state = 'applied'")
            && pg.contains("WHERE revision = 'bb02' AND state = 'applied'"),
        "{pg}"
    );
    assert_eq!(
        lite.matches(".bail on").count(),
        2,
        "the line and its comment: {lite}"
    );
    let lite_stamp = m.offline_stamp(Dialect::Sqlite, &["heads"], false).unwrap();
    assert!(
        lite_stamp.starts_with(".bail on\n-- stamp heads"),
        "{lite_stamp}"
    );
    assert!(!pg.contains(".bail") && !my.contains(".bail"), "{pg}\n{my}");
    assert!(
        !my.contains("DO $migrate$") && my.contains("without --force"),
        "{my}"
    );

    let down = m
        .offline_script(Dialect::Postgres, "cc03:aa01", Direction::Down)
        .unwrap();
    assert!(
        down.contains("DELETE FROM \"migrate_versions\" WHERE revision = 'cc03'"),
        "{down}"
    );
    assert!(
        down.find("'cc03'") < down.find("'bb02'"),
        "newest first:\n{down}"
    );

    let custom = m
        .clone()
        .table("ops.versions")
        .offline_stamp(Dialect::Postgres, &["bb02"], true)
        .unwrap();
    assert!(
        custom.contains("DELETE FROM \"ops\".\"versions\";"),
        "{custom}"
    );

    let irreversible = migrations(&files(&[
        logged_rev("aa01", &[]),
        logged_rev("bb02", &["aa01"]).irreversible(),
    ]));
    let err = irreversible
        .migrator()
        .offline_script(Dialect::Sqlite, "bb02:base", Direction::Down)
        .unwrap_err();
    assert!(matches!(err, Error::Irreversible { .. }), "{err:?}");
    assert!(matches!(
        m.offline_script(Dialect::Sqlite, "zz:heads", Direction::Up),
        Err(Error::Target(_))
    ));
}
