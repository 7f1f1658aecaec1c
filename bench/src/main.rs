//! Whole-run benchmarks: our runtime against sqlx's own `Migrator` and against
//! executing the raw SQL, on the same generated migrations, in one process.
//!
//! Run with `scripts/bench` (release build). Each figure is the median of
//! several runs, each on a fresh SQLite file; connecting is outside the timed
//! part. The variants are interleaved (run 1 of each, then run 2 of each, ...)
//! so that a drift of the disk's fsync speed over the minutes of a run
//! affects them alike. With `MIGRATE_TEST_POSTGRES_URL` and
//! `MIGRATE_TEST_MYSQL_URL` set, PostgreSQL and MariaDB figures are added.
//!
//! `migrate-bench private [--rounds N] [--revisions N]` (run by
//! `scripts/bench-scratch`) times autogenerate with the private scratch
//! server, and the share spent starting it.
//!
//! `migrate-bench process [--rounds N] [--revisions N]` (run by
//! `scripts/bench-process`) times whole command-line processes instead:
//! `cargo-migrate` beside sqlx-cli, refinery and psql/sqlite3.

mod adopt;
mod autogen;
mod memory;
mod private;
mod process;
mod servers;
mod squash;
mod stairway;

use migrate_runtime::sqlx::migrate::{Migrate, Migrator};
use migrate_runtime::sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use migrate_runtime::sqlx::{self, Connection, Executor, SqlitePool};
use migrate_runtime::{Database, Migrations};
use std::future::Future;
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

/// `n` generated migrations: ours (written to `<dir>/ours` and read back),
/// sqlx's (written to `<dir>/sqlx`), and the raw up SQL of each.
struct Generated {
    ours: Migrations,
    sqlx_dir: PathBuf,
    sqls: Vec<String>,
}

impl Generated {
    fn new(dir: &Path, n: usize, up: fn(usize) -> String) -> Generated {
        let ours = dir.join("ours");
        let sqlx_dir = dir.join("sqlx");
        std::fs::create_dir_all(&sqlx_dir).unwrap();
        write_chain(&ours, n, |i| (up(i), format!("DROP TABLE t_{i};")));
        for i in 1..=n {
            std::fs::write(sqlx_dir.join(format!("{i}_step.sql")), up(i)).unwrap();
        }
        Generated {
            ours: Migrations::from_dir(&ours).unwrap(),
            sqlx_dir,
            sqls: (1..=n).map(up).collect(),
        }
    }

    /// sqlx's migrator over its copy.
    async fn sqlx_migrator(&self) -> Migrator {
        Migrator::new(self.sqlx_dir.as_path()).await.unwrap()
    }
}

