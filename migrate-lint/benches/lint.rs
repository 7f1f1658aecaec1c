//! The lint and the build-time syntax check over 1,000 migration files.
//!
//! Target from issue 11: lint of 1,000 files under 1 s. Each file holds what
//! real migrations hold: a table, an index, a column change, a data change,
//! a PL/pgSQL function every tenth file; every hundredth revision starts a
//! short branch that is merged back, so the history is rebuilt from the
//! ancestors there. Run with `cargo bench -p migrate-lint`.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use migrate_graph::{load, Dialect, DownText, MigrationSet, RevisionFile, SectionText, SourceFile};
use std::time::Duration;

const FILES: usize = 1_000;

fn file(i: usize, parents: &[String]) -> SourceFile {
    let extra = if i.is_multiple_of(10) {
        format!(
            "CREATE FUNCTION f_{i}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.n := NEW.n + 1;\n  RETURN NEW;\nEND;\n$$;\n"
        )
    } else {
        String::new()
    };
    let prev = i.saturating_sub(1);
    let mut file = RevisionFile::new(format!("r{i:05}"));
    file.parents = parents.to_vec();
    file.message = Some(format!("step {i}"));
    file.up = SectionText::new(format!(
        "CREATE TABLE t_{i} (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, n INT, created_at TIMESTAMP);\n\
         CREATE INDEX t_{i}_name ON t_{i} (name);\n\
         ALTER TABLE t_{prev} ADD COLUMN note TEXT;\n\
         -- migrate:allow set-not-null backfilled in the previous revision\n\
         ALTER TABLE t_{prev} ALTER COLUMN n SET NOT NULL;\n\
         UPDATE t_{prev} SET note = 'step {i}' WHERE id > 10;\n{extra}\n"
    ));
    file.down = DownText::Sql(SectionText::new(format!(
        "ALTER TABLE t_{prev} DROP COLUMN note;\nDROP TABLE t_{i};\n"
    )));
    let text = file.render();
    SourceFile::new(format!("{i:05}_step.sql"), text)
}

/// A chain with a two-revision branch merged back every hundred revisions.
fn set(n: usize) -> MigrationSet {
    let mut files = Vec::with_capacity(n);
    let mut i = 0;
    let mut tip: Vec<String> = Vec::new();
    while files.len() < n {
        if i % 100 == 50 && files.len() + 3 <= n {
            let (a, b, m) = (i, i + 1, i + 2);
            files.push(file(a, &tip));
            files.push(file(b, &tip));
            files.push(file(m, &[format!("r{a:05}"), format!("r{b:05}")]));
            tip = vec![format!("r{m:05}")];
            i += 3;
        } else {
            files.push(file(i, &tip));
            tip = vec![format!("r{i:05}")];
            i += 1;
        }
    }
    load(&files).expect("a valid set")
}

fn bench(c: &mut Criterion) {
    let set = set(FILES);
    let mut group = c.benchmark_group("lint");
    group
        .measurement_time(Duration::from_secs(10))
        .sample_size(10);
    for dialect in [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite] {
        group.bench_function(format!("lint 1000 files ({dialect})"), |b| {
            b.iter(|| black_box(migrate_lint::lint(black_box(&set), dialect)))
        });
    }
    group.bench_function("check_syntax 1000 files (postgres)", |b| {
        b.iter(|| {
            set.revisions()
                .iter()
                .map(|r| migrate_lint::check_syntax(r, Dialect::Postgres).len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
