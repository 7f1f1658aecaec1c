//! MariaDB's `METADATA_LOCK_INFO` plugin, loaded for real: the rehearsal
//! reads the metadata locks a revision's transaction holds at each
//! statement's end. The plugin ships with the Debian server package; the
//! test installs it on the test server and uninstalls it on every path
//! (other rehearsal tests accept either lock source).

use super::fixture::{base, Source};
use crate::support::{rev, Backend};
use migrate_runtime::Db;
use serde_json::Value;

/// Uninstalls the plugin when dropped, if this test installed it.
struct Installed {
    server: String,
    ours: bool,
}

impl Drop for Installed {
    fn drop(&mut self) {
        if !self.ours {
            return;
        }
        let server = self.server.clone();
        // Drop runs inside the test's runtime: a thread of its own.
        std::thread::spawn(move || {
            tokio::runtime::Runtime::new().unwrap().block_on(async {
                let db = Db::connect(&server).await.unwrap();
                let _ = crate::support::exec(&db, "UNINSTALL SONAME 'metadata_lock_info'").await;
                db.close().await;
            })
        })
        .join()
        .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metadata_locks_at_each_statement_end() {
    if !Backend::all().contains(&Backend::MySql) {
        return;
    }
    let backend = Backend::MySql;
    let server = backend.server_url().unwrap();
    let db = Db::connect(&server).await.unwrap();
    let status = crate::support::strings(
        &db,
        "SELECT PLUGIN_STATUS FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'METADATA_LOCK_INFO'",
    )
    .await
    .unwrap();
    let ours = status.is_empty();
    if ours {
        crate::support::exec(&db, "INSTALL SONAME 'metadata_lock_info'")
            .await
            .expect("the metadata_lock_info plugin of the server package");
    }
    db.close().await;
    let _installed = Installed { server, ours };

    // MariaDB runs a section's statements each in its own transaction, so
    // what lasts past a statement's end is a handler: `HANDLER ... OPEN`
    // holds a shared metadata lock on `orders` until `HANDLER ... CLOSE`,
    // and the look at the first statement's end sees it, every time.
    let revs = vec![
        base(backend),
        rev("p2", &["a1"])
            .up("HANDLER orders OPEN;\nHANDLER orders CLOSE;")
            .down("SELECT 1;"),
    ];
    let Some(source) = Source::new(backend, &revs, "a1").await else {
        return;
    };
    // The copy goes to the test server, where the plugin is.
    let dev = source.share_the_server();
    let mut args = vec!["--json", "--no-down"];
    args.extend(dev.iter().map(String::as_str));
    let (ran, _) = source.rehearse(&args);
    assert_eq!(ran.code, 0, "{ran:?}");
    let report: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(report["lock_source"], "MetadataLocks", "{report:#}");
    // The sampler ran beside the section (MariaDB's DDL commits by itself)
    // and says what its looks cost.
    let sampling = &report["lock_sampling"];
    assert!(sampling["looks"].as_u64().unwrap() >= 1, "{report:#}");
    assert!(sampling["busy_ms"].as_f64().unwrap() > 0.0, "{report:#}");
    let first = &report["revisions"][0]["statements"][0];
    let locks = first["locks"].as_array().unwrap();
    assert!(
        locks.iter().any(|l| l["relation"] == "orders"
            && l["mode"].as_str().unwrap().starts_with("MDL_SHARED")
            && !l["blocks_writes"].as_bool().unwrap()),
        "{report:#}"
    );
    // Only table locks: the migrator's own named lock is not one.
    assert!(
        locks.iter().all(|l| l["relation"] == "orders"),
        "{report:#}"
    );
    assert_eq!(source.tmp_left(), Vec::<std::path::PathBuf>::new());
}
