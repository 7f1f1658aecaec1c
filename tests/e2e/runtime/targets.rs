//! Upgrade, downgrade and stamp to every kind of target, on merge points and
//! labelled branches.

use super::{assert_applied, branch_fixture, logged, merge_fixture, step_ids, TABLE};
use crate::on_each_backend;
use crate::support::{files, migrations, version_rows, Scratch};
use migrate_graph::TargetError;
use migrate_runtime::{Direction, Error};

on_each_backend!(upgrade_and_downgrade_targets, upgrade_and_downgrade_targets);
on_each_backend!(branch_label_targets, branch_label_targets);
on_each_backend!(stamp_targets, stamp_targets);

fn target_error(result: Result<migrate_runtime::Report, Error>) -> TargetError {
    match result {
        Err(Error::Target(e)) => e,
        other => panic!("expected a target error, got {other:?}"),
    }
}

/// `+N`, `-N`, ids, prefixes, `rev+N`, `head`, `heads`, `base`; merge points.
async fn upgrade_and_downgrade_targets(scratch: Scratch) {
    let db = scratch.db().await;
    let m = migrations(&files(&merge_fixture())).migrator();

    let r = m.upgrade(&db, "+2").await.unwrap();
    assert_eq!(step_ids(&r), ["aa01", "bb02"]);
    assert_eq!(r.heads, ["bb02"]);
    assert!(r.steps.iter().all(|s| s.direction == Direction::Up));
    assert_applied(&db, &["aa01", "bb02"], "upgrade +2").await;

    // bb02 is a branch point: `+1` must say which way.
    assert!(matches!(
        target_error(m.upgrade(&db, "+1").await),
        TargetError::BranchPoint { .. }
    ));
    assert!(matches!(
        target_error(m.upgrade(&db, "c").await),
        TargetError::AmbiguousPrefix { .. }
    ));
    assert!(matches!(
        target_error(m.upgrade(&db, "nope").await),
        TargetError::Unknown { .. }
    ));
    assert_applied(&db, &["aa01", "bb02"], "after refused targets").await;

    let r = m.upgrade(&db, "cc").await.unwrap(); // a unique prefix
    assert_eq!(step_ids(&r), ["cc03"]);
    let r = m.upgrade(&db, "ee05").await.unwrap(); // the merge pulls in its other parent
    assert_eq!(step_ids(&r), ["cd04", "ee05"]);
    let r = m.upgrade(&db, "head").await.unwrap();
    assert_eq!(step_ids(&r), ["ff06"]);
    assert_applied(
        &db,
        &["aa01", "bb02", "cc03", "cd04", "ee05", "ff06"],
        "upgrade head",
    )
    .await;
    let r = m.upgrade(&db, "head").await.unwrap();
    assert!(
        r.steps.is_empty(),
        "an up-to-date database is a no-op: {r:?}"
    );
    assert_eq!(r.heads, ["ff06"]);

    let r = m.downgrade(&db, "-1").await.unwrap();
    assert_eq!(step_ids(&r), ["ff06"]);
    assert!(r.steps.iter().all(|s| s.direction == Direction::Down));
    let r = m.downgrade(&db, "cc03").await.unwrap(); // reverts what stands on cc03
    assert_eq!(step_ids(&r), ["ee05"]);
    assert_eq!(r.heads, ["cc03", "cd04"]);
    assert_applied(
        &db,
        &["aa01", "bb02", "cc03", "cd04"],
        "downgrade to a revision",
    )
    .await;
    // Two heads now: a bare `-1` is ambiguous.
    assert!(matches!(
        target_error(m.downgrade(&db, "-1").await),
        TargetError::AmbiguousCurrent { .. }
    ));
    assert!(matches!(
        target_error(m.downgrade(&db, "ff06").await),
        TargetError::NotApplied { .. }
    ));

    let r = m.downgrade(&db, "aa01+1").await.unwrap(); // = bb02
    assert_eq!(
        step_ids(&r),
        ["cd04", "cc03"],
        "newest first, the reverse of the apply order"
    );
    assert_applied(&db, &["aa01", "bb02"], "downgrade rev+1").await;

    let r = m.upgrade(&db, "heads").await.unwrap();
    assert_eq!(step_ids(&r), ["cc03", "cd04", "ee05", "ff06"]);
    let r = m.downgrade(&db, "base").await.unwrap();
    assert_eq!(
        step_ids(&r),
        ["ff06", "ee05", "cd04", "cc03", "bb02", "aa01"]
    );
    assert!(r.heads.is_empty());
    assert_eq!(version_rows(&db, TABLE).await, Vec::<String>::new());
    assert_eq!(
        logged(&db).await,
        Vec::<String>::new(),
        "the base revision dropped the log"
    );
    db.close().await;
}

