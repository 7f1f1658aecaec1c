//! `rehearse-app COMMAND ...`: an application's own migrate command
//! (`migrate_cli::main`) built with migrate-cli's `rehearse` feature, as a
//! service that runs `rehearse` inside its production container would be.
//! Its migrations are read at start from the directory in
//! `REHEARSE_APP_MIGRATIONS` (a real application embeds them with
//! `migrations!`; the tests write theirs per test).

use migrate_runtime::Migrations;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::var_os("REHEARSE_APP_MIGRATIONS") else {
        eprintln!("error: set REHEARSE_APP_MIGRATIONS to the migrations directory");
        return ExitCode::from(2);
    };
    match Migrations::from_dir(&dir) {
        Ok(migrations) => migrate_cli::main(&migrations),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
