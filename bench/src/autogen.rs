//! Autogenerate end to end on SQLite: a graph of 1,000 revisions creating
//! 1,000 tables with indexes and foreign keys, 100 views and 100 triggers
//! (SQLite has no stored functions) is replayed on an in-memory
//! scratch database and read back, the desired schema (the same plus one
//! change) is run on another and read back, the drafts are made both ways
//! and verified (up and down, on empty tables and with a row in each).
//! The target: under 2 s.
//!
//! Then, on PostgreSQL and MariaDB when their URLs are set, the catalog read
//! of 1,000 tables with 100 views, 100 functions and 100 triggers beside
//! them (target: under 0.5 s).

use migrate_devtools::autogen::{Pipeline, SchemaFile};
use migrate_devtools::scratch::ScratchServer;
use migrate_graph::SourceFile;
use migrate_runtime::{Dialect, Migrations};
use migrate_schema::{draft, Hints};
use std::path::Path;
use std::time::{Duration, Instant};

fn table_sql(i: usize) -> String {
    let fk = if i == 1 {
        String::new()
    } else {
        format!(
            ",\n    parent_id INTEGER REFERENCES t_{} (id) ON DELETE CASCADE",
            i - 1
        )
    };
    format!(
        "CREATE TABLE t_{i} (\n    id INTEGER NOT NULL PRIMARY KEY,\n    name VARCHAR(50) NOT NULL{fk}\n);\nCREATE INDEX t_{i}_name ON t_{i} (name);"
    )
}

/// The first 100 tables get a view and a trigger each.
fn objects_sql(i: usize) -> String {
    if i > 100 {
        return String::new();
    }
    format!(
        "\nCREATE VIEW v_{i} AS SELECT id, name FROM t_{i} WHERE name <> '';\n\
         CREATE TRIGGER tr_{i} AFTER INSERT ON t_{i} BEGIN UPDATE t_{i} SET name = new.name WHERE 0; END;"
    )
}

fn drop_objects_sql(i: usize) -> String {
    if i > 100 {
        return String::new();
    }
    format!("DROP TRIGGER tr_{i};\nDROP VIEW v_{i};\n")
}

pub(crate) fn write_graph(dir: &Path, n: usize) -> String {
    super::write_chain(dir, n, |i| (table_sql(i), format!("DROP TABLE t_{i};")));
    (1..=n).map(|i| table_sql(i) + "\n").collect()
}

/// [`write_graph`] with a view and a trigger beside each of the first 100
/// tables.
fn write_graph_with_objects(dir: &Path, n: usize) -> String {
    super::write_chain(dir, n, |i| {
        (
            table_sql(i) + &objects_sql(i),
            format!("{}DROP TABLE t_{i};", drop_objects_sql(i)),
        )
    });
    (1..=n)
        .map(|i| table_sql(i) + &objects_sql(i) + "\n")
        .collect()
}

/// Runs the benchmark and prints its figures.
pub(crate) async fn run(tmp: &Path) {
    let n = 1000;
    let dir = tmp.join("autogen");
    let mut schema = write_graph_with_objects(&dir, n);
    schema.push_str("CREATE TABLE audit (id INTEGER NOT NULL PRIMARY KEY, t_1_id INTEGER REFERENCES t_1 (id));\n");

    let start = Instant::now();
    let migrations = Migrations::from_dir(&dir).unwrap();
    let loaded = start.elapsed();
    let mut pipeline = Pipeline::new(&migrations, ScratchServer::sqlite());
    let t = Instant::now();
    let current = pipeline.current().await.unwrap();
    let replayed = t.elapsed();
    let t = Instant::now();
    let desired = pipeline
        .desired(&[SchemaFile {
            name: "schema.sql".into(),
            text: schema,
        }])
        .await
        .unwrap();
    let desired_time = t.elapsed();
    let t = Instant::now();
    let up = draft(&current, &desired, &Hints::new(), Dialect::Sqlite);
    let down = draft(&desired, &current, &Hints::new(), Dialect::Sqlite);
    let drafted = t.elapsed();
    assert_eq!(
        current.tables.len(),
        n,
        "the SQLite reader must have landed"
    );
    assert_eq!(up.up.len(), 1, "{:?}", up.sql());
    assert_eq!(current.other_objects.len(), 200, "100 views, 100 triggers");

    let t = Instant::now();
    let mut files = migrate_graph::read_dir(&dir).unwrap();
    files.push(SourceFile::new(
        "zz_draft.sql".to_owned(),
        format!(
            "-- Revision ID: draft\n-- Revises: r{n:011}\n\n-- migrate:up\n{}\n-- migrate:down\n{}",
            up.script(),
            down.script()
        ),
    ));
    let set = migrate_graph::load(&files).unwrap();
    let with_draft = Migrations::from_set(&set);
    pipeline
        .verify(&with_draft, &[format!("r{n:011}")], &current, &desired)
        .await
        .unwrap();
    let verified = t.elapsed();
    pipeline.finish().await.unwrap();
    let total = start.elapsed();
    let f = |d: Duration| format!("{:.3} s", d.as_secs_f64());
    println!(
        "autogenerate, SQLite, {n} revisions / {n} tables with indexes and foreign keys, 100 views, 100 triggers: {} end to end (target < 2 s)",
        f(total)
    );
    println!(
        "  load {} | replay + read {} | desired run + read {} | drafts {} | verify (2 x up/down, reads) {}",
        f(loaded),
        f(replayed),
        f(desired_time),
        f(drafted),
        f(verified)
    );
}

