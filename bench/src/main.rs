//! Whole-run benchmarks: our runtime against sqlx's own `Migrator` and against
//! executing the raw SQL, on the same generated migrations, in one process.
//!
//! Run with `scripts/bench` (release build). Each figure is the median of
//! several runs, each on a fresh SQLite file; connecting is outside the timed
//! part. The variants are interleaved (run 1 of each, then run 2 of each, ...)
//! so that a drift of the disk's fsync speed over the minutes of a run
//! affects them alike. With `MIGRATE_TEST_POSTGRES_URL` and
//! `MIGRATE_TEST_MYSQL_URL` set, PostgreSQL and MariaDB figures are added.

mod autogen;
mod squash;
mod stairway;

use migrate_runtime::sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use migrate_runtime::sqlx::{self, Connection, Executor, MySqlPool, PgPool, SqlitePool};
use migrate_runtime::Migrations;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// One small migration, as in the benchmark.
fn up_sql(i: usize) -> String {
    format!("CREATE TABLE t_{i} (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\nINSERT INTO t_{i} (name) VALUES ('row {i}');")
}

/// The same for the servers, whose `INTEGER PRIMARY KEY` does not fill itself.
fn server_up_sql(i: usize) -> String {
    format!("CREATE TABLE t_{i} (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\nINSERT INTO t_{i} (id, name) VALUES (1, 'row {i}');")
}

/// Writes `n` migrations in our format to `<dir>/ours` and in sqlx's to `<dir>/sqlx`.
fn generate(dir: &Path, n: usize) -> (PathBuf, PathBuf) {
    generate_with(dir, n, up_sql)
}

fn generate_with(dir: &Path, n: usize, up: fn(usize) -> String) -> (PathBuf, PathBuf) {
    let ours = dir.join("ours");
    let theirs = dir.join("sqlx");
    std::fs::create_dir_all(&theirs).unwrap();
    write_chain(&ours, n, |i| (up(i), format!("DROP TABLE t_{i};")));
    for i in 1..=n {
        std::fs::write(theirs.join(format!("{i}_step.sql")), up(i)).unwrap();
    }
    (ours, theirs)
}

/// Writes a chain of `n` revisions in our format to `dir`, revision `i`
/// with the (up, down) SQL `revision(i)` gives.
pub(crate) fn write_chain(dir: &Path, n: usize, revision: impl Fn(usize) -> (String, String)) {
    std::fs::create_dir_all(dir).unwrap();
    for i in 1..=n {
        let revises = if i == 1 {
            String::new()
        } else {
            format!("r{:011}", i - 1)
        };
        let (up, down) = revision(i);
        std::fs::write(
            dir.join(format!("{i:06}_step.sql")),
            format!(
                "-- Revision ID: r{i:011}\n-- Revises: {revises}\n-- Message: step {i}\n\n-- migrate:up\n{up}\n\n-- migrate:down\n{down}\n"
            ),
        )
        .unwrap();
    }
}

async fn sqlite(path: &Path) -> SqlitePool {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true);
    SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await
        .unwrap()
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

/// The runs compared on 1,000 migrations.
#[derive(Clone, Copy)]
enum Variant {
    RawEach,
    RawOne,
    Sqlx,
    Ours,
    OursGrouped,
}

