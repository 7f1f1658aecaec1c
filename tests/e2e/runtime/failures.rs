//! What goes wrong: failing SQL (rolled back, or recorded as failed and
//! resolved), grouped runs, irreversible revisions, drift, unknown revisions
//! and bad table names.

use super::{assert_applied, logged, logged_rev, step_ids, TABLE};
use crate::on_each_backend;
use crate::support::{
    exec, files, migrations, rev, table_exists, version_rows, Backend, Rev, Scratch,
};
use migrate_runtime::{Dialect, Direction, DriftPolicy, Error, RowState, UnknownPolicy};

on_each_backend!(failing_migration, failing_migration);
on_each_backend!(
    failing_non_transactional_step,
    failing_non_transactional_step
);
on_each_backend!(grouped_runs, grouped_runs);
on_each_backend!(irreversible_downgrade, irreversible_downgrade);
on_each_backend!(drift, drift);
on_each_backend!(unknown_applied_revision, unknown_applied_revision);
on_each_backend!(table_names, table_names);

/// bb02 creates a table, logs itself, then fails on its third statement.
fn failing_b() -> Rev {
    rev("bb02", &["aa01"])
        .up("CREATE TABLE t_bb (x INT);\nINSERT INTO log (rev) VALUES ('bb02');\n\nINSERT INTO missing_table VALUES (1);")
        .down("DROP TABLE t_bb;\nDELETE FROM log WHERE rev = 'bb02';")
}

fn fixed_b() -> Rev {
    rev("bb02", &["aa01"])
        .up("CREATE TABLE t_bb (x INT);\nINSERT INTO log (rev) VALUES ('bb02');")
        .down("DROP TABLE t_bb;\nDELETE FROM log WHERE rev = 'bb02';")
}

/// A failing revision: on PostgreSQL and SQLite nothing of it stays (schema
/// and version table), on MariaDB it is recorded as failed, the next run
/// refuses with the resolve command, and `resolve` clears it.
async fn failing_migration(scratch: Scratch) {
    let db = scratch.db().await;
    let broken = migrations(&files(&[logged_rev("aa01", &[]), failing_b()])).migrator();
    let err = broken.upgrade(&db, "heads").await.unwrap_err();
    let Error::Migration {
        revision,
        file,
        direction,
        statement,
        rolled_back,
        ..
    } = &err
    else {
        panic!("expected Error::Migration, got {err:?}")
    };
    assert_eq!(
        (revision.as_str(), file.as_str(), *direction),
        ("bb02", "bb02.sql", Direction::Up)
    );
    let statement = statement.as_ref().expect("the failing statement is named");
    assert_eq!(
        (statement.number, statement.line),
        (3, Some(4)),
        "{statement:?}"
    );
    assert!(
        err.to_string()
            .contains("at statement 3 (line 4 of the up section)"),
        "{err}"
    );
    assert!(statement.text.contains("missing_table"), "{statement:?}");
    let message = err.to_string();
    assert!(
        message.contains("bb02") && message.contains("bb02.sql"),
        "{message}"
    );

    let fixed = migrations(&files(&[logged_rev("aa01", &[]), fixed_b()])).migrator();
    if scratch.backend.transactional_ddl() {
        assert!(*rolled_back, "{err}");
        assert_applied(&db, &["aa01"], "after the failed revision").await;
        assert!(
            !table_exists(&db, "t_bb").await,
            "the failed revision's DDL was rolled back"
        );
    } else {
        assert!(!*rolled_back, "{err}");
        assert_eq!(
            version_rows(&db, TABLE).await,
            ["aa01:applied", "bb02:failed_up"]
        );
        // MySQL committed the DDL and the insert before the failure.
        assert!(table_exists(&db, "t_bb").await);
        assert_eq!(logged(&db).await, ["aa01", "bb02"]);

        // Any later run stops at the failed revision and says how to settle it.
        let again = fixed.upgrade(&db, "heads").await.unwrap_err();
        assert!(
            matches!(&again, Error::Failed { revision, direction: Direction::Up, .. } if revision == "bb02"),
            "{again:?}"
        );
        let message = again.to_string();
        assert!(
            message.contains("cargo migrate resolve bb02 --applied"),
            "{message}"
        );
        assert!(message.contains("bb02.sql"), "{message}");
        let status = fixed.status(&db).await.unwrap();
        assert_eq!(status.failed, ["bb02"]);
        assert!(status
            .rows
            .iter()
            .any(|r| r.revision == "bb02" && r.state == RowState::Failed(Direction::Up)));

        // Undo the partial work by hand, as the message asks, then resolve.
        exec(&db, "DROP TABLE t_bb; DELETE FROM log WHERE rev = 'bb02';")
            .await
            .unwrap();
        fixed.resolve(&db, "bb02", false).await.unwrap();
        assert_applied(&db, &["aa01"], "resolved as rolled back").await;
    }
    let r = fixed.upgrade(&db, "heads").await.unwrap();
    assert_eq!(step_ids(&r), ["bb02"]);
    assert_applied(&db, &["aa01", "bb02"], "after the fix").await;

    // A syntax error is named too (PostgreSQL rejects such a string before
    // running any of it, and says where).
    let typo = migrations(&files(&[
        logged_rev("aa01", &[]),
        fixed_b(),
        rev("cc03", &["bb02"])
            .up("INSERT INTO log (rev) VALUES ('cc03');\nINSERT INTO log (rev) VALUS ('x');")
            .down("SELECT 1;"),
    ]));
    let err = typo.migrator().upgrade(&db, "heads").await.unwrap_err();
    assert!(
        matches!(&err, Error::Migration { revision, statement: Some(s), .. } if revision == "cc03" && s.number == 2 && s.line == Some(2)),
        "{err:?}"
    );
    db.close().await;
}

