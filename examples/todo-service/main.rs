//! A to-do service that migrates its own database when it starts.
//!
//! ```text
//! cargo run -p migrate-examples --bin todo-service                  # SQLite: ./todo.db
//! DATABASE_URL=postgres://user:pw@localhost/todo cargo run -p migrate-examples --bin todo-service
//! DATABASE_URL=mysql://user:pw@localhost/todo    cargo run -p migrate-examples --bin todo-service
//! TODO_NO_WORK=1 cargo run -p migrate-examples --bin todo-service   # migrate only
//! cargo run -p migrate-examples --bin todo-service -- migrate current # its own migrate command
//! ```
//!
//! `todo-service` alone (or `todo-service serve`) migrates and then works;
//! `todo-service migrate upgrade|downgrade|current|history|heads|check|stamp|resolve`
//! runs one migration command over the embedded migrations, as `cargo
//! migrate` would, with no source tree or cargo needed: what a container
//! holding only this binary runs before it serves.
//!
//! The migrations in `todo-service/migrations/` are checked and embedded at
//! compile time; at start-up the binary applies whatever its database lacks,
//! under a database lock, so any number of replicas may start at once. The
//! SQL is portable across SQLite, PostgreSQL and MariaDB/MySQL.

use clap::Parser;
use migrate_cli::MigrateCommand;
use migrate_runtime::sqlx::{self, Row};
use migrate_runtime::{migrations, Db, Migrations};
use std::process::ExitCode;

/// Validated at compile time: a broken revision chain does not build.
static MIGRATIONS: Migrations = migrations!("todo-service/migrations");

/// Where the data lives when `DATABASE_URL` is not set: a file next to where
/// the binary runs, created on first start. This example chooses a default
/// on purpose, so that `cargo run` works with no set-up, and says so on
/// stderr when it uses it; `migrate` commands take it only through the
/// explicit `default_database_url` below (without that call they refuse to
/// run without a URL). A production service would leave both out.
const DEFAULT_URL: &str = "sqlite:todo.db";

/// A to-do service that migrates its own database.
#[derive(Parser)]
#[command(name = "todo-service")]
struct Cli {
    #[command(subcommand)]
    command: Option<AppCmd>,
}

#[derive(clap::Subcommand)]
enum AppCmd {
    /// Migrate the database with the migrations built into this binary.
    Migrate(MigrateCommand),
    /// Migrate what is missing, then work (the default).
    Serve,
}

#[tokio::main]
async fn main() -> ExitCode {
    match Cli::parse().command {
        Some(AppCmd::Migrate(cmd)) => cmd.default_database_url(DEFAULT_URL).run(&MIGRATIONS).await,
        Some(AppCmd::Serve) | None => serve().await,
    }
}

async fn serve() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line: the runtime's messages carry the cause and the fix,
            // and never a password.
            eprintln!("todo-service: error: {}", e.to_string().replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let url = match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            eprintln!(
                "todo-service: DATABASE_URL is not set: using the example's default, {DEFAULT_URL}"
            );
            DEFAULT_URL.to_owned()
        }
    };
    let db = Db::connect(&url).await?;

    let report = MIGRATIONS.upgrade(&db).await?;
    if !report.steps.is_empty() {
        let applied: Vec<&str> = report.steps.iter().map(|s| s.revision.as_str()).collect();
        println!(
            "todo-service: migrated {} ({})",
            migrate_runtime::redact_url(&url),
            applied.join(", ")
        );
    }
    if std::env::var_os("TODO_NO_WORK").is_some_and(|v| !v.is_empty() && v != "0") {
        println!("todo-service: database at {}", report.heads.join(", "));
        db.close().await;
        return Ok(());
    }

    let title = format!(
        "Try the todo-service (started by pid {})",
        std::process::id()
    );
    let (id, count) = add_and_count(&db, &title).await?;
    println!("todo-service: added todo #{id} \"{title}\"; {count} todo(s) in the list");
    db.close().await;
    Ok(())
}

/// Inserts a todo and lists them; returns the new id and how many there are.
/// `todos.id` is a plain `INTEGER PRIMARY KEY` to stay portable (SQLite,
/// PostgreSQL and MySQL each spell auto-increment differently), so the next id
/// is computed in the insert itself.
async fn add_and_count(db: &Db, title: &str) -> Result<(i64, usize), sqlx::Error> {
    // One literal per placeholder style: sqlx 0.9 takes only audited static SQL.
    const INSERT_Q: &str =
        "INSERT INTO todos (id, title, done) SELECT COALESCE(MAX(id), 0) + 1, ?, FALSE FROM todos";
    const INSERT_PG: &str =
        "INSERT INTO todos (id, title, done) SELECT COALESCE(MAX(id), 0) + 1, $1, FALSE FROM todos";
    const LIST: &str = "SELECT CAST(id AS BIGINT) AS id, title, done FROM todos ORDER BY id";
    macro_rules! on {
        ($pool:expr, $insert:expr, $list:expr) => {{
            sqlx::query($insert).bind(title).execute($pool).await?;
            let rows = sqlx::query($list).fetch_all($pool).await?;
            let mut newest = 0;
            // The five newest, oldest first.
            for row in rows.iter().skip(rows.len().saturating_sub(5)) {
                let id: i64 = row.try_get("id")?;
                let title: String = row.try_get("title")?;
                let done: bool = row.try_get("done")?;
                println!("  [{}] #{id} {title}", if done { "x" } else { " " });
                newest = newest.max(id);
            }
            Ok((newest, rows.len()))
        }};
    }
    match db {
        Db::Sqlite(pool) => on!(pool, INSERT_Q, LIST),
        Db::Postgres(pool) => on!(pool, INSERT_PG, LIST),
        // MySQL casts to SIGNED, not BIGINT.
        Db::MySql(pool) => on!(
            pool,
            INSERT_Q,
            "SELECT CAST(id AS SIGNED) AS id, title, done FROM todos ORDER BY id"
        ),
        _ => Err(sqlx::Error::Configuration(
            "this build has no driver for the database".into(),
        )),
    }
}
