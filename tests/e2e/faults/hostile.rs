//! Hostile and broken input: 10,000 revisions, a 50 MB migration, a long
//! section failing deep inside, bad bytes, a BOM, symlinks.
//!
//! Times and memory are printed (`--nocapture` shows them), not asserted,
//! except one generous memory bound: a 50 MB migration must not need many
//! copies of itself.

use crate::on_each_backend;
use crate::runtime::{logged_rev, TABLE};
use crate::support::{
    cli_bin, files, int, migrations, probe_bin, rev, run_to_end, table_exists, version_rows,
    Backend, Ran, Scratch,
};
use migrate_runtime::{Db, Error, Migrations};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

on_each_backend!(
    long_section_fails_deep_inside,
    long_section_fails_deep_inside
);

/// `cargo migrate ARGS --source DIR`, without a database.
fn cli(dir: &Path, args: &[&str]) -> (Ran, Duration) {
    let started = Instant::now();
    let out = run_to_end(
        Command::new(cli_bin())
            .arg("migrate")
            .args(args)
            .arg("--source")
            .arg(dir)
            .env_remove("DATABASE_URL")
            .env_remove("MIGRATE_SOURCE")
            .current_dir(dir.parent().unwrap()),
    );
    (out, started.elapsed())
}

fn revision_file(id: &str, revises: &str, up: &str, down: &str) -> String {
    format!("-- Revision ID: {id}\n-- Revises: {revises}\n-- Message: {id}\n\n-- migrate:up\n{up}\n\n-- migrate:down\n{down}\n")
}

/// A SQLite database on tmpfs when there is one: 10,000 commits on a disk
/// measure its fsync, not the migrator.
fn fast_sqlite_dir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(dir) = tempfile::Builder::new()
            .prefix("migrate-e2e-")
            .tempdir_in(shm)
        {
            return dir;
        }
    }
    tempfile::tempdir().unwrap()
}

/// 10,000 revisions in one line of descent (the deepest graph), then 10,000
/// in the widest shape (9,998 siblings and one merge of them all): the CLI's
/// `check`, `history` and `heads`, loading through the runtime, and an
/// upgrade (one transaction per revision, as by default) and a downgrade on
/// SQLite. No stack overflow (the test runs on 2 MB stacks), everything
/// correct; the times are printed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_revisions() {
    const N: usize = 10_000;
    let tmp = tempfile::tempdir().unwrap();
    for shape in ["deep", "wide"] {
        let dir = tmp.path().join(shape);
        std::fs::create_dir(&dir).unwrap();
        let id = |i: usize| format!("r{i:05}");
        for i in 0..N {
            let (revises, up, down) = match (shape, i) {
                (_, 0) => (
                    String::new(),
                    "CREATE TABLE log (rev VARCHAR(16) NOT NULL);".to_owned(),
                    "DROP TABLE log;".to_owned(),
                ),
                ("wide", i) if i == N - 1 => (
                    (1..N - 1).map(id).collect::<Vec<_>>().join(", "),
                    String::new(),
                    String::new(),
                ),
                ("wide", _) => (
                    id(0),
                    format!("INSERT INTO log VALUES ('{}');", id(i)),
                    format!("DELETE FROM log WHERE rev = '{}';", id(i)),
                ),
                _ => (
                    id(i - 1),
                    format!("INSERT INTO log VALUES ('{}');", id(i)),
                    format!("DELETE FROM log WHERE rev = '{}';", id(i)),
                ),
            };
            std::fs::write(
                dir.join(format!("{i:05}_{}.sql", id(i))),
                revision_file(&id(i), &revises, &up, &down),
            )
            .unwrap();
        }
        let head = id(N - 1);

        let (out, check) = cli(&dir, &["check"]);
        assert!((out.code == 0), "check: {}", out.stderr.clone());
        assert!(
            out.stdout
                .clone()
                .contains(&format!("{N} revision(s), head {head}")),
            "{}",
            out.stdout.clone()
        );
        let (out, history) = cli(&dir, &["history"]);
        assert!((out.code == 0), "history: {}", out.stderr.clone());
        let listed = out.stdout.clone();
        assert!(listed.lines().count() >= N, "history lists every revision");
        assert!(
            listed.lines().next().unwrap().contains(&head),
            "{listed:.200}"
        );
        let (out, heads) = cli(&dir, &["heads"]);
        assert!((out.code == 0), "heads: {}", out.stderr.clone());
        assert!(
            out.stdout.clone().starts_with(&head),
            "{}",
            out.stdout.clone()
        );

        let started = Instant::now();
        let set: &'static Migrations = Box::leak(Box::new(
            tokio::task::block_in_place(|| Migrations::from_dir(&dir)).unwrap(),
        ));
        let load = started.elapsed();
        assert_eq!(set.len(), N);

        let db_dir = fast_sqlite_dir();
        let db = Db::connect(&format!("sqlite:{}", db_dir.path().join("k.db").display()))
            .await
            .unwrap();
        let started = Instant::now();
        let report = set.migrator().upgrade(&db, "heads").await.unwrap();
        let upgrade = started.elapsed();
        assert_eq!(report.steps.len(), N);
        assert_eq!(report.heads, std::slice::from_ref(&head));
        assert_eq!(
            int(&db, "SELECT COUNT(DISTINCT rev) FROM log")
                .await
                .unwrap(),
            N as i64 - if shape == "wide" { 2 } else { 1 }
        );
        assert_eq!(
            int(
                &db,
                &format!("SELECT COUNT(*) FROM {TABLE} WHERE state = 'applied'")
            )
            .await
            .unwrap(),
            N as i64
        );
        let started = Instant::now();
        assert!(set.upgrade(&db).await.unwrap().steps.is_empty());
        let noop = started.elapsed();
        let started = Instant::now();
        let report = set.migrator().downgrade(&db, "r00000").await.unwrap();
        let downgrade = started.elapsed();
        assert_eq!(report.steps.len(), N - 1);
        assert_eq!(int(&db, "SELECT COUNT(*) FROM log").await.unwrap(), 0);
        db.close().await;
        println!(
            "{N} revisions ({shape}): cargo migrate check {check:?}, history {history:?}, heads {heads:?}; \
             Migrations::from_dir {load:?}; SQLite upgrade {upgrade:?}, no-op upgrade {noop:?}, downgrade {downgrade:?}"
        );
    }
}