/// A `transaction:false` section that fails part-way leaves a failed row on
/// every backend; upgrade, downgrade and stamp then refuse, `resolve` settles.
async fn failing_non_transactional_step(scratch: Scratch) {
    let db = scratch.db().await;
    let set = migrations(&files(&[
        logged_rev("aa01", &[]),
        rev("bb02", &["aa01"])
            .up_no_tx()
            .up("INSERT INTO log (rev) VALUES ('bb02');\nINSERT INTO missing_table VALUES (1);")
            .down("DELETE FROM log WHERE rev = 'bb02';"),
    ]));
    let m = set.migrator();
    let err = m.upgrade(&db, "heads").await.unwrap_err();
    assert!(
        matches!(&err, Error::Migration { revision, rolled_back: false, statement: Some(s), .. }
            if revision == "bb02" && s.number == 2),
        "{err:?}"
    );
    assert_eq!(
        version_rows(&db, TABLE).await,
        ["aa01:applied", "bb02:failed_up"]
    );
    assert_eq!(
        logged(&db).await,
        ["aa01", "bb02"],
        "the first statement committed on its own"
    );

    for result in [
        m.upgrade(&db, "heads").await,
        m.downgrade(&db, "base").await,
        m.stamp(&db, &["aa01"], false).await,
    ] {
        assert!(
            matches!(&result, Err(Error::Failed { revision, .. }) if revision == "bb02"),
            "{result:?}"
        );
    }
    // Its changes are in place (the second statement was meant to fail): settle as applied.
    m.resolve(&db, "bb", true).await.unwrap();
    assert_applied(&db, &["aa01", "bb02"], "resolved as applied").await;
    assert!(matches!(
        m.resolve(&db, "bb02", true).await,
        Err(Error::NotFailed { .. })
    ));
    assert!(matches!(
        m.resolve(&db, "zz99", true).await,
        Err(Error::NotRecorded { .. })
    ));
    assert!(m.upgrade(&db, "heads").await.unwrap().steps.is_empty());
    assert!(
        m.status(&db).await.unwrap().drifted.is_empty(),
        "resolve records the file's checksum"
    );

    // A failing non-transactional downgrade is recorded as failed too.
    let down_fails = migrations(&files(&[
        logged_rev("aa01", &[]),
        rev("bb02", &["aa01"])
            .up_no_tx()
            .up("INSERT INTO log (rev) VALUES ('bb02');\nINSERT INTO missing_table VALUES (1);")
            .down_no_tx()
            .down("DELETE FROM log WHERE rev = 'bb02';\nDELETE FROM missing_table;"),
    ]));
    let m = down_fails.migrator().drift(DriftPolicy::Warn);
    let err = m.downgrade(&db, "aa01").await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Migration {
                direction: Direction::Down,
                rolled_back: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        version_rows(&db, TABLE).await,
        ["aa01:applied", "bb02:failed_down"]
    );
    let err = m.upgrade(&db, "heads").await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Failed {
                direction: Direction::Down,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("during downgrade"), "{err}");
    // Its down did take effect: the revision is not applied any more.
    m.resolve(&db, "bb02", false).await.unwrap();
    assert_applied(&db, &["aa01"], "resolved as reverted").await;
    db.close().await;
}