/// PostgreSQL's script: 1,000 tables, and 100 each of views, functions and
/// triggers (each trigger calling its own function).
fn server_schema(postgres: bool) -> String {
    let mut sql = String::new();
    for i in 1..=1000 {
        sql.push_str(&format!(
            "CREATE TABLE t_{i} (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(50) NOT NULL);\n"
        ));
    }
    for i in 1..=100 {
        sql.push_str(&format!(
            "CREATE VIEW v_{i} AS SELECT id, name FROM t_{i} WHERE name <> '';\n"
        ));
        if postgres {
            sql.push_str(&format!(
                "CREATE FUNCTION f_{i}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.name := upper(NEW.name); RETURN NEW; END $$;\n\
                 CREATE TRIGGER tr_{i} BEFORE INSERT ON t_{i} FOR EACH ROW EXECUTE FUNCTION f_{i}();\n"
            ));
        } else {
            sql.push_str(&format!(
                "CREATE FUNCTION f_{i}(a INT) RETURNS INT DETERMINISTIC RETURN a * {i};\n\
                 CREATE TRIGGER tr_{i} BEFORE INSERT ON t_{i} FOR EACH ROW SET NEW.name = UPPER(NEW.name);\n"
            ));
        }
    }
    sql
}

/// The catalog read of [`server_schema`] on each server whose URL is set:
/// the best of five reads.
pub(crate) async fn catalog_reads() {
    use migrate_devtools::catalog::read_schema;
    use migrate_runtime::{BackendRef, Database, DatabaseUrl};
    for (var, dialect) in [
        ("MIGRATE_TEST_POSTGRES_URL", Dialect::Postgres),
        ("MIGRATE_TEST_MYSQL_URL", Dialect::MySql),
    ] {
        let Ok(url) = std::env::var(var) else {
            continue;
        };
        let server = ScratchServer::new(dialect, &DatabaseUrl::parse(&url).unwrap()).unwrap();
        let scratch = server.create().await.unwrap();
        let sql = server_schema(dialect == Dialect::Postgres);
        match scratch.db.backend() {
            BackendRef::Postgres(pool) => {
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql.clone()))
                    .execute(pool)
                    .await
                    .unwrap();
            }
            BackendRef::MySql(pool) => {
                // One statement per call: a routine body holds no `;` here.
                for statement in sql.lines() {
                    sqlx::raw_sql(sqlx::AssertSqlSafe(statement.to_owned()))
                        .execute(pool)
                        .await
                        .unwrap();
                }
            }
            _ => unreachable!(),
        }
        let mut best = Duration::MAX;
        let mut objects = 0;
        for _ in 0..5 {
            let t = Instant::now();
            let schema = read_schema(&scratch.db, &[]).await.unwrap();
            best = best.min(t.elapsed());
            objects = schema.other_objects.len();
            assert_eq!(schema.tables.len(), 1000);
        }
        server.drop(scratch).await.unwrap();
        println!(
            "catalog read, {dialect:?}, 1,000 tables with 100 views, 100 functions, 100 triggers ({objects} objects): {:.3} s (best of 5; target < 0.5 s)",
            best.as_secs_f64()
        );
    }
}
