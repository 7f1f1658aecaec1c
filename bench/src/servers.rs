//! PostgreSQL and MariaDB, when their URLs are set: applying against the raw
//! SQL on a fresh database (PostgreSQL: a transaction per migration on one
//! connection; MariaDB: each migration's statements, committing implicitly),
//! and the no-op launch.

use std::path::Path;
use std::time::{Duration, Instant};

use migrate_runtime::sqlx::{self, Executor, MySqlPool, PgPool};

use super::{apply_then_noop, fmt, raw, server_up_sql, sqlx_noop, Generated, Raw};

/// Runs the section for each server whose URL is set.
pub(crate) async fn run(tmp: &Path) {
    if let Ok(url) = std::env::var("MIGRATE_TEST_POSTGRES_URL") {
        postgres(tmp, &url).await;
    }
    if let Ok(url) = std::env::var("MIGRATE_TEST_MYSQL_URL") {
        mariadb(tmp, &url).await;
    }
}

async fn postgres(tmp: &Path, url: &str) {
    let admin = PgPool::connect(url).await.unwrap();
    for size in [100, 1000, 10_000] {
        let generated = Generated::new(&tmp.join(format!("pg{size}")), size, server_up_sql);
        let server = Server::new(&admin, url, size, " WITH (FORCE)");
        let fresh = async || PgPool::connect(&server.fresh().await).await.unwrap();
        let times = raw_then_ours(&generated, fresh, Raw::TxEach).await;
        let sqlx_noop = if size == 1000 {
            let pool = fresh().await;
            let noop = sqlx_noop(&generated.sqlx_migrator().await, &pool).await;
            pool.close().await;
            noop
        } else {
            String::new()
        };
        report("PostgreSQL", size, "per-tx raw", times, &sqlx_noop);
        server.drop_database().await;
    }
}

/// MariaDB: DDL commits implicitly, so every revision writes a `started`
/// row, runs, and marks it applied (three commits).
async fn mariadb(tmp: &Path, url: &str) {
    let admin = MySqlPool::connect(url).await.unwrap();
    for size in [100, 1000] {
        let generated = Generated::new(&tmp.join(format!("my{size}")), size, server_up_sql);
        let server = Server::new(&admin, url, size, "");
        let fresh = async || MySqlPool::connect(&server.fresh().await).await.unwrap();
        let times = raw_then_ours(&generated, fresh, Raw::Plain).await;
        report("MariaDB", size, "raw", times, "");
        server.drop_database().await;
    }
}

/// One server's line: the raw time, ours to apply (against it, and per
/// revision) and the no-op launch, then `more`. Sizes are right-aligned to
/// one column whatever the server's name.
fn report(server: &str, size: usize, raw_label: &str, times: [Duration; 3], more: &str) {
    let [raw, apply, noop] = times;
    let width = 15 - server.len();
    println!(
        "  {server} {size:>width$} revisions: {raw_label} {} / ours {} ({:.2}x, {:.0} µs/revision), no-op {}{more}",
        fmt(raw),
        fmt(apply),
        apply.as_secs_f64() / raw.as_secs_f64(),
        apply.as_secs_f64() * 1e6 / size as f64,
        fmt(noop)
    );
}

/// The raw SQL on a fresh database, then ours on another: the raw time, and
/// ours to apply and for the no-op launch.
async fn raw_then_ours<DB>(
    generated: &Generated,
    fresh: impl AsyncFn() -> sqlx::Pool<DB>,
    how: Raw,
) -> [Duration; 3]
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    sqlx::Pool<DB>: migrate_runtime::Database,
{
    let pool = fresh().await;
    let start = Instant::now();
    raw(&pool, &generated.sqls, how).await;
    let raw = start.elapsed();
    pool.close().await;
    let pool = fresh().await;
    let (apply, noop) = apply_then_noop(&generated.ours, &pool).await;
    pool.close().await;
    [raw, apply, noop]
}

/// The benchmark's database on a server, recreated empty for each run.
pub(crate) struct Server<'a, DB: sqlx::Database> {
    admin: &'a sqlx::Pool<DB>,
    url: &'a str,
    name: String,
    /// What `DROP DATABASE` needs to drop a database still in use.
    force: &'static str,
}

impl<'a, DB: sqlx::Database> Server<'a, DB>
where
    for<'c> &'c sqlx::Pool<DB>: Executor<'c, Database = DB>,
{
    fn new(admin: &'a sqlx::Pool<DB>, url: &'a str, size: usize, force: &'static str) -> Self {
        Self::named(
            admin,
            url,
            format!("migrate_bench_{size}_{}", std::process::id()),
            force,
        )
    }

    /// The database `name` on the server of `url`, managed through `admin`.
    pub(crate) fn named(
        admin: &'a sqlx::Pool<DB>,
        url: &'a str,
        name: String,
        force: &'static str,
    ) -> Self {
        Server {
            admin,
            url,
            name,
            force,
        }
    }

    /// Creates the database empty (dropping what is there) and returns its URL.
    pub(crate) async fn fresh(&self) -> String {
        self.drop_database().await;
        self.admin
            .execute(sqlx::AssertSqlSafe(format!(
                "CREATE DATABASE {}",
                self.name
            )))
            .await
            .unwrap();
        let base = self.url.rsplit_once('/').map_or(self.url, |(b, _)| b);
        format!("{base}/{}", self.name)
    }

    pub(crate) async fn drop_database(&self) {
        self.admin
            .execute(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {}{}",
                self.name, self.force
            )))
            .await
            .unwrap();
    }
}
