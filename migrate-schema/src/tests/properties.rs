//! Property tests on random schemas: a diff applied to its source model gives
//! its target, a schema diffs empty against itself in every dialect, renames
//! declared by hints come out as renames only, and models survive JSON.

use proptest::prelude::*;
use proptest::sample::subsequence;

use super::build::comparable;
use crate::*;

const D: Dialect = Dialect::Postgres;
const TABLES: [&str; 4] = ["t0", "t1", "t2", "t3"];
const COLUMNS: [&str; 5] = ["c0", "c1", "c2", "c3", "c4"];
const TYPES: [&str; 7] = [
    "integer",
    "bigint",
    "text",
    "varchar(10)",
    "varchar(20)",
    "boolean",
    // The enum type the schemas may declare.
    "e0",
];

/// Index order by column position: odd ones descending, so that descending
/// parts go through the diff, rendering and apply of every random pair.
fn order(position: usize) -> SortOrder {
    if position % 2 == 1 {
        SortOrder::Desc
    } else {
        SortOrder::Asc
    }
}

fn column() -> impl Strategy<Value = (usize, bool, bool, bool, usize)> {
    (
        0..TYPES.len(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        0..8usize,
    )
}

/// One table; constraint and index names derive from their content, as the
/// engines' default names do.
fn table(name: &'static str) -> impl Strategy<Value = Table> {
    (
        subsequence(COLUMNS.to_vec(), 1..=COLUMNS.len()),
        proptest::collection::vec(column(), COLUMNS.len()),
        0..3usize,
        proptest::collection::vec(any::<bool>(), COLUMNS.len()),
        proptest::collection::vec(0..4usize, COLUMNS.len()),
        (any::<bool>(), any::<bool>()),
        0..=TABLES.len(),
    )
        .prop_map(
            move |(names, specs, pk, flags, kinds, (check, comment), fk_to)| {
                let mut t = Table::new(name);
                for (i, c) in names.iter().enumerate() {
                    let (ty, nullable, default, commented, extra) = specs[i];
                    let mut col = Column::new(*c, ColumnType::new(D, TYPES[ty]));
                    col.nullable = nullable && i >= pk;
                    col.default = default.then(|| "0".to_string());
                    col.comment = commented.then(|| format!("{c} note"));
                    match extra {
                        1 => col.identity = Some(Identity::Always),
                        2 => col.identity = Some(Identity::ByDefault),
                        3 => {
                            col.default = None;
                            let kind = if i % 2 == 0 {
                                GeneratedKind::Stored
                            } else {
                                GeneratedKind::Virtual
                            };
                            let expression = "id + 1".to_string();
                            col.generated = Some(Generated { expression, kind });
                        }
                        4 => col.collation = Some("C".into()),
                        _ => {}
                    }
                    t.columns.push(col);
                }
                let cols: Vec<String> = names.iter().map(|c| c.to_string()).collect();
                if pk > 0 && pk <= cols.len() {
                    t.primary_key = Some(PrimaryKey {
                        name: None,
                        columns: cols[..pk].to_vec(),
                        comment: None,
                        deferrable: None,
                    });
                }
                for (i, c) in cols.iter().enumerate() {
                    match (flags[i], kinds[i]) {
                        // Some constraints come unnamed, as SQLite reports them.
                        (true, 0) => t.uniques.push(Unique {
                            name: (i % 2 == 0).then(|| format!("{name}_{c}_key")),
                            columns: vec![c.clone()],
                            nulls_not_distinct: false,
                            deferrable: None,
                        }),
                        (true, k) => t.indexes.push(Index {
                            name: format!("{name}_{c}_idx"),
                            unique: k == 2,
                            parts: vec![IndexPart::column(c.clone()).with_order(order(i))],
                            include: Vec::new(),
                            predicate: (k == 3).then(|| format!("{c} IS NOT NULL")),
                            method: None,
                            comment: None,
                            nulls_not_distinct: false,
                            storage: None,
                        }),
                        _ => {}
                    }
                }
                if check {
                    let expression = format!("{} IS NOT NULL", cols[0]);
                    t.checks.push(Check {
                        name: Some(format!("{name}_check")),
                        expression,
                        no_inherit: false,
                        not_valid: false,
                    });
                }
                if let Some(target) = TABLES.get(fk_to) {
                    t.foreign_keys.push(ForeignKey {
                        name: Some(format!("{name}_{}_fkey", cols[0])),
                        columns: vec![cols[0].clone()],
                        referenced_table: QualifiedName::new(*target),
                        referenced_columns: vec!["c0".into()],
                        on_delete: if fk_to % 2 == 0 {
                            FkAction::Cascade
                        } else {
                            FkAction::NoAction
                        },
                        on_update: FkAction::NoAction,
                        match_full: false,
                        not_valid: false,
                    });
                }
                t.comment = comment.then(|| format!("{name} note"));
                t
            },
        )
}

fn schema() -> impl Strategy<Value = Schema> {
    (
        proptest::collection::vec(proptest::option::of(Just(())), TABLES.len()),
        TABLES.map(table),
        proptest::option::of(
            Just(()).prop_flat_map(|_| subsequence(vec!["a", "b", "c", "d"], 0..=4).prop_shuffle()),
        ),
        any::<bool>(),
    )
        .prop_map(|(present, tables, labels, extra_schema)| {
            let mut s = Schema::default();
            for (keep, t) in present.iter().zip(tables) {
                if keep.is_some() {
                    s.tables.push(t);
                }
            }
            if let Some(labels) = labels {
                let values = labels.into_iter().map(String::from).collect();
                s.enums.push(EnumType {
                    name: QualifiedName::new("e0"),
                    values,
                });
            }
            if extra_schema {
                s.schemas.push("s1".into());
            }
            s.canonicalize();
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_diff_applied_to_its_source_gives_its_target(a in schema(), b in schema()) {
        let forward = diff(&a, &b, &Hints::new());
        let after = apply(&a, &forward.changes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(comparable(&after), comparable(&b));
        prop_assert!(diff(&after, &b, &Hints::new()).is_empty());
    }

    #[test]
    fn a_schema_has_no_difference_with_itself(a in schema()) {
        prop_assert!(diff(&a, &a, &Hints::new()).is_empty());
        for d in [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite] {
            let same = draft(&a, &a, &Hints::new(), d);
            prop_assert!(same.is_empty() && same.warnings.is_empty(), "{d}: {:?}", same.up);
        }
    }

    #[test]
    fn every_dialect_renders_every_diff(a in schema(), b in schema()) {
        for d in [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite] {
            let up = draft(&a, &b, &Hints::new(), d);
            prop_assert_eq!(up.is_empty(), a == b || diff(&a, &b, &Hints::new()).is_empty());
            for statement in &up.up {
                prop_assert!(statement.sql.ends_with(';'));
                let parsed = super::corpus::parses(d, &statement.sql);
                prop_assert!(parsed.is_ok(), "{d}: {}\n{:?}", statement.sql, parsed);
            }
        }
    }

    #[test]
    fn hinted_renames_come_out_as_renames_only(a in schema(), pick in 0..TABLES.len(), col in 0..COLUMNS.len()) {
        if a.tables.is_empty() {
            return Ok(());
        }
        let table = a.tables[pick % a.tables.len()].clone();
        let column = table.columns[col % table.columns.len()].name.clone();
        let new_table = QualifiedName::new(format!("renamed_{}", table.name.name));
        let renames = vec![
            Change::RenameTable { from: table.name.clone(), to: new_table.clone() },
            Change::RenameColumn { table: new_table.clone(), from: column.clone(), to: "renamed".into() },
        ];
        let b = apply(&a, &renames).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut hints = Hints::new();
        hints.rename_table(table.name.clone(), new_table.clone());
        hints.rename_column(new_table, column, "renamed");
        let forward = diff(&a, &b, &hints);
        // A renamed column named in a check expression is re-added: the
        // catalog rewrites expressions on rename, the model cannot.
        let structural: Vec<&Change> = forward.changes.iter().filter(|c| !matches!(c, Change::DropCheck { .. } | Change::AddCheck { .. })).collect();
        prop_assert_eq!(structural, renames.iter().collect::<Vec<_>>());
        let back = diff(&b, &a, &hints.reversed());
        let after = apply(&b, &back.changes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(comparable(&after), comparable(&a));
    }

    #[test]
    fn renames_mixed_with_other_changes_reach_the_target(a in schema(), b in schema(), pick in 0..TABLES.len(), col in 0..COLUMNS.len()) {
        // A table on both sides, renamed on the desired side along with one
        // column the two sides share, on top of whatever else differs.
        let shared: Vec<&Table> = a.tables.iter().filter(|t| b.table(&t.name).is_some()).collect();
        if shared.is_empty() {
            return Ok(());
        }
        let old = shared[pick % shared.len()];
        let new_table = QualifiedName::new(format!("renamed_{}", old.name.name));
        let mut renames = vec![Change::RenameTable { from: old.name.clone(), to: new_table.clone() }];
        let mut hints = Hints::new();
        hints.rename_table(old.name.clone(), new_table.clone());
        let theirs = b.table(&old.name).unwrap();
        let common: Vec<&Column> = old.columns.iter().filter(|c| theirs.column(&c.name).is_some()).collect();
        if !common.is_empty() {
            let column = common[col % common.len()].name.clone();
            renames.push(Change::RenameColumn { table: new_table.clone(), from: column.clone(), to: "renamed".into() });
            hints.rename_column(new_table, column, "renamed");
        }
        let target = apply(&b, &renames).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let forward = diff(&a, &target, &hints);
        let renamed = forward.changes.iter().any(|c| matches!(c, Change::RenameTable { .. }));
        prop_assert!(renamed);
        let after = apply(&a, &forward.changes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(comparable(&after), comparable(&target));
        let back = diff(&target, &a, &hints.reversed());
        let after = apply(&target, &back.changes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(comparable(&after), comparable(&a));
    }

    #[test]
    fn models_survive_json(a in schema()) {
        let json = serde_json::to_string(&a).unwrap();
        let back: Schema = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, a);
    }
}
