//! A version table edited by hand: rebuilt without its primary key and given
//! a duplicate row, or holding a garbage or NULL state, checksum or revision.
//! (Rows of revisions this build does not know are
//! `runtime::failures::unknown_applied_revision`.)
//!
//! Each is a clear error naming what is wrong ([`Error::CorruptTable`], or
//! [`Error::Drift`] for a checksum that is not the file's), from every
//! command, the CLI's included; nothing is changed or lost meanwhile; and
//! once the table is repaired everything works again.

use crate::on_each_backend;
use crate::runtime::{assert_applied, logged, logged_rev, step_ids, TABLE};
use crate::support::{
    cli_bin, exec, files, migrations, version_snapshot, write_dir, Backend, Scratch,
};
use migrate_runtime::{Db, Error, Migrations};

on_each_backend!(hand_edited_version_table, hand_edited_version_table);

/// The version table again, as a person might recreate it: same columns,
/// no primary key, nothing NOT NULL.
fn loose_table(backend: Backend) -> String {
    let columns = match backend {
        Backend::Sqlite => {
            "revision TEXT, checksum TEXT, state TEXT, applied_at TEXT, duration_ms INTEGER"
        }
        Backend::Postgres => {
            "revision VARCHAR(128), checksum VARCHAR(64), state VARCHAR(16), applied_at TIMESTAMPTZ, duration_ms BIGINT"
        }
        Backend::MySql => {
            "revision VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin, checksum VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin, state VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin, applied_at DATETIME(3), duration_ms BIGINT"
        }
    };
    format!(
        "CREATE TABLE loose_versions ({columns});\n\
         INSERT INTO loose_versions SELECT revision, checksum, state, applied_at, duration_ms FROM {TABLE};\n\
         DROP TABLE {TABLE};\n\
         ALTER TABLE loose_versions RENAME TO {TABLE};"
    )
}

/// Every way of touching the database refuses with the same error; the
/// table and the schema stay exactly as they were.
async fn assert_refused(
    db: &Db,
    url: &str,
    set: &'static Migrations,
    dir: &std::path::Path,
    what: &str,
    drift: bool,
    check: impl Fn(&Error) -> bool,
) {
    let before = version_snapshot(db, TABLE).await;
    let log_before = logged(db).await;
    let m = set.migrator();
    let mut results = vec![
        ("upgrade", m.upgrade(db, "heads").await.map(drop)),
        ("downgrade", m.downgrade(db, "base").await.map(drop)),
        ("stamp", m.stamp(db, &["heads"], false).await.map(drop)),
    ];
    match m.status(db).await {
        // A checksum that is not the file's is drift, which `status`
        // reports rather than refuses.
        Ok(status) if status.drifted.iter().any(|(r, _)| r == "bb02") => {}
        other => results.push(("status", other.map(drop))),
    }
    for (op, result) in results {
        let err = match result {
            Ok(()) => panic!("{what}: {op} went on over the edited table"),
            Err(e) => e,
        };
        assert!(check(&err), "{what}: {op} gave {err:?}");
        println!("{what}: {op}: {err}");
    }
    // The CLI says so in one line: `upgrade` always, `current` too unless
    // the problem is drift (which `current` does not check; `check` does).
    let cli_commands: &[&[&str]] = if drift {
        &[&["upgrade"], &["check"]]
    } else {
        &[&["upgrade"], &["current"]]
    };
    for args in cli_commands {
        let out = std::process::Command::new(cli_bin())
            .arg("migrate")
            .args(*args)
            .arg("--source")
            .arg(dir)
            .args(["--database-url", url])
            .env_remove("DATABASE_URL")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let what = format!("{what}: cargo migrate {}", args.join(" "));
        assert_eq!(out.status.code(), Some(1), "{what}: {stderr}");
        assert!(
            stderr.starts_with("error: ") && !stderr.contains("panicked"),
            "{what}: {stderr}"
        );
        if args[0] == "check" {
            // `check` lists every problem it finds.
            assert!(
                stderr.contains("error: revision bb02")
                    && stderr.contains("--accept-checksum bb02"),
                "{what}: {stderr}"
            );
        } else {
            let first = stderr.lines().next().unwrap_or_default();
            assert!(
                first.contains("bb02") || first.contains("aa01") || first.contains("NULL"),
                "{what}: the first line names the problem: {stderr}"
            );
            assert_eq!(
                stderr.lines().filter(|l| l.starts_with("error:")).count(),
                1,
                "{what}: {stderr}"
            );
        }
    }
    assert_eq!(
        version_snapshot(db, TABLE).await,
        before,
        "{what}: the table changed"
    );
    assert_eq!(logged(db).await, log_before, "{what}: the schema changed");
}

fn corrupt(e: &Error, needle: &str) -> bool {
    matches!(e, Error::CorruptTable { table, detail } if table == TABLE && detail.to_string().contains(needle))
}

