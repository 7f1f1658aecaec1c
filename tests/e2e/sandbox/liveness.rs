//! Cleanup by liveness: a dead run's scratch and test databases are
//! dropped by the next run, a live run's (its mark held by another
//! process's session, whatever its age) and a failed test's kept one
//! survive; SIGTERM and SIGHUP in the middle of a run leave no scratch
//! database on a dev server and no private server directory.

use super::harness::{databases, exec_on, rows_on, servers, Sandbox};
use crate::support::{on_own_runtime, with_database, Backend};
use migrate_runtime::sqlx::{self, Connection};
use std::time::{Duration, Instant};

fn tag() -> String {
    crate::support::unique_name("").replace('_', "")
}

#[test]
fn the_cleaner_drops_dead_runs_databases_and_spares_live_and_kept_ones() {
    for backend in servers() {
        let server = backend.server_url().unwrap();
        let t = tag();
        // Made long ago (by their names' clocks): age is no reason either way.
        let dead = format!("migrate_scratch_1000000001_{t}");
        let live = format!("migrate_scratch_1000000002_{t}");
        let dead_test = format!("migrate_test_1000000003_{t}");
        let kept = format!("migrate_test_1000000004_{t}");
        for name in [&dead, &live, &dead_test, &kept] {
            exec_on(&server, &format!("CREATE DATABASE {name}"));
        }
        let comment = match backend {
            Backend::Postgres => {
                format!("COMMENT ON DATABASE {kept} IS 'migrate: kept: the test failed'")
            }
            _ => format!("ALTER DATABASE {kept} COMMENT = 'migrate: kept: the test failed'"),
        };
        exec_on(&server, &comment);
        let (server2, live2) = (server.clone(), live.clone());
        let after = on_own_runtime(move || async move {
            // Another process's mark: a session in the database holding an
            // advisory lock (PostgreSQL), a named lock (MariaDB).
            let holder: Box<dyn std::any::Any> = match backend {
                Backend::Postgres => {
                    let mut c = sqlx::PgConnection::connect(&with_database(&server2, &live2))
                        .await
                        .unwrap();
                    sqlx::query("SELECT pg_advisory_lock(7)")
                        .execute(&mut c)
                        .await
                        .unwrap();
                    Box::new(c)
                }
                _ => {
                    let mut c = sqlx::MySqlConnection::connect(&server2).await.unwrap();
                    sqlx::query("SELECT GET_LOCK(?, 0)")
                        .bind(&live2)
                        .execute(&mut c)
                        .await
                        .unwrap();
                    Box::new(c)
                }
            };
            let s = Sandbox::new(None, &format!("dev_url = \"{server2}\"\n"));
            s.revision(1, "r1", "", "CREATE TABLE t (id INT);", "DROP TABLE t;");
            let r = s.run(&["test"]);
            assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
            let after = databases(backend, &server2);
            drop(holder);
            after
        });
        for name in [&dead, &live, &dead_test, &kept] {
            exec_on(&server, &format!("DROP DATABASE IF EXISTS {name}"));
        }
        assert!(
            !after.contains(&dead),
            "{backend:?}: the dead run's database stayed"
        );
        assert!(
            !after.contains(&dead_test),
            "{backend:?}: the dead test's database stayed"
        );
        assert!(
            after.contains(&live),
            "{backend:?}: the live run's database was dropped"
        );
        assert!(
            after.contains(&kept),
            "{backend:?}: the kept database was dropped"
        );
    }
}

/// A project whose only revision sleeps, so that a signal finds the run
/// in the middle of it.
fn sleeping(s: &Sandbox, backend: Backend) {
    let sleep = match backend {
        Backend::Postgres => "SELECT pg_sleep(60);",
        _ => "SELECT SLEEP(60);",
    };
    s.revision(
        1,
        "r1",
        "",
        &format!("CREATE TABLE t (id INT);\n{sleep}"),
        "DROP TABLE t;",
    );
}

fn signal(pid: u32, name: &str) {
    let ok = std::process::Command::new("kill")
        .args([format!("-{name}"), pid.to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{name} {pid}");
}

fn wait_until(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn sigterm_and_sighup_leave_no_scratch_database_on_a_dev_server() {
    for backend in servers() {
        let server = backend.server_url().unwrap();
        for sig in ["TERM", "HUP"] {
            let s = Sandbox::new(None, &format!("dev_url = \"{server}\"\n"));
            sleeping(&s, backend);
            let mut child = s
                .command(&["test"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            // Its scratch database is the one whose sessions run the sleep.
            let sql = match backend {
                Backend::Postgres => "SELECT datname::text FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND datname LIKE 'migrate\\_scratch\\_%'".to_owned(),
                _ => "SELECT CAST(DB AS CHAR) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%SLEEP(60)%' AND DB LIKE 'migrate\\_scratch\\_%'".to_owned(),
            };
            let mut ours = Vec::new();
            wait_until("the run to reach its sleeping revision", || {
                ours = rows_on(&server, &sql);
                !ours.is_empty()
            });
            signal(child.id(), sig);
            let status = crate::support::wait_limited(&mut child, Duration::from_secs(60))
                .expect("the run ends after the signal");
            let mut stderr = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
            assert_eq!(status.code(), Some(1), "{sig}: {stderr}");
            assert!(
                stderr.contains("interrupted; the scratch databases were dropped"),
                "{sig}: {stderr}"
            );
            let left = databases(backend, &server);
            for name in &ours {
                assert!(
                    !left.contains(name),
                    "{backend:?} {sig}: {name} was left behind"
                );
            }
        }
    }
}

#[test]
fn sigterm_leaves_no_private_server_behind() {
    for backend in servers() {
        let dir = tempfile::tempdir().unwrap();
        let target = crate::support::Scratch::blocking(backend, dir.path());
        let s = Sandbox::new(Some(&target.url), "");
        sleeping(&s, backend);
        let mut child = s
            .command(&["test"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let prefix = format!("migrate-scratch-{}-", child.id());
        let private = || {
            std::fs::read_dir(std::env::temp_dir())
                .unwrap()
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .unwrap()
                        .to_string_lossy()
                        .starts_with(&prefix)
                })
                .collect::<Vec<_>>()
        };
        // Running: the server's socket exists in the private directory.
        wait_until("the private server to start", || {
            private().iter().any(|d| {
                std::fs::read_dir(d).is_ok_and(|entries| {
                    entries.filter_map(|e| e.ok()).any(|e| {
                        let n = e.file_name().to_string_lossy().into_owned();
                        n.starts_with(".s.PGSQL") || n == "mysqld.sock"
                    })
                })
            })
        });
        let dirs = private();
        use std::os::unix::fs::PermissionsExt;
        for d in &dirs {
            let mode = std::fs::metadata(d).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700, "{}", d.display());
        }
        std::thread::sleep(Duration::from_secs(1));
        signal(child.id(), "TERM");
        let status = crate::support::wait_limited(&mut child, Duration::from_secs(60))
            .expect("the run ends after the signal");
        assert_eq!(status.code(), Some(1));
        for d in &dirs {
            assert!(!d.exists(), "{backend:?}: {} was left behind", d.display());
        }
    }
}
