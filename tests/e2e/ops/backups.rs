//! Backups are readable by their owner only, on every backend: the file
//! 0600, a directory made for them 0700, an existing directory that others
//! can enter refused before anything runs. MariaDB's also hold routines,
//! events and triggers. Downgrades take them too.

use crate::on_each_backend;
use crate::support::{exec, files, migrations, rev, version_rows, Backend, Scratch};
use migrate_runtime::{BackupError, Error, Migrations};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn set() -> &'static Migrations {
    migrations(&files(&[
        rev("aa01", &[])
            .up("CREATE TABLE cards (n VARCHAR(20));")
            .down("DROP TABLE cards;"),
        rev("bb02", &["aa01"])
            .up("INSERT INTO cards (n) VALUES ('4111111111111111');")
            .down("DELETE FROM cards;"),
    ]))
}

on_each_backend!(backups_are_private, backups_are_private);

async fn backups_are_private(scratch: Scratch) {
    let db = scratch.db().await;
    let tmp = tempfile::tempdir().unwrap();
    let m = set().migrator();

    // An existing directory other users can enter: refused, not changed,
    // and nothing migrated.
    let open = tmp.path().join("open");
    std::fs::create_dir(&open).unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).unwrap();
    let err = m
        .clone()
        .backup(&open)
        .upgrade(&db, "head")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Backup(BackupError::OpenDirectory { mode: 0o755, .. })
        ),
        "{err}"
    );
    assert!(err.to_string().contains("chmod 700"), "{err}");
    assert_eq!(mode(&open), 0o755);
    assert_eq!(std::fs::read_dir(&open).unwrap().count(), 0);
    assert!(version_rows(&db, "migrate_versions").await.is_empty());

    if scratch.backend == Backend::MySql {
        // Objects that live beside the tables, which a restore needs.
        for sql in [
            "CREATE TABLE audit (n INT)",
            "CREATE PROCEDURE ops_routine() SELECT 1",
            "CREATE EVENT ops_event ON SCHEDULE EVERY 1 DAY DO DELETE FROM audit",
            "CREATE TRIGGER ops_trigger BEFORE INSERT ON audit FOR EACH ROW SET NEW.n = NEW.n + 1",
        ] {
            exec(&db, sql)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
    }

    // A new directory (and its parent) are made 0700, the file 0600.
    let dir = tmp.path().join("new/backups");
    let up = m.clone().backup(&dir).upgrade(&db, "aa01").await.unwrap();
    let file = up.backup.expect("a backup before the upgrade");
    assert_eq!(
        (mode(&tmp.path().join("new")), mode(&dir), mode(&file)),
        (0o700, 0o700, 0o600),
        "{:?}",
        scratch.backend
    );
    if scratch.backend == Backend::MySql {
        let text = std::fs::read_to_string(&file).unwrap();
        for name in [
            "PROCEDURE `ops_routine`",
            "EVENT `ops_event`",
            "TRIGGER ops_trigger BEFORE INSERT",
        ] {
            assert!(text.contains(name), "the backup lacks {name}");
        }
    }

    // The existing private directory is used as it is; a downgrade backs
    // up too, before it reverts anything.
    m.clone().upgrade(&db, "head").await.unwrap();
    let down = m.clone().backup(&dir).downgrade(&db, "aa01").await.unwrap();
    let file = down.backup.expect("a backup before the downgrade");
    assert_eq!((mode(&dir), mode(&file)), (0o700, 0o600));
    assert!(
        file.file_name()
            .unwrap()
            .to_string_lossy()
            .contains("-at-bb02-"),
        "{}",
        file.display()
    );
    assert_eq!(
        version_rows(&db, "migrate_versions").await,
        ["aa01:applied"]
    );
    // Nothing to revert: no backup.
    let none = m.clone().backup(&dir).downgrade(&db, "aa01").await.unwrap();
    assert!(none.backup.is_none());
    db.close().await;
}
