//! A ready `main` for a binary with no command line of its own.

use super::args::MigrateCommand;
use super::exit;
use migrate_runtime::Migrations;
use std::process::ExitCode;

/// The command line of [`main`]: the migrate commands at the top level.
#[derive(Debug, clap::Parser)]
#[command(about = "Migrate this application's database with the migrations it embeds")]
pub(crate) struct Standalone {
    #[command(flatten)]
    command: MigrateCommand,
}

/// A ready `main` for a binary whose only job is migrating:
/// `fn main() -> ExitCode { migrate_cli::main(&MIGRATIONS) }`,
/// then `myapp-migrate upgrade`, `myapp-migrate current`, ... The URL comes
/// from `--database-url`, `DATABASE_URL` or `.env`. Starts its own async
/// runtime, so call it outside one.
pub fn main(migrations: &Migrations) -> ExitCode {
    use clap::Parser;
    // `.env` first, so that clap's `env = "DATABASE_URL"` sees it; the real
    // environment wins over the file.
    let _ = dotenvy::dotenv();
    let args = match Standalone::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::USAGE
            } else {
                exit::SUCCESS
            });
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::FAILURE);
        }
    };
    rt.block_on(args.command.run(migrations))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send<T: Send>(_: &T) {}

    #[test]
    fn a_service_can_spawn_the_command() {
        use clap::Parser;
        let set = Migrations::from_dir(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/todo-service/migrations"
        ))
        .unwrap();
        let cmd = Standalone::try_parse_from(["app", "heads"])
            .unwrap()
            .command;
        send(&cmd.run(&set));
    }
}
