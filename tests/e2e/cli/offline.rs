//! Offline SQL (`--sql`): compared with the checked files in
//! `tests/expected/`, per dialect, and the PostgreSQL script run with `psql`.
//!
//! Set `MIGRATE_BLESS=1` to rewrite the expected files after an intended change.

use super::harness::{Backend, Project, Scratch};
use std::path::PathBuf;
use std::process::Command;

const R1: &str = "a1b2c3d4e5f6";
const R2: &str = "b2c3d4e5f6a1";
const R3: &str = "c3d4e5f6a1b2";

/// Three revisions with fixed ids and dates: a table, a `transaction:false`
/// index (PostgreSQL's `CONCURRENTLY` cannot run in a transaction), and data
/// with a quote in it.
fn fixture() -> Project {
    let p = Project::new();
    p.write(
        "migrations/2026_11_21_1200-a1b2c3d4e5f6_create_accounts.sql",
        &format!(
            "-- Revision ID: {R1}\n-- Revises:\n-- Create Date: 2026-11-21 12:00:00+00:00\n-- Message: create accounts\n\n\
             -- migrate:up\nCREATE TABLE accounts (id INTEGER PRIMARY KEY, name VARCHAR(100));\n\n\
             -- migrate:down\nDROP TABLE accounts;\n"
        ),
    );
    p.write(
        "migrations/2026_11_21_1210-b2c3d4e5f6a1_index_names.sql",
        &format!(
            "-- Revision ID: {R2}\n-- Revises: {R1}\n-- Create Date: 2026-11-21 12:10:00+00:00\n-- Message: index names\n\n\
             -- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY accounts_name ON accounts (name);\n\n\
             -- migrate:down transaction:false\nDROP INDEX CONCURRENTLY accounts_name;\n"
        ),
    );
    p.write(
        "migrations/2026_11_21_1220-c3d4e5f6a1b2_first_account.sql",
        &format!(
            "-- Revision ID: {R3}\n-- Revises: {R2}\n-- Create Date: 2026-11-21 12:20:00+00:00\n-- Message: first account\n\n\
             -- migrate:up\nINSERT INTO accounts (id, name) VALUES (1, 'it''s me');\nUPDATE accounts SET name = 'me' WHERE id = 1;\n\n\
             -- migrate:down\nDELETE FROM accounts WHERE id = 1;\n"
        ),
    );
    p
}

/// The scripts compared, as (file stem, arguments).
fn cases() -> Vec<(&'static str, Vec<String>)> {
    vec![
        ("upgrade", vec!["upgrade".into(), "head".into()]),
        (
            "upgrade_range",
            vec!["upgrade".into(), format!("{R1}:head")],
        ),
        ("downgrade", vec!["downgrade".into(), format!("{R3}:base")]),
        ("stamp", vec!["stamp".into(), "head".into()]),
    ]
}

fn expected_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("expected")
}

