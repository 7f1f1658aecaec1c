//! 1,000 SQLite tenant files.

use super::{
    exited, failed_ids, fleet, fleet_cmd, fleet_file as write_fleet, project, rt, summary, REVS,
};
use crate::support::{exec, int};
use migrate_runtime::Db;
use std::fs::File;
use std::path::Path;
use std::time::{Duration, Instant};

const TENANTS: usize = 1000;

/// Writes the fleet file: `tenants/t<i>.db` for each i, plus `extra` lines.
fn fleet_file(dir: &Path, extra: &[String]) -> Vec<String> {
    std::fs::create_dir_all(dir.join("tenants")).unwrap();
    let mut urls: Vec<String> = (0..TENANTS)
        .map(|i| format!("sqlite:{}", dir.join(format!("tenants/t{i}.db")).display()))
        .collect();
    urls.extend(extra.iter().cloned());
    write_fleet(dir, &urls);
    urls
}

/// How many version rows `url` has for each revision (0 when it has no table).
async fn rows_per_revision(url: &str) -> Vec<i64> {
    let db = Db::connect(url).await.unwrap();
    let mut counts = Vec::new();
    for rev in REVS {
        let sql = format!("SELECT COUNT(*) FROM migrate_versions WHERE revision = '{rev}'");
        counts.push(int(&db, &sql).await.unwrap_or(0));
    }
    db.close().await;
    counts
}

#[test]
fn a_thousand_sqlite_tenants_with_three_failures_then_only_failed() {
    let dir = project();
    let root = dir.path();
    // The third failure: a tenant whose directory is gone (a dropped database).
    let gone = root.join("gone");
    let gone_url = format!("sqlite:{}", gone.join("t.db").display());
    let urls = fleet_file(root, std::slice::from_ref(&gone_url));
    let rt = rt();
    // A table in the way: t10 already has a `todos` the first revision creates.
    let in_the_way = urls[10].clone();
    rt.block_on(async {
        let db = Db::connect(&in_the_way).await.unwrap();
        exec(&db, "CREATE TABLE todos (legacy INTEGER)")
            .await
            .unwrap();
        db.close().await;
    });
    // A lock held: another migrator of t20 holds its lock file.
    let locked = urls[20].clone();
    let lock_path = root.join("tenants/t20.db.migrate_versions.migrate-lock");
    let lock = File::create(&lock_path).unwrap();
    lock.lock().unwrap();

    let out = fleet(
        root,
        &[
            "upgrade",
            "--fleet",
            "fleet.txt",
            "--jobs",
            "8",
            "--lock-timeout",
            "1",
            "--json",
        ],
    );
    exited(&out, 1);
    let v = summary(&out);
    let mut expected = vec![gone_url.clone(), in_the_way.clone(), locked.clone()];
    expected.sort();
    assert_eq!(failed_ids(&v), expected);
    assert_eq!(v["done"], TENANTS - 2);
    assert_eq!(v["revisions"][REVS[2]], TENANTS - 2);
    let errors = v["failed"].to_string();
    assert!(errors.contains("todos"), "{errors}");
    assert!(errors.to_lowercase().contains("lock"), "{errors}");
    assert!(root.join("fleet.txt.state").exists());

    // Fix the three, then retry only them.
    drop(lock);
    rt.block_on(async {
        let db = Db::connect(&in_the_way).await.unwrap();
        exec(&db, "DROP TABLE todos").await.unwrap();
        db.close().await;
    });
    std::fs::create_dir(&gone).unwrap();
    let out = fleet(
        root,
        &["upgrade", "--fleet", "fleet.txt", "--only-failed", "--json"],
    );
    exited(&out, 0);
    let v = summary(&out);
    assert_eq!(v["done"], 3);
    assert_eq!(v["already_done"], TENANTS - 2);
    assert!(
        !root.join("fleet.txt.state").exists(),
        "a finished fleet keeps no state"
    );

    // `current` over the fleet: every tenant at the head.
    let out = fleet(
        root,
        &["current", "--fleet", "fleet.txt", "--json", "-j", "8"],
    );
    exited(&out, 0);
    let v = summary(&out);
    assert_eq!(v["revisions"], serde_json::json!({ REVS[2]: TENANTS + 1 }));
    // Text form: the distribution, one line per revision.
    let out = fleet(root, &["current", "--fleet", "fleet.txt"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("{}  {}", TENANTS + 1, REVS[2])),
        "{text}"
    );
    for url in [&in_the_way, &locked, &gone_url, &urls[500]] {
        assert_eq!(rt.block_on(rows_per_revision(url)), vec![1, 1, 1], "{url}");
    }
}

#[test]
fn a_killed_fleet_run_resumes_and_applies_each_revision_once() {
    let dir = project();
    let root = dir.path();
    let urls = fleet_file(root, &[]);
    let state = root.join("fleet.txt.state");
    let mut child = fleet_cmd(root, &["upgrade", "--fleet", "fleet.txt", "--jobs", "2"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once a good part (but not all) of the fleet is recorded.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let lines = std::fs::read_to_string(&state)
            .map(|t| t.lines().count())
            .unwrap_or(0);
        if lines > TENANTS / 5 || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let recorded = std::fs::read_to_string(&state).unwrap().lines().count() - 1;
    assert!(
        recorded > 0 && recorded < TENANTS,
        "killed after {recorded} tenants"
    );

    let out = fleet(
        root,
        &["upgrade", "--fleet", "fleet.txt", "--jobs", "8", "--json"],
    );
    exited(&out, 0);
    let v = summary(&out);
    let already = v["already_done"].as_u64().unwrap() as usize;
    assert!(already >= recorded, "{already} < {recorded}");
    assert_eq!(already + v["done"].as_u64().unwrap() as usize, TENANTS);
    // Each revision applied exactly once to each tenant (the last one's
    // INSERT would fail on its primary key if it ran twice).
    let rt = rt();
    rt.block_on(async {
        for url in &urls {
            assert_eq!(rows_per_revision(url).await, vec![1, 1, 1], "{url}");
        }
    });
}