/// Times one variant on a fresh SQLite file (connecting excluded).
async fn fresh_run(
    tmp: &Path,
    variant: Variant,
    sqls: &[String],
    sqlx_migrator: &sqlx::migrate::Migrator,
    ours: &Migrations,
) -> Duration {
    let file = tmp.join("bench.db");
    let _ = std::fs::remove_file(&file);
    let pool = sqlite(&file).await;
    let start = Instant::now();
    match variant {
        Variant::RawEach => {
            // One connection throughout, as the migrators use: taking one
            // from the pool per transaction would make the baseline slower
            // (its return to the pool is asynchronous, so the pool may open
            // another, cold connection).
            let mut conn = pool.acquire().await.unwrap();
            for sql in sqls {
                let mut tx = conn.begin().await.unwrap();
                tx.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(sql.as_str())))
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }
        }
        Variant::RawOne => {
            let mut tx = pool.begin().await.unwrap();
            for sql in sqls {
                tx.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(sql.as_str())))
                    .await
                    .unwrap();
            }
            tx.commit().await.unwrap();
        }
        Variant::Sqlx => sqlx_migrator.run(&pool).await.unwrap(),
        Variant::Ours => {
            ours.upgrade(&pool).await.unwrap();
        }
        Variant::OursGrouped => {
            ours.migrator()
                .grouped(true)
                .upgrade(&pool, "heads")
                .await
                .unwrap();
        }
    }
    let took = start.elapsed();
    pool.close().await;
    for suffix in ["", "-journal", ".migrate_versions.migrate-lock"] {
        let _ = std::fs::remove_file(tmp.join(format!("bench.db{suffix}")));
    }
    took
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
        up.push_str(&format!(
            "INSERT INTO big (id, payload) VALUES ({i}, 'abcdefghijklmnopqrstuvwxyz0123456789');\n"
        ));
        i += 1;
    }
    let text = format!(
        "-- Revision ID: big\n-- Revises:\n-- migrate:up\n{up}-- migrate:down\nDELETE FROM big;\n"
    );
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

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "memory") {
        memory();
        return;
    }
    let quick = std::env::args().any(|a| a == "--quick");
    let runs = if quick { 3 } else { 5 };
    let tmp = tempfile::tempdir().unwrap();
    if section("apply") {
        apply(tmp.path(), runs).await;
    }
    if section("noop") {
        growth(tmp.path()).await;
    }
    if section("servers") {
        servers(tmp.path()).await;
    }
    if section("autogen") {
        autogen::run(tmp.path()).await;
    }
    if section("squash") {
        squash::run(tmp.path()).await;
    }
    if section("stairway") {
        stairway::run(tmp.path()).await;
    }
}

/// 1,000 small migrations on a fresh SQLite file: raw SQL, sqlx, ours.
async fn apply(tmp: &Path, runs: usize) {
    let n = 1000;
    let (ours_dir, sqlx_dir) = generate(&tmp.join("n1000"), n);
    let ours = Migrations::from_dir(&ours_dir).unwrap();
    let sqlx_migrator = sqlx::migrate::Migrator::new(sqlx_dir.as_path())
        .await
        .unwrap();
    let sqls: Vec<String> = (1..=n).map(up_sql).collect();

    println!(
        "SQLite, {n} small migrations on a fresh file, median of {runs} ({} for one transaction; variants interleaved):",
        5 * runs
    );
    let variants = [
        Variant::RawEach,
        Variant::RawOne,
        Variant::Sqlx,
        Variant::Ours,
        Variant::OursGrouped,
    ];
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); variants.len()];
    for _ in 0..runs {
        for (k, &v) in variants.iter().enumerate() {
            times[k].push(fresh_run(tmp, v, &sqls, &sqlx_migrator, &ours).await);
        }
    }
    // The single-transaction runs take a tenth of a second: more rounds of
    // them, for a steadier median.
    for _ in 0..4 * runs {
        for k in [1, 4] {
            times[k].push(fresh_run(tmp, variants[k], &sqls, &sqlx_migrator, &ours).await);
        }
    }
    // Ratios within a round compare runs made seconds apart, under the same
    // disk and CPU conditions: their median is steadier than the ratio of
    // medians when the machine is shared.
    let ratio = |a: &[Duration], b: &[Duration]| {
        let mut r: Vec<f64> = a
            .iter()
            .zip(b)
            .map(|(x, y)| x.as_secs_f64() / y.as_secs_f64())
            .collect();
        r.sort_by(f64::total_cmp);
        r[r.len() / 2]
    };
    let each_vs_raw = ratio(&times[3], &times[0]);
    let each_vs_sqlx = ratio(&times[3], &times[2]);
    let grouped_vs_raw = ratio(&times[4], &times[1]);
    let [raw_each, raw_one, sqlx_run, ours_each, ours_grouped]: [Duration; 5] = times
        .into_iter()
        .map(median)
        .collect::<Vec<_>>()
        .try_into()
        .unwrap();
    println!(
        "  raw SQL, one transaction per migration   {}",
        fmt(raw_each)
    );
    println!(
        "  raw SQL, one transaction for everything  {}",
        fmt(raw_one)
    );
    println!(
        "  sqlx Migrator::run                        {}",
        fmt(sqlx_run)
    );
    println!(
        "  migrate upgrade (per-revision tx)         {}  ({:.2}x raw per-tx, {:.2}x sqlx; per-round ratios: {each_vs_raw:.2}x, {each_vs_sqlx:.2}x)",
        fmt(ours_each),
        ours_each.as_secs_f64() / raw_each.as_secs_f64(),
        ours_each.as_secs_f64() / sqlx_run.as_secs_f64()
    );
    println!(
        "  migrate upgrade, grouped                  {}  ({:.2}x raw one-tx; per-round ratio: {grouped_vs_raw:.2}x)",
        fmt(ours_grouped),
        ours_grouped.as_secs_f64() / raw_one.as_secs_f64()
    );
}

