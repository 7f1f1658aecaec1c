//! `fleet rehearse`: every tenant rehearsed on a copy, the tenants only
//! read; a tenant whose pending revision fails on its rows fails alone.

use super::{exited, failed_ids, fleet, fleet_cmd, fleet_file, project, rt, summary, REVS};
use crate::support::{exec, int};
use migrate_runtime::Db;

#[test]
fn each_tenant_is_rehearsed_on_a_copy_and_left_as_it_was() {
    let dir = project();
    let root = dir.path();
    std::fs::create_dir(root.join("tenants")).unwrap();
    let urls: Vec<String> = (0..5)
        .map(|i| format!("sqlite:{}", root.join(format!("tenants/t{i}.db")).display()))
        .collect();
    fleet_file(root, &urls);
    exited(
        &fleet(root, &["upgrade", REVS[1], "--fleet", "fleet.txt"]),
        0,
    );
    // The last revision inserts row 1: on t3, where it exists, it fails.
    let rt = rt();
    rt.block_on(async {
        let db = Db::connect(&urls[3]).await.unwrap();
        exec(&db, "INSERT INTO todos (id, title) VALUES (1, 'mine')")
            .await
            .unwrap();
        db.close().await;
    });
    // The copies go to the rehearsals' own temporary directories, here.
    let tmp = tempfile::tempdir().unwrap();
    let out = fleet_cmd(
        root,
        &["rehearse", "--fleet", "fleet.txt", "--json", "--jobs", "2"],
    )
    .env("TMPDIR", tmp.path())
    .output()
    .unwrap();
    exited(&out, 1);
    let v = summary(&out);
    assert_eq!(v["done"], 4, "{v:#}");
    // Every copy is gone.
    let copies: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(copies.is_empty(), "{copies:?}");
    let failed = failed_ids(&v);
    assert_eq!(failed.len(), 1, "{v:#}");
    assert!(failed[0].ends_with("t3.db"), "{v:#}");
    let error = v["failed"][0]["error"].as_str().unwrap_or_default();
    assert!(error.contains(REVS[2]), "{v:#}");
    // Only read: no tenant went past the second revision.
    rt.block_on(async {
        for url in &urls {
            let db = Db::connect(url).await.unwrap();
            let sql = format!(
                "SELECT COUNT(*) FROM migrate_versions WHERE revision = '{}'",
                REVS[2]
            );
            assert_eq!(int(&db, &sql).await.unwrap(), 0, "{url}");
            db.close().await;
        }
    });
    // No copy beside the tenants (the upgrade's lock files aside).
    let left: Vec<String> = std::fs::read_dir(root.join("tenants"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !name.ends_with(".migrate-lock"))
        .collect();
    assert_eq!(left.len(), 5, "{left:?}");
}

#[test]
fn schema_tenants_are_refused() {
    let dir = project();
    let out = fleet(dir.path(), &["rehearse", "--schemas", "tenant_%"]);
    exited(&out, 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("fleet rehearse copies whole databases"),
        "{err}"
    );
}

#[test]
fn rehearse_options_are_refused_on_other_operations() {
    let dir = project();
    let out = fleet(
        dir.path(),
        &["upgrade", "--fleet", "fleet.txt", "--sample", "5"],
    );
    exited(&out, 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--sample is an option of `fleet rehearse` only"),
        "{err}"
    );
}
