//! The private scratch server: when no dev server is configured, PostgreSQL
//! and MariaDB scratch work runs on a throw-away server started from the
//! installed server binaries, in a temporary directory only its owner can
//! enter, listening on a Unix socket in that directory and on no network
//! port. Nothing the migrations or the desired schema do can reach another
//! database, role or user: there are none but the server's own.
//!
//! The server and its directory go away when the last [`Private`] handle
//! is dropped, when [`crate::scratch::drop_live`] runs (the Ctrl-C,
//! SIGTERM and SIGHUP handlers), and, through the watchdog of `process.rs`,
//! when this process dies in any other way.
//!
//! # Imports
//!
//! `mariadb`, `postgres` → `process`, `template` → `binaries`

mod binaries;
mod mariadb;
mod postgres;
mod process;
mod template;

use super::admin::Conn;
use migrate_runtime::{DatabaseUrl, Dialect};
use process::Watched;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

/// What to do without PostgreSQL's server binaries.
pub(crate) const NO_POSTGRES: &str = "no PostgreSQL server binaries (initdb and postgres) on PATH or in /usr/lib/postgresql/*/bin, /usr/pgsql-*/bin or /usr/local/pgsql/bin: install them (Debian/Ubuntu: apt-get install postgresql; Fedora/RHEL: dnf install postgresql-server; macOS: brew install postgresql)";

/// What to do without MariaDB's server binaries.
pub(crate) const NO_MARIADB: &str = "no MariaDB server binaries (mariadb-install-db and mariadbd) on PATH or in /usr/sbin, /usr/bin or /usr/local/bin: install them (Debian/Ubuntu: apt-get install mariadb-server; Fedora/RHEL: dnf install mariadb-server; macOS: brew install mariadb)";

/// How long a private server may take to accept connections: generous,
/// because a first start on a loaded machine (no cached template yet) runs
/// initdb or mariadb-install-db, which can take a minute there.
const START_LIMIT: Duration = Duration::from_secs(180);

/// A server process just spawned, not yet accepting connections.
pub(crate) struct Started {
    watched: Watched,
    url: String,
    major: Option<u32>,
    product: &'static str,
}

/// A running private server.
#[derive(Debug)]
pub(crate) struct Private {
    watched: Mutex<Watched>,
    admin: DatabaseUrl,
    notice: Option<String>,
    /// How long the start took (initialisation and start-up).
    pub(crate) start_time: Duration,
}

/// Private servers of this process, for the signal handlers.
static RUNNING: Mutex<Vec<Weak<Private>>> = Mutex::new(Vec::new());

impl Private {
    /// Starts a private server for `dialect`: the target's major version
    /// when `target` answers and that version is installed.
    pub(crate) async fn start(
        dialect: Dialect,
        target: Option<&DatabaseUrl>,
    ) -> Result<Arc<Private>, String> {
        let began = Instant::now();
        let target_version = match target {
            Some(t) => tokio::time::timeout(Duration::from_secs(5), version_of(t))
                .await
                .ok()
                .flatten(),
            None => None,
        };
        let prefer = target_version.as_ref().and_then(|v| v.1);
        let started = tokio::task::spawn_blocking(move || match dialect {
            Dialect::Postgres => postgres::start(prefer),
            _ => mariadb::start(),
        })
        .await
        .map_err(|e| format!("the private server's start panicked: {e}"))??;
        let Started {
            mut watched,
            url,
            major,
            product,
        } = started;
        let admin = DatabaseUrl::parse(&url).map_err(|e| e.to_string())?;
        let deadline = Instant::now() + START_LIMIT;
        loop {
            match Conn::open(&admin).await {
                Ok(c) => {
                    c.close().await;
                    break;
                }
                Err(_) if Instant::now() < deadline => {
                    if let Some(log) = watched.exited() {
                        return Err(format!(
                            "the private {product} server stopped while starting: {log}"
                        ));
                    }
                    tokio::time::sleep(Duration::from_millis(25)).await;
                }
                Err(e) => {
                    let log = watched.log();
                    return Err(format!(
                        "the private {product} server did not accept connections within {}s ({}): {log}",
                        START_LIMIT.as_secs(),
                        e.into_source()
                    ));
                }
            }
        }
        let notice = notice(dialect, target_version, product, major);
        let private = Arc::new(Private {
            watched: Mutex::new(watched),
            admin,
            notice,
            start_time: began.elapsed(),
        });
        let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        running.retain(|w| w.strong_count() > 0);
        running.push(Arc::downgrade(&private));
        Ok(private)
    }

    /// The server's own database, as its superuser, over its socket.
    pub(crate) fn admin(&self) -> &DatabaseUrl {
        &self.admin
    }

    /// What to say once about the version: the target's differs.
    pub(crate) fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// Stops the server and removes its directory (waiting for both).
    pub(crate) fn stop(&self) {
        self.watched
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .stop();
    }
}

/// Stops every private server of this process.
pub(crate) fn stop_all() {
    let running = std::mem::take(&mut *RUNNING.lock().unwrap_or_else(|e| e.into_inner()));
    for p in running.iter().filter_map(Weak::upgrade) {
        p.stop();
    }
}

/// The target's product (`MariaDB`, `MySQL`, `PostgreSQL`) and major
/// version, when it answers.
async fn version_of(target: &DatabaseUrl) -> Option<(&'static str, Option<u32>)> {
    let mut c = Conn::open(target).await.ok()?;
    let sql = match target.dialect() {
        Dialect::Postgres => "SELECT current_setting('server_version_num')",
        _ => "SELECT VERSION()",
    };
    let rows = c.rows(sql, &[]).await;
    c.close().await;
    let text = rows.ok()?.first()?.first()?.clone();
    Some(match target.dialect() {
        Dialect::Postgres => ("PostgreSQL", text.parse::<u32>().ok().map(|n| n / 10000)),
        _ if text.contains("MariaDB") => ("MariaDB", binaries::major_of(&text)),
        _ => ("MySQL", binaries::major_of(&text)),
    })
}

fn notice(
    dialect: Dialect,
    target: Option<(&'static str, Option<u32>)>,
    product: &str,
    major: Option<u32>,
) -> Option<String> {
    let (target_product, target_major) = target?;
    let version = |p: &str, m: Option<u32>| match m {
        Some(m) => format!("{p} {m}"),
        None => p.to_owned(),
    };
    if target_product == product && (target_major.is_none() || target_major == major) {
        return None;
    }
    let how = match dialect {
        Dialect::Postgres => format!(
            "install PostgreSQL {}'s server (Debian: postgresql-{0}) or set dev_url to a server of that version",
            target_major.map_or("?".to_owned(), |m| m.to_string())
        ),
        _ => format!("set dev_url to a {target_product} server for its exact behaviour"),
    };
    Some(format!(
        "the database runs {}, but scratch work runs on a private {} (the one installed): {how}",
        version(target_product, target_major),
        version(product, major)
    ))
}
