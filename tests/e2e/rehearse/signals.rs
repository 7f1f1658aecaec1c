//! SIGTERM and Ctrl-C (SIGINT) while the copy is made and while a revision
//! runs on it: the process stops, the scratch database and the temporary
//! files are gone, the copy tools are not left running.

use super::fixture::{base, Source};
use crate::support::{rev, wait_limited, Backend};
use migrate_runtime::Db;
use std::time::{Duration, Instant};

/// Polls `check` (every 20 ms) until it holds. The limit only keeps a hang
/// from stalling the suite: generous, since a loaded machine (the whole
/// suite in parallel on two cores) copies slowly.
async fn until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(600);
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn signal(pid: u32, name: &str) {
    let ok = std::process::Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{name} {pid}");
}

/// The scratch database a session on the server runs `like` in.
async fn running(backend: Backend, like: &str) -> Option<String> {
    let server = backend.server_url().unwrap();
    let db = Db::connect(&server).await.unwrap();
    let sql = match backend {
        Backend::Postgres => format!(
            "SELECT datname FROM pg_stat_activity WHERE datname LIKE 'migrate\\_scratch\\_%' AND query LIKE '{like}'"
        ),
        _ => format!(
            "SELECT DB FROM information_schema.PROCESSLIST WHERE DB LIKE 'migrate\\_scratch\\_%' AND INFO LIKE '{like}'"
        ),
    };
    let found = crate::support::strings(&db, &sql).await.unwrap();
    db.close().await;
    found.into_iter().next()
}

