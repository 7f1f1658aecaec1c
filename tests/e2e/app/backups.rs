//! `upgrade --backup DIR`: taken only when something is pending, before
//! any revision runs; restored, it gives the database as it was.

use super::{app, app_with, expect, PASSWORD, REVS};
use crate::support::{Backend, Scratch};
use migrate_runtime::DatabaseUrl;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

/// The database name a backup file starts with.
fn db_name(db: &Scratch) -> String {
    match db.backend {
        Backend::Sqlite => Path::new(&db.name)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned(),
        _ => db.name.clone(),
    }
}

/// Loads `file` into a new empty database and returns it.
fn restore(backend: Backend, file: &Path, dir: &Path) -> Scratch {
    let mut target = Scratch::blocking(backend, dir);
    match backend {
        Backend::Sqlite => target.url = format!("sqlite:{}", file.display()),
        Backend::Postgres => {
            let ran = crate::support::run_to_end(
                Command::new("psql")
                    .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &target.url, "-f"])
                    .arg(file),
            );
            assert_eq!(ran.code, 0, "psql restore: {ran:?}");
        }
        Backend::MySql => {
            let url = DatabaseUrl::parse(&target.url).unwrap();
            let user = target
                .url
                .split("://")
                .nth(1)
                .unwrap()
                .split(':')
                .next()
                .unwrap();
            let ran = crate::support::run_to_end(
                Command::new("mariadb")
                    .arg(format!("--host={}", url.host().unwrap()))
                    .arg(format!("--port={}", url.port().unwrap()))
                    .arg("--protocol=TCP")
                    .arg(format!("--user={user}"))
                    .env("MYSQL_PWD", PASSWORD)
                    .arg(url.database().unwrap())
                    .stdin(Stdio::from(std::fs::File::open(file).unwrap())),
            );
            assert_eq!(ran.code, 0, "mariadb restore: {ran:?}");
        }
    }
    target
}

#[test]
fn a_backup_restores_the_database_as_it_was_before_the_upgrade() {
    for backend in Backend::all() {
        let dir = tempfile::tempdir().unwrap();
        let backups = dir.path().join("backups");
        let db = Scratch::blocking(backend, dir.path());
        let b = backups.to_str().unwrap();

        // From base: a backup of the empty database.
        let r = app(&db.url, dir.path(), &["upgrade", REVS[1], "--backup", b]);
        expect(&r, 0);
        let first = files(&backups);
        assert_eq!(first.len(), 1, "{first:?}");
        let name = first[0].file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with(&format!("{}-at-base-", db_name(&db))),
            "{name}"
        );
        assert!(
            r.stdout
                .contains(&format!("backed up to {}", first[0].display())),
            "{r:?}"
        );

        // The user's data at REVS[1]; then the upgrade that seeds a row.
        db.exec_blocking("INSERT INTO todos (id, title, done) VALUES (100, 'mine', FALSE)");
        let r = app(&db.url, dir.path(), &["upgrade", "--backup", b, "-v"]);
        expect(&r, 0);
        assert!(r.stdout.contains(&format!("  -> {}", REVS[2])), "{r:?}");
        assert_eq!(db.query_i64("SELECT COUNT(*) FROM todos"), 2);
        let second: Vec<PathBuf> = files(&backups)
            .into_iter()
            .filter(|f| !first.contains(f))
            .collect();
        assert_eq!(second.len(), 1, "{second:?}");
        let name = second[0]
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            name.starts_with(&format!("{}-at-{}-", db_name(&db), REVS[1])),
            "{name}"
        );
        let text = String::from_utf8_lossy(&std::fs::read(&second[0]).unwrap()).into_owned();
        assert!(!text.contains(PASSWORD), "the backup holds the password");

        // Restored: the rows and tables of before the upgrade.
        let old = restore(backend, &second[0], dir.path());
        assert_eq!(
            old.query_i64("SELECT COUNT(*) FROM todos"),
            1,
            "{backend:?}"
        );
        assert_eq!(
            old.query_i64("SELECT COUNT(*) FROM todos WHERE id = 100"),
            1
        );
        assert_eq!(old.query_i64("SELECT COUNT(*) FROM migrate_versions"), 2);
        let r = app(&old.url, dir.path(), &["current"]);
        assert!(r.stdout.starts_with(REVS[1]), "{r:?}");
        let empty = restore(backend, &first[0], dir.path());
        assert!(
            !empty.has_table("todos"),
            "{backend:?}: the base backup has todos"
        );

        // Nothing pending: no backup.
        let r = app(&db.url, dir.path(), &["upgrade", "--backup", b, "-v"]);
        expect(&r, 0);
        assert!(!r.stdout.contains("backed up"), "{r:?}");
        assert_eq!(files(&backups).len(), 2);
    }
}