/// Whether to run a section: all of them unless some are named on the
/// command line (`apply`, `noop`, `servers`, `autogen`, `squash`, `stairway`).
fn section(name: &str) -> bool {
    let named: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| {
            ["apply", "noop", "servers", "autogen", "squash", "stairway"].contains(&a.as_str())
        })
        .collect();
    named.is_empty() || named.iter().any(|a| a == name)
}

/// 100 / 1,000 / 10,000 revisions on SQLite: applying (against the raw SQL
/// at the same size, whose own cost grows with the schema), and the no-op.
async fn growth(tmp: &Path) {
    println!("Growth on SQLite, one run per size on fresh files; no-op launch (connect excluded) median of 21:");
    for size in [100, 1000, 10_000] {
        let dir = tmp.join(format!("noop{size}"));
        let (ours_dir, sqlx_dir) = generate(&dir, size);
        let set = Migrations::from_dir(&ours_dir).unwrap();
        let sqlx_migrator = sqlx::migrate::Migrator::new(sqlx_dir.as_path())
            .await
            .unwrap();
        let sqls: Vec<String> = (1..=size).map(up_sql).collect();
        let raw_each = fresh_run(&dir, Variant::RawEach, &sqls, &sqlx_migrator, &set).await;
        let raw_one = fresh_run(&dir, Variant::RawOne, &sqls, &sqlx_migrator, &set).await;
        let grouped = fresh_run(&dir, Variant::OursGrouped, &sqls, &sqlx_migrator, &set).await;
        let pool = sqlite(&dir.join("noop.db")).await;
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
            let pool2 = sqlite(&dir.join("sqlx.db")).await;
            sqlx_migrator.run(&pool2).await.unwrap();
            let t = median(
                futures_times(21, || async {
                    let start = Instant::now();
                    sqlx_migrator.run(&pool2).await.unwrap();
                    start.elapsed()
                })
                .await,
            );
            format!(", sqlx no-op {}", fmt(t))
        } else {
            String::new()
        };
        let per = |d: Duration| d.as_secs_f64() * 1e6 / size as f64;
        println!(
            "  SQLite {size:>6} revisions: per-tx raw {} / ours {} ({:.2}x, {:.0} µs/revision); one tx raw {} / grouped {} ({:.2}x, {:.1} µs/revision); no-op {} ({:.2} µs/revision){sqlx_noop}",
            fmt(raw_each),
            fmt(apply),
            apply.as_secs_f64() / raw_each.as_secs_f64(),
            per(apply),
            fmt(raw_one),
            fmt(grouped),
            grouped.as_secs_f64() / raw_one.as_secs_f64(),
            per(grouped),
            fmt(noop),
            per(noop),
        );
        pool.close().await;
    }
}

/// A scratch database on a server: `(name, url)`, created empty.
async fn scratch_db<DB: sqlx::Database>(
    admin: &sqlx::Pool<DB>,
    url: &str,
    name: &str,
    force: &str,
) -> String
where
    for<'c> &'c sqlx::Pool<DB>: Executor<'c, Database = DB>,
{
    admin
        .execute(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name}{force}"
        )))
        .await
        .unwrap();
    admin
        .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .unwrap();
    let base = url.rsplit_once('/').map(|(b, _)| b).unwrap_or(url);
    format!("{base}/{name}")
}

