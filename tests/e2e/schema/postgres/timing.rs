//! Reading the catalog of 1,000 tables with keys, indexes and foreign keys.
//! The figure is printed (`--nocapture` shows it), not asserted: the machine
//! running the tests is shared.

use std::time::{Duration, Instant};

use super::{read, run, scratch};

const TABLES: usize = 1_000;

/// Table `t{i}`: a serial key, a foreign key to the table before it, a
/// unique constraint, a check, a comment, an index, and every tenth table a
/// partial expression index.
fn ddl() -> String {
    let mut sql = String::new();
    for i in 0..TABLES {
        let parent = if i == 0 {
            String::new()
        } else {
            format!(" REFERENCES t{} (id) ON DELETE CASCADE", i - 1)
        };
        sql.push_str(&format!(
            "CREATE TABLE t{i} (
                id serial PRIMARY KEY,
                parent_id int{parent},
                name varchar(100) NOT NULL UNIQUE,
                amount numeric(12, 2) DEFAULT 0 CHECK (amount >= 0),
                created timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX t{i}_parent ON t{i} (parent_id);
            COMMENT ON TABLE t{i} IS 'table {i}';\n"
        ));
        if i % 10 == 0 {
            sql.push_str(&format!(
                "CREATE INDEX t{i}_lower ON t{i} (lower(name)) WHERE amount > 0;\n"
            ));
        }
    }
    sql
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reading_1000_tables() {
    let Some(scratch) = scratch().await else {
        return;
    };
    let db = scratch.db().await;
    run(&db, &ddl(), "creating 1,000 tables").await.unwrap();
    let mut times = Vec::new();
    let mut schema = None;
    for _ in 0..5 {
        let start = Instant::now();
        schema = Some(read(&db, &[]).await.unwrap());
        times.push(start.elapsed());
    }
    let schema = schema.unwrap();
    assert_eq!(schema.tables.len(), TABLES);
    let fks: usize = schema.tables.iter().map(|t| t.foreign_keys.len()).sum();
    let indexes: usize = schema.tables.iter().map(|t| t.indexes.len()).sum();
    assert_eq!((fks, indexes), (TABLES - 1, TABLES + TABLES / 10));
    let first = times[0];
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    eprintln!(
        "postgres catalog read of {TABLES} tables ({} columns, {fks} foreign keys, \
         {indexes} indexes): first {:.0} ms, best {:.0} ms, median {:.0} ms of {} reads",
        schema.tables.iter().map(|t| t.columns.len()).sum::<usize>(),
        ms(first),
        ms(times[0]),
        ms(times[times.len() / 2]),
        times.len()
    );
}
