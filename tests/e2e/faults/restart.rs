//! The database goes away in the middle of a run.
//!
//! PostgreSQL and MariaDB: a private server (see `server.rs`) is stopped at
//! once while a migrator process runs a slow revision, then restarted on the
//! same data directory. SQLite has no server: its analogue is the migrator
//! process killed while it writes pages of the database file (a hot journal
//! is left behind for the next connection to roll back).
//!
//! After each: the migrator exits non-zero with a clear error naming the
//! revision and no password; the state is exactly "not applied" (PostgreSQL,
//! SQLite) or a visible `started` row (MariaDB); the lock is free; a rerun
//! completes (after `resolve` on MariaDB).

use super::server::PrivateServer;
use crate::runtime::{logged, logged_rev, TABLE};
use crate::support::{
    expect_line, files, finish, int, migrations, probe_bin, rev, spawn_probe, strings,
    version_rows, wait_for, wait_limited, write_dir, Backend, Rev, Scratch,
};
use migrate_runtime::{Db, Direction, Error, RowState};
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod server_stopped_mid_run {
    use crate::support::Backend;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::server_stopped_mid_run(Backend::Postgres).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn mysql() {
        super::server_stopped_mid_run(Backend::MySql).await;
    }
}

/// Runs a probe to its end (bounded); returns exit code, stdout, stderr.
fn probe_run(dir: &std::path::Path, url: &str) -> (Option<i32>, String, String) {
    let mut child = Command::new(probe_bin())
        .args([dir.to_str().unwrap(), url, "heads", "20000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting migrate-probe");
    let status = wait_limited(&mut child, Duration::from_secs(60)).expect("the probe finished");
    let (mut out, mut err) = (String::new(), String::new());
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (status.code(), out, err)
}

/// The slow revision: on PostgreSQL its insert comes first (and must be
/// rolled back); MariaDB cannot roll back, so the sleep comes first and
/// nothing but the `started` row exists when the server dies.
fn slow_bb02(backend: Backend) -> Rev {
    let up = match backend {
        Backend::Postgres => "INSERT INTO log (rev) VALUES ('bb02');\nSELECT pg_sleep(30);",
        _ => "SELECT SLEEP(30);\nINSERT INTO log (rev) VALUES ('bb02');",
    };
    rev("bb02", &["aa01"])
        .up(up)
        .down("DELETE FROM log WHERE rev = 'bb02';")
}

async fn server_stopped_mid_run(backend: Backend) {
    let Some(mut server) = tokio::task::block_in_place(|| PrivateServer::start(backend)) else {
        return;
    };
    let url = server.url.clone();
    let password = server.password.clone();
    let slow_dir = write_dir(&files(&[logged_rev("aa01", &[]), slow_bb02(backend)]));
    let quick = [logged_rev("aa01", &[]), logged_rev("bb02", &["aa01"])];
    let quick_dir = write_dir(&files(&quick));

    let (child, lines) = spawn_probe(slow_dir.path(), &url, "20000");
    tokio::task::block_in_place(|| expect_line(&lines, "step aa01", Duration::from_secs(30)));
    let db = Db::connect(&url).await.unwrap();
    match backend {
        Backend::Postgres => {
            let sql = "SELECT COUNT(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()";
            wait_for(Duration::from_secs(20), "pg_sleep to run", || async {
                (int(&db, sql).await.unwrap() > 0).then_some(())
            })
            .await;
        }
        _ => {
            let sql = "SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE 'SELECT SLEEP(30)%'";
            wait_for(Duration::from_secs(20), "SLEEP to run", || async {
                (int(&db, sql).await.unwrap() > 0).then_some(())
            })
            .await;
        }
    }
    db.close().await;

    // The server dies under the migrator.
    let stopped = Instant::now();
    tokio::task::block_in_place(|| server.stop_immediately());
    let (code, stderr) = tokio::task::block_in_place(|| finish(child, Duration::from_secs(30)));
    println!(
        "{backend:?}: the migrator exited {:?} after the server stopped: {}",
        stopped.elapsed(),
        stderr.trim()
    );
    assert_eq!(code, Some(1), "the migrator must fail: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.contains("upgrade of bb02 (bb02.sql) failed"),
        "the error names the revision: {stderr}"
    );
    assert!(!stderr.contains(&password), "password leaked: {stderr}");
    if backend == Backend::Postgres {
        assert!(stderr.contains("rolled back"), "{stderr}");
    } else {
        assert!(stderr.contains("cargo migrate resolve"), "{stderr}");
    }

    // While it is down, a new migrator fails at once, clearly.
    let (code, _, stderr) = tokio::task::block_in_place(|| probe_run(quick_dir.path(), &url));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("cannot connect to"), "{stderr}");
    assert!(stderr.contains(":***@127.0.0.1"), "{stderr}");
    assert!(!stderr.contains(&password), "password leaked: {stderr}");

    tokio::task::block_in_place(|| server.restart());
    let db = Db::connect(&url).await.unwrap();
    if backend == Backend::Postgres {
        // Crash recovery kept what committed (aa01) and nothing of bb02.
        assert_eq!(version_rows(&db, TABLE).await, ["aa01:applied"]);
        assert_eq!(logged(&db).await, ["aa01"], "bb02's insert was rolled back");
    } else {
        // The committed `started` row survived the crash: a visible trace.
        assert_eq!(
            version_rows(&db, TABLE).await,
            ["aa01:applied", "bb02:started_up"],
            "{}",
            server.log()
        );
        assert_eq!(logged(&db).await, ["aa01"], "bb02's insert never ran");
        // The lock is free (the rerun reads the table under it) and the rerun
        // stops at the trace with the command that settles it.
        let (code, _, stderr) = tokio::task::block_in_place(|| probe_run(quick_dir.path(), &url));
        assert_eq!(code, Some(1), "{stderr}");
        assert!(
            stderr.contains("bb02") && stderr.contains("interrupted during upgrade"),
            "{stderr}"
        );
        assert!(stderr.contains("resolve bb02 --rolled-back"), "{stderr}");
        migrations(&files(&quick))
            .migrator()
            .resolve(&db, "bb02", false)
            .await
            .unwrap();
    }
    let (code, out, stderr) = tokio::task::block_in_place(|| probe_run(quick_dir.path(), &url));
    assert_eq!(code, Some(0), "the rerun failed: {stderr}");
    assert!(out.contains("step bb02"), "{out}");
    assert_eq!(
        version_rows(&db, TABLE).await,
        ["aa01:applied", "bb02:applied"]
    );
    assert_eq!(logged(&db).await, ["aa01", "bb02"]);
    db.close().await;
}

