//! Fleets (issue 22): `cargo migrate fleet` over 1,000 SQLite files, 200
//! PostgreSQL databases, 200 PostgreSQL schemas and 100 MariaDB databases,
//! with three tenants made to fail, `--only-failed` after fixing them, a
//! run killed half-way that resumes, and `current` over the fleet.

mod library;
mod rehearse;
mod servers;
mod sqlite;

use crate::support::{cli_bin, workspace_root};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// The revisions of the todo-service migrations, in order.
const REVS: [&str; 3] = ["1f3a9c0b7d42", "8b2e4d6f0a13", "c41d7e5a9f20"];

/// A project directory holding a copy of the todo-service migrations.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let src = workspace_root().join("examples/todo-service/migrations");
    let dst = dir.path().join("migrations");
    std::fs::create_dir(&dst).unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dst.join(entry.file_name())).unwrap();
    }
    dir
}

/// `cargo migrate fleet ARGS` in `dir`, with no ambient database URL.
fn fleet_cmd(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(cli_bin());
    cmd.arg("migrate")
        .arg("fleet")
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("MIGRATE_TABLE");
    cmd
}

/// Runs the command; returns the output.
fn fleet(dir: &Path, args: &[&str]) -> Output {
    fleet_cmd(dir, args)
        .output()
        .expect("running cargo-migrate")
}

/// Asserts that the command exited with `code`, showing its stderr if not.
fn exited(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A runtime for the set-up and checks of these blocking tests.
fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Writes `<dir>/fleet.txt`: a comment line, then one URL a line.
fn fleet_file(dir: &Path, urls: &[String]) {
    let text = format!("# the test's fleet\n{}\n", urls.join("\n"));
    std::fs::write(dir.join("fleet.txt"), text).unwrap();
}

/// The `--json` summary on stdout.
fn summary(out: &Output) -> Value {
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.trim()).unwrap_or_else(|e| {
        panic!(
            "not a JSON summary ({e}): {text}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The ids of the failed tenants in a summary, sorted.
fn failed_ids(v: &Value) -> Vec<String> {
    let mut ids: Vec<String> = v["failed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["tenant"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}
