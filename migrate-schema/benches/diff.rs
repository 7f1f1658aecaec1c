//! The diff's cost against the number of objects: 1,000 and 10,000 tables
//! (each with columns, a primary key, an index and a foreign key), every
//! table changed once. Linear means the 10,000 figure is about ten times the
//! 1,000 one. Run with `cargo bench -p migrate-schema --bench diff`.

use criterion::{criterion_group, criterion_main, Criterion};
use migrate_schema::{
    draft, Column, ColumnType, Dialect, ForeignKey, Hints, Index, IndexPart, PrimaryKey,
    QualifiedName, Schema, Table,
};

fn wide(n: usize, changed: bool) -> Schema {
    let d = Dialect::Postgres;
    let tables = (0..n)
        .map(|i| {
            let name = format!("t{i:05}");
            let mut t = Table::new(name.as_str());
            t.columns
                .push(Column::new("id", ColumnType::new(d, "integer")));
            t.columns
                .push(Column::new("ref_id", ColumnType::new(d, "integer")));
            let label = if changed {
                "varchar(200)"
            } else {
                "varchar(100)"
            };
            t.columns
                .push(Column::new("label", ColumnType::new(d, label)));
            t.primary_key = Some(PrimaryKey {
                name: Some(format!("{name}_pkey")),
                columns: vec!["id".into()],
                comment: None,
                deferrable: None,
            });
            t.indexes.push(Index {
                name: format!("{name}_label_idx"),
                unique: false,
                parts: vec![IndexPart::column("label")],
                include: Vec::new(),
                predicate: None,
                method: None,
                comment: None,
                nulls_not_distinct: false,
                storage: None,
            });
            if i > 0 {
                t.foreign_keys.push(ForeignKey {
                    name: Some(format!("{name}_ref_id_fkey")),
                    columns: vec!["ref_id".into()],
                    referenced_table: QualifiedName::new(format!("t{:05}", i - 1)),
                    referenced_columns: vec!["id".into()],
                    on_delete: Default::default(),
                    on_update: Default::default(),
                    match_full: false,
                    not_valid: false,
                });
            }
            t
        })
        .collect();
    let mut s = Schema {
        tables,
        ..Schema::default()
    };
    s.canonicalize();
    s
}

fn diff(c: &mut Criterion) {
    let mut group = c.benchmark_group("draft");
    group.sample_size(10);
    for n in [1_000, 10_000] {
        let (cur, des) = (wide(n, false), wide(n, true));
        group.bench_function(format!("{n} tables, each changed"), |b| {
            b.iter(|| draft(&cur, &des, &Hints::new(), Dialect::Postgres))
        });
        group.bench_function(format!("{n} tables, unchanged"), |b| {
            b.iter(|| draft(&des, &des, &Hints::new(), Dialect::Postgres))
        });
    }
    group.finish();
}

criterion_group!(benches, diff);
criterion_main!(benches);