/// SQLite's analogue: the migrator process is SIGKILLed while its revision
/// writes megabytes into the database file (more than SQLite's page cache,
/// so pages reach the file before the commit). The next connection finds
/// the hot journal and rolls the file back: the database is intact, the
/// revision not applied, and a rerun completes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_killed_mid_write() {
    let scratch = Scratch::new(Backend::Sqlite).await.expect("SQLite");
    let filler = "CREATE TABLE filler (x INTEGER, pad BLOB);\n\
         INSERT INTO log (rev) VALUES ('bb02');\n\
         INSERT INTO filler WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000000) SELECT x, randomblob(200) FROM c;";
    let slow_dir = write_dir(&files(&[
        logged_rev("aa01", &[]),
        rev("bb02", &["aa01"])
            .up(filler)
            .down("DROP TABLE filler;\nDELETE FROM log WHERE rev = 'bb02';"),
    ]));
    let quick = [logged_rev("aa01", &[]), logged_rev("bb02", &["aa01"])];
    let quick_dir = write_dir(&files(&quick));
    let db_file = std::path::PathBuf::from(&scratch.name);

    let (mut child, lines) = spawn_probe(slow_dir.path(), &scratch.url, "20000");
    tokio::task::block_in_place(|| expect_line(&lines, "step aa01", Duration::from_secs(30)));
    // Wait until the write has spilled out of SQLite's page cache: the
    // database file (or its WAL) has grown by megabytes before any commit.
    let size = |suffix: &str| {
        std::fs::metadata(format!("{}{suffix}", db_file.display()))
            .map(|m| m.len())
            .unwrap_or(0)
    };
    let before = size("");
    let spilled = wait_for(Duration::from_secs(30), "the write to spill", || async {
        let grown = size("").saturating_sub(before) + size("-wal");
        (grown > 4 << 20).then_some(grown)
    })
    .await;
    let journal = size("-journal");
    child.kill().expect("SIGKILL");
    child.wait().unwrap();
    println!("SQLite: killed after {spilled} bytes reached the file (journal: {journal} bytes)");

    let db = scratch.db().await;
    assert_eq!(
        strings(&db, "PRAGMA integrity_check").await.unwrap(),
        ["ok"]
    );
    assert_eq!(version_rows(&db, TABLE).await, ["aa01:applied"]);
    assert_eq!(logged(&db).await, ["aa01"], "bb02's insert was rolled back");
    assert_eq!(
        int(
            &db,
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'filler'"
        )
        .await
        .unwrap(),
        0,
        "bb02's table was rolled back"
    );
    let status = migrations(&files(&quick))
        .migrator()
        .status(&db)
        .await
        .unwrap();
    assert!(status.failed.is_empty() && status.pending == ["bb02"]);
    assert!(!status
        .rows
        .iter()
        .any(|r| matches!(r.state, RowState::Started(Direction::Up))));

    let (code, out, stderr) =
        tokio::task::block_in_place(|| probe_run(quick_dir.path(), &scratch.url));
    assert_eq!(code, Some(0), "the rerun failed: {stderr}");
    assert!(out.contains("step bb02"), "{out}");
    assert_eq!(
        version_rows(&db, TABLE).await,
        ["aa01:applied", "bb02:applied"]
    );
    assert_eq!(logged(&db).await, ["aa01", "bb02"]);
    // Nothing is left waiting: a run with a short lock timeout gets the lock.
    let again = migrations(&files(&quick))
        .migrator()
        .lock_timeout(Duration::from_secs(2))
        .upgrade(&db, "heads")
        .await;
    assert!(!matches!(again, Err(Error::LockTimeout { .. })) && again.unwrap().steps.is_empty());
    db.close().await;
}
