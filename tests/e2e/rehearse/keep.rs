//! `--keep`: the copy stays where the user can reach it, marked so that
//! no cleaner drops it, and is refused where it could not stay.

use migrate_runtime::Db;
use serde_json::Value;

use super::fixture::{base, pending, Source};
use crate::stairway::each_backend;
use crate::support::{exec, strings, Backend};

each_backend!(keep_leaves_the_copy_marked);

async fn keep_leaves_the_copy_marked(backend: Backend) {
    let mut revs = vec![base(backend)];
    revs.extend(pending(backend));
    let Some(source) = Source::new(backend, &revs, "a1").await else {
        return;
    };
    let before = source.fingerprint().await;
    if backend == Backend::Sqlite {
        let (ran, _) = source.rehearse(&["--keep", "--no-down", "--json", "--sample", "1"]);
        assert_eq!(ran.code, 0, "{ran:?}");
        let report: Value = serde_json::from_str(&ran.stdout).unwrap();
        let kept = report["copy"]["kept"]
            .as_str()
            .expect("a kept URL")
            .to_owned();
        let left = source.tmp_left();
        assert_eq!(left.len(), 1, "{left:?}");
        let path = kept
            .trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:");
        assert!(std::path::Path::new(path).is_file(), "{kept}");
        assert_eq!(source.fingerprint().await, before);
        return;
    }
    // The private server goes with the command: refused before any copy.
    let (ran, _) = source.rehearse(&["--keep", "--no-down"]);
    assert_ne!(ran.code, 0, "{ran:?}");
    assert!(ran.stderr.contains("--keep needs a dev server"), "{ran:?}");

    let mut args: Vec<String> = source.share_the_server();
    args.extend(["--keep", "--no-down", "--json", "--sample", "1"].map(String::from));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (ran, _) = source.rehearse(&args);
    assert_eq!(ran.code, 0, "{ran:?}");
    let report: Value = serde_json::from_str(&ran.stdout).unwrap();
    let kept = report["copy"]["kept"].as_str().expect("a kept URL");
    assert!(!kept.contains("migrate-secret"), "password shown: {kept}");
    let name = kept
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    assert!(source.exists_on_server(&name).await, "{name} is gone");
    // Marked kept: what every cleaner reads before it drops anything.
    let server = backend.server_url().unwrap();
    let admin = Db::connect(&server).await.unwrap();
    let comment = match backend {
        Backend::Postgres => format!(
            "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database \
             WHERE datname = '{name}'"
        ),
        _ => format!(
            "SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '{name}'"
        ),
    };
    let marks = strings(&admin, &comment).await.unwrap();
    let drop = match backend {
        Backend::Postgres => format!("DROP DATABASE \"{name}\""),
        _ => format!("DROP DATABASE `{name}`"),
    };
    exec(&admin, &drop).await.unwrap();
    admin.close().await;
    assert!(
        marks.iter().any(|m| m.starts_with("migrate: kept")),
        "{marks:?}"
    );
    assert_eq!(source.fingerprint().await, before);
}
