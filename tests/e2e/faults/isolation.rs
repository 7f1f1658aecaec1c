//! A migration's own SQL must not corrupt the record, hold the lock, or leak
//! into the application's pool (issue 9): session changes (`USE`, `SET
//! search_path`, PRAGMAs), a step in progress seen by another migrator, a
//! row changed under a run, table locks held elsewhere, temporary schemas
//! and tables that belong to another tool.

use crate::on_each_backend;
use crate::runtime::{assert_applied, assert_row_unchanged, logged, logged_rev, TABLE};
use crate::support::{exec, files, int, migrations, rev, strings, version_rows, Backend, Scratch};
use migrate_runtime::sqlx::{self, Connection};
use migrate_runtime::{Db, Error, LockStrategy};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A pool of one connection, so that what a run leaves on its connection is
/// what the application's next query sees.
async fn one_connection(scratch: &Scratch) -> Db {
    match scratch.backend {
        Backend::Sqlite => {
            use std::str::FromStr;
            let options = sqlx::sqlite::SqliteConnectOptions::from_str(&scratch.url)
                .unwrap()
                .create_if_missing(true);
            Db::Sqlite(
                sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_with(options)
                    .await
                    .unwrap(),
            )
        }
        Backend::Postgres => Db::Postgres(
            sqlx::postgres::PgPoolOptions::new()
                .max_connections(1)
                .connect(&scratch.url)
                .await
                .unwrap(),
        ),
        Backend::MySql => Db::MySql(
            sqlx::mysql::MySqlPoolOptions::new()
                .max_connections(1)
                .connect(&scratch.url)
                .await
                .unwrap(),
        ),
    }
}

/// A migration that changes the session (PostgreSQL `SET search_path` and
/// `lock_timeout`, MySQL `USE` and `FOREIGN_KEY_CHECKS`, SQLite `PRAGMA
/// foreign_keys`) does not move the version rows, does not change where
/// later revisions run, does not keep the lock, and does not reach the
/// application's pool.
async fn session_changes_stay_in_their_migration(scratch: Scratch) {
    let backend = scratch.backend;
    // Somewhere else the session can be sent: a schema (PostgreSQL) or
    // database (MySQL) holding a table of the version table's name.
    let other = match backend {
        Backend::Sqlite => None,
        Backend::Postgres | Backend::MySql => Some(Scratch::new(backend).await.unwrap()),
    };
    let db = one_connection(&scratch).await;
    let change = match (backend, &other) {
        (Backend::Postgres, _) => {
            exec(&db, &format!("CREATE SCHEMA tenant; CREATE TABLE tenant.{TABLE} (revision VARCHAR(128) PRIMARY KEY, checksum VARCHAR(64) NOT NULL, state VARCHAR(16) NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now(), duration_ms BIGINT NOT NULL DEFAULT 0);")).await.unwrap();
            rev("bb02", &["aa01"])
                .up("INSERT INTO log (rev) VALUES ('bb02');\nSET search_path TO tenant;\nSET lock_timeout = '1234ms';")
                .down("DELETE FROM public.log WHERE rev = 'bb02';")
        }
        (Backend::MySql, Some(other)) => rev("bb02", &["aa01"])
            .up(&format!(
                "INSERT INTO log (rev) VALUES ('bb02');\nSET FOREIGN_KEY_CHECKS = 0;\nUSE {};",
                other.name
            ))
            .down("DELETE FROM log WHERE rev = 'bb02';"),
        _ => rev("bb02", &["aa01"])
            .up_no_tx()
            .up("INSERT INTO log (rev) VALUES ('bb02');\nPRAGMA foreign_keys = OFF;")
            .down("DELETE FROM log WHERE rev = 'bb02';"),
    };
    let set = migrations(&files(&[
        logged_rev("aa01", &[]),
        change,
        logged_rev("cc03", &["bb02"]),
    ]));
    let before = session_state(&db, backend).await;
    set.upgrade(&db).await.unwrap();
    // Later revisions ran where the run started, and the rows are there too.
    assert_applied(&db, &["aa01", "bb02", "cc03"], "after the session change").await;
    assert_eq!(
        session_state(&db, backend).await,
        before,
        "the pool's connection is as it was"
    );
    if let Some(other) = &other {
        let other_db = other.db().await;
        let stray = strings(&other_db, &format!("SELECT revision FROM {TABLE}"))
            .await
            .unwrap_or_default();
        assert!(
            stray.is_empty(),
            "no version row in the other place: {stray:?}"
        );
        if backend == Backend::Postgres {
            assert_eq!(
                int(&db, &format!("SELECT count(*) FROM tenant.{TABLE}"))
                    .await
                    .unwrap(),
                0
            );
        }
    }
    // The lock was released: another migrator gets it at once.
    let started = Instant::now();
    let again = set
        .migrator()
        .lock_timeout(Duration::from_secs(2))
        .upgrade(&db, "heads")
        .await
        .unwrap();
    assert!(again.steps.is_empty() && started.elapsed() < Duration::from_secs(2));
    // Down works the same way.
    set.migrator().downgrade(&db, "aa01").await.unwrap();
    assert_applied(&db, &["aa01"], "after the downgrade").await;
    assert_eq!(session_state(&db, backend).await, before);
}
on_each_backend!(
    session_changes_stay_in_their_migration,
    session_changes_stay_in_their_migration
);

