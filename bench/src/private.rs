//! Autogenerate on a 100-revision PostgreSQL project with the private
//! scratch server, end to end (start the server, replay, run the desired
//! schema, draft, verify, drop, stop), and the share of it spent starting
//! the server. The first round starts from an empty template cache when
//! `XDG_CACHE_HOME` names an empty directory (`scripts/bench-scratch` does
//! that), so it pays `initdb`; the later rounds copy the cached data
//! directory.
//!
//! `migrate-bench private [--rounds N] [--revisions N]`

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
        format!(",\n    parent_id INTEGER REFERENCES t_{} (id)", i - 1)
    };
    format!("CREATE TABLE t_{i} (\n    id INTEGER NOT NULL PRIMARY KEY,\n    name VARCHAR(50) NOT NULL{fk}\n);\nCREATE INDEX t_{i}_name ON t_{i} (name);")
}

/// Runs the benchmark and prints its figures.
pub(crate) async fn run(tmp: &Path, rounds: usize, n: usize) {
    let dir = tmp.join("private");
    super::write_chain(&dir, n, |i| (table_sql(i), format!("DROP TABLE t_{i};")));
    let mut schema: String = (1..=n).map(|i| table_sql(i) + "\n").collect();
    schema.push_str("CREATE TABLE audit (id INTEGER NOT NULL PRIMARY KEY, t_1_id INTEGER REFERENCES t_1 (id));\n");
    let migrations = Migrations::from_dir(&dir).unwrap();
    println!("autogenerate, {n} revisions, PostgreSQL on a private server ({rounds} rounds):");
    println!("round  total ms  start ms  start share  stop ms");
    let mut totals = Vec::new();
    let mut starts = Vec::new();
    for round in 1..=rounds {
        let began = Instant::now();
        let server = ScratchServer::private(Dialect::Postgres, None);
        let t = Instant::now();
        server.start().await.unwrap();
        let start = t.elapsed();
        let mut pipeline = Pipeline::new(&migrations, server.clone());
        let current = pipeline.current().await.unwrap();
        let desired = pipeline
            .desired(&[SchemaFile {
                name: "schema.sql".into(),
                text: schema.clone(),
            }])
            .await
            .unwrap();
        let up = draft(&current, &desired, &Hints::new(), Dialect::Postgres);
        let down = draft(&desired, &current, &Hints::new(), Dialect::Postgres);
        assert!(!up.up.is_empty(), "the audit table to add");
        let mut files = migrate_graph::read_dir(&dir).unwrap();
        files.push(SourceFile::new(
            "zz_draft.sql".to_owned(),
            format!(
                "-- Revision ID: draft\n-- Revises: r{n:011}\n\n-- migrate:up\n{}\n-- migrate:down\n{}",
                up.script(),
                down.script()
            ),
        ));
        let with_draft = Migrations::from_set(&migrate_graph::load(&files).unwrap());
        pipeline
            .verify(&with_draft, &[format!("r{n:011}")], &current, &desired)
            .await
            .unwrap();
        pipeline.finish().await.unwrap();
        let t = Instant::now();
        drop(server);
        let stop = t.elapsed();
        let total = began.elapsed();
        println!(
            "{round:>5}  {:>8}  {:>8}  {:>10.0}%  {:>7}",
            total.as_millis(),
            start.as_millis(),
            100.0 * start.as_secs_f64() / total.as_secs_f64(),
            stop.as_millis()
        );
        totals.push(total);
        starts.push(start);
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    if rounds > 1 {
        let (mut warm_t, mut warm_s) = (totals[1..].to_vec(), starts[1..].to_vec());
        let (t, s) = (median(&mut warm_t), median(&mut warm_s));
        println!(
            "median of rounds 2..{rounds}: total {} ms, start {} ms ({:.0}%)",
            t.as_millis(),
            s.as_millis(),
            100.0 * s.as_secs_f64() / t.as_secs_f64()
        );
    }
}