/// Replaces anything that looks like a timestamp (`2026-11-21 12:00:00...`,
/// `2026-11-21T12:00:00Z`) outside the fixture's own Create Dates, so that a
/// script stamped with the time it was generated compares equal.
fn normalize(script: &str) -> String {
    let b = script.as_bytes();
    let mut out = String::with_capacity(script.len());
    let mut i = 0;
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    while i < b.len() {
        let rest = &b[i..];
        let looks_like_time = rest.len() >= 19
            && digits(&rest[0..4])
            && rest[4] == b'-'
            && digits(&rest[5..7])
            && rest[7] == b'-'
            && digits(&rest[8..10])
            && (rest[10] == b' ' || rest[10] == b'T')
            && digits(&rest[11..13])
            && rest[13] == b':'
            && digits(&rest[14..16])
            && rest[16] == b':'
            && digits(&rest[17..19]);
        if looks_like_time && !script[i..].starts_with("2026-11-21 12:") {
            let mut j = i + 19;
            while j < b.len()
                && (b[j].is_ascii_digit() || matches!(b[j], b'.' | b'+' | b'-' | b':' | b'Z'))
            {
                j += 1;
            }
            out.push_str("<TIMESTAMP>");
            i = j;
        } else {
            let ch = script[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

fn script(p: &Project, args: &[String], dialect: &str) -> String {
    let mut full: Vec<&str> = args.iter().map(String::as_str).collect();
    full.extend(["--sql", "--dialect", dialect]);
    p.ok(&full)
}

#[test]
fn offline_scripts_match_the_expected_files() {
    let p = fixture();
    let bless = std::env::var_os("MIGRATE_BLESS").is_some();
    let mut mismatches = Vec::new();
    for backend in [Backend::Sqlite, Backend::Postgres, Backend::MySql] {
        for (stem, args) in cases() {
            let got = normalize(&script(&p, &args, backend.dialect().name()));
            let path = expected_dir().join(format!("{stem}.{}.sql", backend.dialect().name()));
            if bless {
                std::fs::create_dir_all(expected_dir()).unwrap();
                std::fs::write(&path, &got).unwrap();
                continue;
            }
            let want = std::fs::read_to_string(&path).unwrap_or_default();
            if got != want {
                mismatches.push(format!(
                    "{}:\n--- expected\n{want}\n--- got\n{got}",
                    path.display()
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "offline SQL differs (MIGRATE_BLESS=1 to accept):\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn offline_script_shape_per_dialect() {
    let p = fixture();
    let up = |d: &str| script(&p, &["upgrade".into(), "head".into()], d);
    let pg = up("postgres");
    // One transaction per transactional revision, the `transaction:false` one outside.
    assert_eq!(pg.matches("BEGIN;").count(), 2, "{pg}");
    assert_eq!(pg.matches("COMMIT;").count(), 2, "{pg}");
    let index = pg.find("CREATE INDEX CONCURRENTLY").unwrap();
    let open = pg[..index].matches("BEGIN;").count();
    let closed = pg[..index].matches("COMMIT;").count();
    assert_eq!(
        open, closed,
        "the CONCURRENTLY index must be outside a transaction:\n{pg}"
    );
    // Version-table DDL when starting from base, plain INSERTs for the rows.
    assert!(pg.contains("CREATE TABLE"), "{pg}");
    assert_eq!(
        pg.matches("INSERT INTO \"migrate_versions\"").count()
            + pg.matches("INSERT INTO migrate_versions").count(),
        3,
        "{pg}"
    );
    // MySQL: no transactions at all (its DDL commits implicitly).
    let my = up("mysql");
    assert!(!my.contains("BEGIN;") && !my.contains("COMMIT;"), "{my}");
    // A range from a revision: no version-table DDL.
    let range = script(&p, &["upgrade".into(), format!("{R1}:head")], "postgres");
    assert!(!range.contains("CREATE TABLE"), "{range}");
    assert!(!range.contains("CREATE TABLE accounts"), "{range}");
    assert!(
        range.contains("CREATE INDEX CONCURRENTLY") && range.contains("'it''s me'"),
        "{range}"
    );
    // Downgrade: DELETEs of the version rows, newest first.
    let down = script(&p, &["downgrade".into(), format!("{R3}:base")], "postgres");
    let (a, b, c) = (
        down.find(R3).unwrap(),
        down.find(R2).unwrap(),
        down.find(R1).unwrap(),
    );
    assert!(a < b && b < c, "{down}");
    assert!(down.contains("DELETE FROM"), "{down}");
    // The dialect comes from the URL when no --dialect is given.
    let mut p = p;
    p.url = Some("mysql://u:secret@h/db".into());
    let from_url = p.ok(&["upgrade", "head", "--sql"]);
    assert_eq!(from_url, my);
    // And without either, the error says what to pass.
    p.url = None;
    let err = p.fail(&["upgrade", "head", "--sql"]);
    assert!(err.contains("--dialect"), "{err}");
}

fn psql_available() -> bool {
    Command::new("psql")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn psql(url: &str, script: &str) {
    let out = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url])
        .arg("-c")
        .arg("SET client_min_messages = warning")
        .arg("-f")
        .arg("-")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(script.as_bytes())?;
            child.wait_with_output()
        })
        .expect("run psql");
    assert!(
        out.status.success(),
        "psql failed:\n{}\nscript:\n{script}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn postgres_offline_script_runs_with_psql() {
    if std::env::var_os("MIGRATE_TEST_POSTGRES_URL").is_none() {
        println!("skipping: MIGRATE_TEST_POSTGRES_URL is not set");
        return;
    }
    if !psql_available() {
        println!("skipping: psql is not installed");
        return;
    }
    let mut p = fixture();
    let db = Scratch::blocking(Backend::Postgres, p.path());
    let up = script(&p, &["upgrade".into(), "head".into()], "postgres");
    psql(&db.url, &up);
    assert_eq!(
        db.query_i64("SELECT COUNT(*) FROM accounts WHERE name = 'me'"),
        1
    );
    assert_eq!(
        db.query_i64("SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'accounts_name'"),
        1
    );

    // The rows the script wrote are the rows the online path reads: same
    // table, same checksums, so `current` and `check` agree with no drift.
    p.url = Some(db.url.clone());
    assert_eq!(p.ok(&["current"]), format!("{R3} (head), first account\n"));
    p.ok(&["check"]);

    let down = script(&p, &["downgrade".into(), format!("{R3}:base")], "postgres");
    psql(&db.url, &down);
    assert!(!db.has_table("accounts"));
    assert_eq!(p.ok(&["current"]), "base (no revision applied)\n");

    // An offline stamp run by hand is read back the same way.
    let stamp = script(&p, &["stamp".into(), R2.into()], "postgres");
    psql(&db.url, &stamp);
    assert_eq!(p.ok(&["current"]), format!("{R2}, index names\n"));
}
