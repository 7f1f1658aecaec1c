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
        let _drop = Dropped {
            backend,
            server: server.clone(),
            names: vec![dead.clone(), live.clone(), dead_test.clone(), kept.clone()],
        };
        for name in [&dead, &dead_test] {
            exec_on(&server, &format!("CREATE DATABASE {name}"));
        }
        let (server2, live2, kept2) = (server.clone(), live.clone(), kept.clone());
        let after = on_own_runtime(move || async move {
            // The live and kept databases are old by their names, so any
            // cleaner running on this shared server (other tests') would
            // drop them in the moment between their creation and their
            // mark or comment: they are born protected.
            let holder = live_and_kept(backend, &server2, &live2, &kept2).await;
            let s = Sandbox::new(None, &format!("dev_url = \"{server2}\"\n"));
            s.revision(1, "r1", "", "CREATE TABLE t (id INT);", "DROP TABLE t;");
            let r = s.run(&["test"]);
            assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
            let after = databases(backend, &server2);
            drop(holder);
            after
        });
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

/// Drops the test's databases on every path (a template database, which
/// a failure may leave on PostgreSQL, is made ordinary first).
struct Dropped {
    backend: Backend,
    server: String,
    names: Vec<String>,
}

impl Drop for Dropped {
    fn drop(&mut self) {
        for name in &self.names {
            if self.backend == Backend::Postgres
                && !rows_on(
                    &self.server,
                    &format!("SELECT datname::text FROM pg_database WHERE datname = '{name}'"),
                )
                .is_empty()
            {
                exec_on(
                    &self.server,
                    &format!("ALTER DATABASE {name} IS_TEMPLATE false"),
                );
            }
            exec_on(&self.server, &format!("DROP DATABASE IF EXISTS {name}"));
        }
    }
}

/// Creates `live`, marked by another process's session (returned: the
/// mark lives as long as it), and `kept`, commented as a failed test's,
/// so that no cleaner can drop either at any moment:
/// - PostgreSQL: both are created as template databases, which `DROP
///   DATABASE` refuses, and made ordinary only once the mark (an advisory
///   lock on a session in `live`) and the comment are in place.
/// - MariaDB: the named lock is taken before `live` exists, and `kept` is
///   created with its comment in one statement.
async fn live_and_kept(
    backend: Backend,
    server: &str,
    live: &str,
    kept: &str,
) -> Box<dyn std::any::Any> {
    let comment = "'migrate: kept: the test failed'";
    match backend {
        Backend::Postgres => {
            let mut admin = sqlx::PgConnection::connect(server).await.unwrap();
            for sql in [
                format!("CREATE DATABASE {live} IS_TEMPLATE true"),
                format!("CREATE DATABASE {kept} IS_TEMPLATE true"),
                format!("COMMENT ON DATABASE {kept} IS {comment}"),
                format!("ALTER DATABASE {kept} IS_TEMPLATE false"),
            ] {
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(&mut admin)
                    .await
                    .unwrap();
            }
            let mut holder = sqlx::PgConnection::connect(&with_database(server, live))
                .await
                .unwrap();
            sqlx::query("SELECT pg_advisory_lock(7)")
                .execute(&mut holder)
                .await
                .unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "ALTER DATABASE {live} IS_TEMPLATE false"
            )))
            .execute(&mut admin)
            .await
            .unwrap();
            admin.close().await.unwrap();
            Box::new(holder)
        }
        _ => {
            let mut holder = sqlx::MySqlConnection::connect(server).await.unwrap();
            let got: i64 = sqlx::query_scalar("SELECT GET_LOCK(?, 0)")
                .bind(live)
                .fetch_one(&mut holder)
                .await
                .unwrap();
            assert_eq!(got, 1, "the mark of {live}");
            for sql in [
                format!("CREATE DATABASE {live}"),
                format!("CREATE DATABASE {kept} COMMENT {comment}"),
            ] {
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(&mut holder)
                    .await
                    .unwrap();
            }
            Box::new(holder)
        }
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
