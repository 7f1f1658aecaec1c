//! Bad input to `revision --autogenerate`: a schema.sql that does not run,
//! a dev server that refuses CREATE DATABASE, scratch databases a killed
//! run left behind, and a draft that cannot pass verification.

use super::autogen::schema_project;
use super::harness::{Backend, Project, Scratch};
use crate::support::on_own_runtime;
use migrate_runtime::Db;

/// Runs one statement on the database at `url`.
fn exec(url: &str, sql: &str) {
    let (url, sql) = (url.to_owned(), sql.to_owned());
    on_own_runtime(move || async move {
        let db = Db::connect(&url).await.unwrap();
        crate::support::exec(&db, &sql)
            .await
            .unwrap_or_else(|e| panic!("`{sql}`: {e}"));
        db.close().await;
    });
}
use super::session::per_backend;

per_backend!(schema_sql_that_does_not_run_names_file_line_and_message:
    schema_sql_that_does_not_run_sqlite => Backend::Sqlite,
    schema_sql_that_does_not_run_postgres => Backend::Postgres,
    schema_sql_that_does_not_run_mysql => Backend::MySql,
);

fn schema_sql_that_does_not_run_names_file_line_and_message(backend: Backend) {
    let (p, _db) = schema_project(
        backend,
        "CREATE TABLE a (id INTEGER);\n\nCREAT TABLE b (id INTEGER);\n",
    );
    let err = p.fail(&["revision", "--autogenerate", "-m", "broken"]);
    assert!(err.contains("schema.sql:3:"), "{err}");
    assert!(err.contains("CREAT TABLE b"), "{err}");
    // The database's own message follows.
    assert!(err.to_lowercase().contains("syntax"), "{err}");
    let files = std::fs::read_dir(p.path().join("migrations"))
        .unwrap()
        .count();
    assert_eq!(files, 0, "nothing is written");
}

#[test]
fn no_schema_configured_says_how_to_give_one() {
    let (p, _db) = schema_project(Backend::Sqlite, "");
    p.write("migrate.toml", "source = \"migrations\"\n");
    let err = p.fail(&["revision", "--autogenerate", "-m", "x"]);
    assert!(
        err.contains("schema = \\\"schema.sql\\\"") || err.contains("schema = \"schema.sql\""),
        "{err}"
    );
}

#[test]
fn a_draft_that_fails_on_rows_is_not_written() {
    // A NOT NULL column without a default passes on an empty table and
    // fails on one with rows: verification catches it.
    if !Backend::all().contains(&Backend::Postgres) {
        return;
    }
    let (p, _db) = schema_project(
        Backend::Postgres,
        "CREATE TABLE t (id INTEGER PRIMARY KEY);\n",
    );
    super::autogen::autogenerate(&p, "t").expect("a first revision");
    p.write(
        "schema.sql",
        "CREATE TABLE t (id INTEGER PRIMARY KEY, code TEXT NOT NULL);\n",
    );
    let err = p.fail(&["revision", "--autogenerate", "-m", "code"]);
    assert!(err.contains("fails verification"), "{err}");
    assert!(err.contains("with a row in every table"), "{err}");
    assert!(err.contains("code"), "{err}");
    let files = std::fs::read_dir(p.path().join("migrations"))
        .unwrap()
        .count();
    assert_eq!(files, 1, "the failing draft is not written");
}

