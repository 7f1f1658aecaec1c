//! A large schema: every table changed once, with foreign keys between them.
//! The diff uses maps keyed by name, so this stays fast; the test pins the
//! result so that a faster diff cannot be a wrong one.

use std::time::Instant;

use super::build::{schema, table};
use crate::*;

fn wide(n: usize, changed: bool) -> Schema {
    let d = Dialect::Postgres;
    let tables = (0..n)
        .map(|i| {
            let mut t = table(d, &format!("t{i:05}"))
                .id()
                .col("ref_id", "int")
                .col(
                    "label",
                    if changed {
                        "varchar(200)"
                    } else {
                        "varchar(100)"
                    },
                )
                .index(&format!("t{i:05}_label_idx"), &["label"]);
            if i > 0 {
                let parent = format!("t{:05}", i - 1);
                t = t.fk(
                    Some(&format!("t{i:05}_ref_id_fkey")),
                    &["ref_id"],
                    &parent,
                    &["id"],
                );
            }
            t.build()
        })
        .collect();
    schema(tables)
}

#[test]
fn ten_thousand_tables_diff_in_linear_time() {
    let (cur, des) = (wide(10_000, false), wide(10_000, true));
    let started = Instant::now();
    let up = draft(&cur, &des, &Hints::new(), Dialect::Postgres);
    let elapsed = started.elapsed();
    assert_eq!(up.changes.len(), 10_000);
    assert!(up
        .changes
        .iter()
        .all(|c| matches!(c, Change::AlterColumn { .. })));
    assert!(draft(&des, &des, &Hints::new(), Dialect::Postgres).is_empty());
    // Generous even for an unoptimized build on a loaded machine; a quadratic
    // diff takes minutes here.
    assert!(elapsed.as_secs() < 20, "diff took {elapsed:?}");
}

#[test]
fn creating_and_dropping_many_linked_tables_orders_them() {
    let all = wide(500, false);
    let up = draft(&Schema::default(), &all, &Hints::new(), Dialect::Sqlite);
    assert_eq!(
        up.sql()
            .iter()
            .filter(|s| s.starts_with("CREATE TABLE"))
            .count(),
        500
    );
    let down = draft(&all, &Schema::default(), &Hints::new(), Dialect::Sqlite);
    let drops: Vec<&str> = down
        .sql()
        .into_iter()
        .filter(|s| s.starts_with("DROP TABLE"))
        .collect();
    // Referencing tables first: t00499 references t00498, and so on.
    assert_eq!(drops.first(), Some(&"DROP TABLE \"t00499\";"));
    assert_eq!(drops.last(), Some(&"DROP TABLE \"t00000\";"));
}
