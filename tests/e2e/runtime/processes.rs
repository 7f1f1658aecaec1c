//! Separate processes: eight replicas of the example service starting at
//! once, a second migrator waiting for the first one's lock, and a migrator
//! killed in the middle of a slow migration.

use super::{logged, logged_rev, TABLE};
use crate::on_each_backend;
use crate::support::{
    expect_line, files, int, migrations, probe_bin, rev, run_to_end, spawn_probe, todo_service_bin,
    version_rows, wait_for, wait_limited, write_dir, Backend, Rev, Scratch,
};
use migrate_runtime::{Direction, Error};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

on_each_backend!(eight_processes_start_at_once, eight_processes_start_at_once);
on_each_backend!(killed_mid_migration, killed_mid_migration);
on_each_backend!(
    second_process_waits_for_the_holder,
    second_process_waits_for_the_holder
);

/// The example's revisions, in order.
const TODO_REVISIONS: [&str; 3] = ["1f3a9c0b7d42", "8b2e4d6f0a13", "c41d7e5a9f20"];

/// Waits for a child with a deadline, killing it if it overstays.
fn wait_with_deadline(child: &mut Child, deadline: Instant) -> std::process::ExitStatus {
    wait_limited(child, deadline.saturating_duration_since(Instant::now()))
        .expect("a child process did not finish in time")
}