/// `label@head`, `label@base+N`, `label@+N`, `label@-N`, `label@base`, and
/// `head` with several heads.
async fn branch_label_targets(scratch: Scratch) {
    let db = scratch.db().await;
    let m = migrations(&files(&branch_fixture())).migrator();

    assert!(matches!(
        target_error(m.upgrade(&db, "head").await),
        TargetError::MultipleHeads { .. }
    ));
    let r = m.upgrade(&db, "feature@head").await.unwrap();
    assert_eq!(step_ids(&r), ["r0", "f1", "f2"]);
    let r = m.upgrade(&db, "other@base+2").await.unwrap(); // r0, then g1
    assert_eq!(step_ids(&r), ["g1"]);
    assert_eq!(r.heads, ["f2", "g1"]);
    let r = m.upgrade(&db, "other@+1").await.unwrap();
    assert_eq!(step_ids(&r), ["g2"]);
    assert_applied(&db, &["r0", "f1", "f2", "g1", "g2"], "both branches").await;

    // Reverting one branch keeps the root the other branch stands on.
    let r = m.downgrade(&db, "feature@base").await.unwrap();
    assert_eq!(step_ids(&r), ["f2", "f1"]);
    let r = m.downgrade(&db, "other@-1").await.unwrap();
    assert_eq!(step_ids(&r), ["g2"]);
    assert_applied(&db, &["r0", "g1"], "branch downgrades").await;

    let r = m.upgrade(&db, "heads").await.unwrap();
    assert_eq!(step_ids(&r), ["f1", "f2", "g2"]);
    db.close().await;
}

/// Stamp moves the record without running SQL: ids, labels, several targets,
/// `base`, `purge`, and overlapping targets refused.
async fn stamp_targets(scratch: Scratch) {
    let db = scratch.db().await;
    let m = migrations(&files(&branch_fixture())).migrator();
    m.upgrade(&db, "other@head").await.unwrap();
    assert_applied(&db, &["r0", "g1", "g2"], "setup").await;

    let r = m.stamp(&db, &["feature@head"], false).await.unwrap();
    assert_eq!(r.stamped, ["f1", "f2"]);
    assert!(r.steps.is_empty());
    assert_eq!(logged(&db).await, ["g1", "g2", "r0"], "stamp runs no SQL");
    assert_eq!(
        version_rows(&db, TABLE).await,
        [
            "f1:applied",
            "f2:applied",
            "g1:applied",
            "g2:applied",
            "r0:applied"
        ]
    );

    // Stamping g1 moves the `other` head back, leaving `feature` alone.
    let r = m.stamp(&db, &["g1"], false).await.unwrap();
    assert_eq!(r.unstamped, ["g2"]);
    assert_eq!(r.heads, ["f2", "g1"]);

    let err = m.stamp(&db, &["r0", "f1"], false).await.unwrap_err();
    assert!(
        matches!(err, Error::Target(TargetError::OverlappingStamp { .. })),
        "{err:?}"
    );

    let r = m.stamp(&db, &["base"], false).await.unwrap();
    assert_eq!(r.unstamped.len(), 4);
    assert_eq!(version_rows(&db, TABLE).await, Vec::<String>::new());

    m.stamp(&db, &["f2", "g2"], false).await.unwrap();
    assert_eq!(version_rows(&db, TABLE).await.len(), 5);
    // An unknown row (another build's) stays on a plain stamp, goes on purge.
    crate::support::exec(
        &db,
        &format!("INSERT INTO {TABLE} (revision, checksum, state) VALUES ('zz99', 'x', 'applied')"),
    )
    .await
    .unwrap();
    let allow = m.clone().unknown(migrate_runtime::UnknownPolicy::Allow);
    allow.stamp(&db, &["f1"], false).await.unwrap();
    assert_eq!(
        version_rows(&db, TABLE).await,
        [
            "f1:applied",
            "g1:applied",
            "g2:applied",
            "r0:applied",
            "zz99:applied"
        ]
    );
    let r = m.stamp(&db, &["f1"], true).await.unwrap();
    assert_eq!(r.heads, ["f1"]);
    assert_eq!(
        version_rows(&db, TABLE).await,
        ["f1:applied", "r0:applied"],
        "purge rewrites the table"
    );
    assert_eq!(logged(&db).await, ["g1", "g2", "r0"], "still no SQL run");
    db.close().await;
}
