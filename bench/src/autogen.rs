//! Autogenerate end to end on SQLite: a graph of 1,000 revisions creating
//! 1,000 tables with indexes and foreign keys is replayed on an in-memory
//! scratch database and read back, the desired schema (the same plus one
//! change) is run on another and read back, the drafts are made both ways
//! and verified (up and down, on empty tables and with a row in each).
//! The target: under 2 s.

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

pub(crate) fn write_graph(dir: &Path, n: usize) -> String {
    super::write_chain(dir, n, |i| (table_sql(i), format!("DROP TABLE t_{i};")));
    (1..=n).map(|i| table_sql(i) + "\n").collect()
}

/// Runs the benchmark and prints its figures.
pub(crate) async fn run(tmp: &Path) {
    let n = 1000;
    let dir = tmp.join("autogen");
    let mut schema = write_graph(&dir, n);
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
        "autogenerate, SQLite, {n} revisions / {n} tables with indexes and foreign keys: {} end to end (target < 2 s)",
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
