//! What an application does: depend on the runtime under a name of its own
//! and on sqlx 0.9 itself, embed its migrations, and pass its own pool.
//! Generated code reaches the runtime through `$crate`, so `::migrate_runtime`
//! never has to resolve; and the pool type is the application's sqlx's.

use super::app::{migration, runtime_path, App};

const MAIN: &str = r#"
static M: mr::Migrations = mr::migrations!("migrations");

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&args[2])
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    let out: Vec<String> = match args[1].as_str() {
        "upgrade" => {
            let report = M.upgrade(&pool).await.unwrap();
            report.steps.into_iter().map(|step| step.revision).collect()
        }
        "tables" => sqlx::query_scalar::<_, String>(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
        )
        .fetch_all(&pool)
        .await
        .unwrap(),
        other => panic!("unknown command {other}"),
    };
    pool.close().await;
    println!("{}", out.join(","));
}
"#;

#[test]
fn an_application_with_its_own_sqlx_and_a_renamed_runtime_migrates_its_pool() {
    let app = App::new(
        "outside-app",
        &format!(
            "mr = {{ package = \"migrate-runtime\", path = {} }}\n\
             sqlx = {{ version = \"0.9\", features = [\"sqlite\", \"runtime-tokio\"] }}\n\
             tokio = {{ version = \"1\", features = [\"rt\", \"macros\"] }}",
            runtime_path()
        ),
        MAIN,
    );
    app.write("0001_a.sql", &migration("a1", "", "first"));
    app.write("0002_b.sql", &migration("b2", "a1", "second"));
    let db = app.dir.join("app.db");
    let db = db.to_str().unwrap();

    let applied = app.run(&["upgrade", db]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(applied, "a1,b2");
    // A new process and a new pool: the tables are in the file.
    let tables = app.run(&["tables", db]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(tables, "migrate_versions,t_a1,t_b2");
    let again = app.run(&["upgrade", db]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again, "", "an up-to-date database gets no step");
}