/// What a migration may change in a session, as seen by the application.
async fn session_state(db: &Db, backend: Backend) -> Vec<String> {
    let sql = match backend {
        Backend::Postgres => {
            "SELECT current_setting('search_path') || '|' || current_setting('lock_timeout')"
        }
        Backend::MySql => "SELECT CONCAT(DATABASE(), '|', @@session.foreign_key_checks)",
        Backend::Sqlite => "SELECT CAST(foreign_keys AS TEXT) FROM pragma_foreign_keys",
    };
    strings(db, sql).await.unwrap()
}

/// The version table's schema is resolved once, so `public.x` and `x` are
/// one table and one lock on PostgreSQL: a migrator of one waits for the other.
async fn qualified_and_bare_names_share_the_lock(scratch: Scratch) {
    if scratch.backend != Backend::Postgres {
        return;
    }
    let db = scratch.db().await;
    let set = migrations(&files(&[
        logged_rev("aa01", &[]),
        rev("bb02", &["aa01"])
            .up_no_tx()
            .up("SELECT pg_sleep(2);\nINSERT INTO log (rev) VALUES ('bb02');")
            .down("DELETE FROM log WHERE rev = 'bb02';"),
    ]));
    let slow = {
        let db = db.clone();
        tokio::spawn(async move {
            set.migrator()
                .table(format!("public.{TABLE}"))
                .upgrade(&db, "heads")
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(700)).await;
    let waiter = set
        .migrator()
        .lock_timeout(Duration::from_millis(300))
        .upgrade(&db, "heads")
        .await;
    assert!(
        matches!(waiter, Err(Error::LockTimeout { .. })),
        "{waiter:?}"
    );
    slow.await.unwrap().unwrap();
    assert_applied(&db, &["aa01", "bb02"], "one table for both names").await;
}
on_each_backend!(
    qualified_and_bare_names_share_the_lock,
    qualified_and_bare_names_share_the_lock
);

/// Under the transaction-scoped lock (PostgreSQL), a `transaction:false`
/// step in progress is not a failed one: a second migrator waits for it
/// instead of reporting it failed, and `resolve` cannot settle it meanwhile.
async fn a_running_step_is_not_a_failed_one(scratch: Scratch) {
    if scratch.backend != Backend::Postgres {
        return;
    }
    let db = scratch.db().await;
    let set = migrations(&files(&[
        logged_rev("aa01", &[]),
        rev("bb02", &["aa01"])
            .up_no_tx()
            .up("SELECT pg_sleep(2);\nINSERT INTO log (rev) VALUES ('bb02');")
            .down("DELETE FROM log WHERE rev = 'bb02';"),
    ]));
    let m = set.migrator().lock(LockStrategy::Transaction);
    m.upgrade(&db, "aa01").await.unwrap();
    let first = {
        let db = db.clone();
        let m = m.clone();
        tokio::spawn(async move { m.upgrade(&db, "heads").await })
    };
    tokio::time::sleep(Duration::from_millis(700)).await;
    let resolve = m
        .clone()
        .lock_timeout(Duration::from_millis(500))
        .resolve(&db, "bb02", false)
        .await;
    assert!(
        matches!(resolve, Err(Error::LockTimeout { .. })),
        "resolve must not settle a running step: {resolve:?}"
    );
    let second = m
        .clone()
        .lock_timeout(Duration::from_secs(10))
        .upgrade(&db, "heads")
        .await;
    let second = second.expect("the second migrator waits, then finds nothing to do");
    assert!(second.steps.is_empty(), "{second:?}");
    let first = first.await.unwrap().unwrap();
    assert_eq!(first.steps.len(), 1);
    assert_applied(&db, &["aa01", "bb02"], "bb02 ran exactly once").await;
}
on_each_backend!(
    a_running_step_is_not_a_failed_one,
    a_running_step_is_not_a_failed_one
);

/// A version-table write that changes no row (someone removed the step's
/// `started` row while it ran) stops the run and says the revision is not
/// recorded, instead of reporting success.
async fn a_row_changed_under_a_run_is_an_error(scratch: Scratch) {
    let sleep = match scratch.backend {
        Backend::Sqlite => return,
        Backend::Postgres => "SELECT pg_sleep(1.5);",
        Backend::MySql => "SELECT SLEEP(1.5);",
    };
    let db = scratch.db().await;
    let set = migrations(&files(&[
        logged_rev("aa01", &[]),
        rev("bb02", &["aa01"])
            .up_no_tx()
            .up(&format!("{sleep}\nINSERT INTO log (rev) VALUES ('bb02');"))
            .down("DELETE FROM log WHERE rev = 'bb02';"),
    ]));
    let m = set.migrator().lock(LockStrategy::None);
    m.upgrade(&db, "aa01").await.unwrap();
    let run = {
        let db = db.clone();
        let m = m.clone();
        tokio::spawn(async move { m.upgrade(&db, "heads").await })
    };
    tokio::time::sleep(Duration::from_millis(600)).await;
    exec(&db, &format!("DELETE FROM {TABLE} WHERE revision = 'bb02'"))
        .await
        .unwrap();
    let err = run.await.unwrap().unwrap_err();
    assert_row_unchanged(&err, "bb02");
    assert_eq!(
        version_rows(&db, TABLE).await,
        ["aa01:applied"],
        "bb02 is not recorded as applied"
    );
}
on_each_backend!(
    a_row_changed_under_a_run_is_an_error,
    a_row_changed_under_a_run_is_an_error
);

/// A table lock held by another session: with a statement lock timeout the
/// step fails naming the statement and what to do; without one, the wait
/// hook says what the step waits for after a few seconds.
async fn a_table_lock_held_elsewhere(scratch: Scratch) {
    let backend = scratch.backend;
    let db = scratch.db().await;
    let set = migrations(&files(&[
        logged_rev("aa01", &[]),
        rev("bb02", &["aa01"])
            .up("ALTER TABLE log ADD COLUMN note VARCHAR(10);")
            .down("ALTER TABLE log DROP COLUMN note;"),
    ]));
    set.migrator().upgrade(&db, "aa01").await.unwrap();
    // Another session holds a lock on `log` (SQLite: on the whole file).
    let hold = match backend {
        Backend::Sqlite => "BEGIN IMMEDIATE; INSERT INTO log (rev) VALUES ('other');",
        Backend::Postgres => "BEGIN; LOCK TABLE log IN ACCESS EXCLUSIVE MODE;",
        Backend::MySql => "START TRANSACTION; SELECT * FROM log;",
    };
    let holder = Holder::start(&scratch.url, hold).await;
    let started = Instant::now();
    let err = set
        .migrator()
        .statement_lock_timeout(Duration::from_secs(1))
        .upgrade(&db, "heads")
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "bounded: {:?}",
        started.elapsed()
    );
    let message = crate::support::chain(&err);
    match backend {
        // The write lock is taken at BEGIN, before any statement.
        Backend::Sqlite => assert!(
            matches!(&err, Error::Database { hint: Some(_), .. })
                && message.contains("write transaction"),
            "{err:?}"
        ),
        _ => assert!(
            matches!(&err, Error::Migration { revision, statement: Some(s), hint: Some(_), .. } if revision == "bb02" && s.number == 1),
            "{err:?}"
        ),
    }
    assert!(
        message.contains("statement lock timeout") || message.contains("busy timeout"),
        "{message}"
    );
    if backend == Backend::MySql {
        // DDL commits as it goes there: the step is recorded as failed, and
        // settled by hand once nothing of it took effect.
        assert_eq!(
            version_rows(&db, TABLE).await,
            ["aa01:applied", "bb02:failed_up"]
        );
        set.migrator().resolve(&db, "bb02", false).await.unwrap();
    }
    assert_eq!(version_rows(&db, TABLE).await, ["aa01:applied"]);

    // Without a timeout the hook tells what the step waits for, then the
    // step goes through once the holder lets go.
    if backend != Backend::Sqlite {
        let seen: Arc<Mutex<Vec<migrate_runtime::WaitEvent>>> = Arc::default();
        let hook = seen.clone();
        let m = set
            .migrator()
            .on_wait(move |w| hook.lock().unwrap().push(w.clone()));
        let release = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(6500)).await;
            holder.stop().await;
        });
        m.upgrade(&db, "heads").await.unwrap();
        release.await.unwrap();
        let first = seen
            .lock()
            .unwrap()
            .first()
            .cloned()
            .expect("a notice after five seconds");
        assert_eq!(first.revision, "bb02");
        assert!(first.waited >= Duration::from_secs(5), "{first:?}");
        let what = first.waiting_for.as_deref().unwrap_or_default();
        match backend {
            Backend::Postgres => assert!(
                what.contains("pid") && what.contains("LOCK TABLE"),
                "{what}"
            ),
            _ => assert!(what.contains("Waiting"), "{what}"),
        }
        assert_eq!(
            version_rows(&db, TABLE).await,
            ["aa01:applied", "bb02:applied"],
            "after the holder let go"
        );
    } else {
        holder.stop().await;
    }
}
on_each_backend!(a_table_lock_held_elsewhere, a_table_lock_held_elsewhere);

