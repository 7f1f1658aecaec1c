//! `revision --autogenerate` and `check --schema` end to end, the daily
//! loop of the Alembic guides, on every backend: empty migrations and a
//! schema.sql, autogenerate, upgrade, edit schema.sql (a new column, an
//! index, a table with a foreign key, a dropped column), autogenerate, the
//! warnings in the file, upgrade, downgrade -1, upgrade, `check --schema`
//! clean; and "no changes".

use super::harness::{Backend, Project, Scratch};
use super::session::per_backend;

const FIRST: &str = "\
CREATE TABLE users (
    id INTEGER NOT NULL PRIMARY KEY,
    email VARCHAR(200) NOT NULL,
    nickname VARCHAR(50)
);
";

const SECOND: &str = "\
CREATE TABLE users (
    id INTEGER NOT NULL PRIMARY KEY,
    email VARCHAR(200) NOT NULL,
    bio VARCHAR(500)
);
CREATE INDEX users_email_idx ON users (email);

CREATE TABLE posts (
    id INTEGER NOT NULL PRIMARY KEY,
    author_id INTEGER NOT NULL,
    title VARCHAR(200) NOT NULL,
    CONSTRAINT posts_author_fk FOREIGN KEY (author_id) REFERENCES users (id)
);
";

/// A project with `schema = "schema.sql"` in migrate.toml and an empty
/// migrations directory, on a fresh database of `backend`.
pub(crate) fn schema_project(backend: Backend, schema: &str) -> (Project, Scratch) {
    let mut p = Project::crate_dir();
    let db = Scratch::blocking(backend, p.path());
    p.url = Some(db.url.clone());
    p.ok(&["init"]);
    let config = p.read("migrate.toml");
    p.write(
        "migrate.toml",
        &format!("{config}\nschema = \"schema.sql\"\n"),
    );
    p.write("schema.sql", schema);
    (p, db)
}

/// `revision --autogenerate -m MSG`; the new file's path, or `None` for
/// "no changes".
#[track_caller]
pub(crate) fn autogenerate(p: &Project, message: &str) -> Option<String> {
    let out = p.ok(&["revision", "--autogenerate", "-m", message]);
    if out.trim() == "no changes" {
        return None;
    }
    Some(
        out.trim()
            .strip_prefix("created ")
            .unwrap_or_else(|| panic!("unexpected output {out:?}"))
            .to_owned(),
    )
}

per_backend!(guide_flow:
    guide_flow_sqlite => Backend::Sqlite,
    guide_flow_postgres => Backend::Postgres,
    guide_flow_mysql => Backend::MySql,
);

