//! Copying the source database into a scratch database: PostgreSQL with
//! `pg_dump`/`pg_restore`, MariaDB with `mariadb-dump | mariadb`, SQLite with
//! its online backup API on a read-only connection (`backup.rs`). The source
//! is only read.

use super::error::RehearseError;
use super::report::CopyReport;
use super::tools::{self, Server, TempDir};
use crate::scratch::{ScratchDb, ScratchServer};
use migrate_runtime::{DatabaseUrl, Db, Dialect};
#[cfg(feature = "postgres")]
use sqlx::Connection;
use std::process::Stdio;
use std::time::Instant;

/// A copy, open.
pub(crate) struct Copy {
    /// A pool on it.
    pub(crate) db: Db,
    /// Its URL (password included: for the sampler and `--keep`).
    pub(crate) url: DatabaseUrl,
    /// The scratch database (PostgreSQL, MariaDB), dropped by the caller.
    pub(crate) scratch: Option<ScratchDb>,
    /// The directory of a SQLite copy, removed when dropped.
    pub(crate) dir: Option<TempDir>,
    /// How it was made.
    pub(crate) report: CopyReport,
}

/// Copies `source` into a new scratch database of `server` on the server
/// of `dev` (a sample of `sample` percent of each table's rows, when given).
/// The scratch database is registered with the scratch module as soon as it
/// exists, so a cancelled copy leaves nothing behind.
pub(crate) async fn copy(
    source: &DatabaseUrl,
    server: &ScratchServer,
    dev: Option<&DatabaseUrl>,
    sample: Option<f64>,
    table: &str,
) -> Result<Copy, RehearseError> {
    let begun = Instant::now();
    let (db, url, scratch, dir, method) = match source.dialect() {
        Dialect::Sqlite => {
            let (db, url, dir, method) = super::backup::sqlite(source, sample, table).await?;
            (db, url, None, Some(dir), method)
        }
        dialect => {
            let scratch = server.create().await?;
            let name = scratch.name.clone().unwrap_or_default();
            // The server's own URL: a private server's is known once it has
            // started (its socket), a dev server's is `dev`.
            let url = server
                .url(&name)
                .or_else(|| dev.and_then(|d| d.with_database(&name)))
                .expect("a server URL takes a database name");
            // The copy tools connect on their own: give them an empty
            // database nobody else is using.
            let method = match dialect {
                Dialect::Postgres => postgres(source, &url, sample, table).await,
                _ => mysql(source, &url, sample, table).await,
            };
            let method = match method {
                Ok(m) => m,
                Err(e) => {
                    let _ = server.drop(scratch).await;
                    return Err(e);
                }
            };
            (scratch.db.clone(), url, Some(scratch), None, method)
        }
    };
    Ok(Copy {
        db,
        url,
        scratch,
        dir,
        report: CopyReport {
            method,
            sample,
            duration: begun.elapsed(),
            kept: None,
        },
    })
}

/// How many jobs `pg_dump`/`pg_restore` run: the cores, at most four.
/// Cores from which the parallel directory form beats the pipe. Below, the
/// pipe wins: its dump and restore run at once, where the directory form
/// runs them one after the other (on 2 cores, 1 GB: the pipe 33.7 s, the
/// directory form with `--jobs=2` 46.2 s; `scripts/bench-rehearse`).
const PARALLEL_FROM: usize = 4;

fn jobs() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4)
}