async fn hand_edited_version_table(scratch: Scratch) {
    let backend = scratch.backend;
    let db = scratch.db().await;
    let revs = [
        logged_rev("aa01", &[]),
        logged_rev("bb02", &["aa01"]),
        logged_rev("cc03", &["bb02"]),
    ];
    let set = migrations(&files(&revs));
    let dir = write_dir(&files(&revs));
    set.migrator().upgrade(&db, "bb02").await.unwrap();
    exec(&db, &loose_table(backend)).await.unwrap();
    let good = version_snapshot(&db, TABLE).await;
    assert_eq!(good.len(), 2);
    let good_bb02 = good[1].clone();
    let checksum = good_bb02.split('|').nth(1).unwrap().to_owned();
    let restore = format!(
        "DELETE FROM {TABLE} WHERE revision = 'bb02' OR revision IS NULL;\n\
         INSERT INTO {TABLE} (revision, checksum, state, applied_at, duration_ms) VALUES ('bb02', '{checksum}', 'applied', CURRENT_TIMESTAMP, 0);"
    );
    // Works as before without the primary key.
    assert!(set.migrator().status(&db).await.is_ok());

    // 1. A duplicate row.
    exec(
        &db,
        &format!("INSERT INTO {TABLE} (revision, checksum, state, applied_at, duration_ms) VALUES ('bb02', '{checksum}', 'applied', CURRENT_TIMESTAMP, 0)"),
    )
    .await
    .unwrap();
    assert_refused(
        &db,
        &scratch.url,
        set,
        dir.path(),
        "duplicate row",
        false,
        |e| corrupt(e, "revision bb02 has more than one row"),
    )
    .await;
    // A duplicate in another state too.
    exec(&db, &restore).await.unwrap();
    exec(
        &db,
        &format!("UPDATE {TABLE} SET state = 'failed_up' WHERE revision = 'aa01'; INSERT INTO {TABLE} (revision, checksum, state, applied_at, duration_ms) VALUES ('aa01', 'x', 'applied', CURRENT_TIMESTAMP, 0)"),
    )
    .await
    .unwrap();
    assert_refused(
        &db,
        &scratch.url,
        set,
        dir.path(),
        "duplicate failed row",
        false,
        |e| corrupt(e, "revision aa01 has more than one row"),
    )
    .await;
    let aa01 = good[0].split('|').nth(1).unwrap();
    exec(
        &db,
        &format!("DELETE FROM {TABLE} WHERE revision = 'aa01'; INSERT INTO {TABLE} (revision, checksum, state, applied_at, duration_ms) VALUES ('aa01', '{aa01}', 'applied', CURRENT_TIMESTAMP, 0);"),
    )
    .await
    .unwrap();
    assert_eq!(version_snapshot(&db, TABLE).await, good);

    // 2. A garbage state.
    exec(
        &db,
        &format!("UPDATE {TABLE} SET state = 'half-done' WHERE revision = 'bb02'"),
    )
    .await
    .unwrap();
    assert_refused(
        &db,
        &scratch.url,
        set,
        dir.path(),
        "garbage state",
        false,
        |e| corrupt(e, "revision bb02 has state `half-done`"),
    )
    .await;

    // 3. NULL state, checksum, revision: the column is named.
    for (column, what) in [
        ("state", "NULL state"),
        ("checksum", "NULL checksum"),
        ("revision", "NULL revision"),
    ] {
        exec(&db, &restore).await.unwrap();
        exec(
            &db,
            &format!("UPDATE {TABLE} SET {column} = NULL WHERE revision = 'bb02'"),
        )
        .await
        .unwrap();
        let detail = format!("a row has NULL in its `{column}` column");
        assert_refused(&db, &scratch.url, set, dir.path(), what, false, |e| {
            corrupt(e, &detail)
        })
        .await;
    }

    // 4. A garbage checksum is not the file's: drift, named, and the
    // documented acceptance repairs it.
    exec(&db, &restore).await.unwrap();
    exec(
        &db,
        &format!("UPDATE {TABLE} SET checksum = 'not-a-checksum' WHERE revision = 'bb02'"),
    )
    .await
    .unwrap();
    assert_refused(&db, &scratch.url, set, dir.path(), "garbage checksum", true, |e| {
        matches!(e, Error::Drift { revision, recorded, .. } if revision == "bb02" && recorded == "not-a-checksum")
    })
    .await;
    set.migrator().accept_checksum(&db, "bb02").await.unwrap();
    assert_eq!(version_snapshot(&db, TABLE).await, good);

    // Repaired: the run goes on, nothing was lost.
    let r = set.migrator().upgrade(&db, "heads").await.unwrap();
    assert_eq!(step_ids(&r), ["cc03"]);
    assert_applied(&db, &["aa01", "bb02", "cc03"], "after the repairs").await;
    db.close().await;
}
