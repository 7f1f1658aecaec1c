//! The test helper: `#[migrate_devtools::test]` and `testing::TestDb`.
//! Tests running in parallel each see their own database; `at = ` stops at
//! a revision so that a test seeds data and then upgrades through a data
//! migration; a failing test's database is kept and named (checked in a
//! child process running this binary's fixture tests), a passing test's is
//! dropped.

use super::each_backend;
use crate::support::{files, int, rev, strings, Backend};
use migrate_devtools::testing::TestDb;
use migrate_runtime::sqlx;
use migrate_runtime::{Db, Migrations};
use std::sync::LazyLock;

/// `people`, then a data migration filling `shout` from `name`.
static PEOPLE: LazyLock<&'static Migrations> = LazyLock::new(|| {
    crate::support::migrations(&files(&[
        rev("p1", &[])
            .up("CREATE TABLE people (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(50));")
            .down("DROP TABLE people;"),
        rev("p2", &["p1"])
            .up("ALTER TABLE people ADD COLUMN shout VARCHAR(50);\nUPDATE people SET shout = UPPER(name);")
            .down("ALTER TABLE people DROP COLUMN shout;"),
    ]))
});

/// The variable that turns the fixtures below into failing tests.
const FIXTURE_ENV: &str = "MIGRATE_STAIRWAY_FIXTURE";

async fn exec(db: &Db, sql: &str) {
    crate::support::exec(db, sql)
        .await
        .unwrap_or_else(|e| panic!("`{sql}`: {e}"));
}

/// What each parallel test does: the same table name, its own row, and
/// nobody else's.
async fn only_mine(db: &TestDb, mine: i64) {
    exec(db.db(), "CREATE TABLE mine (v INTEGER)").await;
    exec(db.db(), &format!("INSERT INTO mine (v) VALUES ({mine})")).await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let all = int(db.db(), "SELECT COUNT(*) FROM mine").await.unwrap();
    let own = int(
        db.db(),
        &format!("SELECT COUNT(*) FROM mine WHERE v = {mine}"),
    )
    .await
    .unwrap();
    assert_eq!((all, own), (1, 1));
    // Migrated to the heads.
    assert_eq!(
        int(db.db(), "SELECT COUNT(shout) FROM people")
            .await
            .unwrap(),
        0
    );
}

#[migrate_devtools::test(migrations = PEOPLE)]
async fn parallel_one(db: TestDb) {
    only_mine(&db, 1).await;
}

#[migrate_devtools::test(migrations = PEOPLE)]
async fn parallel_two(db: TestDb) {
    only_mine(&db, 2).await;
}

// `crate =` names migrate-devtools (here under its own name); a test may be
// called `migrations`.
#[migrate_devtools::test(migrations = *PEOPLE, crate = migrate_devtools)]
async fn migrations(db: TestDb) -> Result<(), sqlx::Error> {
    only_mine(&db, 3).await;
    Ok(())
}

#[migrate_devtools::test(migrations = PEOPLE, at = "p1")]
async fn seeded_before_a_data_migration(db: TestDb) {
    exec(db.db(), "INSERT INTO people (id, name) VALUES (1, 'ada')").await;
    let report = db.upgrade("heads").await.unwrap();
    assert_eq!(report.steps.len(), 1);
    let shout = strings(db.db(), "SELECT shout FROM people").await.unwrap();
    assert_eq!(shout, ["ADA"]);
}

/// Fails (with the variable set) after making its database: the child
/// process of `failing_tests_keep_their_database` runs it.
#[migrate_devtools::test(migrations = PEOPLE)]
async fn fixture_panics(db: TestDb) {
    if std::env::var_os(FIXTURE_ENV).is_some() {
        exec(db.db(), "INSERT INTO people (id, name) VALUES (7, 'kept')").await;
        panic!("fixture failure");
    }
}

/// Returns `Err` with the variable set.
#[migrate_devtools::test(migrations = PEOPLE, at = "p1")]
async fn fixture_returns_err(db: TestDb) -> Result<(), String> {
    let _ = db.name();
    if std::env::var_os(FIXTURE_ENV).is_some() {
        return Err("fixture failure".to_owned());
    }
    Ok(())
}

each_backend!(
    function_api_in_parallel,
    function_api_at_a_revision,
    failing_tests_keep_their_database,
);

