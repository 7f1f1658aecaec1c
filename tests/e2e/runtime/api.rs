//! The entry points: each pool type and `Db`, `status`, hooks, connecting.

use super::{assert_applied, logged_rev, merge_fixture, step_ids, TABLE};
use crate::on_each_backend;
use crate::support::{
    files, migrations, table_exists, version_rows, Backend, Scratch, MYSQL_ENV, POSTGRES_ENV,
};
use migrate_runtime::sqlx;
use migrate_runtime::{Db, Dialect, Direction, Error, RowState};
use std::sync::{Arc, Mutex};

on_each_backend!(upgrade_takes_each_pool_type, upgrade_takes_each_pool_type);
on_each_backend!(status_is_read_only, status_is_read_only);
on_each_backend!(hooks_see_each_step, hooks_see_each_step);

/// `Migrations::upgrade` accepts the backend's sqlx pool, `Db` and
/// references to them; it upgrades to every head and is then a no-op.
async fn upgrade_takes_each_pool_type(scratch: Scratch) {
    let set = migrations(&files(&[
        logged_rev("aa01", &[]),
        logged_rev("bb02", &["aa01"]),
    ]));
    let report = match scratch.backend {
        Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&format!("{}?mode=rwc", scratch.url))
                .await
                .unwrap();
            let r = set.upgrade(&pool).await.unwrap();
            assert!(set.upgrade(&&pool).await.unwrap().steps.is_empty());
            pool.close().await;
            r
        }
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(&scratch.url).await.unwrap();
            let r = set.upgrade(&pool).await.unwrap();
            pool.close().await;
            r
        }
        Backend::MySql => {
            let pool = sqlx::MySqlPool::connect(&scratch.url).await.unwrap();
            let r = set.upgrade(&pool).await.unwrap();
            pool.close().await;
            r
        }
    };
    assert_eq!(step_ids(&report), ["aa01", "bb02"]);
    assert_eq!(report.heads, ["bb02"]);
    let db = scratch.db().await;
    assert_eq!(db.dialect(), scratch.backend.dialect());
    if scratch.backend == Backend::Postgres {
        // An up-to-date start runs no DDL at all (not even CREATE TABLE IF
        // NOT EXISTS): an event trigger that rejects every DDL proves it.
        crate::support::exec(
            &db,
            "CREATE FUNCTION no_ddl() RETURNS event_trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'DDL during an up-to-date start: %', tg_tag; END $$;\n\
             CREATE EVENT TRIGGER no_ddl ON ddl_command_start EXECUTE FUNCTION no_ddl();",
        )
        .await
        .unwrap();
    }
    let again = set.upgrade(&db).await.unwrap();
    assert!(again.steps.is_empty(), "up to date: {again:?}");
    assert_eq!(again.heads, ["bb02"]);
    assert_applied(&db, &["aa01", "bb02"], "pool types").await;
    if scratch.backend == Backend::Postgres {
        crate::support::exec(&db, "DROP EVENT TRIGGER no_ddl")
            .await
            .unwrap();
    }
    db.close().await;
}

/// `status` neither creates the table nor takes the lock, and reports rows,
/// heads, pending revisions and failures.
async fn status_is_read_only(scratch: Scratch) {
    let db = scratch.db().await;
    let m = migrations(&files(&merge_fixture())).migrator();
    let status = m.status(&db).await.unwrap();
    assert!(status.rows.is_empty() && status.heads.is_empty());
    assert_eq!(
        status.pending,
        ["aa01", "bb02", "cc03", "cd04", "ee05", "ff06"]
    );
    assert!(
        !table_exists(&db, TABLE).await,
        "status must not create the version table"
    );

    m.upgrade(&db, "cc03").await.unwrap();
    let status = m.status(&db).await.unwrap();
    assert_eq!(status.heads, ["cc03"]);
    assert_eq!(status.pending, ["cd04", "ee05", "ff06"]);
    let rows: Vec<&str> = status.rows.iter().map(|r| r.revision.as_str()).collect();
    assert_eq!(rows, ["aa01", "bb02", "cc03"], "rows in apply order");
    let row = &status.rows[0];
    assert_eq!(row.state, RowState::Applied);
    assert_eq!(row.checksum.len(), 64, "hex SHA-256");
    assert!(
        row.applied_at.starts_with("20"),
        "applied_at: {}",
        row.applied_at
    );
    assert!(row.duration_ms >= 0);
    assert!(status.drifted.is_empty() && status.unknown.is_empty() && status.failed.is_empty());
    // That status takes no lock is shown in `locking::lock_timeout`, where
    // it answers while another migrator holds the lock.
    db.close().await;
}