/// `grouped(true)`: one transaction for the whole run on PostgreSQL and
/// SQLite, so a failure keeps nothing; per revision otherwise.
async fn grouped_runs(scratch: Scratch) {
    let db = scratch.db().await;
    let broken = [
        logged_rev("aa01", &[]),
        logged_rev("bb02", &["aa01"]),
        rev("cc03", &["bb02"])
            .up("INSERT INTO missing_table VALUES (1);")
            .down("SELECT 1;"),
    ];
    let grouped = migrations(&files(&broken)).migrator().grouped(true);
    let err = grouped.upgrade(&db, "heads").await.unwrap_err();
    assert!(
        matches!(&err, Error::Migration { revision, .. } if revision == "cc03"),
        "{err:?}"
    );
    if scratch.backend.transactional_ddl() {
        assert_eq!(
            version_rows(&db, TABLE).await,
            Vec::<String>::new(),
            "the whole group rolled back"
        );
        assert!(!table_exists(&db, "log").await);
        // Per revision, the two good ones stay.
        let err = migrations(&files(&broken))
            .migrator()
            .upgrade(&db, "heads")
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Migration { revision, .. } if revision == "cc03"),
            "{err:?}"
        );
    } else {
        // MySQL's DDL commits implicitly: grouping cannot undo it.
        assert_eq!(
            version_rows(&db, TABLE).await,
            ["aa01:applied", "bb02:applied", "cc03:failed_up"]
        );
        exec(&db, &format!("DELETE FROM {TABLE} WHERE revision = 'cc03'"))
            .await
            .unwrap();
    }
    assert_applied(&db, &["aa01", "bb02"], "per-revision run").await;

    // A grouped run through a transaction:false revision commits around it.
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = events.clone();
    let good = migrations(&files(&[
        logged_rev("aa01", &[]),
        logged_rev("bb02", &["aa01"]),
        logged_rev("cc03", &["bb02"]).up_no_tx(),
        logged_rev("dd04", &["cc03"]),
    ]))
    .migrator()
    .grouped(true)
    .on_step(move |e| seen.lock().unwrap().push(e.revision.clone()));
    let r = good.upgrade(&db, "heads").await.unwrap();
    assert_eq!(step_ids(&r), ["cc03", "dd04"]);
    assert_eq!(*events.lock().unwrap(), ["cc03", "dd04"]);
    assert_applied(
        &db,
        &["aa01", "bb02", "cc03", "dd04"],
        "grouped with transaction:false",
    )
    .await;
    let r = good.downgrade(&db, "base").await.unwrap();
    assert_eq!(step_ids(&r), ["dd04", "cc03", "bb02", "aa01"]);
    assert_eq!(version_rows(&db, TABLE).await, Vec::<String>::new());
    db.close().await;
}

