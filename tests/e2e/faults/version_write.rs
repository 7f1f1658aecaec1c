//! A migration whose SQL succeeds but whose version-table write fails.
//!
//! The write is made to fail from outside the migrator: a trigger on the
//! version table refuses the row of `bb02` (at once, or at commit through a
//! deferred constraint), or refuses marking it applied (the second write of
//! a non-transactional step), or the migration itself renames the table.
//!
//! After each: the state is exactly "not applied" (the revision's SQL rolled
//! back with its row), or, where the SQL could not be rolled back (MariaDB,
//! `transaction:false`), a visible `started` row that stops the next run; the
//! error names the revision; the lock is free; and once the cause is removed
//! (and the partial state resolved) a rerun completes.

use crate::on_each_backend;
use crate::runtime::{assert_applied, logged, logged_rev, step_ids, TABLE};
use crate::support::{
    exec, files, migrations, rev, table_exists, version_rows, Backend, Rev, Scratch,
};
use migrate_runtime::{Db, Direction, Error, Migrator};
use std::time::Duration;

on_each_backend!(refused_at_once, refused_at_once);
on_each_backend!(refused_at_commit, refused_at_commit);
on_each_backend!(refused_when_marked_applied, refused_when_marked_applied);
on_each_backend!(migration_renames_the_table, migration_renames_the_table);

/// What the triggers say.
const REFUSAL: &str = "version write refused by the test";

/// bb02 creates a table and logs itself: both must go if it is not applied.
fn bb02() -> Rev {
    rev("bb02", &["aa01"])
        .up("CREATE TABLE t_bb (x INT);\nINSERT INTO log (rev) VALUES ('bb02');")
        .down("DROP TABLE t_bb;\nDELETE FROM log WHERE rev = 'bb02';")
}

fn set(bb: Rev) -> Vec<Rev> {
    vec![
        logged_rev("aa01", &[]).named("01_aa01.sql"),
        bb.named("02_bb02.sql"),
        logged_rev("cc03", &["bb02"]).named("03_cc03.sql"),
    ]
}

/// A trigger that refuses `bb02`'s row: `when` is `insert`, or `update` (of
/// the row to `applied`).
fn refuse_trigger(backend: Backend, when: &str) -> String {
    let update = when == "update";
    match backend {
        Backend::Sqlite => format!(
            "CREATE TRIGGER refuse_bb02 BEFORE {} ON {TABLE} WHEN NEW.revision = 'bb02'{} \
             BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END;",
            if update { "UPDATE" } else { "INSERT" },
            if update {
                " AND NEW.state = 'applied'"
            } else {
                ""
            }
        ),
        Backend::Postgres => format!(
            "CREATE FUNCTION refuse_bb02() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$;\n\
             CREATE TRIGGER refuse_bb02 BEFORE {} ON {TABLE} FOR EACH ROW \
             WHEN (NEW.revision = 'bb02'{}) EXECUTE FUNCTION refuse_bb02();",
            if update { "UPDATE" } else { "INSERT" },
            if update {
                " AND NEW.state = 'applied'"
            } else {
                ""
            }
        ),
        Backend::MySql => format!(
            "CREATE TRIGGER refuse_bb02 BEFORE {} ON {TABLE} FOR EACH ROW BEGIN \
             IF NEW.revision = 'bb02'{} THEN \
             SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '{REFUSAL}'; END IF; END",
            if update { "UPDATE" } else { "INSERT" },
            if update {
                " AND NEW.state = 'applied'"
            } else {
                ""
            }
        ),
    }
}

fn drop_trigger(backend: Backend) -> String {
    match backend {
        Backend::Postgres => {
            format!("DROP TRIGGER refuse_bb02 ON {TABLE}; DROP FUNCTION IF EXISTS refuse_bb02();")
        }
        _ => "DROP TRIGGER refuse_bb02;".to_owned(),
    }
}

/// The lock is free: a migrator with a short lock timeout gets it (an
/// upgrade to the already applied aa01 needs the lock and does nothing).
async fn assert_lock_free(m: &Migrator<'_>, db: &Db) {
    let r = m
        .clone()
        .lock_timeout(Duration::from_secs(3))
        .upgrade(db, "aa01")
        .await;
    assert!(
        matches!(&r, Ok(report) if report.steps.is_empty()),
        "the lock is not free: {r:?}"
    );
}

/// The error is the version-table write of bb02, with the trigger's reason.
fn assert_write_error(err: &Error, what: &str) {
    let message = crate::support::chain(&err);
    assert!(
        matches!(err, Error::Database { .. }),
        "{what}: expected a database error, got {err:?}"
    );
    assert!(
        message.contains("bb02"),
        "{what}: names the revision: {message}"
    );
    assert!(
        message.contains(REFUSAL),
        "{what}: gives the reason: {message}"
    );
}

