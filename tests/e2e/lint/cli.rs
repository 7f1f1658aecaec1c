//! `check` and `lint` right after `revision --autogenerate`, on every
//! backend: a widened VARCHAR and a new column (on SQLite a table rebuild)
//! lose nothing, so the lint finds nothing and `check` passes; a dropped
//! column is the lint's error until a reviewed `-- migrate:allow` marker.

use crate::support::{cli_bin, run_to_end, Backend, Ran, Scratch};
use std::path::Path;
use std::process::Command;

const FIRST: &str = "CREATE TABLE users (
    id INTEGER NOT NULL PRIMARY KEY,
    name VARCHAR(50),
    email VARCHAR(200) NOT NULL,
    nickname VARCHAR(20)
);
";

const SECOND: &str = "CREATE TABLE users (
    id INTEGER NOT NULL PRIMARY KEY,
    name VARCHAR(100),
    email VARCHAR(200) NOT NULL,
    nickname VARCHAR(20),
    bio VARCHAR(500)
);
";

const THIRD: &str = "CREATE TABLE users (
    id INTEGER NOT NULL PRIMARY KEY,
    name VARCHAR(100),
    email VARCHAR(200) NOT NULL,
    bio VARCHAR(500)
);
";

/// `cargo migrate ARGS` in `dir` on `url`, with nothing from the shell.
fn migrate(dir: &Path, url: &str, args: &[&str]) -> Ran {
    let mut cmd = Command::new(cli_bin());
    cmd.arg("migrate").args(args).current_dir(dir);
    for var in ["MIGRATE_SOURCE", "MIGRATE_CONFIG", "MIGRATE_TABLE"] {
        cmd.env_remove(var);
    }
    cmd.env("DATABASE_URL", url);
    run_to_end(&mut cmd)
}

#[track_caller]
fn ok(dir: &Path, url: &str, args: &[&str]) -> String {
    let r = migrate(dir, url, args);
    assert_eq!(r.code, 0, "{args:?}:\n{}\n{}", r.stdout, r.stderr);
    r.stdout
}

/// The newest migration file's text.
fn newest(dir: &Path, stdout: &str) -> (String, String) {
    let rel = stdout
        .trim()
        .strip_prefix("created ")
        .expect(stdout)
        .to_owned();
    let text = std::fs::read_to_string(dir.join(&rel)).unwrap();
    (rel, text)
}

fn autogenerate_then_check(backend: Backend) {
    let project = tempfile::tempdir().unwrap();
    let dir = project.path();
    let scratch = Scratch::blocking(backend, dir);
    let url = scratch.url.clone();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .unwrap();
    ok(dir, &url, &["init"]);
    let config = std::fs::read_to_string(dir.join("migrate.toml")).unwrap();
    std::fs::write(
        dir.join("migrate.toml"),
        format!("{config}\nschema = \"schema.sql\"\n"),
    )
    .unwrap();
    std::fs::write(dir.join("schema.sql"), FIRST).unwrap();
    ok(dir, &url, &["revision", "--autogenerate", "-m", "users"]);
    ok(dir, &url, &["upgrade"]);

    // Widen a VARCHAR, add a column: nothing is lost.
    std::fs::write(dir.join("schema.sql"), SECOND).unwrap();
    let out = ok(dir, &url, &["revision", "--autogenerate", "-m", "wider"]);
    let (_, text) = newest(dir, &out);
    if backend == Backend::Sqlite {
        assert!(text.contains("new_users"), "a rebuild:\n{text}");
    }
    let lint = ok(dir, &url, &["lint"]);
    assert!(
        lint.contains("0 warning(s)"),
        "{backend:?}: the draft that loses nothing draws no finding: {lint}\n{text}"
    );
    ok(dir, &url, &["upgrade"]);
    ok(dir, &url, &["check"]);

    // Drop a column: the lint's error, in `lint` and in `check`.
    std::fs::write(dir.join("schema.sql"), THIRD).unwrap();
    let out = ok(
        dir,
        &url,
        &["revision", "--autogenerate", "-m", "no nickname"],
    );
    let (rel, text) = newest(dir, &out);
    for args in [&["lint"][..], &["check"][..]] {
        let r = migrate(dir, &url, args);
        assert_eq!(r.code, 1, "{args:?}: {}\n{}\n{text}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains("drop-column") && r.stderr.contains("nickname"),
            "{args:?}: {}",
            r.stderr
        );
    }
    // A reviewed marker above the drop accepts it.
    let marked = text.replacen(
        "ALTER TABLE",
        "-- migrate:allow drop-column the app stopped reading it\nALTER TABLE",
        1,
    );
    std::fs::write(dir.join(&rel), marked).unwrap();
    let r = migrate(dir, &url, &["lint"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
}

#[test]
fn sqlite_check_passes_after_autogenerate() {
    autogenerate_then_check(Backend::Sqlite);
}

#[test]
fn postgres_check_passes_after_autogenerate() {
    if Backend::Postgres.server_url().is_some() {
        autogenerate_then_check(Backend::Postgres);
    }
}

#[test]
fn mysql_check_passes_after_autogenerate() {
    if Backend::MySql.server_url().is_some() {
        autogenerate_then_check(Backend::MySql);
    }
}