/// Downgrading past an irreversible revision fails before reverting anything.
async fn irreversible_downgrade(scratch: Scratch) {
    let db = scratch.db().await;
    let m = migrations(&files(&[
        logged_rev("aa01", &[]),
        logged_rev("bb02", &["aa01"]).irreversible(),
        logged_rev("cc03", &["bb02"]),
    ]))
    .migrator();
    m.upgrade(&db, "heads").await.unwrap();
    let err = m.downgrade(&db, "base").await.unwrap_err();
    assert!(
        matches!(&err, Error::Irreversible { revision, file } if revision == "bb02" && file == "bb02.sql"),
        "{err:?}"
    );
    assert_applied(&db, &["aa01", "bb02", "cc03"], "nothing reverted").await;
    let r = m.downgrade(&db, "bb02").await.unwrap();
    assert_eq!(step_ids(&r), ["cc03"]);
    db.close().await;
}

/// An applied revision edited since: an error naming it and the accepting
/// command, a warning under `DriftPolicy::Warn`, and `accept_checksum`.
async fn drift(scratch: Scratch) {
    let db = scratch.db().await;
    migrations(&files(&[
        logged_rev("aa01", &[]),
        logged_rev("bb02", &["aa01"]),
    ]))
    .migrator()
    .upgrade(&db, "heads")
    .await
    .unwrap();
    let edited = migrations(&files(&[
        logged_rev("aa01", &[]),
        logged_rev("bb02", &["aa01"])
            .down("-- a comment fixed after the fact\nDELETE FROM log WHERE rev = 'bb02';"),
        logged_rev("cc03", &["bb02"]),
    ]));
    let err = edited.migrator().upgrade(&db, "heads").await.unwrap_err();
    let Error::Drift {
        revision,
        file,
        recorded,
        current,
    } = &err
    else {
        panic!("expected drift, got {err:?}")
    };
    assert_eq!((revision.as_str(), file.as_str()), ("bb02", "bb02.sql"));
    assert_ne!(recorded, current);
    assert!(err.to_string().contains("accept"), "{err}");
    assert_applied(&db, &["aa01", "bb02"], "drift stops the run").await;

    let status = edited.migrator().status(&db).await.unwrap();
    assert_eq!(status.drifted, [("bb02".to_owned(), "bb02.sql".to_owned())]);
    assert_eq!(status.pending, ["cc03"]);

    let r = edited
        .migrator()
        .drift(DriftPolicy::Warn)
        .upgrade(&db, "heads")
        .await
        .unwrap();
    assert_eq!(step_ids(&r), ["cc03"]);
    assert!(matches!(
        edited.migrator().upgrade(&db, "heads").await,
        Err(Error::Drift { .. })
    ));

    edited.migrator().accept_checksum(&db, "bb").await.unwrap();
    assert!(edited
        .migrator()
        .status(&db)
        .await
        .unwrap()
        .drifted
        .is_empty());
    assert!(edited
        .migrator()
        .upgrade(&db, "heads")
        .await
        .unwrap()
        .steps
        .is_empty());
    // Only recorded revisions can be accepted.
    let fresh = migrations(&files(&[
        logged_rev("aa01", &[]),
        logged_rev("zz09", &["aa01"]),
    ]));
    let err = fresh
        .migrator()
        .accept_checksum(&db, "zz09")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotRecorded { .. }), "{err:?}");
    db.close().await;
}

