//! The servers' own dump programs: `pg_dump --schema-only` and
//! `mariadb-dump --no-data --routines --events --triggers`, reaching the
//! server as the runtime's [`ToolConnection`] says (the password in
//! `PGPASSWORD` or a private option file, never on a command line `ps`
//! shows; sockets; TLS).

use migrate_runtime::{DatabaseUrl, Db, Dialect, SecretDir, ToolConnection};
use std::path::{Path, PathBuf};
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
    if url.dialect() == Dialect::Sqlite {
        return Output::NotRun("SQLite has no dump program".to_owned());
    }
    // The option file and inline certificates live until the program ends.
    let files = match SecretDir::new() {
        Ok(files) => files,
        Err(e) => return Output::NotRun(format!("cannot make a private directory: {e}")),
    };
    let mut conn = ToolConnection::of(url);
    if let Err(e) = conn.write_inline_certificates(&files) {
        return Output::NotRun(format!("cannot write the URL's certificates: {e}"));
    }
    let command = match url.dialect() {
        Dialect::Postgres => {
            let program = pg_dump(db).await;
            postgres(&conn, &program, exclude, privileges)
        }
        _ => match files.write("client.cnf", &conn.my_option_file()) {
            Ok(options) => mariadb(&conn, &options, exclude),
            Err(e) => return Output::NotRun(format!("cannot write an option file: {e}")),
        },
    };
    let shown = url.to_string();
    let program = command.get_program().to_string_lossy().into_owned();
    let mut command = command;
    RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let result = tokio::task::spawn_blocking(move || command.output()).await;
    drop(files);
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

fn postgres(
    conn: &ToolConnection,
    program: &Path,
    exclude: &[String],
    privileges: bool,
) -> Command {
    let mut c = conn.pg_command(program);
    c.arg("--schema-only");
    if !privileges {
        c.args(["--no-owner", "--no-privileges"]);
    }
    for table in exclude {
        c.arg(format!("--exclude-table={table}"));
    }
    c.arg(format!("--dbname={}", conn.database));
    c
}

fn mariadb(conn: &ToolConnection, options: &Path, exclude: &[String]) -> Command {
    let mut c = conn.my_command(Path::new("mariadb-dump"), options);
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
    for table in exclude {
        c.arg(format!("--ignore-table={}.{table}", conn.database));
    }
    c.arg(&conn.database);
    c
}