#[test]
fn a_missing_tool_fails_before_any_migration_runs() {
    for backend in Backend::all() {
        let dir = tempfile::tempdir().unwrap();
        let db = Scratch::blocking(backend, dir.path());
        let empty_path = dir.path().join("no-tools");
        std::fs::create_dir(&empty_path).unwrap();
        let backups = dir.path().join("backups");
        let r = app_with(
            &db.url,
            dir.path(),
            &["upgrade", "--backup", backups.to_str().unwrap()],
            |c| {
                c.env("PATH", &empty_path);
            },
        );
        match backend {
            // VACUUM INTO needs no tool.
            Backend::Sqlite => {
                expect(&r, 0);
                assert_eq!(files(&backups).len(), 1);
            }
            Backend::Postgres | Backend::MySql => {
                expect(&r, 1);
                let tool = if backend == Backend::Postgres {
                    "pg_dump"
                } else {
                    "mariadb-dump or mysqldump"
                };
                assert!(
                    r.stderr.contains(&format!("{tool} is not on PATH"))
                        && r.stderr.contains("nothing was migrated"),
                    "{r:?}"
                );
                assert!(!db.has_table("todos"), "{backend:?}: a revision ran");
                assert!(files(&backups).is_empty());
            }
        }
    }
}

#[test]
fn an_unwritable_directory_fails_before_any_migration_runs() {
    for backend in Backend::all() {
        let dir = tempfile::tempdir().unwrap();
        let db = Scratch::blocking(backend, dir.path());
        // Under a regular file: no directory can be made there, even as root.
        let file = dir.path().join("a-file");
        std::fs::write(&file, "").unwrap();
        let backups = file.join("backups");
        let r = app(
            &db.url,
            dir.path(),
            &["upgrade", "--backup", backups.to_str().unwrap()],
        );
        expect(&r, 1);
        assert!(r.stderr.contains("cannot write a backup to"), "{r:?}");
        assert!(!db.has_table("todos"), "{backend:?}: a revision ran");
        let r = app(&db.url, dir.path(), &["current"]);
        assert_eq!(r.stdout, "base (no revision applied)\n", "{r:?}");
    }
}

#[test]
fn cargo_migrate_upgrade_takes_the_same_backup() {
    let source = crate::support::workspace_root().join("examples/todo-service/migrations");
    for backend in Backend::all() {
        let dir = tempfile::tempdir().unwrap();
        let db = Scratch::blocking(backend, dir.path());
        let backups = dir.path().join("backups");
        let cli = |args: &[&str]| {
            crate::support::run_to_end(
                Command::new(crate::support::cli_bin())
                    .current_dir(dir.path())
                    .env("DATABASE_URL", &db.url)
                    .arg("--source")
                    .arg(&source)
                    .args(args)
                    .stdin(Stdio::null()),
            )
        };
        let r = cli(&["upgrade", REVS[0]]);
        expect(&r, 0);
        let r = cli(&["upgrade", "--backup", backups.to_str().unwrap()]);
        expect(&r, 0);
        assert!(!r.stdout.contains(PASSWORD) && !r.stderr.contains(PASSWORD));
        let taken = files(&backups);
        assert_eq!(taken.len(), 1, "{r:?}");
        let name = taken[0].file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with(&format!("{}-at-{}-", db_name(&db), REVS[0])),
            "{name}"
        );
        assert!(r.stdout.contains("backed up to"), "{r:?}");
        let old = restore(backend, &taken[0], dir.path());
        assert!(old.has_table("todos"));
        assert_eq!(old.query_i64("SELECT COUNT(*) FROM todos"), 0);
        assert_eq!(old.query_i64("SELECT COUNT(*) FROM migrate_versions"), 1);
        // Nothing pending: nothing taken.
        expect(&cli(&["upgrade", "--backup", backups.to_str().unwrap()]), 0);
        assert_eq!(files(&backups).len(), 1);
    }
}