/// The scratch database a copy tool started by `pid` writes to, read from
/// the tool's command line (`/proc`).
fn copy_target(pid: u32) -> Option<String> {
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ppid ...`: comm may hold spaces, so split after `)`.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if ppid != Some(pid) {
            continue;
        }
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let text = String::from_utf8_lossy(&cmdline);
        if let Some(at) = text.find("migrate_scratch_") {
            let name: String = text[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            return Some(name);
        }
    }
    None
}

async fn interrupted(backend: Backend, phase: &str, sig: &str) {
    let sleep = match backend {
        Backend::Postgres => "SELECT pg_sleep(120);",
        _ => "SELECT SLEEP(120);",
    };
    let revs = vec![
        base(backend),
        rev("f6", &["a1"]).up(sleep).down("SELECT 1;"),
    ];
    let Some(source) = Source::new(backend, &revs, "a1").await else {
        return;
    };
    let dev = source.share_the_server();
    let child = source
        .command(&["rehearse"])
        .args(&dev)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let copy = std::sync::Mutex::new(None::<String>);
    match phase {
        // A copy tool of its writes into the scratch database.
        "copy" => {
            until("the copy to start", || async {
                let found = copy_target(pid);
                let started = found.is_some();
                *copy.lock().unwrap() = found;
                started
            })
            .await
        }
        _ => {
            until("the slow revision to run on the copy", || async {
                let found = match backend {
                    Backend::Postgres => running(backend, "%pg_sleep(120)%").await,
                    _ => running(backend, "%SLEEP(120)%").await,
                };
                let started = found.is_some();
                *copy.lock().unwrap() = found;
                started
            })
            .await
        }
    }
    let copy = copy.into_inner().unwrap().expect("the copy's name");
    signal(pid, sig);
    let stderr = stopped(child);
    assert!(
        !source.exists_on_server(&copy).await,
        "{copy} left: {stderr}"
    );
    assert_tmp_empty(&source);
    // No copy tool of its is still running against the server.
    let server = backend.server_url().unwrap();
    let db = Db::connect(&server).await.unwrap();
    let tools = match backend {
        Backend::Postgres => format!(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name IN ('pg_dump', 'pg_restore') \
             AND (datname = '{}' OR datname = '{copy}')",
            source.db.name
        ),
        _ => format!(
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = '{}' AND COMMAND <> 'Sleep' AND ID <> CONNECTION_ID()",
            source.db.name
        ),
    };
    // The killed tools' sessions end as the server notices.
    until("the copy tools' sessions to end", || async {
        crate::support::int(&db, &tools).await.unwrap() == 0
    })
    .await;
    db.close().await;
}

/// Every file under `dir`, at any depth.
fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// SQLite: the revision writes the rows of a recursive CTE of a billion
/// rows into a table (minutes of work); the sign it runs is the copy's
/// rollback journal (or WAL), which SQLite creates when the write
/// transaction first changes a page. The copy lives in the rehearsal's
/// TMPDIR, so nothing of it may be left there.
async fn sqlite_interrupted(sig: &str) {
    let backend = Backend::Sqlite;
    let slow = "CREATE TABLE slow AS WITH RECURSIVE c(x) AS \
                (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT x FROM c;";
    let revs = vec![
        base(backend),
        rev("f6", &["a1"]).up(slow).down("DROP TABLE slow;"),
    ];
    let Some(source) = Source::new(backend, &revs, "a1").await else {
        return;
    };
    let before = source.fingerprint().await;
    let child = source
        .command(&["rehearse"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let tmp = source.tmp.path().to_owned();
    until("the slow revision to write to the copy", || {
        let tmp = tmp.clone();
        async move {
            files_under(&tmp).iter().any(|p| {
                let name = p.to_string_lossy();
                name.ends_with("-journal") || name.ends_with("-wal")
            })
        }
    })
    .await;
    signal(pid, sig);
    stopped_cleanly(child, &source, &before).await;
}

/// After a signal: the rehearsal `child` exits 1 saying `interrupted`, its
/// TMPDIR is empty at any depth, and the source is as `before`.
async fn stopped_cleanly(child: std::process::Child, source: &Source, before: &[String]) {
    stopped(child);
    assert_tmp_empty(source);
    assert_eq!(source.fingerprint().await, before);
}

/// The signalled rehearsal `child` exits 1 saying `interrupted`; its
/// error output.
fn stopped(mut child: std::process::Child) -> String {
    let status = wait_limited(&mut child, Duration::from_secs(300)).expect("it stops");
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    stderr
}

/// Nothing of the rehearsal is left in its TMPDIR (what is, at any depth,
/// is named).
fn assert_tmp_empty(source: &Source) {
    assert_eq!(
        source.tmp_left(),
        Vec::<std::path::PathBuf>::new(),
        "left in TMPDIR, at any depth: {:?}",
        files_under(source.tmp.path())
    );
}

/// A SQLite source the test holds locked (an exclusive transaction of its
/// own, no writes) and a rehearsal of it started with `stdout` piped or not:
/// the backup waits for the lock at its first step with its file open in
/// the rehearsal's TMPDIR. Returns once that file is there, with the
/// source's fingerprint from before and the connection holding the lock.
async fn copy_waiting_for_a_locked_sqlite_source(
    stdout: std::process::Stdio,
) -> Option<(
    Source,
    Vec<String>,
    sqlx::SqliteConnection,
    std::process::Child,
)> {
    use sqlx::Connection;
    let backend = Backend::Sqlite;
    let revs = vec![
        base(backend),
        rev("f6", &["a1"])
            .up("CREATE TABLE f6 (id INTEGER);")
            .down("DROP TABLE f6;"),
    ];
    let source = Source::new(backend, &revs, "a1").await?;
    let before = source.fingerprint().await;
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&source.db.name);
    let mut holder = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    sqlx::raw_sql("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;")
        .execute(&mut holder)
        .await
        .unwrap();
    let child = source
        .command(&["rehearse"])
        .stdout(stdout)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let tmp = source.tmp.path().to_owned();
    until("the copy's file in TMPDIR", || {
        let tmp = tmp.clone();
        async move {
            files_under(&tmp)
                .iter()
                .any(|p| p.to_string_lossy().ends_with("copy.sqlite"))
        }
    })
    .await;
    Some((source, before, holder, child))
}

/// Ends the test's hold on the source.
async fn release(mut holder: sqlx::SqliteConnection) {
    use sqlx::Connection;
    sqlx::raw_sql("ROLLBACK;")
        .execute(&mut holder)
        .await
        .unwrap();
    holder.close().await.unwrap();
}

/// SQLite during the copy: the signal comes while the backup waits for
/// the source the test holds. It must end the wait, finish the backup and
/// remove the file; the source is unchanged once the test lets it go.
async fn sqlite_interrupted_copying(sig: &str) {
    let Some((source, before, holder, child)) =
        copy_waiting_for_a_locked_sqlite_source(std::process::Stdio::null()).await
    else {
        return;
    };
    signal(child.id(), sig);
    // Its lock changes no byte: the source is compared while still held.
    stopped_cleanly(child, &source, &before).await;
    release(holder).await;
}

/// A source locked for a moment only is waited for, then copied: the
/// rehearsal succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_source_locked_for_a_moment_is_waited_for() {
    let Some((source, before, holder, child)) =
        copy_waiting_for_a_locked_sqlite_source(std::process::Stdio::piped()).await
    else {
        return;
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    release(holder).await;
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("SQLite online backup"), "{stdout}");
    assert!(stdout.contains("f6"), "{stdout}");
    assert_tmp_empty(&source);
    assert_eq!(source.fingerprint().await, before);
}

mod sqlite {
    use super::{sqlite_interrupted, sqlite_interrupted_copying};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sigterm_during_the_copy() {
        sqlite_interrupted_copying("TERM").await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn ctrl_c_during_the_copy() {
        sqlite_interrupted_copying("INT").await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sigterm_during_the_run() {
        sqlite_interrupted("TERM").await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn ctrl_c_during_the_run() {
        sqlite_interrupted("INT").await;
    }
}

mod postgres {
    use super::interrupted;
    use crate::support::Backend;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sigterm_during_the_copy() {
        if Backend::all().contains(&Backend::Postgres) {
            interrupted(Backend::Postgres, "copy", "TERM").await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn ctrl_c_during_the_run() {
        if Backend::all().contains(&Backend::Postgres) {
            interrupted(Backend::Postgres, "run", "INT").await;
        }
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn ctrl_c_during_the_copy() {
        if Backend::all().contains(&Backend::Postgres) {
            interrupted(Backend::Postgres, "copy", "INT").await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sigterm_during_the_run() {
        if Backend::all().contains(&Backend::Postgres) {
            interrupted(Backend::Postgres, "run", "TERM").await;
        }
    }
}

mod mysql {
    use super::interrupted;
    use crate::support::Backend;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sigterm_during_the_copy() {
        if Backend::all().contains(&Backend::MySql) {
            interrupted(Backend::MySql, "copy", "TERM").await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sigterm_during_the_run() {
        if Backend::all().contains(&Backend::MySql) {
            interrupted(Backend::MySql, "run", "TERM").await;
        }
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn ctrl_c_during_the_copy() {
        if Backend::all().contains(&Backend::MySql) {
            interrupted(Backend::MySql, "copy", "INT").await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn ctrl_c_during_the_run() {
        if Backend::all().contains(&Backend::MySql) {
            interrupted(Backend::MySql, "run", "INT").await;
        }
    }
}