/// PostgreSQL and MariaDB, when their URLs are set: applying against the
/// raw SQL on a fresh database (PostgreSQL: a transaction per migration on
/// one connection; MariaDB: each migration's statements, committing
/// implicitly), and the no-op launch.
async fn servers(tmp: &Path) {
    if let Ok(url) = std::env::var("MIGRATE_TEST_POSTGRES_URL") {
        let admin = PgPool::connect(&url).await.unwrap();
        for size in [100, 1000, 10_000] {
            let (ours_dir, sqlx_dir) =
                generate_with(&tmp.join(format!("pg{size}")), size, server_up_sql);
            let set = Migrations::from_dir(&ours_dir).unwrap();
            let sqls: Vec<String> = (1..=size).map(server_up_sql).collect();
            let name = format!("migrate_bench_{size}_{}", std::process::id());

            let raw_pool = PgPool::connect(&scratch_db(&admin, &url, &name, " WITH (FORCE)").await)
                .await
                .unwrap();
            let start = Instant::now();
            let mut conn = raw_pool.acquire().await.unwrap();
            for sql in &sqls {
                let mut tx = conn.begin().await.unwrap();
                tx.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(sql.as_str())))
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }
            let raw = start.elapsed();
            drop(conn);
            raw_pool.close().await;

            let pool = PgPool::connect(&scratch_db(&admin, &url, &name, " WITH (FORCE)").await)
                .await
                .unwrap();
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
            pool.close().await;
            let sqlx_noop = if size == 1000 {
                let m = sqlx::migrate::Migrator::new(sqlx_dir.as_path())
                    .await
                    .unwrap();
                let pool2 =
                    PgPool::connect(&scratch_db(&admin, &url, &name, " WITH (FORCE)").await)
                        .await
                        .unwrap();
                m.run(&pool2).await.unwrap();
                let t = median(
                    futures_times(21, || async {
                        let start = Instant::now();
                        m.run(&pool2).await.unwrap();
                        start.elapsed()
                    })
                    .await,
                );
                pool2.close().await;
                format!(", sqlx no-op {}", fmt(t))
            } else {
                String::new()
            };
            println!(
                "  PostgreSQL {size:>5} revisions: per-tx raw {} / ours {} ({:.2}x, {:.0} µs/revision), no-op {}{sqlx_noop}",
                fmt(raw),
                fmt(apply),
                apply.as_secs_f64() / raw.as_secs_f64(),
                apply.as_secs_f64() * 1e6 / size as f64,
                fmt(noop)
            );
            admin
                .execute(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE {name} WITH (FORCE)"
                )))
                .await
                .unwrap();
        }
    }

    if let Ok(url) = std::env::var("MIGRATE_TEST_MYSQL_URL") {
        // MariaDB: DDL commits implicitly, so every revision writes a
        // `started` row, runs, and marks it applied (three commits).
        let admin = MySqlPool::connect(&url).await.unwrap();
        for size in [100, 1000] {
            let (ours_dir, _) = generate_with(&tmp.join(format!("my{size}")), size, server_up_sql);
            let set = Migrations::from_dir(&ours_dir).unwrap();
            let sqls: Vec<String> = (1..=size).map(server_up_sql).collect();
            let name = format!("migrate_bench_{size}_{}", std::process::id());

            let raw_pool = MySqlPool::connect(&scratch_db(&admin, &url, &name, "").await)
                .await
                .unwrap();
            let start = Instant::now();
            let mut conn = raw_pool.acquire().await.unwrap();
            for sql in &sqls {
                conn.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(sql.as_str())))
                    .await
                    .unwrap();
            }
            let raw = start.elapsed();
            drop(conn);
            raw_pool.close().await;

            let pool = MySqlPool::connect(&scratch_db(&admin, &url, &name, "").await)
                .await
                .unwrap();
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
            pool.close().await;
            println!(
                "  MariaDB {size:>8} revisions: raw {} / ours {} ({:.2}x, {:.0} µs/revision), no-op {}",
                fmt(raw),
                fmt(apply),
                apply.as_secs_f64() / raw.as_secs_f64(),
                apply.as_secs_f64() * 1e6 / size as f64,
                fmt(noop)
            );
            admin
                .execute(sqlx::AssertSqlSafe(format!("DROP DATABASE {name}")))
                .await
                .unwrap();
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