/// The database has a revision this build lacks: an error by default,
/// ignored (and left alone) with `UnknownPolicy::Allow`.
async fn unknown_applied_revision(scratch: Scratch) {
    let db = scratch.db().await;
    let newer = [
        logged_rev("aa01", &[]),
        logged_rev("bb02", &["aa01"]),
        logged_rev("cc03", &["bb02"]),
    ];
    migrations(&files(&newer))
        .migrator()
        .upgrade(&db, "heads")
        .await
        .unwrap();

    let older = migrations(&files(&newer[..2]));
    let err = older.migrator().upgrade(&db, "heads").await.unwrap_err();
    assert!(
        matches!(&err, Error::UnknownApplied { revisions } if revisions == &["cc03"]),
        "{err:?}"
    );
    assert!(err.to_string().contains("cc03"));

    let allow = older.migrator().unknown(UnknownPolicy::Allow);
    assert!(allow.upgrade(&db, "heads").await.unwrap().steps.is_empty());
    let status = allow.status(&db).await.unwrap();
    assert_eq!(status.unknown, ["cc03"]);
    assert_eq!(status.heads, ["bb02"]);
    let r = allow.downgrade(&db, "aa01").await.unwrap();
    assert_eq!(step_ids(&r), ["bb02"]);
    assert_eq!(
        version_rows(&db, TABLE).await,
        ["aa01:applied", "cc03:applied"],
        "the unknown row is left alone"
    );
    if scratch.backend == Backend::Sqlite {
        // SQLite reads the table as one aggregated text with control
        // characters as separators; a value holding them is read row by row.
        let odd = "x\u{1e}y\u{1f}z";
        exec(
            &db,
            &format!(
                "INSERT INTO {TABLE} (revision, checksum, state) \
                 VALUES ('x' || char(30) || 'y' || char(31) || 'z', 'c' || char(31), 'applied')"
            ),
        )
        .await
        .unwrap();
        let err = older.migrator().upgrade(&db, "heads").await.unwrap_err();
        assert!(
            matches!(&err, Error::UnknownApplied { revisions } if revisions == &["cc03", odd]),
            "{err:?}"
        );
        let r = allow.upgrade(&db, "heads").await.unwrap();
        assert_eq!(step_ids(&r), ["bb02"]);
        assert_eq!(allow.status(&db).await.unwrap().unknown, ["cc03", odd]);
    }
    db.close().await;
}

fn quoted(backend: Backend, name: &str) -> String {
    match backend.dialect() {
        Dialect::MySql => name
            .split('.')
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join("."),
        _ => name
            .split('.')
            .map(|p| format!("\"{p}\""))
            .collect::<Vec<_>>()
            .join("."),
    }
}

/// Names that could inject SQL are refused before any SQL runs; keywords
/// and schema-qualified names work, quoted.
async fn table_names(scratch: Scratch) {
    let db = scratch.db().await;
    let set = migrations(&files(&[logged_rev("aa01", &[])]));
    for bad in [
        "versions; DROP TABLE log",
        "v\"x",
        "v`x",
        "a.b.c",
        "ver sions",
        "",
        &"v".repeat(64),
    ] {
        let m = set.migrator().table(bad);
        for result in [
            m.upgrade(&db, "heads").await.map(drop),
            m.status(&db).await.map(drop),
        ] {
            assert!(
                matches!(&result, Err(Error::InvalidTableName { name, .. }) if name == bad),
                "{bad:?}: {result:?}"
            );
        }
        let offline = m.offline_script(scratch.backend.dialect(), "base:heads", Direction::Up);
        assert!(
            matches!(offline, Err(Error::InvalidTableName { .. })),
            "{bad:?}"
        );
    }
    assert!(!table_exists(&db, "log").await, "no SQL ran");

    // A keyword as a name, and a schema-qualified one.
    let schema = match scratch.backend {
        Backend::Sqlite => "main".to_owned(),
        Backend::Postgres => "public".to_owned(),
        Backend::MySql => scratch.name.clone(),
    };
    let qualified = format!("{schema}.Order");
    let m = set.migrator().table(&qualified);
    assert_eq!(step_ids(&m.upgrade(&db, "heads").await.unwrap()), ["aa01"]);
    assert_eq!(
        version_rows(&db, &quoted(scratch.backend, &qualified)).await,
        ["aa01:applied"]
    );
    assert!(m.upgrade(&db, "heads").await.unwrap().steps.is_empty());
    assert!(
        !table_exists(&db, TABLE).await,
        "the default table was not touched"
    );
    db.close().await;
}