#[cfg(unix)]
/// Stands in for `pg_dump` / `mariadb-dump`: records its arguments, its
/// `PGPASSWORD` and its option file (with the file's mode), then fails.
fn fake_tool(log: &Path) -> String {
    let log = log.display();
    format!(
        r#"#!/bin/sh
printf '%s\n' "$@" > {log}/args
printf '%s' "$PGPASSWORD" > {log}/pgpassword
for a in "$@"; do
  case "$a" in
    --defaults-extra-file=*) f="${{a#--defaults-extra-file=}}"; stat -c %a "$f" > {log}/mode; cat "$f" > {log}/cnf;;
  esac
done
echo 'boom: failing on purpose' >&2
exit 3
"#
    )
}

#[cfg(unix)]
#[test]
fn the_password_reaches_the_tools_only_through_env_or_a_private_file() {
    use std::os::unix::fs::PermissionsExt;
    for backend in Backend::all() {
        if backend == Backend::Sqlite {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let db = Scratch::blocking(backend, dir.path());
        let (bin, log) = (dir.path().join("bin"), dir.path().join("log"));
        std::fs::create_dir(&bin).unwrap();
        std::fs::create_dir(&log).unwrap();
        for tool in ["pg_dump", "mariadb-dump"] {
            let path = bin.join(tool);
            std::fs::write(&path, fake_tool(&log)).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let backups = dir.path().join("backups");
        let r = app_with(
            &db.url,
            dir.path(),
            &["upgrade", "--backup", backups.to_str().unwrap()],
            |c| {
                c.env("PATH", format!("{}:/usr/bin:/bin", bin.display()));
            },
        );
        // The tool failed: its message, and nothing migrated.
        expect(&r, 1);
        assert!(
            r.stderr.contains("boom: failing on purpose")
                && r.stderr.contains("nothing was migrated"),
            "{r:?}"
        );
        assert!(!db.has_table("todos"), "{backend:?}: a revision ran");
        assert!(files(&backups).is_empty(), "a failed dump left a file");

        let args = std::fs::read_to_string(log.join("args")).unwrap();
        assert!(
            !args.contains(PASSWORD),
            "{backend:?}: the password is on the command line:\n{args}"
        );
        let db_arg = args.lines().last().unwrap();
        assert!(db_arg.ends_with(&db.name), "{args}");
        match backend {
            Backend::Postgres => {
                assert_eq!(
                    std::fs::read_to_string(log.join("pgpassword")).unwrap(),
                    PASSWORD
                );
            }
            _ => {
                assert_eq!(
                    std::fs::read_to_string(log.join("mode")).unwrap().trim(),
                    "600"
                );
                let cnf = std::fs::read_to_string(log.join("cnf")).unwrap();
                assert!(cnf.contains(&format!("password=\"{PASSWORD}\"")), "{cnf}");
                let file = args
                    .lines()
                    .find_map(|a| a.strip_prefix("--defaults-extra-file="))
                    .unwrap();
                assert!(
                    args.lines()
                        .next()
                        .unwrap()
                        .starts_with("--defaults-extra-file="),
                    "{args}"
                );
                assert!(!Path::new(file).exists(), "the option file was left behind");
                assert_eq!(std::fs::read_to_string(log.join("pgpassword")).unwrap(), "");
            }
        }
    }
}
