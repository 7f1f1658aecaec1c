//! The application's own `migrate` command: `downgrade` asks (needs `--yes`
//! off a terminal) and takes `--backup`; no database URL is invented
//! unless the application sets a default on purpose, and that is said;
//! `--sql` takes `--dialect`.

use crate::app::{app, expect, REVS};
use crate::support::{build_bin, run_to_end, todo_service_bin, Backend, Ran, Scratch};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn downgrade_needs_yes_off_a_terminal_and_takes_a_backup() {
    for backend in Backend::all() {
        if backend != Backend::Sqlite && backend.server_url().is_none() {
            println!("SKIP {backend:?}: no server");
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let db = Scratch::blocking(backend, dir.path());
        let run = |args: &[&str]| app(&db.url, dir.path(), args);
        expect(&run(&["upgrade"]), 0);

        // stdin is not a terminal: refused with the reason, exit 2, before
        // connecting; the database is as it was.
        let r = run(&["downgrade", "base"]);
        expect(&r, 2);
        assert!(
            r.stderr.contains("`downgrade` runs the down sections")
                && r.stderr.contains("pass --yes"),
            "{r:?}"
        );
        assert!(db.has_table("todos"), "{backend:?}");
        assert_eq!(
            db.query_i64("SELECT COUNT(*) FROM migrate_versions"),
            3,
            "{backend:?}"
        );

        // --yes --backup: backed up (private), then reverted.
        let backups = dir.path().join("backups");
        let r = run(&[
            "downgrade",
            "base",
            "--yes",
            "--backup",
            backups.to_str().unwrap(),
        ]);
        expect(&r, 0);
        let taken: Vec<_> = std::fs::read_dir(&backups)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(taken.len(), 1, "{taken:?}");
        assert!(
            taken[0]
                .to_string_lossy()
                .contains(&format!("-at-{}-", REVS[2])),
            "{taken:?}"
        );
        assert_eq!((mode(&backups), mode(&taken[0])), (0o700, 0o600));
        assert!(std::fs::metadata(&taken[0]).unwrap().len() > 0);
        assert!(!db.has_table("todos"), "{backend:?}");
    }
}

/// `bin ARGS` in `dir` with no `DATABASE_URL` anywhere.
fn without_url(bin: &Path, dir: &Path, args: &[&str]) -> Ran {
    run_to_end(
        Command::new(bin)
            .current_dir(dir)
            .env_remove("DATABASE_URL")
            .env_remove("MIGRATE_TABLE")
            .args(args)
            .stdin(Stdio::null()),
    )
}

#[test]
fn no_database_url_is_an_error_unless_the_application_sets_a_default() {
    let dir = tempfile::tempdir().unwrap();
    // `migrate_cli::main` with no default: an error naming how to give one,
    // and no database file created.
    let bin = build_bin("migrate-examples", "todo-migrate");
    let r = without_url(&bin, dir.path(), &["upgrade"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stderr.contains("`upgrade` needs a database")
            && r.stderr.contains("--database-url")
            && r.stderr.contains("DATABASE_URL"),
        "{r:?}"
    );
    let r = without_url(&bin, dir.path(), &["upgrade", "--sql"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("DATABASE_URL"), "{r:?}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

    // --sql --dialect needs no database: PostgreSQL's script, guards and all.
    let r = without_url(
        &bin,
        dir.path(),
        &["upgrade", "--sql", "--dialect", "postgres"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout
            .contains("CREATE TABLE IF NOT EXISTS \"migrate_versions\"")
            && r.stdout.contains("DO $migrate$")
            && r.stdout.contains("-- dialect: postgres"),
        "{}",
        r.stdout
    );
    let r = without_url(
        &bin,
        dir.path(),
        &[
            "downgrade",
            &format!("{}:base", REVS[2]),
            "--sql",
            "--dialect",
            "mysql",
        ],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stdout.contains("DELETE FROM `migrate_versions`"),
        "{}",
        r.stdout
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

    // The example sets a default on purpose: used, and said.
    let r = without_url(&todo_service_bin(), dir.path(), &["migrate", "current"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stderr
            .contains("no --database-url and no DATABASE_URL: using this application's default, sqlite:todo.db"),
        "{r:?}"
    );
    // --dialect wins over the database's dialect.
    let r = without_url(
        &todo_service_bin(),
        dir.path(),
        &["migrate", "upgrade", "--sql", "--dialect", "mysql"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("-- dialect: mysql"), "{}", r.stdout);
}