/// Peak resident memory of a running process so far, from /proc.
fn peak_rss(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kb| kb * 1024)
}

/// One 50 MB migration: mostly small inserts, and every thousandth a 90 KB
/// string literal full of what could fool a statement splitter (`;`, `--`,
/// `/*`, doubled quotes). `cargo migrate check` reads it; a separate process
/// (`migrate-probe`) loads and applies it on SQLite, and its peak memory is
/// watched. Every row arrives intact.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_megabyte_migration() {
    let scratch = Scratch::new(Backend::Sqlite).await.unwrap();
    let mut up = String::with_capacity(51 << 20);
    up.push_str("CREATE TABLE big (id INTEGER PRIMARY KEY, payload TEXT NOT NULL);\n");
    let tricky = "x;-- '' /* */ ".repeat(6_500);
    let tricky_len = tricky.len() - tricky.matches("''").count();
    let (mut rows, mut payload) = (0i64, 0i64);
    while up.len() < 50 << 20 {
        if rows % 1000 == 0 {
            up.push_str(&format!(
                "INSERT INTO big (id, payload) VALUES ({rows}, '{tricky}');\n"
            ));
            payload += tricky_len as i64;
        } else {
            up.push_str(&format!(
                "INSERT INTO big (id, payload) VALUES ({rows}, 'abcdefghijklmnopqrstuvwxyz0123456789');\n"
            ));
            payload += 36;
        }
        rows += 1;
    }
    let dir = tempfile::tempdir().unwrap();
    let migrations_dir = dir.path().join("migrations");
    std::fs::create_dir(&migrations_dir).unwrap();
    let file = revision_file("big", "", &up, "DROP TABLE big;");
    let size = file.len() as u64;
    std::fs::write(migrations_dir.join("0001_big.sql"), &file).unwrap();
    drop((up, file));

    let (out, check) = cli(&migrations_dir, &["check"]);
    assert!((out.code == 0), "check: {}", out.stderr.clone());

    let started = Instant::now();
    let mut child = Command::new(probe_bin())
        .arg(&migrations_dir)
        .arg(&scratch.url)
        .arg("heads")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut peak = 0;
    let status = loop {
        if let Some(rss) = peak_rss(child.id()) {
            peak = peak.max(rss);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "applying 50 MB took over 2 minutes"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let took = started.elapsed();
    let out: Ran = child.wait_with_output().unwrap().into();
    assert!(status.success(), "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("step big"));
    println!(
        "50 MB migration ({:.1} MB, {rows} statements): cargo migrate check {check:?}; \
         load + apply on SQLite {took:?}, peak memory {:.0} MB ({:.1}x the file)",
        size as f64 / 1e6,
        peak as f64 / 1e6,
        peak as f64 / size as f64
    );
    assert!(
        peak < 8 * size,
        "memory is not proportional: {peak} bytes for a {size}-byte migration"
    );

    let db = scratch.db().await;
    assert_eq!(int(&db, "SELECT COUNT(*) FROM big").await.unwrap(), rows);
    assert_eq!(
        int(&db, "SELECT SUM(LENGTH(payload)) FROM big")
            .await
            .unwrap(),
        payload
    );
    assert_eq!(version_rows(&db, TABLE).await, ["big:applied"]);
    db.close().await;
}

/// A section far longer than one driver call should carry (SQLite runs
/// such sections in pieces) fails at its 15,001st statement: the error names
/// that statement and its line, and the state is what the backend allows
/// (nothing on PostgreSQL and SQLite; a failed row and the first 15,000
/// inserts on MariaDB).
async fn long_section_fails_deep_inside(scratch: Scratch) {
    let mut up = String::from("CREATE TABLE many (id INT);\n");
    for k in 1..20_000 {
        if k == 15_000 {
            up.push_str(&format!("INSERT INTO missing_table VALUES ({k});\n"));
        } else {
            up.push_str(&format!("INSERT INTO many VALUES ({k});\n"));
        }
    }
    let set = migrations(&files(&[
        logged_rev("aa01", &[]),
        rev("bb02", &["aa01"]).up(&up).down("DROP TABLE many;"),
    ]));
    let db = scratch.db().await;
    let err = set.migrator().upgrade(&db, "heads").await.unwrap_err();
    let Error::Migration {
        revision,
        statement,
        rolled_back,
        ..
    } = &err
    else {
        panic!("expected a migration error, got {err:?}")
    };
    assert_eq!(revision, "bb02");
    let statement = statement.as_ref().expect("the failing statement is named");
    assert!(
        statement.number == 15001
            && statement.line == Some(15001)
            && statement.text.contains("missing_table"),
        "{statement:?}"
    );
    if scratch.backend.transactional_ddl() {
        assert!(*rolled_back);
        assert!(!table_exists(&db, "many").await);
        assert_eq!(version_rows(&db, TABLE).await, ["aa01:applied"]);
    } else {
        assert_eq!(int(&db, "SELECT COUNT(*) FROM many").await.unwrap(), 14_999);
        assert_eq!(
            version_rows(&db, TABLE).await,
            ["aa01:applied", "bb02:failed_up"]
        );
    }
    db.close().await;
}

/// The first `error:` line and the whole stderr of a failed `check`.
fn check_fails(dir: &Path) -> String {
    let (out, _) = cli(dir, &["check"]);
    let stderr = out.stderr.clone();
    assert_eq!(Some(out.code), Some(1), "check should fail: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

/// Non-UTF-8 bytes, a NUL byte, a UTF-16 file, a non-UTF-8 file name, a
/// broken symlink and a symlink loop: `cargo migrate check` and
/// `Migrations::from_dir` each fail with an error naming the file (and the
/// line, for bad bytes). A valid symlink is followed; a BOM with CRLF line
/// ends is the same migration as without (same checksum, no drift).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_bytes_bom_and_symlinks() {
    use std::os::unix::ffi::OsStrExt;
    let a1 = revision_file("a1", "", "CREATE TABLE t (x INT);", "DROP TABLE t;");
    let b2 = revision_file("b2", "a1", "INSERT INTO t VALUES (2);", "DELETE FROM t;");
    let new_dir = || {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("migrations");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("01_a1.sql"), &a1).unwrap();
        (tmp, dir)
    };
    let load_error = |dir: &Path| match Migrations::from_dir(dir) {
        Ok(_) => panic!("{} loaded", dir.display()),
        Err(e) => e.to_string(),
    };

    // Bad bytes: (what, bytes, message, line).
    let mut non_utf8 = b2.clone().into_bytes();
    let at = b2.find("b2\n\n").unwrap() + 1; // in the `Message:` line, line 3
    non_utf8.insert(at, 0xff);
    let mut nul = b2.clone().into_bytes();
    let at = b2.find("INSERT").unwrap(); // line 6
    nul.insert(at, 0);
    let utf16: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain(b2.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    for (what, bytes, message, line) in [
        ("non-UTF-8 byte", non_utf8, "the file is not UTF-8", 3),
        ("NUL byte", nul, "the file contains a NUL byte", 6),
        ("UTF-16 file", utf16, "the file is not UTF-8", 1),
    ] {
        let (_tmp, dir) = new_dir();
        std::fs::write(dir.join("02_b2.sql"), bytes).unwrap();
        let stderr = check_fails(&dir);
        assert!(
            stderr.lines().next().unwrap().contains(message),
            "{what}: {stderr}"
        );
        assert!(
            stderr.contains(&format!("02_b2.sql:{line}")),
            "{what}: names the file and line: {stderr}"
        );
        let err = load_error(&dir);
        assert!(
            err.contains(&format!("02_b2.sql:{line}: {message}")),
            "{what}: {err}"
        );
    }

    // Files that cannot be read as migrations.
    let outside = tempfile::tempdir().unwrap();
    type Setup<'a> = &'a dyn Fn(&Path);
    let cases: [(&str, Setup, &str); 3] = [
        (
            "broken symlink",
            &|dir| {
                std::os::unix::fs::symlink(outside.path().join("gone.sql"), dir.join("02_b2.sql"))
                    .unwrap()
            },
            "02_b2.sql is a symbolic link to a file that does not exist",
        ),
        (
            "symlink loop",
            &|dir| {
                std::os::unix::fs::symlink("03_loop.sql", dir.join("02_b2.sql")).unwrap();
                std::os::unix::fs::symlink("02_b2.sql", dir.join("03_loop.sql")).unwrap();
            },
            // Whichever of the two links is read first is named.
            ".sql: Too many levels of symbolic links",
        ),
        (
            "non-UTF-8 file name",
            &|dir| {
                let name = std::ffi::OsStr::from_bytes(b"02_b\xff2.sql");
                std::fs::write(dir.join(name), &b2).unwrap();
            },
            "is not UTF-8; rename it",
        ),
    ];
    for (what, setup, message) in cases {
        let (_tmp, dir) = new_dir();
        setup(&dir);
        let stderr = check_fails(&dir);
        assert_eq!(
            stderr.lines().filter(|l| l.starts_with("error:")).count(),
            1,
            "{what}: {stderr}"
        );
        assert!(stderr.contains(message), "{what}: {stderr}");
        let err = load_error(&dir);
        assert!(err.contains(message), "{what}: {err}");
    }

    // A symlink to a file elsewhere is followed; one to a directory is not
    // a migration file and is left alone.
    let (_tmp, dir) = new_dir();
    std::fs::write(outside.path().join("shared.sql"), &b2).unwrap();
    std::os::unix::fs::symlink(outside.path().join("shared.sql"), dir.join("02_b2.sql")).unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.join("03_dir.sql")).unwrap();
    let (out, _) = cli(&dir, &["check"]);
    assert!((out.code == 0), "{}", out.stderr.clone());
    assert!(out.stdout.clone().contains("2 revision(s), head b2"));
    let linked = Migrations::from_dir(&dir).unwrap();
    assert_eq!(linked.len(), 2);
    let scratch = Scratch::new(Backend::Sqlite).await.unwrap();
    let db = scratch.db().await;
    let linked: &'static Migrations = Box::leak(Box::new(linked));
    assert_eq!(linked.upgrade(&db).await.unwrap().steps.len(), 2);
    assert_eq!(int(&db, "SELECT x FROM t").await.unwrap(), 2);

    // A BOM and CRLF line ends (a Windows checkout): the same migration.
    let (_tmp, windows) = new_dir();
    std::fs::write(
        windows.join("02_b2.sql"),
        format!("\u{feff}{}", b2.replace('\n', "\r\n")),
    )
    .unwrap();
    let (out, _) = cli(&windows, &["check"]);
    assert!((out.code == 0), "{}", out.stderr.clone());
    let windows = Migrations::from_dir(&windows).unwrap();
    let unix = Migrations::from_dir(&dir).unwrap();
    assert_eq!(
        windows.get("b2").unwrap().checksum().to_hex(),
        unix.get("b2").unwrap().checksum().to_hex()
    );
    assert_eq!(
        windows.get("b2").unwrap().up_sql(),
        unix.get("b2").unwrap().up_sql()
    );
    let windows: &'static Migrations = Box::leak(Box::new(windows));
    let again = windows.upgrade(&db).await;
    assert!(
        matches!(&again, Ok(r) if r.steps.is_empty()),
        "the BOM/CRLF copy looks edited: {again:?}"
    );
    db.close().await;
}