#[test]
fn a_draft_that_drops_a_referenced_table_is_written_saying_its_down_cannot_restore_rows() {
    // Dropping a table loses its rows: the down re-creates it empty, and
    // the foreign key to it refuses the rows that referenced it. The draft
    // is right (verified on empty tables) and written, with that said.
    if !Backend::all().contains(&Backend::Postgres) {
        return;
    }
    let (p, _db) = schema_project(
        Backend::Postgres,
        "CREATE TABLE departments (id INTEGER PRIMARY KEY);
         CREATE TABLE employees (id INTEGER PRIMARY KEY, dept_id INTEGER REFERENCES departments (id));
",
    );
    super::autogen::autogenerate(&p, "both").expect("a first revision");
    p.write(
        "schema.sql",
        "CREATE TABLE employees (id INTEGER PRIMARY KEY, dept_id INTEGER);
",
    );
    let r = p.run(&["revision", "--autogenerate", "-m", "no departments"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("data loss: departments"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("the down section cannot run over the rows the up leaves"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("downgrade with a row in every table"),
        "{}",
        r.stderr
    );
    let files = std::fs::read_dir(p.path().join("migrations"))
        .unwrap()
        .count();
    assert_eq!(files, 2, "the draft is written");
}

/// The server URL with a user that may not create databases.
fn restricted_user(backend: Backend) -> Option<String> {
    let var = match backend {
        Backend::Postgres => "MIGRATE_TEST_POSTGRES_URL",
        Backend::MySql => "MIGRATE_TEST_MYSQL_URL",
        Backend::Sqlite => return None,
    };
    let admin = std::env::var(var).ok()?;
    let user = format!("nocreate_{}", std::process::id());
    match backend {
        Backend::Postgres => {
            exec(&admin, &format!("DROP ROLE IF EXISTS {user}"));
            exec(
                &admin,
                &format!("CREATE ROLE {user} LOGIN NOCREATEDB PASSWORD 'Pw-nocreate-1'"),
            );
        }
        _ => {
            exec(&admin, &format!("DROP USER IF EXISTS '{user}'@'%'"));
            exec(
                &admin,
                &format!("CREATE USER '{user}'@'%' IDENTIFIED BY 'Pw-nocreate-1'"),
            );
            exec(&admin, &format!("GRANT SELECT ON *.* TO '{user}'@'%'"));
        }
    }
    let (scheme, rest) = admin.split_once("://")?;
    let (_, host) = rest.split_once('@')?;
    Some(format!("{scheme}://{user}:Pw-nocreate-1@{host}"))
}

/// Lets the project use the database's own server as its dev server
/// (`dev_url_same_server`), with `dev_url` when given.
fn opt_in(p: &Project, db: &Scratch, dev_url: Option<&str>) {
    let config = p.read("migrate.toml");
    let dev = dev_url.map_or(String::new(), |u| format!("dev_url = \"{u}\"\n"));
    p.write(
        "migrate.toml",
        &format!("{config}\n{dev}dev_url_same_server = \"{}\"\n", db.name),
    );
}

per_backend!(a_dev_server_that_refuses_create_database:
    a_dev_server_that_refuses_create_database_postgres => Backend::Postgres,
    a_dev_server_that_refuses_create_database_mysql => Backend::MySql,
);

fn a_dev_server_that_refuses_create_database(backend: Backend) {
    let (p, db) = schema_project(backend, "CREATE TABLE t (id INTEGER PRIMARY KEY);\n");
    // The dev server is the database's own: the project opts in by name.
    opt_in(&p, &db, None);
    let dev = restricted_user(backend).expect("a server");
    let err = p.fail(&["revision", "--autogenerate", "-m", "t", "--dev-url", &dev]);
    assert!(err.contains("cannot create the scratch database"), "{err}");
    assert!(err.contains("--dev-url"), "{err}");
    assert!(!err.contains("Pw-nocreate-1"), "password leaked: {err}");
    // The database's own refusal is shown.
    assert!(err.contains("caused by") || err.contains("denied"), "{err}");
}

per_backend!(scratch_databases_of_killed_runs_are_dropped_next_time:
    scratch_databases_of_killed_runs_are_dropped_next_time_postgres => Backend::Postgres,
    scratch_databases_of_killed_runs_are_dropped_next_time_mysql => Backend::MySql,
);

fn scratch_databases_of_killed_runs_are_dropped_next_time(backend: Backend) {
    let (p, db) = schema_project(backend, "CREATE TABLE t (id INTEGER PRIMARY KEY);\n");
    // Leftovers are cleaned on dev servers (a private server has none):
    // the database's own server, opted in.
    opt_in(&p, &db, backend.server_url().as_deref());
    // A run killed long ago left this behind (its time is 2001).
    let leftover = format!(
        "migrate_scratch_{}_1000000000_00000000_0",
        std::process::id()
    );
    let count = |name: &str| {
        let sql = match backend {
            Backend::Postgres => {
                format!("SELECT COUNT(*) FROM pg_database WHERE datname = '{name}'")
            }
            _ => format!(
                "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '{name}'"
            ),
        };
        db.query_i64(&sql)
    };
    db.exec_blocking(&format!("CREATE DATABASE {leftover}"));
    assert_eq!(count(&leftover), 1);
    super::autogen::autogenerate(&p, "t").expect("a revision");
    assert_eq!(count(&leftover), 0, "the leftover is dropped");
}

#[test]
fn ctrl_c_drops_the_scratch_databases() {
    if !Backend::all().contains(&Backend::Postgres) {
        return;
    }
    let (p, db) = schema_project(
        Backend::Postgres,
        "CREATE TABLE t (id INTEGER PRIMARY KEY);\n",
    );
    opt_in(&p, &db, Backend::Postgres.server_url().as_deref());
    // A replay that takes a while: the run is interrupted inside it.
    let f = p.revision("slow", &[]);
    p.fill(&f, "SELECT pg_sleep(30);", "SELECT 1;");
    let child = p
        .command(&["revision", "--autogenerate", "-m", "t"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    // Its scratch database: the one where the slow revision sleeps.
    let sleeping = || {
        crate::sandbox::harness::rows_on(
            &db.url,
            "SELECT datname::text FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' AND datname LIKE 'migrate\\_scratch\\_%'",
        )
    };
    let count = |names: &Vec<String>| {
        names
            .iter()
            .map(|n| {
                db.query_i64(&format!(
                    "SELECT COUNT(*) FROM pg_database WHERE datname = '{n}'"
                ))
            })
            .sum::<i64>()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let ours = loop {
        let names = sleeping();
        if !names.is_empty() {
            break names;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no scratch database appeared"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    // Let the replay reach its sleep, then Ctrl-C.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let status = std::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert_eq!(
        count(&ours),
        0,
        "the scratch databases are dropped: {stderr}"
    );
}

per_backend!(a_database_not_created_yet_still_gives_its_server:
    a_database_not_created_yet_still_gives_its_server_postgres => Backend::Postgres,
    a_database_not_created_yet_still_gives_its_server_mysql => Backend::MySql,
);

/// A new project's DATABASE_URL may name a database nobody created yet;
/// autogenerate needs only its server.
fn a_database_not_created_yet_still_gives_its_server(backend: Backend) {
    let (mut p, _db) = schema_project(backend, "CREATE TABLE t (id INTEGER PRIMARY KEY);\n");
    let server = backend.server_url().expect("a server");
    p.url = Some(crate::support::with_database(&server, "not_created_yet_x"));
    let file = super::autogen::autogenerate(&p, "t").expect("a revision");
    assert!(p.read(&file).contains("CREATE TABLE"));
}