/// The hook sees every committed step with its direction, in order, and the
/// report says the same.
async fn hooks_see_each_step(scratch: Scratch) {
    let db = scratch.db().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (a, b) = (seen.clone(), seen.clone());
    let m = migrations(&files(&merge_fixture()))
        .migrator()
        .on_step(move |e| a.lock().unwrap().push((e.revision.clone(), e.direction)))
        .on_step(move |e| {
            b.lock()
                .unwrap()
                .push((format!("second hook: {}", e.file_name), e.direction))
        });
    let up = m.upgrade(&db, "heads").await.unwrap();
    let events = std::mem::take(&mut *seen.lock().unwrap());
    let firsts: Vec<&str> = events.iter().step_by(2).map(|(r, _)| r.as_str()).collect();
    assert_eq!(firsts, ["aa01", "bb02", "cc03", "cd04", "ee05", "ff06"]);
    assert_eq!(events[1].0, "second hook: 01_aa01.sql");
    assert!(events.iter().all(|(_, d)| *d == Direction::Up));
    assert_eq!(step_ids(&up), firsts);
    assert_eq!(up.steps[0].message, "revision aa01");

    let down = m.downgrade(&db, "bb02").await.unwrap();
    let events = std::mem::take(&mut *seen.lock().unwrap());
    let firsts: Vec<&str> = events.iter().step_by(2).map(|(r, _)| r.as_str()).collect();
    assert_eq!(firsts, ["ff06", "ee05", "cd04", "cc03"]);
    assert!(events.iter().all(|(_, d)| *d == Direction::Down));
    assert_eq!(step_ids(&down), firsts);
    db.close().await;
}

/// SQLite URLs in each form create the file; `:memory:` works across the
/// pool's connections.
#[tokio::test]
async fn sqlite_urls() {
    let dir = tempfile::tempdir().unwrap();
    let set = migrations(&files(&[logged_rev("aa01", &[])]));
    for url in [
        format!("sqlite:{}", dir.path().join("a.db").display()),
        format!("sqlite://{}", dir.path().join("b.db").display()),
    ] {
        let db = Db::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(db.dialect(), Dialect::Sqlite);
        assert_eq!(step_ids(&set.upgrade(&db).await.unwrap()), ["aa01"]);
        db.close().await;
    }
    assert!(dir.path().join("a.db").is_file() && dir.path().join("b.db").is_file());

    let db = Db::connect("sqlite::memory:").await.unwrap();
    set.upgrade(&db).await.unwrap();
    assert_eq!(version_rows(&db, TABLE).await, ["aa01:applied"]);
    assert!(set.upgrade(&db).await.unwrap().steps.is_empty());

    // A read-only URL is not turned into a create.
    let err = Db::connect(&format!(
        "sqlite:{}?mode=ro",
        dir.path().join("missing.db").display()
    ))
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(!dir.path().join("missing.db").exists());
}

/// Connection errors name the URL with `***` for the password and never
/// print the password, whatever the driver says.
#[tokio::test]
async fn connect_errors_hide_the_password() {
    let secret = "Not-The-Password-42";
    let err = Db::connect(&format!("oracle://app:{secret}@db/x"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnsupportedUrl { .. }));
    assert!(
        !err.to_string().contains(secret) && err.to_string().contains("app:***@"),
        "{err}"
    );

    // Nothing listens on port 1: refused at once, with the driver's reason.
    for scheme in ["postgres", "mysql", "mariadb"] {
        let started = std::time::Instant::now();
        let err = Db::connect(&format!("{scheme}://app:{secret}@127.0.0.1:1/x"))
            .await
            .unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, Error::Connect { .. }), "{err:?}");
        assert!(
            !message.contains(secret) && message.contains("app:***@127.0.0.1:1/x"),
            "{message}"
        );
        assert!(message.to_lowercase().contains("refused"), "{message}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{scheme} took {:?}",
            started.elapsed()
        );
    }

    // A real server refusing the password.
    for (backend, var) in [
        (Backend::Postgres, POSTGRES_ENV),
        (Backend::MySql, MYSQL_ENV),
    ] {
        let Some(server) = backend.server_url() else {
            println!("SKIP {backend:?} wrong password: {var} is not set");
            continue;
        };
        let wrong = match server.rfind('@') {
            Some(at) => {
                let user_end = server[..at]
                    .rfind(':')
                    .filter(|&c| c > server.find("://").unwrap() + 3)
                    .unwrap_or(at);
                format!("{}:{secret}{}", &server[..user_end], &server[at..])
            }
            None => continue,
        };
        let err = Db::connect(&wrong).await.unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, Error::Connect { .. }), "{err:?}");
        assert!(!message.contains(secret), "{message}");
        assert!(message.contains(":***@"), "{message}");
        let source = std::error::Error::source(&err)
            .map(|s| s.to_string())
            .unwrap_or_default();
        assert!(!source.contains(secret), "{source}");
    }
}
