//! Operations (issue 17, item 6): backups readable by their owner only on
//! every backend, and complete on MariaDB (routines, events, triggers);
//! the application's `downgrade` confirmed and backed up; its database URL
//! never invented; offline scripts that stop at the first failed revision
//! when run with each database's own client at its defaults.

mod app;
mod backups;
mod offline;

use crate::support::{run_to_end, Backend, Ran, Scratch};
use migrate_runtime::DatabaseUrl;
use std::path::Path;
use std::process::{Command, Stdio};

/// The server password of scripts/servers.
const PASSWORD: &str = "migrate-secret";

/// Runs `script` with the database's own command-line client at its
/// defaults (no `ON_ERROR_STOP`, no `--force`, no `-bail`): `psql`,
/// `mariadb`, `sqlite3`. `None` (after saying so) when it is not installed.
fn run_with_client(db: &Scratch, script: &str, dir: &Path) -> Option<Ran> {
    let file = dir.join("script.sql");
    std::fs::write(&file, script).unwrap();
    let mut cmd = match db.backend {
        Backend::Postgres => {
            let mut c = Command::new("psql");
            // -X: no ~/.psqlrc, which could set ON_ERROR_STOP.
            c.args(["-X", "-d", &db.url, "-f"]).arg(&file);
            c
        }
        Backend::MySql => {
            let url = DatabaseUrl::parse(&db.url).unwrap();
            let mut c = Command::new("mariadb");
            c.arg("--no-defaults")
                .arg(format!("--host={}", url.host().unwrap()))
                .arg(format!("--port={}", url.port().unwrap()))
                .arg("--protocol=TCP")
                .arg("--user=migrate")
                .env("MYSQL_PWD", PASSWORD)
                .arg(url.database().unwrap())
                .stdin(Stdio::from(std::fs::File::open(&file).unwrap()));
            c
        }
        Backend::Sqlite => {
            let mut c = Command::new("sqlite3");
            c.arg(&db.name)
                .stdin(Stdio::from(std::fs::File::open(&file).unwrap()));
            c
        }
    };
    let program = cmd.get_program().to_string_lossy().into_owned();
    if Command::new(&program).arg("--version").output().is_err() {
        println!("SKIP {:?}: {program} is not installed", db.backend);
        return None;
    }
    Some(run_to_end(&mut cmd))
}
