//! 200 PostgreSQL databases, 200 PostgreSQL schemas and 100 MariaDB
//! databases, each created here and dropped on every path.

use super::{exited, failed_ids, fleet, fleet_file, project, rt, summary, REVS};
use crate::support::{exec, unique_name, with_database, Backend};
use migrate_runtime::Db;

/// Drops what a test created, however the test ends.
struct Cleanup {
    server: String,
    sql: Vec<String>,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        rt().block_on(async {
            if let Ok(db) = Db::connect(&self.server).await {
                for sql in &self.sql {
                    let _ = exec(&db, sql).await;
                }
                db.close().await;
            }
        });
    }
}

/// Drops `name`; on PostgreSQL also when a finished process's session is
/// still going away.
fn drop_database(server: &str, name: &str) -> String {
    if server.starts_with("postgres") {
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    } else {
        format!("DROP DATABASE IF EXISTS {name}")
    }
}

/// `n` databases named `<prefix>_<i>` on `server`, created over four
/// connections at once (PostgreSQL copies a template per database); the
/// cleanup drops them.
async fn databases(server: &str, prefix: &str, n: usize, cleanup: &mut Cleanup) -> Vec<String> {
    let names: Vec<String> = (0..n).map(|i| format!("{prefix}_{i}")).collect();
    for name in &names {
        cleanup.sql.push(drop_database(server, name));
    }
    let suffix = if server.starts_with("postgres") {
        " STRATEGY FILE_COPY"
    } else {
        ""
    };
    let mut workers = tokio::task::JoinSet::new();
    for w in 0..4 {
        let mine: Vec<String> = names.iter().skip(w).step_by(4).cloned().collect();
        let server = server.to_owned();
        workers.spawn(async move {
            let db = Db::connect(&server).await.unwrap();
            for name in mine {
                exec(&db, &format!("CREATE DATABASE {name}{suffix}"))
                    .await
                    .unwrap();
            }
            db.close().await;
        });
    }
    while let Some(done) = workers.join_next().await {
        done.expect("creating databases");
    }
    names
}

#[test]
fn two_hundred_postgres_databases_one_dropped() {
    let Some(server) = Backend::Postgres.server_url() else {
        println!("SKIP fleet on PostgreSQL: MIGRATE_TEST_POSTGRES_URL is not set");
        return;
    };
    let mut cleanup = Cleanup {
        server: server.clone(),
        sql: Vec::new(),
    };
    let prefix = unique_name("fleetdb");
    let names = rt().block_on(databases(&server, &prefix, 200, &mut cleanup));
    let dir = project();
    let mut urls: Vec<String> = names.iter().map(|n| with_database(&server, n)).collect();
    // A dropped database: listed, gone.
    let dropped = with_database(&server, &format!("{prefix}_dropped"));
    urls.push(dropped);
    fleet_file(dir.path(), &urls);
    // Two shards, as two machines would run them, sharing a state table.
    let table = format!("{prefix}_state");
    cleanup.sql.push(format!("DROP TABLE IF EXISTS {table}"));
    let shard = |k: &str, extra: &[&str]| {
        let mut args = vec!["upgrade", "--fleet", "fleet.txt", "--jobs", "8", "--json"];
        args.extend([
            "--state-table",
            &table,
            "--database-url",
            &server,
            "--shard",
            k,
        ]);
        args.extend(extra);
        fleet(dir.path(), &args)
    };
    let (one, two) = (shard("1/2", &[]), shard("2/2", &[]));
    let (v1, v2) = (summary(&one), summary(&two));
    let done = v1["done"].as_u64().unwrap() + v2["done"].as_u64().unwrap();
    assert_eq!(done, 200);
    let mut failed = failed_ids(&v1);
    failed.extend(failed_ids(&v2));
    assert_eq!(failed.len(), 1);
    assert!(failed[0].ends_with("_dropped"), "{failed:?}");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&one.stdout),
        String::from_utf8_lossy(&two.stdout)
    );
    let out = if v1["failed"].as_array().unwrap().is_empty() {
        &two
    } else {
        &one
    };
    exited(out, 1);
    // Fix it (create the database), then retry the failures of both shards.
    rt().block_on(async {
        let db = Db::connect(&server).await.unwrap();
        cleanup
            .sql
            .push(format!("DROP DATABASE IF EXISTS {prefix}_dropped"));
        exec(&db, &format!("CREATE DATABASE {prefix}_dropped"))
            .await
            .unwrap();
        db.close().await;
    });
    let (one, two) = (
        shard("1/2", &["--only-failed"]),
        shard("2/2", &["--only-failed"]),
    );
    exited(&one, 0);
    exited(&two, 0);
    let retried = summary(&one)["done"].as_u64().unwrap() + summary(&two)["done"].as_u64().unwrap();
    assert_eq!(retried, 1);
    // Passwords are never printed.
    assert!(!all.contains("migrate-secret"), "{all}");

    // `--fleet-query`: the same databases listed by the server.
    let query = format!(
        "SELECT datname::text FROM pg_database WHERE datname LIKE '{prefix}\\_%' ORDER BY 1"
    );
    let out = fleet(
        dir.path(),
        &[
            "current",
            "--fleet-query",
            &query,
            "--database-url",
            &server,
            "--json",
            "-j",
            "8",
        ],
    );
    exited(&out, 0);
    // The query lists the database created to fix the dropped tenant too.
    assert_eq!(
        summary(&out)["revisions"],
        serde_json::json!({ REVS[2]: 201 })
    );
}

