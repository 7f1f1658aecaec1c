//! Locks under pressure: 32 migrator processes started together, and a
//! waiting process taking over the lock of a holder killed with SIGKILL.

use crate::on_each_backend;
use crate::runtime::{assert_applied, logged_rev, merge_fixture};
use crate::support::{
    expect_line, files, finish, int, probe_bin, rev, spawn_probe, version_rows, wait_for,
    write_dir, Backend, Rev, Scratch,
};
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

on_each_backend!(thirty_two_processes, thirty_two_processes);
on_each_backend!(lock_taken_over_after_sigkill, lock_taken_over_after_sigkill);

/// How many processes race.
const PROCESSES: usize = 32;

/// The merge fixture (aa01..ff06, with a branch and its merge), then a
/// `transaction:false` revision and one more: every revision logs itself,
/// so one applied twice would show as a duplicate in `log`.
fn revisions() -> Vec<Rev> {
    let mut revs = merge_fixture();
    revs.push(
        logged_rev("gg07", &["ff06"])
            .up_no_tx()
            .named("07_gg07.sql"),
    );
    revs.push(logged_rev("hh08", &["gg07"]).named("08_hh08.sql"));
    revs
}

const IDS: [&str; 8] = [
    "aa01", "bb02", "cc03", "cd04", "ee05", "ff06", "gg07", "hh08",
];

/// 32 processes (`migrate-probe`, each its own pool and connection) start
/// together on an empty database: all exit 0, each revision is applied by
/// exactly one of them (by their step reports, the version table and the
/// log, which would show a second run as a duplicate).
async fn thirty_two_processes(scratch: Scratch) {
    let backend = scratch.backend;
    let dir = write_dir(&files(&revisions()));
    let (path, url) = (dir.path().to_owned(), scratch.url.clone());
    let (outputs, took) = tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let children: Vec<Child> = (0..PROCESSES)
            .map(|_| {
                Command::new(probe_bin())
                    .args([path.to_str().unwrap(), &url, "heads", "90000"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("starting migrate-probe")
            })
            .collect();
        let deadline = Instant::now() + Duration::from_secs(100);
        let outputs: Vec<(Option<i32>, String, String)> = children
            .into_iter()
            .map(|mut child| {
                let left = deadline.saturating_duration_since(Instant::now());
                let status = crate::support::wait_limited(&mut child, left);
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
                (status.and_then(|s| s.code()), out, err)
            })
            .collect();
        (outputs, started.elapsed())
    })
    .await
    .unwrap();
    println!("{backend:?}: {PROCESSES} processes finished in {took:?}");

    let mut applied = Vec::new();
    for (k, (code, out, err)) in outputs.iter().enumerate() {
        assert_eq!(
            *code,
            Some(0),
            "process {k} failed (None: it overran the deadline):\nstdout: {out}\nstderr: {err}"
        );
        assert!(out.ends_with("done\n"), "process {k}: {out}");
        applied.extend(out.lines().filter_map(|l| l.strip_prefix("step ")));
    }
    applied.sort_unstable();
    assert_eq!(applied, IDS, "each revision applied by exactly one process");
    let db = scratch.db().await;
    assert_applied(&db, &IDS, "after 32 processes").await;
    db.close().await;
}

/// The holder runs a slow revision; a second process is already waiting for
/// the lock; the holder is killed with SIGKILL (no cleanup runs). The waiter
/// must get the lock promptly (bounded at 10 s; the figure is printed): on
/// PostgreSQL the server ends the dead client's session (and its advisory
/// lock) within about a second, on MariaDB when its `SLEEP` notices the
/// client is gone, on SQLite at once (the OS drops the dead process's file
/// lock). The waiter then finishes the work (PostgreSQL, SQLite: bb02 was
/// rolled back) or stops at the `started` row the holder left (MariaDB).
async fn lock_taken_over_after_sigkill(scratch: Scratch) {
    let backend = scratch.backend;
    let slow = match backend {
        Backend::MySql => "SELECT SLEEP(60);\nINSERT INTO log (rev) VALUES ('bb02');",
        Backend::Postgres => "INSERT INTO log (rev) VALUES ('bb02');\nSELECT pg_sleep(60);",
        // No sleep in SQLite: count for a long while.
        Backend::Sqlite => "INSERT INTO log (rev) VALUES ('bb02');\nWITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 500000000) SELECT COUNT(*) FROM c;",
    };
    let slow_dir = write_dir(&files(&[
        logged_rev("aa01", &[]),
        rev("bb02", &["aa01"])
            .up(slow)
            .down("DELETE FROM log WHERE rev = 'bb02';"),
    ]));
    let quick_dir = write_dir(&files(&[
        logged_rev("aa01", &[]),
        logged_rev("bb02", &["aa01"]),
    ]));
    let db = scratch.db().await;

    let (mut holder, holder_lines) = spawn_probe(slow_dir.path(), &scratch.url, "20000");
    tokio::task::block_in_place(|| {
        expect_line(&holder_lines, "step aa01", Duration::from_secs(30))
    });
    match backend {
        Backend::Postgres => {
            let sql = "SELECT COUNT(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()";
            wait_for(Duration::from_secs(20), "pg_sleep to run", || async {
                (int(&db, sql).await.unwrap() > 0).then_some(())
            })
            .await;
        }
        Backend::MySql => {
            let sql = "SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE 'SELECT SLEEP(60)%'";
            wait_for(Duration::from_secs(20), "SLEEP to run", || async {
                (int(&db, sql).await.unwrap() > 0).then_some(())
            })
            .await;
        }
        Backend::Sqlite => tokio::time::sleep(Duration::from_millis(300)).await,
    }
    // The waiter connects and starts polling for the lock.
    let (waiter, waiter_lines) = spawn_probe(quick_dir.path(), &scratch.url, "30000");
    tokio::task::block_in_place(|| {
        expect_line(&waiter_lines, "connected", Duration::from_secs(20))
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        waiter_lines.try_recv().is_err(),
        "the waiter did something while the lock was held"
    );

    holder.kill().expect("SIGKILL");
    let killed = Instant::now();
    holder.wait().unwrap();
    let (code, stderr) = tokio::task::block_in_place(|| finish(waiter, Duration::from_secs(40)));
    let took = killed.elapsed();
    println!("{backend:?}: the waiting process finished {took:?} after the holder's SIGKILL");
    assert!(
        took < Duration::from_secs(10),
        "the killed holder's lock was held for {took:?}"
    );
    if backend.transactional_ddl() {
        assert_eq!(code, Some(0), "the waiter failed: {stderr}");
        let lines: Vec<String> =
            tokio::task::block_in_place(|| waiter_lines.iter().map(|(_, l)| l).collect());
        assert_eq!(lines, ["step bb02", "done"]);
        assert_applied(&db, &["aa01", "bb02"], "the waiter finished").await;
    } else {
        // It got the lock (no timeout) and found the holder's trace.
        assert_eq!(code, Some(1), "{stderr}");
        assert!(
            stderr.contains("bb02") && stderr.contains("interrupted during upgrade"),
            "{stderr}"
        );
        assert_eq!(
            version_rows(&db, crate::runtime::TABLE).await,
            ["aa01:applied", "bb02:started_up"]
        );
    }
    db.close().await;
}