#[cfg(feature = "postgres")]
async fn postgres(
    source: &DatabaseUrl,
    copy: &DatabaseUrl,
    sample: Option<f64>,
    table: &str,
) -> Result<String, RehearseError> {
    let shown = source.to_string();
    let failed = |action: &'static str| RehearseError::query(action, shown.clone());
    let mut conn = sqlx::PgConnection::connect(&source.driver_text())
        .await
        .map_err(failed("connect"))?;
    let version: String = sqlx::query_scalar("SHOW server_version_num")
        .fetch_one(&mut conn)
        .await
        .map_err(failed("read the server version"))?;
    let major = version.parse::<u32>().ok().map(|v| v / 10000);
    let dump = tools::pg_tool("pg_dump", major)?;
    let restore = tools::pg_tool("pg_restore", major)?;
    let from = Server::of(source);
    let to = Server::of(copy);
    let secrets = [
        from.password.as_deref().unwrap_or(""),
        to.password.as_deref().unwrap_or(""),
    ];
    let restore_cmd = |extra: &[&str]| {
        let mut cmd = to.pg_command(&restore);
        cmd.args(["--no-owner", "--no-acl", "--exit-on-error"])
            .args(extra)
            .arg(format!("--dbname={}", to.database));
        cmd
    };
    if let Some(percent) = sample {
        conn.close().await.ok();
        return pg_sample(
            source,
            copy,
            &from,
            &dump,
            restore_cmd,
            (percent, table),
            &secrets,
        )
        .await;
    }
    conn.close().await.ok();
    let jobs = jobs();
    // The dump is read once, right away, on this machine: compressing it
    // only spends the cores the restore needs.
    if jobs >= PARALLEL_FROM {
        // Directory format: the only one pg_dump writes in parallel.
        let dir = TempDir::new()?;
        let out = dir.path().join("dump");
        let mut cmd = from.pg_command(&dump);
        cmd.arg("--format=directory")
            .arg("--compress=0")
            .arg(format!("--jobs={jobs}"))
            .arg(format!("--file={}", out.display()))
            .arg(format!("--dbname={}", from.database));
        tools::run(cmd, "pg_dump", &shown, &secrets).await?;
        let mut cmd = restore_cmd(&[&format!("--jobs={jobs}")]);
        cmd.arg(&out);
        tools::run(cmd, "pg_restore", &shown, &secrets).await?;
        return Ok(format!(
            "pg_dump --format=directory --compress=0 --jobs={jobs}, pg_restore --jobs={jobs}"
        ));
    }
    let mut cmd = from.pg_command(&dump);
    cmd.arg("--format=custom")
        .arg("--compress=0")
        .arg(format!("--dbname={}", from.database));
    pipe(
        cmd,
        "pg_dump",
        restore_cmd(&[]),
        "pg_restore",
        &shown,
        &secrets,
    )
    .await?;
    Ok("pg_dump --format=custom --compress=0 | pg_restore".to_owned())
}

/// The schema whole, then `percent` of each table's rows
/// (`TABLESAMPLE BERNOULLI`), then indexes and constraints. Foreign keys to
/// rows left out would fail: the rows go in with triggers (and so foreign
/// key checks) off, which needs a superuser on the dev server.
#[cfg(feature = "postgres")]
async fn pg_sample(
    source: &DatabaseUrl,
    copy: &DatabaseUrl,
    from: &Server,
    dump: &std::path::Path,
    restore_cmd: impl Fn(&[&str]) -> tokio::process::Command,
    (percent, table): (f64, &str),
    secrets: &[&str],
) -> Result<String, RehearseError> {
    let shown = source.to_string();
    let dir = TempDir::new()?;
    let out = dir.path().join("schema.dump");
    let mut cmd = from.pg_command(dump);
    cmd.arg("--format=custom")
        .arg("--schema-only")
        .arg(format!("--file={}", out.display()))
        .arg(format!("--dbname={}", from.database));
    tools::run(cmd, "pg_dump", &shown, secrets).await?;
    let mut cmd = restore_cmd(&["--section=pre-data"]);
    cmd.arg(&out);
    tools::run(cmd, "pg_restore", &shown, secrets).await?;
    super::sample::pg_rows(source, copy, percent, table).await?;
    let mut cmd = restore_cmd(&["--section=post-data"]);
    cmd.arg(&out);
    tools::run(cmd, "pg_restore", &shown, secrets).await?;
    Ok(format!(
        "pg_dump --schema-only | pg_restore, then {percent}% of each table's rows (TABLESAMPLE BERNOULLI)"
    ))
}

