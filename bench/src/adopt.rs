//! `migrate-bench adopt`: taking a project over from another tool (issue 21).
//!
//! - sqlx: 1,000 migrations applied to a SQLite file by sqlx's own
//!   `Migrator` (its real `_sqlx_migrations`), then timed: `import` (read
//!   the directory, checksum every file, write our 1,000 files) and
//!   `adopt` (load our files, read sqlx's table, record 1,000 rows under
//!   our lock);
//! - diesel: 1,000 migration directories and `__diesel_schema_migrations`
//!   written by diesel's rules, the same two steps timed;
//! - Alembic (when `python3` has Alembic): a 40-revision project imported,
//!   reported per revision; the time is Alembic's own offline runs and
//!   Python start-ups, which the figure separates from ours.
//!
//! Medians of 3 runs; our table is dropped between runs.

use migrate_devtools::import;
use migrate_runtime::sqlx::migrate::Migrator;
use migrate_runtime::sqlx::{self, SqlitePool};
use migrate_runtime::{Migrations, Tool};
use std::path::Path;
use std::time::{Duration, Instant};

const N: usize = 1000;
const RUNS: usize = 3;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

async fn pool(path: &Path) -> SqlitePool {
    let opts = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true);
    sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(2)
        .connect_with(opts)
        .await
        .unwrap()
}

/// Times import + adopt of `dir` (laid out as `tool`) into `db` `RUNS` times.
async fn time(tool: Tool, dir: &Path, out: &Path, db: &SqlitePool) -> (Duration, Duration) {
    let (mut imports, mut adopts) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let _ = std::fs::remove_dir_all(out);
        sqlx::raw_sql("DROP TABLE IF EXISTS migrate_versions")
            .execute(db)
            .await
            .unwrap();
        let t = Instant::now();
        import::import(tool, dir).unwrap().write_to(out).unwrap();
        imports.push(t.elapsed());
        let t = Instant::now();
        let set = Migrations::from_dir(out).unwrap();
        let adopted = set.migrator().adopt(db, tool, None).await.unwrap();
        adopts.push(t.elapsed());
        assert!(
            matches!(adopted, migrate_runtime::Adopted::Recorded(ref a) if a.revisions.len() == N)
        );
    }
    (median(imports), median(adopts))
}

fn report(what: &str, (import, adopt): (Duration, Duration)) {
    println!(
        "  {what:<8} import {:>10}   adopt {:>10}   total {:>10}   ({:.1} us per revision)",
        ms(import),
        ms(adopt),
        ms(import + adopt),
        (import + adopt).as_secs_f64() * 1e6 / N as f64
    );
}

/// Runs the section.
pub(crate) async fn run(tmp: &Path) {
    println!("import + adopt of {N} revisions on SQLite, median of {RUNS}:");
    // sqlx, migrated by sqlx itself.
    let dir = tmp.join("adopt-sqlx");
    std::fs::create_dir_all(&dir).unwrap();
    for i in 1..=N {
        std::fs::write(
            dir.join(format!("{i}_step_{i}.sql")),
            format!("CREATE TABLE t_{i} (id INTEGER PRIMARY KEY, name VARCHAR(50));\n"),
        )
        .unwrap();
    }
    let db = pool(&tmp.join("adopt-sqlx.db")).await;
    Migrator::new(dir.as_path())
        .await
        .unwrap()
        .run(&db)
        .await
        .unwrap();
    report(
        "sqlx",
        time(Tool::Sqlx, &dir, &tmp.join("adopt-sqlx-ours"), &db).await,
    );
    db.close().await;

    // diesel, its table written by its rules.
    let dir = tmp.join("adopt-diesel");
    let db = pool(&tmp.join("adopt-diesel.db")).await;
    let mut sql = String::from("CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);\n");
    for i in 1..=N {
        let d = dir.join(format!("2024-01-01-{i:06}_step_{i}"));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(
            d.join("up.sql"),
            format!("CREATE TABLE t_{i} (id INTEGER PRIMARY KEY);\n"),
        )
        .unwrap();
        std::fs::write(d.join("down.sql"), format!("DROP TABLE t_{i};\n")).unwrap();
        sql.push_str(&format!(
            "CREATE TABLE t_{i} (id INTEGER PRIMARY KEY);\nINSERT INTO __diesel_schema_migrations (version) VALUES ('20240101{i:06}');\n"
        ));
    }
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(&db)
        .await
        .unwrap();
    report(
        "diesel",
        time(Tool::Diesel, &dir, &tmp.join("adopt-diesel-ours"), &db).await,
    );
    db.close().await;

    alembic(tmp);
}

/// Alembic's import cost per revision.
fn alembic(tmp: &Path) {
    let has = std::process::Command::new("python3")
        .args(["-c", "import alembic"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has {
        println!("  alembic  skipped: python3 has no alembic (pip install alembic sqlalchemy)");
        return;
    }
    let n = 40;
    let dir = tmp.join("adopt-alembic");
    let versions = dir.join("alembic").join("versions");
    std::fs::create_dir_all(&versions).unwrap();
    std::fs::write(
        dir.join("alembic.ini"),
        "[alembic]\nscript_location = %(here)s/alembic\nsqlalchemy.url = sqlite:///unused.db\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("alembic").join("env.py"),
        "from alembic import context\nconfig = context.config\ncontext.configure(url=config.get_main_option('sqlalchemy.url'), literal_binds=True)\nwith context.begin_transaction():\n    context.run_migrations()\n",
    )
    .unwrap();
    for i in 1..=n {
        let down = if i == 1 {
            "None".to_owned()
        } else {
            format!("'r{:05}'", i - 1)
        };
        std::fs::write(
            versions.join(format!("r{i:05}.py")),
            format!("\"\"\"step {i}\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\nrevision = 'r{i:05}'\ndown_revision = {down}\n\ndef upgrade():\n    op.create_table('t_{i}', sa.Column('id', sa.Integer, primary_key=True))\n\ndef downgrade():\n    op.drop_table('t_{i}')\n"),
        )
        .unwrap();
    }
    let t = Instant::now();
    let imported =
        import::import_with(Tool::Alembic, &dir, Some(migrate_runtime::Dialect::Sqlite)).unwrap();
    let took = t.elapsed();
    assert_eq!(imported.files.len(), n);
    assert!(imported.todo.is_empty());
    println!(
        "  alembic  import of {n} revisions (one chain): {} ({} per revision); almost all of it is Alembic: one `upgrade heads --sql` and one `downgrade <head>:base --sql` run, plus the Python start-up of the graph reader",
        ms(took),
        ms(took / n as u32)
    );
}
