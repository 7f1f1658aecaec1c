//! 200 PostgreSQL databases, 200 PostgreSQL schemas and 100 MariaDB
//! databases, each created here and dropped on every path.

use super::{exited, failed_ids, fleet, fleet_file, project, rt, summary, REVS};
use crate::support::{exec, unique_name, with_database, Backend};
use migrate_runtime::Db;
use sqlx::Connection;

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

/// 200 databases by `--fleet` file plus one dropped, in two shards sharing
/// a state table; a table in the way, a lock held and the dropped database
/// fail, the rest reach the head; `--only-failed` per shard after fixing.
#[test]
fn two_hundred_postgres_databases_three_failing() {
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
    // A table in the way on _10; the migration lock of _20 held by another
    // session (advisory locks belong to their database).
    let holder = rt().block_on(async {
        let db = Db::connect(&urls[10]).await.unwrap();
        exec(&db, "CREATE TABLE todos (legacy int)").await.unwrap();
        db.close().await;
        // A connection of its own: a pool's session may be reset on release.
        let mut holder = sqlx::PgConnection::connect(&urls[20]).await.unwrap();
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(postgres_lock())
            .execute(&mut holder)
            .await
            .unwrap();
        holder
    });
    // Two shards, as two machines would run them, sharing a state table.
    let table = format!("{prefix}_state");
    cleanup.sql.push(format!("DROP TABLE IF EXISTS {table}"));
    let shard = |k: &str, extra: &[&str]| {
        let mut args = vec![
            "upgrade",
            "--fleet",
            "fleet.txt",
            "--jobs",
            "8",
            "--lock-timeout",
            "1",
            "--json",
        ];
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
    assert_eq!(done, 198, "{v1:#}\n{v2:#}");
    let mut failed = failed_ids(&v1);
    failed.extend(failed_ids(&v2));
    assert_eq!(failed.len(), 3, "{failed:?}");
    for name in [&names[10], &names[20], &format!("{prefix}_dropped")] {
        assert!(
            failed.iter().any(|f| f.ends_with(&format!("/{name}"))),
            "{name} not in {failed:?}"
        );
    }
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&one.stdout),
        String::from_utf8_lossy(&two.stdout)
    );
    for (out, v) in [(&one, &v1), (&two, &v2)] {
        let code = if v["failed"].as_array().unwrap().is_empty() {
            0
        } else {
            1
        };
        exited(out, code);
    }
    // Fix them: the table out of the way, the lock released.
    rt().block_on(async {
        holder.close().await.unwrap();
        let db = Db::connect(&urls[10]).await.unwrap();
        exec(&db, "DROP TABLE todos").await.unwrap();
        db.close().await;
    });
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
    assert_eq!(retried, 3);
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

/// The advisory-lock key a PostgreSQL migrator of `migrate_versions` takes
/// (the first 8 bytes of the SHA-256 of `migrate:migrate_versions`).
fn postgres_lock() -> i64 {
    let digest = migrate_graph::Checksum::of("migrate:migrate_versions");
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest.0[..8]);
    i64::from_be_bytes(bytes)
}

/// The user lock a migrator of `database` takes on MariaDB (`GET_LOCK`,
/// named after the database and the version table).
fn mariadb_lock(database: &str) -> String {
    let digest = migrate_graph::Checksum::of(&format!("{database}/migrate_versions"));
    format!("migrate:{}", &digest.to_hex()[..40])
}

/// 100 databases by `--fleet` file plus one dropped; a table in the way, a
/// lock held and the dropped database fail, the rest reach the head;
/// `--only-failed` after fixing them finishes; then a `--fleet-query`
/// downgrade of all.
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
    let rt = rt();
    let names = rt.block_on(databases(&server, &prefix, 100, &mut cleanup));
    let gone = format!("{prefix}_gone");
    cleanup.sql.push(drop_database(&server, &gone));
    let dir = project();
    let mut urls: Vec<String> = names.iter().map(|n| with_database(&server, n)).collect();
    urls.push(with_database(&server, &gone));
    fleet_file(dir.path(), &urls);
    // A table in the way on _10, the lock of _20 held by another session.
    let holder = rt.block_on(async {
        let db = Db::connect(&urls[10]).await.unwrap();
        exec(&db, "CREATE TABLE todos (legacy INT)").await.unwrap();
        db.close().await;
        let mut holder = sqlx::MySqlConnection::connect(&server).await.unwrap();
        sqlx::query("DO GET_LOCK(?, 0)")
            .bind(mariadb_lock(&names[20]))
            .execute(&mut holder)
            .await
            .unwrap();
        holder
    });
    let upgrade = |extra: &[&str]| {
        let mut args = vec![
            "upgrade",
            "--fleet",
            "fleet.txt",
            "--jobs",
            "8",
            "--lock-timeout",
            "1",
            "--json",
        ];
        args.extend_from_slice(extra);
        fleet(dir.path(), &args)
    };
    let out = upgrade(&[]);
    exited(&out, 1);
    let v = summary(&out);
    assert_eq!(v["done"], 98, "{v:#}");
    assert_eq!(v["revisions"][REVS[2]], 98, "{v:#}");
    let failed = failed_ids(&v);
    let names_failed = [&names[10], &names[20], &gone];
    assert_eq!(failed.len(), 3, "{failed:?}");
    for name in names_failed {
        assert!(
            failed.iter().any(|f| f.ends_with(&format!("/{name}"))),
            "{name} not in {failed:?}"
        );
    }
    rt.block_on(async {
        holder.close().await.unwrap();
        let db = Db::connect(&urls[10]).await.unwrap();
        exec(&db, "DROP TABLE todos").await.unwrap();
        db.close().await;
        let admin = Db::connect(&server).await.unwrap();
        exec(&admin, &format!("CREATE DATABASE {gone}"))
            .await
            .unwrap();
        admin.close().await;
    });
    // MariaDB's DDL is not transactional: the failed revision is recorded
    // as failed, and the operator says it left nothing, as the error asks.
    let resolve = std::process::Command::new(crate::support::cli_bin())
        .args([
            "migrate",
            "resolve",
            REVS[0],
            "--rolled-back",
            "--database-url",
        ])
        .arg(&urls[10])
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    exited(&resolve, 0);
    let out = upgrade(&["--only-failed"]);
    exited(&out, 0);
    assert_eq!(summary(&out)["done"], 3);
    let query = format!("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE '{prefix}\\_%' ORDER BY 1");
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
        serde_json::json!({ REVS[1]: 101 })
    );
}