/// A BEFORE INSERT trigger refuses bb02's row. PostgreSQL, SQLite: the row
/// write fails after the SQL ran, and both roll back together. MariaDB: the
/// refused write is the `started` claim, before any SQL: nothing ran. Either
/// way bb02 is not applied. Grouped runs too (their rows are written in one
/// batch before the commit).
async fn refused_at_once(scratch: Scratch) {
    let backend = scratch.backend;
    let db = scratch.db().await;
    let m = migrations(&files(&set(bb02()))).migrator();
    m.upgrade(&db, "aa01").await.unwrap();
    exec(&db, &refuse_trigger(backend, "insert")).await.unwrap();

    let err = m.upgrade(&db, "heads").await.unwrap_err();
    assert_write_error(&err, "refused insert");
    assert!(
        err.to_string().contains(&format!(
            "cannot record the upgrade of bb02 (version table {TABLE})"
        )),
        "{err}"
    );
    assert_applied(&db, &["aa01"], "bb02 is not applied").await;
    assert!(!table_exists(&db, "t_bb").await, "bb02's DDL did not stay");
    assert_lock_free(&m, &db).await;

    if backend.transactional_ddl() {
        // A grouped run keeps version rows pending until just before its
        // commit: refused there, the whole group rolls back.
        let grouped = m.clone().grouped(true);
        let err = grouped.upgrade(&db, "heads").await.unwrap_err();
        assert_write_error(&err, "grouped");
        assert!(err.to_string().contains("bb02 to cc03"), "{err}");
        assert_applied(&db, &["aa01"], "the grouped run rolled back").await;
        assert!(!table_exists(&db, "t_bb").await);
        assert_lock_free(&m, &db).await;
    }

    exec(&db, &drop_trigger(backend)).await.unwrap();
    let r = m.upgrade(&db, "heads").await.unwrap();
    assert_eq!(step_ids(&r), ["bb02", "cc03"]);
    assert_applied(&db, &["aa01", "bb02", "cc03"], "the rerun").await;
    assert!(table_exists(&db, "t_bb").await);
    db.close().await;
}

/// The write succeeds but a deferred constraint on the version table fails
/// at COMMIT (PostgreSQL: a deferred constraint trigger; SQLite: a deferred
/// foreign key, set by a trigger): the revision and its row roll back
/// together, and the error names the revision. MariaDB has no deferred
/// constraints, and every write there commits by itself: `refused_at_once`
/// and `refused_when_marked_applied` cover it.
async fn refused_at_commit(scratch: Scratch) {
    let backend = scratch.backend;
    let deferred = match backend {
        Backend::Postgres => format!(
            "CREATE FUNCTION refuse_bb02() RETURNS trigger LANGUAGE plpgsql AS $$ \
             BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$;\n\
             CREATE CONSTRAINT TRIGGER refuse_bb02 AFTER INSERT ON {TABLE} \
             DEFERRABLE INITIALLY DEFERRED FOR EACH ROW \
             WHEN (NEW.revision = 'bb02') EXECUTE FUNCTION refuse_bb02();"
        ),
        Backend::Sqlite => format!(
            "CREATE TABLE refuse_parent (id TEXT PRIMARY KEY);\n\
             CREATE TABLE refuse_child (parent TEXT REFERENCES refuse_parent (id) DEFERRABLE INITIALLY DEFERRED);\n\
             CREATE TRIGGER refuse_bb02 AFTER INSERT ON {TABLE} WHEN NEW.revision = 'bb02' \
             BEGIN INSERT INTO refuse_child VALUES ('missing'); END;"
        ),
        Backend::MySql => {
            println!("SKIP MySql: no deferred constraints; see refused_at_once");
            return;
        }
    };
    let db = scratch.db().await;
    let m = migrations(&files(&set(bb02()))).migrator();
    m.upgrade(&db, "aa01").await.unwrap();
    exec(&db, &deferred).await.unwrap();

    let err = m.upgrade(&db, "heads").await.unwrap_err();
    let message = crate::support::chain(&err);
    assert!(matches!(err, Error::Database { .. }), "{err:?}");
    assert!(
        message.contains("bb02"),
        "the error names the revision: {message}"
    );
    match backend {
        Backend::Postgres => assert!(message.contains(REFUSAL), "{message}"),
        _ => assert!(message.contains("FOREIGN KEY"), "{message}"),
    }
    assert_applied(&db, &["aa01"], "bb02 is not applied").await;
    assert!(
        !table_exists(&db, "t_bb").await,
        "bb02's DDL was rolled back"
    );
    assert_lock_free(&m, &db).await;

    let fix = match backend {
        Backend::Postgres => drop_trigger(backend),
        _ => "DROP TRIGGER refuse_bb02;".to_owned(),
    };
    exec(&db, &fix).await.unwrap();
    let r = m.upgrade(&db, "heads").await.unwrap();
    assert_eq!(step_ids(&r), ["bb02", "cc03"]);
    assert_applied(&db, &["aa01", "bb02", "cc03"], "the rerun").await;
    db.close().await;
}

