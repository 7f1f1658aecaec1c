//! A fresh database through a squashed graph against the full replay, on a
//! SQLite file and, with `MIGRATE_TEST_POSTGRES_URL` set, on PostgreSQL.
//! Two graphs of 1,000 revisions, squashed at the last one with
//! `--with-data`:
//!
//! - **evolving** (a long-lived graph): 100 tables with a seed row each,
//!   then 900 revisions that add columns and indexes to them and update
//!   rows, as real graphs grow;
//! - **create-only**: each revision creates a new table with an index and
//!   a row, so the squash runs exactly the DDL the replay runs (the worst
//!   case for a squash).
//!
//! The replaced files stay in the set, as they do until every database is
//! past the squash. The target: at least 5x faster.

use migrate_devtools::autogen::Pipeline;
use migrate_devtools::scratch::ScratchServer;
use migrate_runtime::sqlx::{self, PgPool};
use migrate_runtime::{DatabaseUrl, Db, Dialect, Migrations};
use std::path::Path;
use std::time::{Duration, Instant};

const N: usize = 1000;
const RUNS: usize = 5;

/// Revision `i` of the evolving graph: (up, down).
fn evolving(i: usize) -> (String, String) {
    const TABLES: usize = 100;
    if i <= TABLES {
        return (super::server_up_sql(i), format!("DROP TABLE t_{i};"));
    }
    let t = i % TABLES + 1;
    match i % 4 {
        0 => (
            format!("CREATE INDEX ix_{i} ON t_{t} (name);"),
            format!("DROP INDEX ix_{i};"),
        ),
        1 | 2 => (
            format!("ALTER TABLE t_{t} ADD COLUMN c_{i} VARCHAR(20);"),
            format!("ALTER TABLE t_{t} DROP COLUMN c_{i};"),
        ),
        _ => (
            format!("UPDATE t_{t} SET name = 'v{i}';"),
            format!("UPDATE t_{t} SET name = 'row {t}';"),
        ),
    }
}

/// Revision `i` of the create-only graph.
fn create_only(i: usize) -> (String, String) {
    (
        super::server_up_sql(i) + &format!("\nCREATE INDEX t_{i}_name ON t_{i} (name);"),
        format!("DROP TABLE t_{i};"),
    )
}

/// The squash of the whole graph, written beside it; the set with it.
async fn squashed(dir: &Path, server: ScratchServer) -> Migrations {
    let full = Migrations::from_dir(dir).unwrap();
    let mut pipeline = Pipeline::new(&full, server);
    let last = format!("r{N:011}");
    let draft = pipeline.squash(&last, true).await;
    pipeline.finish().await.unwrap();
    let draft = draft.unwrap();
    let replaces: Vec<String> = (1..=N).map(|i| format!("r{i:011}")).collect();
    let mut text = format!(
        "-- Revision ID: squashed\n-- Revises: {last}\n-- Replaces: {}\n-- migrate:up\n",
        replaces.join(", ")
    );
    for sql in &draft.up {
        text.push_str(sql);
        text.push_str(";\n");
    }
    text.push_str("-- migrate:down\n");
    for sql in draft.down.unwrap() {
        text.push_str(&sql);
        text.push_str(";\n");
    }
    std::fs::write(dir.join("999999_squash.sql"), text).unwrap();
    let set = Migrations::from_dir(dir).unwrap();
    std::fs::remove_file(dir.join("999999_squash.sql")).unwrap();
    set
}

async fn time_upgrade(set: &Migrations, db: &Db) -> Duration {
    let start = Instant::now();
    set.upgrade(db).await.unwrap();
    start.elapsed()
}