/// Another session with an open transaction, on its own connection.
struct Holder {
    stop: tokio::sync::oneshot::Sender<()>,
    done: tokio::task::JoinHandle<()>,
}

impl Holder {
    async fn start(url: &str, sql: &'static str) -> Holder {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (ready, is_ready) = tokio::sync::oneshot::channel::<()>();
        let url = url.to_owned();
        let done = tokio::spawn(async move {
            macro_rules! hold {
                ($conn:ty) => {{
                    let mut c = <$conn>::connect(&url).await.unwrap();
                    sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
                    let _ = ready.send(());
                    let _ = stopped.await;
                    sqlx::raw_sql("ROLLBACK").execute(&mut c).await.unwrap();
                    c.close().await.unwrap();
                }};
            }
            if url.starts_with("sqlite") {
                hold!(sqlx::SqliteConnection)
            } else if url.starts_with("postgres") {
                hold!(sqlx::PgConnection)
            } else {
                hold!(sqlx::MySqlConnection)
            }
        });
        is_ready.await.unwrap();
        Holder { stop, done }
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        self.done.await.unwrap();
    }
}

/// Temporary schemas are refused before any SQL runs; a table of the
/// version table's name that belongs to another tool gets a hint to use
/// another name.
async fn tables_that_cannot_hold_the_record(scratch: Scratch) {
    let db = scratch.db().await;
    let set = migrations(&files(&[logged_rev("aa01", &[])]));
    for temp in ["temp.versions", "pg_temp.versions"] {
        let err = set
            .migrator()
            .table(temp)
            .upgrade(&db, "heads")
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidTableName { reason, .. } if reason.contains("temporary")),
            "{temp}: {err:?}"
        );
    }
    assert!(logged(&db).await.is_empty(), "nothing ran");
    exec(
        &db,
        "CREATE TABLE schema_history (id INT, note VARCHAR(20))",
    )
    .await
    .unwrap();
    let err = set
        .migrator()
        .table("schema_history")
        .upgrade(&db, "heads")
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::NotVersionTable { .. }), "{err:?}");
    assert!(err.to_string().contains("--table"), "{err}");
}
on_each_backend!(
    tables_that_cannot_hold_the_record,
    tables_that_cannot_hold_the_record
);

