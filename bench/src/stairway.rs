//! The stairway: on SQLite, 200 revisions each creating a table with an
//! index and a foreign key to the previous one (the target: under
//! 10 s); then a 1,000-revision, 1,000-table graph, whose per-revision cost
//! at ~1,000 tables must stay within 2x of its cost at ~10 tables (the
//! walk compares each step by the schema dump, reading the model only
//! where two dumps differ); with `MIGRATE_TEST_POSTGRES_URL`, 230 generated
//! PostgreSQL revisions of a real project's shape (tables, views over
//! `SELECT *` re-created around a new column, seed rows, indexes).

use migrate_devtools::scratch::ScratchServer;
use migrate_devtools::stairway::{RevisionReport, Stairway};
use migrate_runtime::{DatabaseUrl, Dialect, Migrations};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Runs the benchmark and prints its figures.
pub(crate) async fn run(tmp: &Path) {
    // `STAIRWAY_ONLY=sqlite|postgres` runs one part (the machine is shared
    // and the parts are long).
    let only = std::env::var("STAIRWAY_ONLY").unwrap_or_default();
    if only == "postgres" {
        postgres(tmp).await;
        return;
    }
    let n = 200;
    let dir = tmp.join("stairway");
    super::autogen::write_graph(&dir, n);
    let migrations = Migrations::from_dir(&dir).unwrap();
    let start = Instant::now();
    let report = Stairway::new(&migrations, ScratchServer::sqlite())
        .run()
        .await
        .unwrap();
    let took = start.elapsed();
    assert!(report.passed(), "{report:#?}");
    assert_eq!(report.revisions.len(), n);
    println!(
        "stairway, SQLite, {n} revisions / {n} tables with indexes and foreign keys: {:.3} s (target < 10 s; {:.1} ms a revision: up, down, up, 3 schema dumps)",
        took.as_secs_f64(),
        took.as_secs_f64() * 1000.0 / n as f64
    );
    // `PROBE=1` probes 10 and 1,000 tables; `PROBE=n` n tables alone
    // (`PROBE_LOOPS` upgrade+downgrade rounds, default 10: many, for perf).
    if let Ok(p) = std::env::var("PROBE") {
        match p.parse::<usize>() {
            Ok(n) if n > 1 => probe(tmp, n).await,
            _ => {
                probe(tmp, 10).await;
                probe(tmp, 1000).await;
            }
        }
        return;
    }
    per_revision_cost(tmp).await;
    if only != "sqlite" {
        postgres(tmp).await;
    }
}

/// The time of each revision's check, from the progress hook.
async fn timed(stairway: Stairway<'_>) -> Vec<f64> {
    let marks = Arc::new(Mutex::new(vec![Instant::now()]));
    let hook = Arc::clone(&marks);
    let report = stairway
        .on_revision(move |_: &RevisionReport| hook.lock().unwrap().push(Instant::now()))
        .run()
        .await
        .unwrap();
    assert!(report.passed(), "{report:#?}");
    let marks = marks.lock().unwrap();
    marks
        .windows(2)
        .map(|w| (w[1] - w[0]).as_secs_f64() * 1000.0)
        .collect()
}

