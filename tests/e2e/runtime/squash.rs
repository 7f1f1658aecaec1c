//! Squash revisions against the runtime: migrators starting together on a
//! database that holds the replaced revisions' rows record the squash once,
//! under either lock strategy, and each later revision runs once.

use super::{logged_rev, TABLE};
use crate::on_each_backend;
use crate::support::{files, int, migrations, rev, version_rows, Scratch};
use migrate_runtime::LockStrategy;
use std::time::Duration;

on_each_backend!(
    concurrent_migrators_collapse_once,
    concurrent_migrators_collapse_once
);

async fn concurrent_migrators_collapse_once(scratch: Scratch) {
    let chain = [
        logged_rev("aa01", &[]),
        logged_rev("bb02", &["aa01"]),
        logged_rev("cc03", &["bb02"]),
        logged_rev("dd04", &["cc03"]),
    ];
    // The build before the squash: the database holds aa01..dd04.
    let before = migrations(&files(&chain));
    let db = scratch.db().await;
    before.upgrade(&db).await.unwrap();

    // The build after: a squash of aa01..cc03 (its SQL is what they did),
    // and one more revision.
    let mut revs = chain.to_vec();
    revs.push(
        rev("sq03", &["cc03"])
            .header("Replaces: aa01, bb02, cc03")
            .named("cc03_squash.sql")
            .up("CREATE TABLE log (rev VARCHAR(64) NOT NULL);\nINSERT INTO log (rev) VALUES ('aa01'), ('bb02'), ('cc03');")
            .down("DROP TABLE log;"),
    );
    revs.push(logged_rev("ee05", &["dd04"]));
    let after = migrations(&files(&revs));

    for strategy in [LockStrategy::Session, LockStrategy::Transaction] {
        let dbs = [scratch.db().await, scratch.db().await, scratch.db().await];
        let migrator = after
            .migrator()
            .lock(strategy)
            .lock_timeout(Duration::from_secs(30));
        let (r1, r2, r3) = tokio::join!(
            migrator.upgrade(&dbs[0], "heads"),
            migrator.upgrade(&dbs[1], "heads"),
            migrator.upgrade(&dbs[2], "heads"),
        );
        for result in [r1, r2, r3] {
            result.unwrap_or_else(|e| panic!("{strategy:?}: {e}"));
        }
        let mut rows = version_rows(&db, TABLE).await;
        rows.sort();
        assert_eq!(
            rows,
            ["dd04:applied", "ee05:applied", "sq03:applied"],
            "{strategy:?}: the squash recorded once in place of what it replaces"
        );
        assert_eq!(
            int(&db, "SELECT COUNT(*) FROM log WHERE rev = 'ee05'")
                .await
                .unwrap(),
            1,
            "{strategy:?}: ee05 ran once"
        );
        for d in dbs {
            d.close().await;
        }
        // Back to the build before the squash for the second strategy.
        after.migrator().downgrade(&db, "dd04").await.unwrap();
        before.migrator().stamp(&db, &["dd04"], true).await.unwrap();
        let mut rows = version_rows(&db, TABLE).await;
        rows.sort();
        assert_eq!(
            rows,
            [
                "aa01:applied",
                "bb02:applied",
                "cc03:applied",
                "dd04:applied"
            ]
        );
    }
    db.close().await;
}