/// A set built past validation (as only hand-written code could), whose
/// transactional section ends its own transaction: the run notices before
/// writing the row, says so, and records nothing. Validation refuses such a
/// file (`check`, `migrations!`); this proves the run-time guard behind it.
async fn a_section_that_ends_its_transaction(scratch: Scratch) {
    use migrate_runtime::__private::{migration, set, Cow, RawMigration};
    if !scratch.backend.transactional_ddl() {
        return;
    }
    const NONE: &[Cow<'static, str>] = &[];
    const PARENT: &[Cow<'static, str>] = &[Cow::Borrowed("aa01")];
    const fn raw(
        id: &'static str,
        parents: &'static [Cow<'static, str>],
        up: &'static str,
    ) -> RawMigration {
        RawMigration {
            id,
            file_name: id,
            message: "",
            parents,
            depends_on: NONE,
            branch_labels: NONE,
            replaces: NONE,
            up,
            up_transaction: true,
            down: Some("SELECT 1;"),
            down_transaction: true,
            checksum: [0; 32],
            order: 0,
        }
    }
    static LIST: [migrate_runtime::Migration; 2] = [
        migration(raw(
            "aa01",
            NONE,
            "CREATE TABLE log (rev VARCHAR(64) NOT NULL);",
        )),
        migration(RawMigration {
            order: 1,
            ..raw(
                "bb02",
                PARENT,
                "CREATE TABLE r1 (x INT);\nCOMMIT;\nCREATE TABLE r2 (x INT);",
            )
        }),
    ];
    static SET: migrate_runtime::Migrations = set(&LIST);
    let db = scratch.db().await;
    SET.migrator().upgrade(&db, "aa01").await.unwrap();
    let err = SET.upgrade(&db).await.unwrap_err();
    assert!(
        matches!(&err, Error::TransactionEnded { revision, .. } if revision == "bb02"),
        "{err:?}"
    );
    assert!(err.to_string().contains("NOT recorded"), "{err}");
    assert_eq!(version_rows(&db, TABLE).await, ["aa01:applied"]);
    // A grouped run checks its one savepoint before it commits.
    exec(&db, "DROP TABLE IF EXISTS r1; DROP TABLE IF EXISTS r2;")
        .await
        .unwrap();
    let err = SET
        .migrator()
        .grouped(true)
        .upgrade(&db, "heads")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::TransactionEnded { revision, .. } if revision.contains("bb02")),
        "{err:?}"
    );
    assert_eq!(version_rows(&db, TABLE).await, ["aa01:applied"]);
}
on_each_backend!(
    a_section_that_ends_its_transaction,
    a_section_that_ends_its_transaction
);