async fn mysql(
    source: &DatabaseUrl,
    copy: &DatabaseUrl,
    sample: Option<f64>,
    table: &str,
) -> Result<String, RehearseError> {
    let shown = source.to_string();
    let dump =
        tools::on_path(&["mariadb-dump", "mysqldump"]).ok_or(RehearseError::ToolMissing {
            tool: "mariadb-dump",
            database: "MariaDB/MySQL",
            package: "mariadb-client",
        })?;
    let client = tools::on_path(&["mariadb", "mysql"]).ok_or(RehearseError::ToolMissing {
        tool: "mariadb",
        database: "MariaDB/MySQL",
        package: "mariadb-client",
    })?;
    let from = Server::of(source);
    let to = Server::of(copy);
    let dir = TempDir::new()?;
    let from_cnf = dir.write_secret("from.cnf", &from.my_options())?;
    let to_cnf = dir.write_secret("to.cnf", &to.my_options())?;
    let secrets = [
        from.password.as_deref().unwrap_or(""),
        to.password.as_deref().unwrap_or(""),
    ];
    let mut d = from.my_command(&dump, &from_cnf);
    d.args([
        "--single-transaction",
        "--routines",
        "--events",
        "--triggers",
        "--skip-lock-tables",
    ]);
    let version = super::sample::bare(table);
    if let Some(p) = sample {
        // The version table's rows go whole, in a second dump below.
        d.arg(format!("--where=RAND() < {}", p / 100.0))
            .arg(format!("--ignore-table-data={}.{version}", from.database));
    }
    d.arg(&from.database);
    let mut r = to.my_command(&client, &to_cnf);
    r.arg(&to.database);
    pipe(d, "mariadb-dump", r, "mariadb", &shown, &secrets).await?;
    if sample.is_some() {
        let mut d = from.my_command(&dump, &from_cnf);
        d.args([
            "--single-transaction",
            "--no-create-info",
            "--skip-lock-tables",
        ])
        .arg(&from.database)
        .arg(version);
        let mut r = to.my_command(&client, &to_cnf);
        r.arg(&to.database);
        pipe(d, "mariadb-dump", r, "mariadb", &shown, &secrets).await?;
    }
    Ok(match sample {
        None => "mariadb-dump --single-transaction | mariadb".to_owned(),
        Some(p) => format!(
            "mariadb-dump --single-transaction --where 'RAND() < {}' | mariadb",
            p / 100.0
        ),
    })
}

/// `producer | consumer`, both killed if the rehearsal is cancelled.
async fn pipe(
    mut producer: tokio::process::Command,
    p_name: &str,
    mut consumer: tokio::process::Command,
    c_name: &str,
    database: &str,
    secrets: &[&str],
) -> Result<(), RehearseError> {
    let io = |action: String| move |source| RehearseError::Io { action, source };
    let mut p = producer
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(io(format!("start {p_name}")))?;
    let stdout: Stdio = p
        .stdout
        .take()
        .expect("piped")
        .try_into()
        .map_err(io(format!("connect {p_name} to {c_name}")))?;
    let c = consumer
        .stdin(stdout)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(io(format!("start {c_name}")))?;
    let (p_out, c_out) = tokio::join!(p.wait_with_output(), c.wait_with_output());
    let p_out = p_out.map_err(io(format!("wait for {p_name}")))?;
    let c_out = c_out.map_err(io(format!("wait for {c_name}")))?;
    tools::check(p_name, database, p_out.status, &p_out.stderr, secrets)?;
    tools::check(c_name, database, c_out.status, &c_out.stderr, secrets)
}

/// Built without PostgreSQL.
#[cfg(not(feature = "postgres"))]
async fn postgres(
    _source: &DatabaseUrl,
    _copy: &DatabaseUrl,
    _sample: Option<f64>,
    _table: &str,
) -> Result<String, RehearseError> {
    Err(RehearseError::not_built(Dialect::Postgres))
}