fn guide_flow(backend: Backend) {
    let (p, db) = schema_project(backend, FIRST);

    // Empty migrations + schema.sql: the first revision creates everything.
    let first = autogenerate(&p, "initial schema").expect("a first revision");
    let text = std::fs::read_to_string(p.path().join(&first)).unwrap();
    assert!(text.contains("-- Revises:\n"), "{text}");
    assert!(text.contains("CREATE TABLE"), "{text}");
    assert!(text.contains("users"), "{text}");
    p.ok(&["upgrade"]);
    assert!(db.has_table("users"));

    // The model changes: a column, an index, a table with a foreign key,
    // and a dropped column.
    p.write("schema.sql", SECOND);
    let r = p.run(&["revision", "--autogenerate", "-m", "posts and bio"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let second = r
        .stdout
        .trim()
        .strip_prefix("created ")
        .expect(&r.stdout)
        .to_owned();
    let text = std::fs::read_to_string(p.path().join(&second)).unwrap();
    let (up, down) = text.split_once("-- migrate:down").expect("a down section");
    assert!(up.contains("-- Warnings:"), "{text}");
    assert!(
        up.contains("data loss") && up.contains("nickname"),
        "{text}"
    );
    assert!(
        up.contains("bio") && up.contains("users_email_idx"),
        "{text}"
    );
    assert!(up.contains("posts") && up.contains("REFERENCES"), "{text}");
    // Down comes from the reverse diff: it drops what up created.
    assert!(
        down.contains("posts") && down.contains("nickname"),
        "{text}"
    );
    assert!(
        r.stderr.contains("warning: data loss") && r.stderr.contains("nickname"),
        "{}",
        r.stderr
    );

    // The lint (which `check` runs too) flags the dropped column; the
    // reviewer accepts each flagged statement with a reason, as the guides'
    // review step asks.
    let lint = p.run(&["lint", "--json"]);
    assert_eq!(lint.code, 1, "{}\n{}", lint.stdout, lint.stderr);
    let findings: serde_json::Value = serde_json::from_str(&lint.stdout).unwrap();
    let mut flagged: Vec<(usize, String)> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| {
            let line = f["line"].as_u64().unwrap() as usize;
            (line, f["rule"].as_str().unwrap().to_owned())
        })
        .collect();
    assert!(!flagged.is_empty(), "{}", lint.stdout);
    flagged.sort();
    let mut lines: Vec<String> = p.read(&second).lines().map(str::to_owned).collect();
    for (line, rule) in flagged.into_iter().rev() {
        lines.insert(
            line - 1,
            format!("-- migrate:allow {rule} nickname is no longer read"),
        );
    }
    p.write(&second, &(lines.join("\n") + "\n"));
    p.ok(&["lint"]);

    p.ok(&["upgrade"]);
    assert!(db.has_table("posts"));
    p.ok(&["downgrade", "-1"]);
    assert!(!db.has_table("posts"));
    p.ok(&["upgrade"]);
    assert!(db.has_table("posts"));

    // The migrations reproduce schema.sql, and the database matches them.
    let out = p.ok(&["check", "--schema"]);
    assert!(out.contains("reproduce the desired schema"), "{out}");
    let json = p.ok(&["check", "--schema", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["ok"], true, "{json}");
    assert_eq!(v["schema_checked"], true, "{json}");

    // Nothing changed since: nothing is written.
    let before = std::fs::read_dir(p.path().join("migrations"))
        .unwrap()
        .count();
    assert_eq!(autogenerate(&p, "nothing"), None);
    let after = std::fs::read_dir(p.path().join("migrations"))
        .unwrap()
        .count();
    assert_eq!(before, after);
}

per_backend!(check_schema_reports_what_is_missing:
    check_schema_reports_what_is_missing_sqlite => Backend::Sqlite,
    check_schema_reports_what_is_missing_postgres => Backend::Postgres,
    check_schema_reports_what_is_missing_mysql => Backend::MySql,
);

fn check_schema_reports_what_is_missing(backend: Backend) {
    let (p, db) = schema_project(backend, FIRST);
    autogenerate(&p, "initial schema").expect("a revision");
    p.ok(&["upgrade"]);
    // schema.sql moves on without a migration: check fails and says what.
    p.write("schema.sql", SECOND);
    let err = p.fail(&["check", "--schema"]);
    assert!(err.contains("do not reproduce the desired schema"), "{err}");
    assert!(err.contains("posts"), "{err}");
    let r = p.run(&["check", "--schema", "--json"]);
    assert_eq!(r.code, 1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["problems"][0]["kind"], "schema", "{}", r.stdout);
    assert!(!v["problems"][0]["sql"].as_array().unwrap().is_empty());

    // Back in step; then someone changes the database by hand: drift.
    p.write("schema.sql", FIRST);
    p.ok(&["check", "--schema"]);
    db.exec_blocking("CREATE TABLE hand_made (id INTEGER)");
    let err = p.fail(&["check", "--schema"]);
    assert!(
        err.contains("drifted") && err.contains("hand_made"),
        "{err}"
    );
}

per_backend!(views_are_generated_after_their_tables:
    views_are_generated_after_their_tables_sqlite => Backend::Sqlite,
    views_are_generated_after_their_tables_postgres => Backend::Postgres,
    views_are_generated_after_their_tables_mysql => Backend::MySql,
);

/// A view in `schema.sql` is drafted (issue 19): created in up after the
/// tables it reads, dropped in down, and verified both ways.
fn views_are_generated_after_their_tables(backend: Backend) {
    let (p, _db) = schema_project(
        backend,
        &format!("{FIRST}\nCREATE VIEW active_users AS SELECT id, email FROM users;\n"),
    );
    let r = p.run(&["revision", "--autogenerate", "-m", "with a view"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let file = r.stdout.trim().strip_prefix("created ").expect(&r.stdout);
    let text = std::fs::read_to_string(p.path().join(file)).unwrap();
    assert!(!text.contains("-- Not generated:"), "{text}");
    let (up, down) = text.split_once("-- migrate:down").unwrap();
    let view = up.find("active_users").expect(&text);
    assert!(up.find("CREATE TABLE").unwrap() < view, "{text}");
    assert!(down.contains("DROP VIEW"), "{text}");
    p.ok(&["upgrade"]);
    p.ok(&["check", "--schema"]);
}

per_backend!(baseline_of_an_existing_database:
    baseline_of_an_existing_database_sqlite => Backend::Sqlite,
    baseline_of_an_existing_database_postgres => Backend::Postgres,
    baseline_of_an_existing_database_mysql => Backend::MySql,
);

/// The guides' baseline: dump a database that was never migrated, draft
/// the baseline revision from the dump on an empty directory, stamp it.
fn baseline_of_an_existing_database(backend: Backend) {
    let (p, db) = schema_project(backend, "");
    db.exec_blocking(
        "CREATE TABLE legacy (id INTEGER NOT NULL PRIMARY KEY, code VARCHAR(20) NOT NULL)",
    );
    db.exec_blocking("CREATE INDEX legacy_code ON legacy (code)");
    let out = p.ok(&["schema", "dump", "--from-db", &db.url, "-o", "schema.sql"]);
    assert!(out.contains("wrote schema.sql"), "{out}");
    let dumped = p.read("schema.sql");
    assert!(
        dumped.contains("legacy") && dumped.contains("legacy_code"),
        "{dumped}"
    );

    let file = autogenerate(&p, "baseline").expect("a baseline revision");
    let text = p.read(&file);
    assert!(
        text.contains("CREATE TABLE") && text.contains("legacy_code"),
        "{text}"
    );
    p.ok(&["stamp", "head"]);
    // The database, the migrations and schema.sql now agree.
    let out = p.ok(&["check", "--schema"]);
    assert!(out.contains("reproduce the desired schema"), "{out}");
    // And the dump from the migrations says the same as the database's.
    let from_migrations = p.ok(&["schema", "dump"]);
    assert_eq!(from_migrations, dumped);
}

#[test]
fn renames_from_flags_and_desired_state_from_a_command() {
    let (p, _db) = schema_project(
        Backend::Sqlite,
        "CREATE TABLE people (id INTEGER NOT NULL PRIMARY KEY, fullname TEXT);\n",
    );
    autogenerate(&p, "people").expect("a first revision");
    p.ok(&["upgrade"]);
    p.write(
        "other.sql",
        "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, name TEXT);\n",
    );
    let out = p.ok(&[
        "revision",
        "--autogenerate",
        "-m",
        "rename",
        "--to-cmd",
        "cat other.sql",
        "--rename",
        "people=users",
        "--rename",
        "users.fullname=name",
    ]);
    let file = out.trim().strip_prefix("created ").expect(&out).to_owned();
    let text = p.read(&file);
    let (up, down) = text.split_once("-- migrate:down").unwrap();
    assert!(up.contains("RENAME TO \"users\""), "{text}");
    assert!(
        up.contains("RENAME COLUMN \"fullname\" TO \"name\""),
        "{text}"
    );
    assert!(
        !up.contains("DROP TABLE"),
        "a rename keeps the rows: {text}"
    );
    assert!(down.contains("RENAME TO \"people\""), "{text}");
    p.ok(&["upgrade"]);
    p.ok(&["downgrade", "-1"]);

    // A command that fails says so.
    let err = p.fail(&[
        "revision",
        "--autogenerate",
        "-m",
        "x",
        "--to-cmd",
        "echo broken >&2; exit 3",
    ]);
    // Its program and exit status only: a command line or its stderr may
    // hold a password.
    assert!(
        err.contains("`--to-cmd echo` failed (exit status: 3)"),
        "{err}"
    );
    assert!(!err.contains("broken"), "{err}");
}

per_backend!(desired_state_from_a_database_changed_by_hand:
    desired_state_from_a_database_changed_by_hand_sqlite => Backend::Sqlite,
    desired_state_from_a_database_changed_by_hand_postgres => Backend::Postgres,
    desired_state_from_a_database_changed_by_hand_mysql => Backend::MySql,
);

/// `--to-db`: a development database changed by hand is the desired state;
/// its version table is not part of it.
fn desired_state_from_a_database_changed_by_hand(backend: Backend) {
    let (p, db) = schema_project(backend, FIRST);
    autogenerate(&p, "initial schema").expect("a first revision");
    p.ok(&["upgrade"]);
    db.exec_blocking(
        "CREATE TABLE tags (id INTEGER NOT NULL PRIMARY KEY, label VARCHAR(30) NOT NULL)",
    );
    let out = p.ok(&[
        "revision",
        "--autogenerate",
        "-m",
        "tags",
        "--to-db",
        &db.url,
    ]);
    let file = out.trim().strip_prefix("created ").expect(&out).to_owned();
    let text = p.read(&file);
    let (up, _) = text.split_once("-- migrate:down").unwrap();
    assert!(up.contains("CREATE TABLE") && up.contains("tags"), "{text}");
    assert!(!up.contains("migrate_versions"), "{text}");
    // The database already has it: mark it applied, and all agree.
    p.ok(&["stamp", "head"]);
    assert_eq!(
        p.ok(&[
            "revision",
            "--autogenerate",
            "-m",
            "again",
            "--to-db",
            &db.url
        ])
        .trim(),
        "no changes"
    );
}