/// Writes a chain of `n` revisions in our format to `dir`, revision `i`
/// with the (up, down) SQL `revision(i)` gives.
pub(crate) fn write_chain(dir: &Path, n: usize, revision: impl Fn(usize) -> (String, String)) {
    std::fs::create_dir_all(dir).unwrap();
    for i in 1..=n {
        let (up, down) = revision(i);
        let mut file = migrate_graph::RevisionFile::new(format!("r{i:011}"));
        if i > 1 {
            file.parents = vec![format!("r{:011}", i - 1)];
        }
        file.message = Some(format!("step {i}"));
        file.up = migrate_graph::SectionText::new(format!("{up}\n\n"));
        file.down =
            migrate_graph::DownText::Sql(migrate_graph::SectionText::new(format!("{down}\n")));
        std::fs::write(dir.join(format!("{i:06}_step.sql")), file.render()).unwrap();
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

/// The median time of `n` runs of `run`, one after the other.
async fn median_time<F, Fut, T, E>(n: usize, mut run: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    E: std::fmt::Debug,
{
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let start = Instant::now();
        run().await.unwrap();
        times.push(start.elapsed());
    }
    median(times)
}

/// Our upgrade on a fresh database: the time to apply everything, then the
/// no-op launch (median of 21).
async fn apply_then_noop(set: &Migrations, db: &impl Database) -> (Duration, Duration) {
    let start = Instant::now();
    set.upgrade(db).await.unwrap();
    let apply = start.elapsed();
    (apply, median_time(21, || set.upgrade(db)).await)
}

/// sqlx's migrator on a fresh database: applied once, then its no-op run
/// (median of 21), as the figure's suffix.
async fn sqlx_noop<DB: sqlx::Database>(m: &Migrator, pool: &sqlx::Pool<DB>) -> String
where
    DB::Connection: Migrate,
{
    m.run(pool).await.unwrap();
    let t = median_time(21, || m.run(pool)).await;
    format!(", sqlx no-op {}", fmt(t))
}

/// How the baseline runs the raw SQL of the migrations.
#[derive(Clone, Copy)]
enum Raw {
    /// A transaction per migration, on one connection throughout, as the
    /// migrators use: taking one from the pool per transaction would make the
    /// baseline slower (its return to the pool is asynchronous, so the pool
    /// may open another, cold connection).
    TxEach,
    /// One transaction for everything.
    TxOne,
    /// Each migration's statements on one connection, committing implicitly
    /// (MariaDB's DDL does).
    Plain,
}

/// Runs the raw SQL of the migrations on `pool` the way `how` says.
async fn raw<DB: sqlx::Database>(pool: &sqlx::Pool<DB>, sqls: &[String], how: Raw)
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    match how {
        Raw::TxEach => {
            let mut conn = pool.acquire().await.unwrap();
            for sql in sqls {
                let mut tx = conn.begin().await.unwrap();
                exec(&mut tx, sql).await;
                tx.commit().await.unwrap();
            }
        }
        Raw::TxOne => {
            let mut tx = pool.begin().await.unwrap();
            for sql in sqls {
                exec(&mut tx, sql).await;
            }
            tx.commit().await.unwrap();
        }
        Raw::Plain => {
            let mut conn = pool.acquire().await.unwrap();
            for sql in sqls {
                exec(&mut conn, sql).await;
            }
        }
    }
}

/// Runs one migration's statements on `conn`.
async fn exec<DB: sqlx::Database>(conn: &mut DB::Connection, sql: &str)
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    conn.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(sql)))
        .await
        .unwrap();
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
    generated: &Generated,
    sqlx: &Migrator,
) -> Duration {
    let file = tmp.join("bench.db");
    let _ = std::fs::remove_file(&file);
    let pool = sqlite(&file).await;
    let start = Instant::now();
    match variant {
        Variant::RawEach => raw(&pool, &generated.sqls, Raw::TxEach).await,
        Variant::RawOne => raw(&pool, &generated.sqls, Raw::TxOne).await,
        Variant::Sqlx => sqlx.run(&pool).await.unwrap(),
        Variant::Ours => {
            generated.ours.upgrade(&pool).await.unwrap();
        }
        Variant::OursGrouped => {
            generated
                .ours
                .migrator()
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

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "memory") {
        memory::run();
        return;
    }
    if std::env::args().any(|a| a == "private") {
        let tmp = tempfile::tempdir().unwrap();
        private::run(tmp.path(), flag("--rounds", 4), flag("--revisions", 100)).await;
        return;
    }
    if std::env::args().any(|a| a == "process") {
        let tmp = tempfile::tempdir().unwrap();
        process::run(tmp.path(), flag("--rounds", 5), flag("--revisions", 1000)).await;
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
        servers::run(tmp.path()).await;
    }
    if section("autogen") {
        autogen::run(tmp.path()).await;
        autogen::catalog_reads().await;
    }
    // The catalog reads alone, without the autogenerate run before them.
    if std::env::args().skip(1).any(|a| a == "catalog") {
        autogen::catalog_reads().await;
    }
    if section("squash") {
        squash::run(tmp.path()).await;
    }
    if section("stairway") {
        stairway::run(tmp.path()).await;
    }
    if section("adopt") {
        adopt::run(tmp.path()).await;
    }
}

/// 1,000 small migrations on a fresh SQLite file: raw SQL, sqlx, ours.
async fn apply(tmp: &Path, runs: usize) {
    let n = 1000;
    let generated = Generated::new(&tmp.join("n1000"), n, up_sql);
    let sqlx_migrator = generated.sqlx_migrator().await;

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
            times[k].push(fresh_run(tmp, v, &generated, &sqlx_migrator).await);
        }
    }
    // The single-transaction runs take a tenth of a second: more rounds of
    // them, for a steadier median.
    for _ in 0..4 * runs {
        for k in [1, 4] {
            times[k].push(fresh_run(tmp, variants[k], &generated, &sqlx_migrator).await);
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

/// The number after `name` on the command line, or `default`.
fn flag(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).map_or(default, |i| {
        match args.get(i + 1).map(|v| v.parse()) {
            Some(Ok(n)) if n > 0 => n,
            _ => panic!("{name} takes a positive number"),
        }
    })
}

/// Whether to run a section: all of them unless some are named on the
/// command line (`apply`, `noop`, `servers`, `autogen`, `squash`, `stairway`,
/// `adopt`).
fn section(name: &str) -> bool {
    let named: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| {
            [
                "apply", "noop", "servers", "autogen", "squash", "stairway", "adopt", "catalog",
            ]
            .contains(&a.as_str())
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
        let generated = Generated::new(&dir, size, up_sql);
        let sqlx_migrator = generated.sqlx_migrator().await;
        let run = |variant| fresh_run(&dir, variant, &generated, &sqlx_migrator);
        let raw_each = run(Variant::RawEach).await;
        let raw_one = run(Variant::RawOne).await;
        let grouped = run(Variant::OursGrouped).await;
        let pool = sqlite(&dir.join("noop.db")).await;
        let (apply, noop) = apply_then_noop(&generated.ours, &pool).await;
        let sqlx_noop = if size == 1000 {
            let pool2 = sqlite(&dir.join("sqlx.db")).await;
            sqlx_noop(&sqlx_migrator, &pool2).await
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
