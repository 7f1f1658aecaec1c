//! The test helper (`#[migrate_devtools::test]`), run as a child process
//! of this test binary so that each case has the environment it needs:
//! a passing `#[should_panic]` test's database is dropped, a failing test's
//! is kept and named in one line, and a shell's `DATABASE_URL` only picks
//! the kind of server: test databases go to a private server, never there.

use super::harness::{databases, exec_on, rows_on, servers};
use crate::support::Backend;
use migrate_devtools::testing::TestDb;
use migrate_runtime::Migrations;
use std::sync::LazyLock;

static M: LazyLock<Migrations> = LazyLock::new(|| {
    Migrations::from_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/e2e/sandbox/migrations"
    ))
    .unwrap()
});

/// Where a child test writes its database's name.
fn record(db: &TestDb) {
    if let Some(path) = std::env::var_os("SANDBOX_HELPER_OUT") {
        std::fs::write(path, db.name()).unwrap();
    }
}

#[migrate_devtools::test(migrations = M)]
#[should_panic(expected = "on purpose")]
#[ignore = "a child of the_test_helper_drops_passing_tests_databases_and_keeps_failing_ones"]
async fn child_should_panic(db: TestDb) {
    record(&db);
    panic!("on purpose");
}

#[migrate_devtools::test(migrations = M)]
#[ignore = "a child of the_test_helper_drops_passing_tests_databases_and_keeps_failing_ones"]
async fn child_fails(db: TestDb) {
    record(&db);
    panic!("failing on purpose");
}

#[migrate_devtools::test(migrations = M)]
#[ignore = "a child of the_test_helper_drops_passing_tests_databases_and_keeps_failing_ones"]
async fn child_passes(db: TestDb) -> Result<(), migrate_runtime::Error> {
    record(&db);
    let status = db.migrator().status(db.db()).await?;
    assert!(status.pending.is_empty());
    Ok(())
}

/// Runs child test `name` with `env`; returns its exit code, its stderr and
/// the database it recorded.
fn child(name: &str, env: &[(&str, &str)]) -> (i32, String, String) {
    let out = tempfile::NamedTempFile::new().unwrap();
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.args([
        &format!("sandbox::helper::{name}"),
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ]);
    for var in ["MIGRATE_TEST_DATABASE_URL", "DATABASE_URL"] {
        cmd.env_remove(var);
    }
    cmd.env("SANDBOX_HELPER_OUT", out.path());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let r = crate::support::run_to_end(&mut cmd);
    let recorded = std::fs::read_to_string(out.path()).unwrap_or_default();
    (r.code, format!("{}{}", r.stdout, r.stderr), recorded)
}

/// The database name at the end of a URL without its password.
fn db_name(url: &str) -> String {
    let path = url.split('?').next().unwrap();
    path.rsplit('/').next().unwrap().to_owned()
}

#[test]
fn the_test_helper_drops_passing_tests_databases_and_keeps_failing_ones() {
    for backend in servers() {
        let server = backend.server_url().unwrap();
        let env = [("MIGRATE_TEST_DATABASE_URL", server.as_str())];
        let (code, out, url) = child("child_should_panic", &env);
        assert_eq!(code, 0, "{out}");
        let name = db_name(&url);
        assert!(name.starts_with("migrate_test_"), "{url}");
        assert!(
            !databases(backend, &server).contains(&name),
            "{backend:?}: the should_panic test's database stayed"
        );

        let (code, out, _) = child("child_passes", &env);
        assert_eq!(code, 0, "{out}");

        let (code, out, url) = child("child_fails", &env);
        assert_ne!(code, 0, "{out}");
        let name = db_name(&url);
        let kept: Vec<&str> = out
            .lines()
            .filter(|l| l.contains("its database is kept"))
            .collect();
        assert_eq!(kept.len(), 1, "{out}");
        assert!(
            kept[0].contains(&name) && !kept[0].contains("migrate-secret"),
            "{}",
            kept[0]
        );
        assert!(!out.contains("--dev-url"), "{out}");
        let present = databases(backend, &server).contains(&name);
        let comment = match backend {
            Backend::Postgres => rows_on(&server, &format!("SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE datname = '{name}'")),
            _ => rows_on(&server, &format!("SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '{name}'")),
        };
        exec_on(&server, &format!("DROP DATABASE IF EXISTS {name}"));
        assert!(
            present,
            "{backend:?}: the failing test's database was not kept"
        );
        assert!(
            comment
                .first()
                .is_some_and(|c| c.starts_with("migrate: kept")),
            "{comment:?}"
        );
    }
}

#[test]
fn a_shells_database_url_never_receives_test_databases() {
    for backend in servers() {
        let dir = tempfile::tempdir().unwrap();
        let production = crate::support::Scratch::blocking(backend, dir.path());
        let server = backend.server_url().unwrap();
        let env = [("DATABASE_URL", production.url.as_str())];
        let (code, out, url) = child("child_passes", &env);
        assert_eq!(code, 0, "{out}");
        // A private server: reached through a socket in its own directory.
        assert!(url.contains("migrate-scratch-"), "{backend:?}: {url}");
        let (code, out, failed) = child("child_fails", &env);
        assert_ne!(code, 0);
        assert!(out.contains("private server"), "{out}");
        assert!(failed.contains("migrate-scratch-"), "{backend:?}: {failed}");
        let names = databases(backend, &server);
        for url in [&url, &failed] {
            assert!(
                !names.contains(&db_name(url)),
                "{backend:?}: {url} is on the database's server"
            );
        }
    }
}
