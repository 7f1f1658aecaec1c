//! Reading the catalog of 1,000 tables with indexes and foreign keys: the
//! reader's queries do not grow with the number of tables, so this is a
//! handful of round trips. The figure is printed, not asserted.

use std::time::{Duration, Instant};

use super::{read, run, scratch};

const TABLES: usize = 1000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_1000_tables() {
    let Some(scratch) = scratch().await else {
        return;
    };
    let db = scratch.db().await;
    let mut sql = String::from(
        "CREATE TABLE t0 (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(50) NOT NULL);\n",
    );
    for i in 1..TABLES {
        sql.push_str(&format!(
            "CREATE TABLE t{i} (\
               id INT PRIMARY KEY AUTO_INCREMENT, \
               parent_id INT, \
               name VARCHAR(50) NOT NULL DEFAULT '', \
               created DATETIME DEFAULT CURRENT_TIMESTAMP, \
               UNIQUE KEY t{i}_name (name), \
               INDEX t{i}_created (created), \
               CONSTRAINT t{i}_parent FOREIGN KEY (parent_id) REFERENCES t{} (id)\
             );\n",
            i - 1
        ));
    }
    let started = Instant::now();
    run(&db, &sql, "creating 1,000 tables").await.unwrap();
    let created = started.elapsed();

    let mut best = Duration::MAX;
    let mut schema = None;
    for _ in 0..3 {
        let started = Instant::now();
        schema = Some(read(&db).await.unwrap());
        best = best.min(started.elapsed());
    }
    let schema = schema.unwrap();
    assert_eq!(schema.tables.len(), TABLES);
    let last = schema
        .tables
        .iter()
        .find(|t| t.name.name == "t999")
        .unwrap();
    assert_eq!(last.columns.len(), 4);
    assert_eq!(last.foreign_keys.len(), 1);
    assert_eq!(last.uniques.len(), 1);
    assert_eq!(last.indexes.len(), 2, "the index and the foreign key's");
    eprintln!(
        "mysql catalog: read {TABLES} tables in {:.3} s (best of 3; created in {:.1} s)",
        best.as_secs_f64(),
        created.as_secs_f64()
    );
}
