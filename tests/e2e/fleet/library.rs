//! The runtime's fleet API, as a service uses it: a stream of tenants in, a
//! report out; per-server queues; fail-fast and canaries; lazy migration.

use super::REVS;
use crate::support::{int, workspace_root};
use migrate_runtime::fleet::{stream, Fleet, Lazy, Tenant};
use migrate_runtime::{DatabaseUrl, Db, Migrations};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

fn todo() -> Migrations {
    Migrations::from_dir(workspace_root().join("examples/todo-service/migrations")).unwrap()
}

fn sqlite_tenants(dir: &std::path::Path, n: usize) -> Vec<Tenant> {
    (0..n)
        .map(|i| {
            let url = format!("sqlite:{}", dir.join(format!("t{i}.db")).display());
            Tenant::url(DatabaseUrl::parse(&url).unwrap())
        })
        .collect()
}

#[tokio::test]
async fn a_slow_server_holds_back_only_its_own_tenants() {
    let dir = tempfile::tempdir().unwrap();
    let pool = |i: usize| {
        let url = format!(
            "sqlite:{}?mode=rwc",
            dir.path().join(format!("p{i}.db")).display()
        );
        migrate_runtime::sqlx::SqlitePool::connect_lazy(&url).unwrap()
    };
    // Two tenants of a "slow" server first, then ten of a fast one. The slow
    // ones finish only after all the fast ones: if the slow server's queue
    // held the others back, this would never end.
    let mut tenants = vec![
        Tenant::pool("slow-0", "slow", Db::from(pool(0))),
        Tenant::pool("slow-1", "slow", Db::from(pool(1))),
    ];
    tenants.extend((2..12).map(|i| Tenant::pool(format!("fast-{i}"), "fast", Db::from(pool(i)))));
    let set = todo();
    let m = set.migrator();
    let fast_done = AtomicUsize::new(0);
    let notify = tokio::sync::Notify::new();
    let fleet = Fleet::new().jobs(1);
    let (m, fast_done, notify) = (&m, &fast_done, &notify);
    let run = fleet.run(stream(tenants), move |t: Tenant, db: Db| async move {
        if t.server() == "slow" {
            while fast_done.load(Ordering::SeqCst) < 10 {
                let _ = tokio::time::timeout(Duration::from_millis(50), notify.notified()).await;
            }
        }
        let heads = m.upgrade(&db, "heads").await.map(|r| r.heads);
        if t.server() == "fast" {
            fast_done.fetch_add(1, Ordering::SeqCst);
            notify.notify_waiters();
        }
        heads
    });
    let report = tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .expect("the fast server's tenants were held behind the slow server's");
    assert_eq!(report.done, 12);
    assert_eq!(report.revisions.get(REVS[2]), Some(&12));
}

#[tokio::test]
async fn fail_fast_and_canaries_stop_the_fleet() {
    let dir = tempfile::tempdir().unwrap();
    let set = todo();
    let m = set.migrator();
    // Tenant 1 fails: its directory does not exist.
    let mut tenants = sqlite_tenants(dir.path(), 10);
    tenants[1] = Tenant::url(DatabaseUrl::parse("sqlite:/nonexistent-fleet-dir/x.db").unwrap());
    let m = &m;
    let op = move |_: Tenant, db: Db| async move { m.upgrade(&db, "heads").await.map(|r| r.heads) };

    let report = Fleet::new()
        .jobs(1)
        .fail_fast(true)
        .run(stream(tenants.clone()), op)
        .await;
    assert_eq!(
        (report.done, report.failed.len(), report.skipped),
        (1, 1, 8)
    );
    assert!(!report.succeeded());

    let report = Fleet::new()
        .jobs(8)
        .canary(3)
        .run(stream(tenants.clone()), op)
        .await;
    // The failing canary stops the fleet: the other canaries finish (or,
    // when it failed before they were read, are skipped), nothing after them runs.
    assert_eq!(report.failed.len(), 1);
    assert!(report.done <= 2 && report.skipped >= 7, "{report:?}");
    assert_eq!(report.total(), 10);

    // Without a stop rule a failure stops nobody.
    let report = Fleet::new().jobs(8).run(stream(tenants), op).await;
    assert_eq!(
        (report.done, report.failed.len(), report.skipped),
        (9, 1, 0)
    );
    assert!(report.failed[0].1.contains("x.db"), "{:?}", report.failed);
}

#[tokio::test]
async fn a_lazy_pool_is_migrated_on_first_use_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}?mode=rwc", dir.path().join("lazy.db").display());
    let pool = migrate_runtime::sqlx::SqlitePool::connect_lazy(&url).unwrap();
    let set = todo();
    let lazy = Lazy::new(set.migrator(), Db::from(pool));
    assert!(!lazy.is_migrated());
    let db = lazy.get().await.unwrap();
    assert_eq!(int(db, "SELECT COUNT(*) FROM todos").await.unwrap(), 1);
    let db = lazy.get().await.unwrap();
    assert!(lazy.is_migrated());
    assert_eq!(
        int(db, "SELECT COUNT(*) FROM migrate_versions")
            .await
            .unwrap(),
        3
    );
    lazy.pool().close().await;
}