/// Runs the benchmark and prints its figures.
pub(crate) async fn run(tmp: &Path) {
    println!("Squash: a fresh database through {N} revisions, full replay against the squash (median of {RUNS}, interleaved):");
    let pg_url = std::env::var("MIGRATE_TEST_POSTGRES_URL").ok();
    let pg = pg_url.as_deref().map(|u| DatabaseUrl::parse(u).unwrap());
    let mut pg_sets = Vec::new();
    for (name, revision) in [
        ("evolving", evolving as fn(usize) -> (String, String)),
        ("create-only", create_only),
    ] {
        let dir = tmp.join(format!("squash-{name}"));
        super::write_chain(&dir, N, revision);
        let full = Migrations::from_dir(&dir).unwrap();
        let squash = squashed(&dir, ScratchServer::sqlite()).await;
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for k in 0..RUNS {
            for (set, times) in [(&full, &mut a), (&squash, &mut b)] {
                let file = tmp.join(format!("squash-{name}-{k}.db"));
                let _ = std::fs::remove_file(&file);
                let db = Db::Sqlite(super::sqlite(&file).await);
                times.push(time_upgrade(set, &db).await);
                db.close().await;
            }
        }
        report(name, "SQLite file", a, b);
        if let Some(url) = &pg {
            let server = ScratchServer::new(Dialect::Postgres, url).unwrap();
            let squash = squashed(&dir, server).await;
            postgres(url, name, "as configured", &full, &squash).await;
            pg_sets.push((name, full, squash));
        }
    }
    let Some(url) = &pg else {
        println!("  PostgreSQL: skipped (MIGRATE_TEST_POSTGRES_URL is not set)");
        return;
    };
    // The test servers run without fsync (scripts/servers), which hides
    // the cost of the replay's 1,000 commits: measure again as a
    // production server runs, and put the settings back.
    let admin = PgPool::connect(pg_url.as_deref().unwrap()).await.unwrap();
    let durable = ["fsync", "synchronous_commit", "full_page_writes"];
    let settings = |set: bool| {
        let mut sql: Vec<String> = durable
            .iter()
            .map(|k| match set {
                true => format!("ALTER SYSTEM SET {k} = on"),
                false => format!("ALTER SYSTEM RESET {k}"),
            })
            .collect();
        sql.push("SELECT pg_reload_conf()".to_owned());
        sql
    };
    let run_all = |sql: Vec<String>| {
        let admin = &admin;
        async move {
            for s in sql {
                sqlx::raw_sql(sqlx::AssertSqlSafe(s)).execute(admin).await?;
            }
            Ok::<(), sqlx::Error>(())
        }
    };
    if let Err(e) = run_all(settings(true)).await {
        println!("  PostgreSQL durable: skipped (cannot change the server's settings: {e})");
        return;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    for (name, full, squash) in &pg_sets {
        postgres(url, name, "durable", full, squash).await;
    }
    run_all(settings(false)).await.unwrap();
    admin.close().await;
}

async fn postgres(
    url: &DatabaseUrl,
    shape: &str,
    how: &str,
    full: &Migrations,
    squash: &Migrations,
) {
    let s = ScratchServer::new(Dialect::Postgres, url).unwrap();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        for (set, times) in [(full, &mut a), (squash, &mut b)] {
            let scratch = s.create().await.unwrap();
            // A checkpoint now, not in the middle of a timed run: the
            // databases created and dropped before leave plenty to write.
            if let migrate_runtime::Db::Postgres(pool) = &scratch.db {
                let _ = sqlx::raw_sql("CHECKPOINT").execute(pool).await;
            }
            times.push(time_upgrade(set, &scratch.db).await);
            s.drop(scratch).await.unwrap();
        }
    }
    report(shape, &format!("PostgreSQL, {how}"), a, b);
}

fn report(shape: &str, what: &str, full: Vec<Duration>, squash: Vec<Duration>) {
    let (full, squash) = (super::median(full), super::median(squash));
    println!(
        "  {shape:<11} {what:<26} full replay {}   squash {}   {:.1}x faster",
        super::fmt(full),
        super::fmt(squash),
        full.as_secs_f64() / squash.as_secs_f64()
    );
}