/// A stamp writes the same rows online and through its offline script, and
/// both are one transaction on every dialect.
async fn online_and_offline_stamps_agree(scratch: Scratch) {
    let online = scratch.db().await;
    let other = Scratch::new(scratch.backend).await.unwrap();
    let offline = other.db().await;
    let set = migrations(&files(&crate::runtime::merge_fixture()));
    for targets in [&["cc03"][..], &["heads"][..], &["cc03", "cd04"][..]] {
        set.migrator().stamp(&online, targets, true).await.unwrap();
        let script = set
            .migrator()
            .offline_stamp(scratch.backend.dialect(), targets, false)
            .unwrap();
        assert!(script.contains("COMMIT;"), "one transaction: {script}");
        exec(&offline, &format!("DROP TABLE IF EXISTS {TABLE}"))
            .await
            .unwrap();
        // Without the sqlite3 shell's `.bail on` line, which sqlx cannot run.
        let script = script.replace(".bail on\n", "");
        exec(&offline, &script).await.unwrap();
        let mut want = version_rows(&online, TABLE).await;
        let mut got = version_rows(&offline, TABLE).await;
        want.sort();
        got.sort();
        assert_eq!(got, want, "{targets:?}");
    }
}
on_each_backend!(
    online_and_offline_stamps_agree,
    online_and_offline_stamps_agree
);
