//! The runtime hook the rehearsal stands on: `Migrator::after_statement`
//! is awaited after each statement, before the next one and before the
//! step commits. On PostgreSQL a second connection, looking from inside the
//! hook, sees the lock statement 1 took in the step's transaction (held
//! until the commit, which has not come); on every backend the hook's
//! future finishes before the next statement is heard of.

use crate::stairway::each_backend;
use crate::support::{files, migrations, rev, Backend, Scratch};
use migrate_runtime::{Db, StatementWait};
use std::sync::{Arc, Mutex};

each_backend!(after_statement_is_awaited_between_statements);

async fn after_statement_is_awaited_between_statements(backend: Backend) {
    let Some(scratch) = Scratch::new(backend).await else {
        return;
    };
    let first = match backend {
        Backend::Postgres => "LOCK TABLE t IN SHARE ROW EXCLUSIVE MODE;",
        _ => "INSERT INTO t VALUES (0);",
    };
    let set = migrations(&files(&[
        rev("a1", &[])
            .up("CREATE TABLE t (id INT);")
            .down("DROP TABLE t;"),
        rev("b2", &["a1"])
            .up(&format!(
                "{first}\nINSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);"
            ))
            .down("DELETE FROM t;"),
    ]));
    migrations_upgrade(set, &scratch, "a1").await;
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let db = scratch.db().await;
    let looker = scratch.db().await;
    let (heard, paused) = (log.clone(), log.clone());
    let migrator = set
        .migrator()
        .on_statement(move |e| heard.lock().unwrap().push(format!("statement {}", e.index)))
        .after_statement(move |e| -> StatementWait {
            let (log, looker, index) = (paused.clone(), looker.clone(), e.index);
            Box::pin(async move {
                log.lock().unwrap().push(format!("look {index}"));
                // Let the runtime run, were it to go on without us.
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                if let Db::Postgres(pool) = &looker {
                    let modes: Vec<String> = sqlx::query_scalar(
                        "SELECT l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
                         WHERE c.relname = 't' AND l.pid <> pg_backend_pid() AND l.granted",
                    )
                    .fetch_all(pool)
                    .await
                    .unwrap();
                    log.lock()
                        .unwrap()
                        .push(format!("locks {index}: {}", modes.join(",")));
                }
                log.lock().unwrap().push(format!("done {index}"));
            })
        });
    migrator.upgrade(&db, "b2").await.unwrap();
    let log = log.lock().unwrap().clone();
    let mut expected = Vec::new();
    for k in 0..3 {
        expected.push(format!("statement {k}"));
        expected.push(format!("look {k}"));
        expected.push(format!("done {k}"));
    }
    let without_locks: Vec<String> = log
        .iter()
        .filter(|l| !l.starts_with("locks "))
        .cloned()
        .collect();
    assert_eq!(without_locks, expected, "{log:#?}");
    if backend == Backend::Postgres {
        // Statement 1's lock, seen from inside the hook: the step had not
        // committed.
        let after_lock = log.iter().find(|l| l.starts_with("locks 1:")).unwrap();
        assert!(after_lock.contains("ShareRowExclusiveLock"), "{log:#?}");
    }
    db.close().await;
}

/// Upgrades the scratch database to `target` without hooks.
async fn migrations_upgrade(set: &migrate_runtime::Migrations, scratch: &Scratch, target: &str) {
    let db = scratch.db().await;
    set.migrator().upgrade(&db, target).await.unwrap();
    db.close().await;
}