/// A non-transactional step (every revision on MariaDB, `transaction:false`
/// elsewhere) writes a `started` row, runs its SQL (which commits), then
/// marks the row applied: that last write is refused. The row stays
/// `started`, a visible partial state: the next run stops at it and says how
/// to settle it; resolving it as applied (its SQL did run) lets the rerun
/// complete.
async fn refused_when_marked_applied(scratch: Scratch) {
    let backend = scratch.backend;
    let db = scratch.db().await;
    let bb = if backend == Backend::MySql {
        bb02()
    } else {
        bb02().up_no_tx()
    };
    let m = migrations(&files(&set(bb))).migrator();
    m.upgrade(&db, "aa01").await.unwrap();
    exec(&db, &refuse_trigger(backend, "update")).await.unwrap();

    let err = m.upgrade(&db, "heads").await.unwrap_err();
    assert_write_error(&err, "refused update");
    assert_eq!(
        version_rows(&db, TABLE).await,
        ["aa01:applied", "bb02:started_up"],
        "a visible trace"
    );
    assert_eq!(logged(&db).await, ["aa01", "bb02"], "bb02's SQL committed");
    assert!(table_exists(&db, "t_bb").await);

    // The lock is free, and the next run refuses to go past the trace.
    let again = m
        .clone()
        .lock_timeout(Duration::from_secs(3))
        .upgrade(&db, "heads")
        .await
        .unwrap_err();
    assert!(
        matches!(&again, Error::Failed { revision, direction: Direction::Up, .. } if revision == "bb02"),
        "{again:?}"
    );
    assert!(
        again.to_string().contains("resolve bb02 --applied"),
        "{again}"
    );

    exec(&db, &drop_trigger(backend)).await.unwrap();
    m.resolve(&db, "bb02", true).await.unwrap();
    let r = m.upgrade(&db, "heads").await.unwrap();
    assert_eq!(step_ids(&r), ["cc03"]);
    assert_applied(&db, &["aa01", "bb02", "cc03"], "resolved and rerun").await;
    assert!(
        m.status(&db).await.unwrap().drifted.is_empty(),
        "resolve recorded the checksum"
    );
    db.close().await;
}

/// The migration renames the version table, so its own row has nowhere to
/// go. PostgreSQL and SQLite roll the rename back with the revision. On
/// MariaDB the rename commits at once and takes the `started` row with it:
/// the next run would find no version table; that is not tested here (there
/// is nothing a migrator can do about a migration that moves its table).
async fn migration_renames_the_table(scratch: Scratch) {
    let backend = scratch.backend;
    if !backend.transactional_ddl() {
        println!("SKIP MySql: DDL commits at once; see the comment");
        return;
    }
    let db = scratch.db().await;
    let renaming = rev("bb02", &["aa01"])
        .up(&format!(
            "CREATE TABLE t_bb (x INT);\nINSERT INTO log (rev) VALUES ('bb02');\nALTER TABLE {TABLE} RENAME TO moved_versions;"
        ))
        .down("DROP TABLE t_bb;");
    let m = migrations(&files(&set(renaming))).migrator();
    m.upgrade(&db, "aa01").await.unwrap();
    let err = m.upgrade(&db, "heads").await.unwrap_err();
    let message = crate::support::chain(&err);
    assert!(matches!(err, Error::Database { .. }), "{err:?}");
    assert!(
        message.contains(&format!(
            "cannot record the upgrade of bb02 (version table {TABLE})"
        )),
        "{message}"
    );
    assert_applied(&db, &["aa01"], "the rename rolled back with bb02").await;
    assert!(!table_exists(&db, "moved_versions").await);
    assert!(!table_exists(&db, "t_bb").await);
    assert_lock_free(&m, &db).await;

    let fixed = migrations(&files(&set(bb02()))).migrator();
    let r = fixed.upgrade(&db, "heads").await.unwrap();
    assert_eq!(step_ids(&r), ["bb02", "cc03"]);
    assert_applied(&db, &["aa01", "bb02", "cc03"], "the rerun").await;
    db.close().await;
}