/// The median: the machine is shared, and a mean follows its spikes.
fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// Where a revision's time goes at `n` tables (a probe, printed).
pub(crate) async fn probe(tmp: &Path, n: usize) {
    let dir = tmp.join(format!("probe-{n}"));
    super::write_chain(&dir, n, |i| {
        (
            format!("CREATE TABLE t_{i} (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, n INTEGER);\nCREATE INDEX t_{i}_name ON t_{i} (name);"),
            format!("DROP TABLE t_{i};"),
        )
    });
    let migrations = Migrations::from_dir(&dir).unwrap();
    let server = ScratchServer::sqlite();
    let s = server.create().await.unwrap();
    let m = migrations
        .migrator()
        .lock(migrate_runtime::LockStrategy::None);
    let last = migrations.as_slice()[n - 1].id().to_owned();
    let before = migrations.as_slice()[n - 2].id().to_owned();
    m.upgrade(&s.db, &before).await.unwrap();
    let loops: u32 = std::env::var("PROBE_LOOPS")
        .ok()
        .and_then(|l| l.parse().ok())
        .unwrap_or(10);
    let t = Instant::now();
    for _ in 0..loops {
        m.upgrade(&s.db, &last).await.unwrap();
        m.downgrade(&s.db, &format!("{last}@{before}"))
            .await
            .unwrap();
    }
    let mig = t.elapsed().as_secs_f64() * 1000.0 / f64::from(loops);
    let t = Instant::now();
    for _ in 0..10 {
        let _ = migrate_devtools::proof::dump(
            &s.db,
            None,
            &migrate_devtools::proof::DumpOptions {
                literal: true,
                ..Default::default()
            },
        )
        .await;
    }
    let dump = t.elapsed().as_secs_f64() * 100.0;
    // The same up and down as plain SQL on the same database, and the
    // runtime's read of the version table (status), for what is SQLite's.
    let (up, down) = (
        migrations.as_slice()[n - 1].up_sql().to_owned(),
        migrations.as_slice()[n - 1]
            .down_sql()
            .unwrap_or_default()
            .to_owned(),
    );
    let migrate_runtime::Db::Sqlite(pool) = &s.db else {
        unreachable!("a SQLite scratch database")
    };
    let t = Instant::now();
    for _ in 0..10 {
        use migrate_runtime::sqlx::{AssertSqlSafe, Executor};
        pool.execute(AssertSqlSafe(up.clone())).await.unwrap();
        pool.execute(AssertSqlSafe(down.clone())).await.unwrap();
    }
    let raw = t.elapsed().as_secs_f64() * 100.0;
    let t = Instant::now();
    for _ in 0..10 {
        m.status(&s.db).await.unwrap();
    }
    let status = t.elapsed().as_secs_f64() * 100.0;
    m.upgrade(&s.db, &last).await.unwrap();
    let t = Instant::now();
    for _ in 0..10 {
        m.upgrade(&s.db, &last).await.unwrap();
    }
    let noop = t.elapsed().as_secs_f64() * 100.0;
    let t = Instant::now();
    for _ in 0..10 {
        use migrate_runtime::sqlx::{self, Row};
        let row = sqlx::query("SELECT count(*), min(count(revision), count(checksum), count(state)), group_concat(revision, char(30)), group_concat(checksum, char(30)), group_concat(state, char(30)) FROM migrate_versions").fetch_one(pool).await.unwrap();
        let _: String = row.get(2);
    }
    let packed = t.elapsed().as_secs_f64() * 100.0;
    let t = Instant::now();
    for _ in 0..10 {
        use migrate_runtime::sqlx;
        sqlx::query("SELECT 1").fetch_one(pool).await.unwrap();
    }
    let one = t.elapsed().as_secs_f64() * 100.0;
    println!("  the packed read alone {packed:.2} ms, SELECT 1 {one:.2} ms");
    println!("probe {n} tables: upgrade+downgrade {mig:.2} ms, dump {dump:.2} ms, the same up and down as plain SQL {raw:.2} ms, status {status:.2} ms, an upgrade with nothing to do {noop:.2} ms");
}

/// 1,000 revisions, 1,000 tables: the revisions at 1..10 tables against
/// the revisions at 900..1,000.
async fn per_revision_cost(tmp: &Path) {
    let n = 1000;
    let dir = tmp.join("stairway-1000");
    super::write_chain(&dir, n, |i| {
        (
            format!("CREATE TABLE t_{i} (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, n INTEGER);\nCREATE INDEX t_{i}_name ON t_{i} (name);"),
            format!("DROP TABLE t_{i};"),
        )
    });
    let migrations = Migrations::from_dir(&dir).unwrap();
    let small_dir = tmp.join("stairway-10");
    super::write_chain(&small_dir, 10, |i| {
        (
            format!("CREATE TABLE t_{i} (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, n INTEGER);\nCREATE INDEX t_{i}_name ON t_{i} (name);"),
            format!("DROP TABLE t_{i};"),
        )
    });
    let small_set = Migrations::from_dir(&small_dir).unwrap();
    let start = Instant::now();
    let times = timed(Stairway::new(&migrations, ScratchServer::sqlite())).await;
    let took = start.elapsed().as_secs_f64();
    // On a shared machine the load changes over a run: the fastest
    // revision of each window is printed beside the medians (the cost
    // without the others' load), and a 10-revision walk run 10 times right
    // after the big one shows what a small graph costs (the runtime's own
    // upgrade and downgrade read the version table and plan over the whole
    // graph).
    let mut small_graph = Vec::new();
    for _ in 0..10 {
        small_graph.extend(timed(Stairway::new(&small_set, ScratchServer::sqlite())).await);
    }
    let (small, large) = (median(&times[1..11]), median(&times[n - 100..]));
    let (min_small, min_large) = (min(&times[1..51]), min(&times[n - 100..]));
    let (raw_small, raw_large) = (raw_ddl(10).await, raw_ddl(950).await);
    println!(
        "stairway, SQLite, {n} revisions / {n} tables: {took:.1} s; per revision (median) {small:.2} ms at 2-11 tables, {large:.2} ms at 900-1,000 tables: {:.2}x (target within 2x); fastest revision at 2-51 tables {min_small:.2} ms, at 900-1,000 {min_large:.2} ms: {:.2}x; a 10-revision graph: {:.2} ms (median), {:.2} ms (fastest)",
        large / small,
        min_large / min_small,
        median(&small_graph),
        min(&small_graph),
    );
    println!(
        "  of which SQLite's own DDL (the revision's up, down, up run as raw SQL): {raw_small:.2} ms at 10 tables, {raw_large:.2} ms at 950; the stairway's own cost: {:.2} ms and {:.2} ms: {:.2}x",
        small - raw_small,
        large - raw_large,
        (large - raw_large) / (small - raw_small)
    );
}

