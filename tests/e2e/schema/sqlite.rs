//! The SQLite catalog reader: the corpus (`corpus.rs`), the objects it lists
//! without diffing them, and the time it takes to read 1,000 tables.

mod corpus;

use std::time::Instant;

use migrate_devtools::catalog::read_schema;
use migrate_runtime::Db;
use migrate_schema::{draft, Dialect, Hints, ObjectKind, Schema};

use crate::support::{exec, Backend, Scratch};

const D: Dialect = Dialect::Sqlite;

/// A scratch database with `sql` executed on it.
pub(super) async fn database(sql: &str) -> Result<(Scratch, Db), String> {
    let scratch = Scratch::new(Backend::Sqlite)
        .await
        .expect("SQLite is always there");
    let db = scratch.db().await;
    exec(&db, sql)
        .await
        .map_err(|e| format!("executing the schema: {e}"))?;
    Ok((scratch, db))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn views_and_triggers_are_drafted_and_virtual_tables_listed() {
    let (_s, db) = database(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
         CREATE TABLE audit (id INTEGER PRIMARY KEY, note TEXT);
         CREATE TABLE versions (id TEXT);
         CREATE VIEW named AS SELECT name FROM users WHERE name <> '';
         CREATE TRIGGER users_audit AFTER INSERT ON users BEGIN
             INSERT INTO audit (note) VALUES (new.name);
         END;
         CREATE VIRTUAL TABLE docs USING fts5(body);",
    )
    .await
    .unwrap();
    let schema = read_schema(&db, &["versions"]).await.unwrap();
    let tables: Vec<&str> = schema.tables.iter().map(|t| t.name.name.as_str()).collect();
    assert_eq!(
        tables,
        ["audit", "users"],
        "fts5's shadow tables and excluded ones are left out"
    );
    let others: Vec<(String, String)> = schema
        .other_objects
        .iter()
        .map(|o| (o.name.name.clone(), o.kind.to_string()))
        .collect();
    assert_eq!(
        others,
        [
            ("docs".to_string(), "virtual table".to_string()),
            ("named".to_string(), "view".to_string()),
            ("users_audit".to_string(), "trigger".to_string()),
        ]
    );
    let view = schema
        .other_objects
        .iter()
        .find(|o| o.kind == ObjectKind::View)
        .unwrap();
    assert!(
        view.definition.as_deref().unwrap().contains("FROM users"),
        "{view:?}"
    );
    // A draft from an empty schema writes the view and the trigger after
    // their tables, and lists the virtual table as not generated.
    let d = draft(&Schema::default(), &schema, &Hints::new(), D);
    assert_eq!(d.not_generated.len(), 1, "{:?}", d.not_generated);
    assert_eq!(d.not_generated[0].object.name.name, "docs");
    let sql = d.sql();
    let at = |prefix: &str| sql.iter().position(|s| s.starts_with(prefix)).unwrap();
    assert!(
        at("CREATE VIEW named") > at("CREATE TABLE \"users\""),
        "{sql:?}"
    );
    assert!(
        at("CREATE TRIGGER users_audit") > at("CREATE TABLE \"audit\""),
        "{sql:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unusual_stored_text_is_read_or_named() {
    // Type names SQLite accepts (its documentation's examples) and sqlparser
    // does not know: the pragmas give the type, the rest of the text is read.
    let (_s, db) = database(
        "CREATE TABLE odd (a UNSIGNED BIG INT CHECK (a > 0), b VARYING CHARACTER(255) COLLATE nocase);",
    )
    .await
    .unwrap();
    let schema = read_schema(&db, &[]).await.unwrap();
    let t = &schema.tables[0];
    assert_eq!(t.columns[0].data_type.raw, "UNSIGNED BIG INT");
    assert_eq!(t.columns[1].collation.as_deref(), Some("NOCASE"));
    assert_eq!(t.checks[0].expression, "a > 0");
    // An expression SQLite accepts and sqlparser does not read (`x ISNULL`):
    // the reader names the table instead of guessing.
    let (_s, db) = database("CREATE TABLE odd (a INT CHECK (a ISNULL OR a > 0));")
        .await
        .unwrap();
    let e = read_schema(&db, &[])
        .await
        .expect_err("sqlparser cannot read ISNULL");
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    assert!(
        text.contains("table odd"),
        "the error names the table: {text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_1000_tables_quickly() {
    let mut sql = String::from("BEGIN;\n");
    for i in 0..1000 {
        let parent = if i == 0 {
            String::new()
        } else {
            format!(
                ", parent_id INTEGER REFERENCES t{} (id) ON DELETE CASCADE",
                i - 1
            )
        };
        sql.push_str(&format!(
            "CREATE TABLE t{i} (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, \
             score INTEGER DEFAULT 0 CHECK (score >= 0){parent});\n\
             CREATE INDEX t{i}_score ON t{i} (score) WHERE score > 0;\n"
        ));
    }
    sql.push_str("COMMIT;");
    let (_s, db) = database(&sql).await.unwrap();
    let started = Instant::now();
    let schema = read_schema(&db, &[]).await.unwrap();
    let elapsed = started.elapsed();
    eprintln!(
        "sqlite: read the catalog of {} tables in {:.1} ms",
        schema.tables.len(),
        elapsed.as_secs_f64() * 1000.0
    );
    assert_eq!(schema.tables.len(), 1000);
    let fks: usize = schema.tables.iter().map(|t| t.foreign_keys.len()).sum();
    let indexes: usize = schema.tables.iter().map(|t| t.indexes.len()).sum();
    let uniques: usize = schema.tables.iter().map(|t| t.uniques.len()).sum();
    let checks: usize = schema.tables.iter().map(|t| t.checks.len()).sum();
    assert_eq!((fks, indexes, uniques, checks), (999, 1000, 1000, 1000));
}