#[test]
fn two_hundred_postgres_schemas_one_with_a_table_in_the_way() {
    let Some(server) = Backend::Postgres.server_url() else {
        println!("SKIP fleet on PostgreSQL: MIGRATE_TEST_POSTGRES_URL is not set");
        return;
    };
    let rt = rt();
    let mut cleanup = Cleanup {
        server: server.clone(),
        sql: Vec::new(),
    };
    let dbname = unique_name("fleetsch");
    rt.block_on(databases(&server, &dbname, 1, &mut cleanup));
    let url = with_database(&server, &format!("{dbname}_0"));
    rt.block_on(async {
        let db = Db::connect(&url).await.unwrap();
        let mut sql = String::new();
        for i in 0..200 {
            sql.push_str(&format!("CREATE SCHEMA tenant_{i:03};"));
        }
        sql.push_str("CREATE SCHEMA other; CREATE TABLE tenant_007.todos (legacy int);");
        exec(&db, &sql).await.unwrap();
        db.close().await;
    });
    let dir = project();
    let args = [
        "upgrade",
        "--schemas",
        "tenant\\_%",
        "--database-url",
        &url,
        "--jobs",
        "8",
        "--json",
    ];
    let out = fleet(dir.path(), &args);
    exited(&out, 1);
    let v = summary(&out);
    assert_eq!(failed_ids(&v), vec!["tenant_007".to_owned()]);
    assert_eq!(v["done"], 199);
    rt.block_on(async {
        let db = Db::connect(&url).await.unwrap();
        // Each schema has its own version table (the failed one's is
        // empty: its first revision rolled back); the other schema none.
        let n = crate::support::int(
            &db,
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'migrate_versions'",
        )
        .await
        .unwrap();
        assert_eq!(n, 200);
        let failed = crate::support::int(&db, "SELECT COUNT(*) FROM tenant_007.migrate_versions")
            .await
            .unwrap();
        assert_eq!(failed, 0);
        let rows = crate::support::int(&db, "SELECT COUNT(*) FROM tenant_123.migrate_versions")
            .await
            .unwrap();
        assert_eq!(rows, 3);
        assert!(
            crate::support::int(&db, "SELECT COUNT(*) FROM tenant_123.todos")
                .await
                .is_ok()
        );
        assert!(
            crate::support::int(&db, "SELECT COUNT(*) FROM public.todos")
                .await
                .is_err()
        );
        exec(&db, "DROP TABLE tenant_007.todos").await.unwrap();
        db.close().await;
    });
    let out = fleet(
        dir.path(),
        &[
            "upgrade",
            "--schemas",
            "tenant\\_%",
            "--database-url",
            &url,
            "--only-failed",
            "--json",
        ],
    );
    exited(&out, 0);
    assert_eq!(summary(&out)["done"], 1);
    // Two shards together cover the fleet; `current` reports all of it.
    let mut total = 0;
    for shard in ["1/2", "2/2"] {
        let out = fleet(
            dir.path(),
            &[
                "check",
                "--schemas",
                "tenant\\_%",
                "--database-url",
                &url,
                "--shard",
                shard,
                "--json",
            ],
        );
        exited(&out, 0);
        total += summary(&out)["done"].as_u64().unwrap();
    }
    assert_eq!(total, 200);
    let out = fleet(
        dir.path(),
        &[
            "current",
            "--schemas",
            "tenant\\_%",
            "--database-url",
            &url,
            "--json",
        ],
    );
    assert_eq!(
        summary(&out)["revisions"],
        serde_json::json!({ REVS[2]: 200 })
    );
}

#[test]
fn a_hundred_mariadb_databases() {
    let Some(server) = Backend::MySql.server_url() else {
        println!("SKIP fleet on MariaDB: MIGRATE_TEST_MYSQL_URL is not set");
        return;
    };
    let mut cleanup = Cleanup {
        server: server.clone(),
        sql: Vec::new(),
    };
    let prefix = unique_name("fleetmy");
    rt().block_on(databases(&server, &prefix, 100, &mut cleanup));
    let dir = project();
    let query = format!("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE '{prefix}\\_%' ORDER BY 1");
    let out = fleet(
        dir.path(),
        &[
            "upgrade",
            "--fleet-query",
            &query,
            "--database-url",
            &server,
            "--jobs",
            "8",
            "--json",
        ],
    );
    exited(&out, 0);
    let v = summary(&out);
    assert_eq!(v["done"], 100);
    assert_eq!(v["revisions"][REVS[2]], 100);
    let out = fleet(
        dir.path(),
        &[
            "downgrade",
            "-1",
            "--fleet-query",
            &query,
            "--database-url",
            &server,
            "--json",
        ],
    );
    exited(&out, 0);
    assert_eq!(
        summary(&out)["revisions"],
        serde_json::json!({ REVS[1]: 100 })
    );
}
