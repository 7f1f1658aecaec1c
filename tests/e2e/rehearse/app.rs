//! The application's own `migrate rehearse` (migrate-cli's `rehearse`
//! feature), as a service runs it in its container: the same report and
//! exit codes as `cargo migrate rehearse`, the source unchanged, nothing
//! left behind.

use super::fixture::{base, pending, Source};
use crate::stairway::each_backend;
use crate::support::{run_to_end, Backend, Ran};
use serde_json::Value;

each_backend!(the_apps_own_command_rehearses);

/// `rehearse-app rehearse ARGS` on the source, in its project directory.
fn app(source: &Source, args: &[&str]) -> Ran {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_rehearse-app"));
    cmd.arg("rehearse")
        .args(args)
        .current_dir(source.dir.path())
        .env(
            "REHEARSE_APP_MIGRATIONS",
            source.dir.path().join("migrations"),
        )
        .env("DATABASE_URL", &source.db.url)
        .env("TMPDIR", source.tmp.path())
        .env_remove("MIGRATE_TABLE")
        .env_remove("MIGRATE_DEV_URL")
        .stdin(std::process::Stdio::null());
    run_to_end(&mut cmd)
}

async fn the_apps_own_command_rehearses(backend: Backend) {
    let mut revs = vec![base(backend)];
    revs.extend(pending(backend));
    let Some(source) = Source::new(backend, &revs, "a1").await else {
        return;
    };
    let before = source.fingerprint().await;

    // Up to c3 the rehearsal passes: the table report and exit 0.
    let ok = app(&source, &["c3"]);
    assert_eq!(ok.code, 0, "{ok:?}");
    assert!(ok.stdout.contains("ok: 2 revision(s) rehearsed"), "{ok:?}");
    assert!(ok.stdout.contains("up   ok     b2 (b2.sql)"), "{ok:?}");
    assert!(ok.stdout.contains("down ok     c3 (c3.sql)"), "{ok:?}");

    // All of it: e5's down fails on the real rows, exit 1, in JSON.
    let failed = app(&source, &["--json"]);
    assert_eq!(failed.code, 1, "{failed:?}");
    let report: Value =
        serde_json::from_str(&failed.stdout).unwrap_or_else(|e| panic!("{e}: {failed:?}"));
    assert_eq!(report["passed"], false);
    assert!(
        report["failures"].to_string().contains("the down of e5"),
        "{report:#}"
    );
    if backend == Backend::Postgres {
        let b2 = &report["revisions"][0];
        assert_eq!(b2["id"], "b2");
        assert!(
            b2["statements"][0]["locks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["mode"] == "AccessExclusiveLock" && l["relation"] == "public.orders"),
            "{b2:#}"
        );
    }

    assert_eq!(source.fingerprint().await, before);
    assert_eq!(source.tmp_left(), Vec::<std::path::PathBuf>::new());
}