fn server(backend: Backend) -> String {
    backend
        .server_url()
        .unwrap_or_else(|| "sqlite::memory:".to_owned())
}

async fn function_api_in_parallel(backend: Backend) {
    let mut tasks = Vec::new();
    for n in 0..4 {
        let url = server(backend);
        tasks.push(tokio::spawn(async move {
            let db = TestDb::options(*PEOPLE).url(url).create().await.unwrap();
            only_mine(&db, n).await;
            let name = db.name().to_owned();
            db.finish().await.unwrap();
            name
        }));
    }
    let mut names = Vec::new();
    for t in tasks {
        names.push(t.await.unwrap());
    }
    if backend != Backend::Sqlite {
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 4, "{names:?}");
        for name in &names {
            assert!(name.contains("/migrate_test_"), "{name}");
            assert!(!exists(backend, name).await, "{name} was not dropped");
        }
    }
}

async fn function_api_at_a_revision(backend: Backend) {
    let db = TestDb::options(*PEOPLE)
        .url(server(backend))
        .at("p1")
        .create()
        .await
        .unwrap();
    exec(db.db(), "INSERT INTO people (id, name) VALUES (1, 'grace')").await;
    db.upgrade("heads").await.unwrap();
    let shout = strings(db.db(), "SELECT shout FROM people").await.unwrap();
    assert_eq!(shout, ["GRACE"]);
    db.finish().await.unwrap();

    // Dropped without `finish`: the database stays, for inspection.
    if backend != Backend::Sqlite {
        let db = TestDb::options(*PEOPLE)
            .url(server(backend))
            .create()
            .await
            .unwrap();
        let name = db.name().to_owned();
        drop(db);
        assert!(exists(backend, &name).await);
        drop_database(backend, &name).await;
    }
}

async fn failing_tests_keep_their_database(backend: Backend) {
    if backend == Backend::Sqlite {
        // In memory there is nothing to keep; the fixtures pass unset.
        return;
    }
    let exe = std::env::current_exe().unwrap();
    for fixture in ["fixture_panics", "fixture_returns_err"] {
        let mut child = std::process::Command::new(&exe);
        child
            .args([&format!("stairway::helper::{fixture}"), "--exact"])
            .env(FIXTURE_ENV, "1")
            // Test databases go to MIGRATE_TEST_DATABASE_URL's server
            // (DATABASE_URL alone would mean a private server).
            .env_remove("DATABASE_URL")
            .env("MIGRATE_TEST_DATABASE_URL", server(backend));
        let out = tokio::task::spawn_blocking(move || child.output())
            .await
            .unwrap()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{stdout}\n{stderr}");
        let all = format!("{stdout}\n{stderr}");
        let line = all
            .lines()
            .find(|l| l.contains("its database is kept: "))
            .unwrap_or_else(|| panic!("no kept line in:\n{all}"));
        let url = line.split("its database is kept: ").nth(1).unwrap().trim();
        assert!(url.contains("/migrate_test_"), "{line}");
        let full = server(backend);
        for secret in migrate_runtime::DatabaseUrl::parse(&full)
            .unwrap()
            .secrets()
        {
            assert!(!all.contains(secret.as_str()), "a password was printed");
        }
        assert!(exists(backend, url).await, "{url} was dropped");
        drop_database(backend, url).await;
        assert!(!exists(backend, url).await);
    }
}

/// The database name at the end of a shown URL.
fn db_name(url: &str) -> &str {
    url.rsplit('/').next().unwrap().split('?').next().unwrap()
}

async fn exists(backend: Backend, url: &str) -> bool {
    let admin = Db::connect(&server(backend)).await.unwrap();
    let sql = match backend {
        Backend::Postgres => format!(
            "SELECT COUNT(*) FROM pg_database WHERE datname = '{}'",
            db_name(url)
        ),
        _ => format!(
            "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '{}'",
            db_name(url)
        ),
    };
    let n = int(&admin, &sql).await.unwrap();
    admin.close().await;
    n == 1
}

async fn drop_database(backend: Backend, url: &str) {
    let admin = Db::connect(&server(backend)).await.unwrap();
    let sql = match backend {
        Backend::Postgres => format!("DROP DATABASE \"{}\" WITH (FORCE)", db_name(url)),
        _ => format!("DROP DATABASE `{}`", db_name(url)),
    };
    exec(&admin, &sql).await;
    admin.close().await;
}
