//! The servers' own dump programs: `pg_dump --schema-only` and
//! `mariadb-dump --no-data --routines --events --triggers`, run with the
//! password in the environment (never on a command line `ps` shows).

use migrate_runtime::{DatabaseUrl, Db, Dialect};
use std::path::PathBuf;
use std::process::Command;

/// How many times this process started a dump program: what the stairway's
/// fingerprints save, counted rather than timed (a shared machine's load
/// makes times noisy).
pub(super) static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// What a dump program printed, or why it could not run.
pub(super) enum Output {
    /// Its standard output.
    Text(String),
    /// The program is missing or failed: the net could not run, in words.
    NotRun(String),
}

/// The server's schema dump of the database `url` names, without the
/// tables in `exclude`. With `privileges`, owners and grants are kept.
pub(super) async fn dump(
    db: &Db,
    url: &DatabaseUrl,
    exclude: &[String],
    privileges: bool,
) -> Output {
    let Ok(parsed) = url::Url::parse(&url.driver_text()) else {
        return Output::NotRun(format!("{url} is not a URL the dump programs take"));
    };
    let command = match url.dialect() {
        Dialect::Postgres => {
            let program = pg_dump(db).await;
            postgres(&program, &parsed, exclude, privileges)
        }
        Dialect::MySql => mariadb(&parsed, exclude),
        Dialect::Sqlite => return Output::NotRun("SQLite has no dump program".to_owned()),
    };
    let shown = url.to_string();
    let program = command.get_program().to_string_lossy().into_owned();
    let mut command = command;
    RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let result = tokio::task::spawn_blocking(move || command.output()).await;
    match result {
        Ok(Ok(out)) if out.status.success() => {
            Output::Text(String::from_utf8_lossy(&out.stdout).into_owned())
        }
        Ok(Ok(out)) => Output::NotRun(format!(
            "{program} failed on {shown}: {}",
            url.scrub(String::from_utf8_lossy(&out.stderr).trim())
        )),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => Output::NotRun(format!(
            "{program} is not installed (install the server's client programs to compare the schema dumps)"
        )),
        Ok(Err(e)) => Output::NotRun(format!("{program} did not run: {e}")),
        Err(e) => Output::NotRun(format!("{program} did not run: {e}")),
    }
}

/// The pg_dump of the server's major version when installed
/// (`/usr/lib/postgresql/<major>/bin`): an older pg_dump refuses a newer
/// server. Else the one on `PATH`.
async fn pg_dump(db: &Db) -> PathBuf {
    let major = match crate::proof::rows::text(db, "SHOW server_version_num").await {
        Ok(Some(v)) => v.trim().parse::<u32>().ok().map(|n| n / 10000),
        _ => None,
    };
    if let Some(major) = major {
        let path = PathBuf::from(format!("/usr/lib/postgresql/{major}/bin/pg_dump"));
        if path.exists() {
            return path;
        }
    }
    PathBuf::from("pg_dump")
}

fn postgres(program: &PathBuf, url: &url::Url, exclude: &[String], privileges: bool) -> Command {
    let mut c = Command::new(program);
    let mut target = url.clone();
    let _ = target.set_password(None);
    if let Some(p) = url.password() {
        c.env("PGPASSWORD", decode(p));
    }
    c.arg("--schema-only");
    if !privileges {
        c.args(["--no-owner", "--no-privileges"]);
    }
    for table in exclude {
        c.arg(format!("--exclude-table={table}"));
    }
    c.arg("--dbname").arg(target.as_str());
    c
}

fn mariadb(url: &url::Url, exclude: &[String]) -> Command {
    let mut c = Command::new("mariadb-dump");
    if let Some(p) = url.password() {
        c.env("MYSQL_PWD", decode(p));
    }
    let database = url.path().trim_start_matches('/').to_owned();
    c.args([
        "--no-data",
        "--routines",
        "--events",
        "--triggers",
        "--compact",
        "--skip-dump-date",
        "--skip-opt",
        "--create-options",
    ]);
    // A private scratch server listens on its socket only (`?socket=`).
    let socket = url
        .query_pairs()
        .find(|(k, _)| k == "socket")
        .map(|(_, v)| v.into_owned());
    if let Some(socket) = socket {
        c.args(["--protocol=SOCKET", &format!("--socket={socket}")]);
    } else {
        c.arg("--protocol=TCP");
        if let Some(host) = url.host_str() {
            c.arg(format!("--host={host}"));
        }
        if let Some(port) = url.port() {
            c.arg(format!("--port={port}"));
        }
    }
    if !url.username().is_empty() {
        c.arg(format!("--user={}", decode(url.username())));
    }
    for table in exclude {
        c.arg(format!("--ignore-table={database}.{table}"));
    }
    c.arg(database);
    c
}

/// A URL part, percent-decoded.
fn decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| text.to_owned())
}
