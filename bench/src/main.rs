//! Whole-run benchmarks: our runtime against sqlx's own `Migrator` and against
//! executing the raw SQL, on the same generated migrations, in one process.
//!
//! Run with `scripts/bench` (release build). Each figure is the median of
//! several runs on a fresh SQLite file; connecting is outside the timed part.
//! With `MIGRATE_TEST_POSTGRES_URL` set, PostgreSQL figures are added.

use migrate_runtime::sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use migrate_runtime::sqlx::{self, Executor, PgPool, SqlitePool};
use migrate_runtime::Migrations;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn up_sql(i: usize) -> String {
    format!("CREATE TABLE t_{i} (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\nINSERT INTO t_{i} (name) VALUES ('row {i}');")
}

/// Writes `n` migrations in our format to `<dir>/ours` and in sqlx's to `<dir>/sqlx`.
fn generate(dir: &Path, n: usize) -> (PathBuf, PathBuf) {
    let ours = dir.join("ours");
    let theirs = dir.join("sqlx");
    std::fs::create_dir_all(&ours).unwrap();
    std::fs::create_dir_all(&theirs).unwrap();
    for i in 1..=n {
        let revises = if i == 1 { String::new() } else { format!("r{:011}", i - 1) };
        std::fs::write(
            ours.join(format!("{i:06}_step.sql")),
            format!(
                "-- Revision ID: r{i:011}\n-- Revises: {revises}\n-- Message: step {i}\n\n-- migrate:up\n{}\n\n-- migrate:down\nDROP TABLE t_{i};\n",
                up_sql(i)
            ),
        )
        .unwrap();
        std::fs::write(theirs.join(format!("{i}_step.sql")), up_sql(i)).unwrap();
    }
    (ours, theirs)
}