/// The fastest of `xs`: the cost without the machine's other load.
fn min(xs: &[f64]) -> f64 {
    xs.iter().copied().fold(f64::INFINITY, f64::min)
}

/// One revision's up, down and up as raw SQL on an in-memory database of
/// `tables` tables (median of 21, ms): what the engine itself costs.
async fn raw_ddl(tables: usize) -> f64 {
    use migrate_runtime::sqlx::{self, Executor};
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .unwrap();
    let create = |i: usize| {
        format!("CREATE TABLE t_{i} (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, n INTEGER);\nCREATE INDEX t_{i}_name ON t_{i} (name);")
    };
    for i in 1..=tables {
        pool.execute(sqlx::AssertSqlSafe(create(i))).await.unwrap();
    }
    let mut times = Vec::new();
    for _ in 0..21 {
        let t = Instant::now();
        pool.execute(sqlx::AssertSqlSafe(create(0))).await.unwrap();
        pool.execute("DROP TABLE t_0").await.unwrap();
        pool.execute(sqlx::AssertSqlSafe(create(0))).await.unwrap();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        pool.execute("DROP TABLE t_0").await.unwrap();
    }
    pool.close().await;
    median(&times)
}

/// 230 generated PostgreSQL revisions, when a server is given.
async fn postgres(tmp: &Path) {
    let Ok(url) = std::env::var("MIGRATE_TEST_POSTGRES_URL") else {
        println!("stairway, PostgreSQL: skipped (MIGRATE_TEST_POSTGRES_URL is not set)");
        return;
    };
    // `STAIRWAY_PG_REVISIONS` for a shorter run.
    let n = std::env::var("STAIRWAY_PG_REVISIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(230usize);
    let dir = tmp.join("stairway-pg");
    super::write_chain(&dir, n, |i| {
        let g = (i - 1) / 5;
        let (t, v) = (format!("t{g}"), format!("v{g}"));
        match (i - 1) % 5 {
            0 => (
                format!("CREATE TABLE {t} (id INTEGER PRIMARY KEY, a TEXT, b INTEGER);"),
                format!("DROP TABLE {t};"),
            ),
            1 => (
                format!("CREATE VIEW {v} AS SELECT * FROM {t};"),
                format!("DROP VIEW {v};"),
            ),
            2 => (
                format!("DROP VIEW {v};\nALTER TABLE {t} ADD COLUMN c INTEGER;\nCREATE VIEW {v} AS SELECT * FROM {t};"),
                format!("DROP VIEW {v};\nALTER TABLE {t} DROP COLUMN c;\nCREATE VIEW {v} AS SELECT * FROM {t};"),
            ),
            3 => (
                format!("INSERT INTO {t} (id, a, b) VALUES (1, 'x', 1);"),
                format!("DELETE FROM {t} WHERE id = 1;"),
            ),
            _ => (
                format!("CREATE INDEX i{g} ON {t} (b);"),
                format!("DROP INDEX i{g};"),
            ),
        }
    });
    let migrations = Migrations::from_dir(&dir).unwrap();
    // Fingerprints on (the default), then, with `STAIRWAY_AB=1`, off: every
    // step a pg_dump, as before they existed.
    let modes: &[bool] = if std::env::var("STAIRWAY_AB").is_ok() {
        &[true, false]
    } else {
        &[true]
    };
    for &fingerprints in modes {
        let server =
            ScratchServer::new(Dialect::Postgres, &DatabaseUrl::parse(&url).unwrap()).unwrap();
        let dumps = migrate_devtools::proof::dump_programs_run();
        let start = Instant::now();
        let times = timed(Stairway::new(&migrations, server).fingerprints(fingerprints)).await;
        let dumps = migrate_devtools::proof::dump_programs_run() - dumps;
        println!(
            "stairway, PostgreSQL, {n} generated revisions ({} tables, views, seed rows, indexes), catalog fingerprints {}: {:.1} s, {dumps} pg_dump runs ({:.2} a revision); per revision {:.0} ms at the start, {:.0} ms at the end (median of 10)",
            n / 5,
            if fingerprints { "on" } else { "off" },
            start.elapsed().as_secs_f64(),
            dumps as f64 / n as f64,
            median(&times[..10]),
            median(&times[n - 10..])
        );
    }
}
