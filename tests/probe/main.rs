//! `migrate-probe DIR URL TARGET [LOCK_TIMEOUT_MS]`: upgrades the database at
//! URL to TARGET with the migrations read from DIR, printing `step <id>` after
//! each step (flushed, so a test can act between steps) and `done` at the end.
//! Exits 1 with `error: ...` on failure. The end-to-end tests run it as a
//! separate process to kill it mid-migration and to race it for the lock.

use migrate_runtime::{Db, Migrations};
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.to_string().replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, url, target, rest @ ..] = args.as_slice() else {
        return Err("usage: migrate-probe DIR URL TARGET [LOCK_TIMEOUT_MS]".into());
    };
    let migrations = Migrations::from_dir(dir)?;
    let mut migrator = migrations.migrator().on_step(|step| {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "step {}", step.revision);
        let _ = out.flush();
    });
    if let Some(ms) = rest.first() {
        migrator = migrator.lock_timeout(Duration::from_millis(ms.parse()?));
    }
    let db = Db::connect(url).await?;
    println!("connected");
    migrator.upgrade(&db, target).await?;
    println!("done");
    db.close().await;
    Ok(())
}