async fn sqlite(path: &Path) -> SqlitePool {
    let options = SqliteConnectOptions::new().filename(path).create_if_missing(true);
    SqlitePoolOptions::new().max_connections(4).connect_with(options).await.unwrap()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn fmt(d: Duration) -> String {
    if d >= Duration::from_secs(1) {
        format!("{:.3} s", d.as_secs_f64())
    } else {
        format!("{:.2} ms", d.as_secs_f64() * 1e3)
    }
}

/// Runs `f` on a fresh SQLite file `runs` times; returns the median.
async fn on_fresh_sqlite<F, Fut>(tmp: &Path, runs: usize, mut f: F) -> Duration
where
    F: FnMut(SqlitePool) -> Fut,
    Fut: std::future::Future<Output = Duration>,
{
    let mut times = Vec::new();
    for run in 0..runs {
        let file = tmp.join(format!("bench-{run}.db"));
        let _ = std::fs::remove_file(&file);
        let pool = sqlite(&file).await;
        times.push(f(pool.clone()).await);
        pool.close().await;
        let _ = std::fs::remove_file(&file);
    }
    median(times)
}

/// Peak resident memory of this process so far, from /proc (Linux), in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Reads and validates one 50 MB migration: peak memory should stay a small
/// multiple of the file (bytes read, the parsed sections, the embedded copy).
fn memory() {
    let tmp = tempfile::tempdir().unwrap();
    let mut up = String::with_capacity(50 << 20);
    let mut i = 0;
    while up.len() < 50 << 20 {
        up.push_str(&format!("INSERT INTO big (id, payload) VALUES ({i}, 'abcdefghijklmnopqrstuvwxyz0123456789');\n"));
        i += 1;
    }
    let text = format!("-- Revision ID: big\n-- Revises:\n-- migrate:up\n{up}-- migrate:down\nDELETE FROM big;\n");
    std::fs::write(tmp.path().join("0001_big.sql"), &text).unwrap();
    let size = text.len() as u64;
    drop((up, text));
    let before = peak_rss();
    let start = Instant::now();
    let set = Migrations::from_dir(tmp.path()).unwrap();
    let took = start.elapsed();
    let after = peak_rss();
    assert_eq!(set.len(), 1);
    println!(
        "50 MB migration: read + validate + embed {}, peak memory grew {:.1} MB for a {:.1} MB file ({:.2}x)",
        fmt(took),
        (after.saturating_sub(before)) as f64 / 1e6,
        size as f64 / 1e6,
        after.saturating_sub(before) as f64 / size as f64
    );
}

mod exp;
#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "exp") { exp::exp().await; return; }
    if std::env::args().any(|a| a == "memory") {
        memory();
        return;
    }
    let quick = std::env::args().any(|a| a == "--quick");
    let runs = if quick { 3 } else { 5 };
    let tmp = tempfile::tempdir().unwrap();
    let n = 1000;
    let (ours_dir, sqlx_dir) = generate(&tmp.path().join("n1000"), n);
    let ours = Migrations::from_dir(&ours_dir).unwrap();
    let sqlx_migrator = sqlx::migrate::Migrator::new(sqlx_dir.as_path()).await.unwrap();
    let sqls: Vec<String> = (1..=n).map(up_sql).collect();

    println!("SQLite, {n} small migrations on a fresh file, median of {runs}:");
    let raw_each = on_fresh_sqlite(tmp.path(), runs, |pool| {
        let sqls = sqls.clone();
        async move {
            let start = Instant::now();
            for sql in &sqls {
                let mut tx = pool.begin().await.unwrap();
                tx.execute(sqlx::raw_sql(sql)).await.unwrap();
                tx.commit().await.unwrap();
            }
            start.elapsed()
        }
    })
    .await;
    println!("  raw SQL, one transaction per migration   {}", fmt(raw_each));
    let raw_one = on_fresh_sqlite(tmp.path(), runs, |pool| {
        let sqls = sqls.clone();
        async move {
            let start = Instant::now();
            let mut tx = pool.begin().await.unwrap();
            for sql in &sqls {
                tx.execute(sqlx::raw_sql(sql)).await.unwrap();
            }
            tx.commit().await.unwrap();
            start.elapsed()
        }
    })
    .await;
    println!("  raw SQL, one transaction for everything  {}", fmt(raw_one));
    let sqlx_run = on_fresh_sqlite(tmp.path(), runs, |pool| {
        let m = &sqlx_migrator;
        async move {
            let start = Instant::now();
            m.run(&pool).await.unwrap();
            start.elapsed()
        }
    })
    .await;
    println!("  sqlx Migrator::run                        {}", fmt(sqlx_run));
    let ours_each = on_fresh_sqlite(tmp.path(), runs, |pool| {
        let m = &ours;
        async move {
            let start = Instant::now();
            m.upgrade(&pool).await.unwrap();
            start.elapsed()
        }
    })
    .await;
    println!(
        "  migrate upgrade (per-revision tx)         {}  ({:.2}x raw per-tx, {:.2}x sqlx)",
        fmt(ours_each),
        ours_each.as_secs_f64() / raw_each.as_secs_f64(),
        ours_each.as_secs_f64() / sqlx_run.as_secs_f64()
    );
    let ours_grouped = on_fresh_sqlite(tmp.path(), runs, |pool| {
        let m = &ours;
        async move {
            let start = Instant::now();
            m.migrator().grouped(true).upgrade(&pool, "heads").await.unwrap();
            start.elapsed()
        }
    })
    .await;
    println!(
        "  migrate upgrade, grouped                  {}  ({:.2}x raw one-tx)",
        fmt(ours_grouped),
        ours_grouped.as_secs_f64() / raw_one.as_secs_f64()
    );

    println!("No-op launch on an up-to-date database (connect excluded), median of 21:");
    for size in [100, 1000, 10_000] {
        let dir = tmp.path().join(format!("noop{size}"));
        let (ours_dir, sqlx_dir) = generate(&dir, size);
        let set = Migrations::from_dir(&ours_dir).unwrap();
        let file = dir.join("noop.db");
        let pool = sqlite(&file).await;
        let start = Instant::now();
        set.upgrade(&pool).await.unwrap();
        let apply = start.elapsed();
        let noop = median(
            futures_times(21, || async {
                let start = Instant::now();
                set.upgrade(&pool).await.unwrap();
                start.elapsed()
            })
            .await,
        );
        let sqlx_noop = if size == 1000 {
            let m = sqlx::migrate::Migrator::new(sqlx_dir.as_path()).await.unwrap();
            let pool2 = sqlite(&dir.join("sqlx.db")).await;
            m.run(&pool2).await.unwrap();
            let t = median(
                futures_times(21, || async {
                    let start = Instant::now();
                    m.run(&pool2).await.unwrap();
                    start.elapsed()
                })
                .await,
            );
            format!(", sqlx no-op {}", fmt(t))
        } else {
            String::new()
        };
        println!(
            "  SQLite {size:>6} revisions: apply all {} ({:.1} µs/revision), no-op {}{sqlx_noop}",
            fmt(apply),
            apply.as_secs_f64() * 1e6 / size as f64,
            fmt(noop)
        );
    }

    if let Ok(url) = std::env::var("MIGRATE_TEST_POSTGRES_URL") {
        let admin = PgPool::connect(&url).await.unwrap();
        for size in [100, 1000] {
            let db = format!("migrate_bench_{size}_{}", std::process::id());
            admin.execute(format!("DROP DATABASE IF EXISTS {db}").as_str()).await.unwrap();
            admin.execute(format!("CREATE DATABASE {db}").as_str()).await.unwrap();
            let (ours_dir, _) = generate(&tmp.path().join(format!("pg{size}")), size);
            let set = Migrations::from_dir(&ours_dir).unwrap();
            let base = url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&url);
            let pool = PgPool::connect(&format!("{base}/{db}")).await.unwrap();
            let start = Instant::now();
            set.upgrade(&pool).await.unwrap();
            let apply = start.elapsed();
            let noop = median(
                futures_times(21, || async {
                    let start = Instant::now();
                    set.upgrade(&pool).await.unwrap();
                    start.elapsed()
                })
                .await,
            );
            println!("  PostgreSQL {size:>5} revisions: apply all {}, no-op {}", fmt(apply), fmt(noop));
            pool.close().await;
            admin.execute(format!("DROP DATABASE {db}").as_str()).await.unwrap();
        }
    }
}

async fn futures_times<F, Fut>(n: usize, mut f: F) -> Vec<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Duration>,
{
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(f().await);
    }
    out
}