/// Eight processes of the todo-service, started together on an empty
/// database: all succeed, and each revision is applied exactly once (by the
/// version table, by the seed row the third revision inserts under a primary
/// key, and by the processes' own reports).
async fn eight_processes_start_at_once(scratch: Scratch) {
    let bin = tokio::task::spawn_blocking(todo_service_bin).await.unwrap();
    let url = scratch.url.clone();
    let outputs = tokio::task::spawn_blocking(move || {
        let mut children: Vec<Child> = (0..8)
            .map(|_| {
                Command::new(&bin)
                    .env("DATABASE_URL", &url)
                    .env("TODO_NO_WORK", "1")
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("starting todo-service")
            })
            .collect();
        let deadline = Instant::now() + Duration::from_secs(60);
        children
            .iter_mut()
            .map(|c| wait_with_deadline(c, deadline))
            .collect::<Vec<_>>()
            .into_iter()
            .zip(children)
            .map(|(status, child)| {
                let out = child.wait_with_output().expect("child output");
                (
                    status,
                    String::from_utf8_lossy(&out.stdout).into_owned(),
                    String::from_utf8_lossy(&out.stderr).into_owned(),
                )
            })
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();

    let mut applied_by_processes = Vec::new();
    for (status, stdout, stderr) in &outputs {
        assert!(
            status.success(),
            "a replica failed: {status}\nstdout: {stdout}\nstderr: {stderr}"
        );
        assert!(
            stdout.contains(&format!("database at {}", TODO_REVISIONS[2])),
            "{stdout}"
        );
        // `todo-service: migrated <url> (id, id)`
        for line in stdout
            .lines()
            .filter(|l| l.starts_with("todo-service: migrated"))
        {
            let ids = line
                .rsplit_once('(')
                .map(|(_, ids)| ids.trim_end_matches(')'))
                .unwrap_or("");
            applied_by_processes.extend(ids.split(", ").map(str::to_owned));
        }
    }
    applied_by_processes.sort();
    assert_eq!(
        applied_by_processes, TODO_REVISIONS,
        "each revision applied by exactly one process"
    );

    let db = scratch.db().await;
    let rows: Vec<String> = TODO_REVISIONS
        .iter()
        .map(|r| format!("{r}:applied"))
        .collect();
    assert_eq!(version_rows(&db, TABLE).await, rows);
    assert_eq!(
        int(&db, "SELECT COUNT(*) FROM todos").await.unwrap(),
        1,
        "the seed revision ran once"
    );
    db.close().await;
}

/// Two processes: the first holds the migration lock through a slow
/// revision; the second, started meanwhile, waits for the lock (it does not
/// fail, and does not run anything early), then reads the state under it and
/// finds nothing left to do. On SQLite this is the lock file's test: the
/// first process's lock must survive its commit of aa01.
async fn second_process_waits_for_the_holder(scratch: Scratch) {
    let backend = scratch.backend;
    let slow = rev("bb02", &["aa01"])
        .up(&format!(
            "INSERT INTO log (rev) VALUES ('bb02');\n{}",
            super::locking::slow_sql(backend, 2)
        ))
        .down("DELETE FROM log WHERE rev = 'bb02';");
    let dir = write_dir(&files(&[logged_rev("aa01", &[]), slow]));
    let (url, path) = (scratch.url.clone(), dir.path().to_owned());
    let (first_out, second_out, second_started, second_ended) =
        tokio::task::spawn_blocking(move || {
            let (mut first, first_lines) = spawn_probe(&path, &url, "30000");
            expect_line(&first_lines, "step aa01", Duration::from_secs(30));
            // The first process is into bb02 now, holding the lock.
            let second_started = Instant::now();
            let (mut second, second_lines) = spawn_probe(&path, &url, "60000");
            let deadline = Instant::now() + Duration::from_secs(60);
            let status = wait_with_deadline(&mut second, deadline);
            let second_ended = Instant::now();
            let mut stderr = String::new();
            std::io::Read::read_to_string(&mut second.stderr.take().unwrap(), &mut stderr).unwrap();
            assert!(status.success(), "the waiting probe failed: {stderr}");
            let first_status = wait_with_deadline(&mut first, deadline);
            let mut first_stderr = String::new();
            std::io::Read::read_to_string(&mut first.stderr.take().unwrap(), &mut first_stderr)
                .unwrap();
            assert!(
                first_status.success(),
                "the first probe failed: {first_stderr}"
            );
            let collect = |rx: std::sync::mpsc::Receiver<(Instant, String)>| {
                let mut lines = Vec::new();
                while let Ok(line) = rx.recv_timeout(Duration::from_secs(5)) {
                    lines.push(line);
                }
                lines
            };
            (
                collect(first_lines),
                collect(second_lines),
                second_started,
                second_ended,
            )
        })
        .await
        .unwrap();

    let first_text: Vec<&str> = first_out.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(first_text, ["step bb02", "done"], "the first probe's rest");
    let second_text: Vec<&str> = second_out.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(
        second_text,
        ["connected", "done"],
        "the second probe found nothing to do"
    );
    let bb02_at = first_out[0].0;
    assert!(
        second_ended > bb02_at,
        "the second probe ended before the first committed bb02"
    );
    println!(
        "{backend:?}: the second probe waited {:?}",
        second_ended - second_started
    );

    let db = scratch.db().await;
    assert_eq!(
        version_rows(&db, TABLE).await,
        ["aa01:applied", "bb02:applied"]
    );
    assert_eq!(logged(&db).await, ["aa01", "bb02"], "each revision once");
    db.close().await;
}

/// The slow revision of the crash test, and its quick replacement for the rerun.
fn slow_rev(backend: Backend) -> Rev {
    let up = match backend {
        // The insert comes first: it must be rolled back with the revision.
        Backend::Postgres => {
            "INSERT INTO log (rev) VALUES ('bb02');\nSELECT pg_sleep(30);".to_owned()
        }
        Backend::Sqlite => format!(
            "INSERT INTO log (rev) VALUES ('bb02');\n{}",
            super::locking::slow_sql(Backend::Sqlite, 30)
        ),
        // MariaDB cannot roll back: the sleep comes first, so that at the kill
        // nothing but the `started` row shows.
        Backend::MySql => "SELECT SLEEP(30);\nINSERT INTO log (rev) VALUES ('bb02');".to_owned(),
    };
    rev("bb02", &["aa01"])
        .up(&up)
        .down("DELETE FROM log WHERE rev = 'bb02';")
}

/// A process killed (SIGKILL) in the middle of a slow revision: the database
/// stays consistent (PostgreSQL, SQLite: the revision is not recorded and its
/// work is rolled back; MariaDB: a visible `started` row), the lock is free
/// (a new process gets it promptly), and a rerun completes (after `resolve`
/// on MariaDB).
async fn killed_mid_migration(scratch: Scratch) {
    let backend = scratch.backend;
    let slow_dir = write_dir(&files(&[logged_rev("aa01", &[]), slow_rev(backend)]));
    let quick = [logged_rev("aa01", &[]), logged_rev("bb02", &["aa01"])];
    let quick_dir = write_dir(&files(&quick));
    let db = scratch.db().await;

    let mut child = Command::new(probe_bin())
        .args([slow_dir.path().to_str().unwrap(), &scratch.url, "heads"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting migrate-probe");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("the probe applies aa01");
        if line == "step aa01" {
            break;
        }
    }
    // Make sure the slow revision is running before the kill.
    match backend {
        Backend::Postgres => {
            let sql = "SELECT COUNT(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()";
            wait_for(Duration::from_secs(20), "pg_sleep to run", || async {
                (int(&db, sql).await.unwrap() > 0).then_some(())
            })
            .await;
        }
        Backend::MySql => {
            wait_for(Duration::from_secs(20), "the started row", || async {
                version_rows(&db, TABLE)
                    .await
                    .contains(&"bb02:started_up".to_owned())
                    .then_some(())
            })
            .await;
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        Backend::Sqlite => tokio::time::sleep(Duration::from_millis(700)).await,
    }
    child.kill().expect("SIGKILL"); // SIGKILL on Unix: no cleanup runs in the child
    child.wait().unwrap();

    // Consistent: nothing of bb02 (transactional), or a visible started row.
    if backend.transactional_ddl() {
        assert_eq!(version_rows(&db, TABLE).await, ["aa01:applied"]);
        assert_eq!(logged(&db).await, ["aa01"], "bb02's insert was rolled back");
    } else {
        // The server may still be running the dead client's statements;
        // what matters is the row, which says so.
        assert_eq!(
            version_rows(&db, TABLE).await,
            ["aa01:applied", "bb02:started_up"]
        );
    }

    // The lock is free: a new process gets it promptly.
    let started = Instant::now();
    let rerun = tokio::task::spawn_blocking({
        let (dir, url) = (quick_dir.path().to_owned(), scratch.url.clone());
        move || {
            run_to_end(Command::new(probe_bin()).args([
                dir.to_str().unwrap(),
                &url,
                "heads",
                "15000",
            ]))
        }
    })
    .await
    .unwrap();
    let took = started.elapsed();
    println!("{backend:?}: the rerun after the kill took {took:?}");
    let (out, err) = (&rerun.stdout, &rerun.stderr);
    assert!(
        took < Duration::from_secs(10),
        "the killed process's lock was held for {took:?}"
    );
    if backend.transactional_ddl() {
        assert!((rerun.code == 0), "rerun failed: {out}{err}");
        assert!(out.contains("step bb02"), "{out}");
    } else {
        // It took the lock and read the state: the started row stops it.
        assert!(rerun.code != 0, "{out}");
        assert!(
            err.contains("bb02")
                && err.contains("interrupted during upgrade")
                && err.contains("resolve bb02"),
            "{err}"
        );
        let quick_set = migrations(&files(&quick));
        let status = quick_set.migrator().status(&db).await.unwrap();
        assert!(status.rows.iter().any(|r| r.revision == "bb02"
            && r.state == migrate_runtime::RowState::Started(Direction::Up)));
        let refused = quick_set
            .migrator()
            .upgrade(&db, "heads")
            .await
            .unwrap_err();
        assert!(matches!(refused, Error::Failed { .. }), "{refused:?}");
        // The rerun got the lock, so the killed session has ended; MariaDB
        // may have run the rest of its statement batch before noticing the
        // client was gone. Check the schema, as the message asks, and settle.
        if logged(&db).await.contains(&"bb02".to_owned()) {
            quick_set
                .migrator()
                .resolve(&db, "bb02", true)
                .await
                .unwrap();
        } else {
            quick_set
                .migrator()
                .resolve(&db, "bb02", false)
                .await
                .unwrap();
            let rerun = quick_set.migrator().upgrade(&db, "heads").await.unwrap();
            assert_eq!(super::step_ids(&rerun), ["bb02"]);
        }
        assert!(quick_set
            .migrator()
            .upgrade(&db, "heads")
            .await
            .unwrap()
            .steps
            .is_empty());
    }
    assert_eq!(
        version_rows(&db, TABLE).await,
        ["aa01:applied", "bb02:applied"]
    );
    assert_eq!(logged(&db).await, ["aa01", "bb02"]);
    db.close().await;
}

/// With no configuration the example uses `sqlite:todo.db` in its working
/// directory, creating it; a bad URL is one line on stderr and exit code 1,
/// without the password.
#[tokio::test]
async fn todo_service_defaults_and_errors() {
    let bin = tokio::task::spawn_blocking(todo_service_bin).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    for run in 1..=2 {
        let out = Command::new(&bin)
            .current_dir(dir.path())
            .env_remove("DATABASE_URL")
            .env_remove("TODO_NO_WORK")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("added todo #"), "{stdout}");
        assert!(
            stdout.contains(&format!("{} todo(s) in the list", run + 1)),
            "run {run}: {stdout}"
        );
        assert_eq!(
            stdout.contains("todo-service: migrated sqlite:todo.db"),
            run == 1,
            "{stdout}"
        );
    }
    assert!(dir.path().join("todo.db").is_file());

    let secret = "Secret-Pw-4711";
    let out = Command::new(&bin)
        .env(
            "DATABASE_URL",
            format!("postgres://app:{secret}@127.0.0.1:1/todo"),
        )
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.starts_with(
            "todo-service: error: cannot connect to postgres://app:***@127.0.0.1:1/todo"
        ),
        "{stderr}"
    );
    assert!(
        !stderr.contains(secret) && !stderr.contains("panicked"),
        "{stderr}"
    );
}
