//! Hinted renames, from the models to the SQL of each backend.

use crate::apply::apply;
use crate::hints::Hints;
use crate::model::{
    Check, Column, ColumnType, Dialect, EnumType, Index, IndexPart, QualifiedName, Schema, Table,
    Unique,
};
use crate::render::draft;

fn table(d: Dialect, index: &str, unique: &str, check: &str) -> Table {
    let mut t = Table::new("t");
    t.columns
        .push(Column::new("id", ColumnType::new(d, "integer")));
    t.columns
        .push(Column::new("email", ColumnType::new(d, "text")));
    t.indexes.push(Index {
        name: index.into(),
        unique: false,
        parts: vec![IndexPart::column("email")],
        include: vec![],
        predicate: None,
        method: None,
        nulls_not_distinct: false,
        storage: None,
        comment: None,
    });
    t.uniques.push(Unique {
        name: Some(unique.into()),
        columns: vec!["id".into()],
        nulls_not_distinct: false,
        deferrable: None,
    });
    t.checks.push(Check {
        name: Some(check.into()),
        expression: "(id > 0)".into(),
        no_inherit: false,
        not_valid: false,
    });
    t
}

fn schemas(d: Dialect) -> (Schema, Schema, Hints) {
    let current = Schema {
        tables: vec![table(d, "t_email_idx", "t_id_key", "positive")],
        ..Schema::default()
    };
    let desired = Schema {
        tables: vec![table(d, "t_email", "t_id_unique", "t_id_positive")],
        ..Schema::default()
    };
    let mut hints = Hints::new();
    hints.rename_index("t", "t_email_idx", "t_email");
    hints.rename_index("t", "t_id_key", "t_id_unique");
    hints.rename_index("t", "positive", "t_id_positive");
    (current, desired, hints)
}

#[test]
fn postgres_renames_indexes_and_constraints_in_place_both_ways() {
    let d = Dialect::Postgres;
    let (current, desired, hints) = schemas(d);
    let up = draft(&current, &desired, &hints, d);
    assert_eq!(
        up.sql(),
        [
            "ALTER TABLE \"t\" RENAME CONSTRAINT \"positive\" TO \"t_id_positive\";",
            "ALTER INDEX \"t_email_idx\" RENAME TO \"t_email\";",
            "ALTER TABLE \"t\" RENAME CONSTRAINT \"t_id_key\" TO \"t_id_unique\";",
        ]
    );
    assert_eq!(apply(&current, &up.changes).unwrap(), desired);
    let down = draft(&desired, &current, &hints.reversed(), d);
    assert!(down
        .sql()
        .contains(&"ALTER INDEX \"t_email\" RENAME TO \"t_email_idx\";"));
    assert_eq!(apply(&desired, &down.changes).unwrap(), current);
}

#[test]
fn mysql_renames_keys_and_drops_and_adds_a_check() {
    let d = Dialect::MySql;
    let (current, desired, hints) = schemas(d);
    let up = draft(&current, &desired, &hints, d);
    assert_eq!(
        up.sql(),
        [
            "ALTER TABLE `t` DROP CONSTRAINT `positive`;",
            "ALTER TABLE `t` ADD CONSTRAINT `t_id_positive` CHECK ((id > 0));",
            "ALTER TABLE `t` RENAME INDEX `t_email_idx` TO `t_email`;",
            "ALTER TABLE `t` RENAME INDEX `t_id_key` TO `t_id_unique`;",
        ]
    );
}

#[test]
fn sqlite_creates_a_renamed_index_again() {
    let d = Dialect::Sqlite;
    let (mut current, mut desired, hints) = schemas(d);
    for s in [&mut current, &mut desired] {
        s.tables[0].uniques.clear();
        s.tables[0].checks.clear();
    }
    let up = draft(&current, &desired, &hints, d);
    assert_eq!(
        up.sql(),
        [
            "DROP INDEX \"t_email_idx\";",
            "CREATE INDEX \"t_email\" ON \"t\" (\"email\");",
        ]
    );
}

#[test]
fn an_index_that_changes_beyond_its_name_is_dropped_and_created() {
    let d = Dialect::Postgres;
    let (current, mut desired, hints) = schemas(d);
    desired.tables[0].indexes[0].unique = true;
    let up = draft(&current, &desired, &hints, d);
    assert!(
        up.sql().iter().any(|s| s.starts_with("DROP INDEX")),
        "{:?}",
        up.sql()
    );
    assert!(!up.sql().iter().any(|s| s.starts_with("ALTER INDEX")));
}

fn enum_schema(name: &str, values: &[&str]) -> Schema {
    let d = Dialect::Postgres;
    let mut t = Table::new("t");
    t.columns.push(Column::new("m", ColumnType::new(d, name)));
    Schema {
        tables: vec![t],
        enums: vec![EnumType {
            name: QualifiedName::new(name),
            values: values.iter().map(|v| v.to_string()).collect(),
        }],
        ..Schema::default()
    }
}

#[test]
fn enum_types_and_labels_are_renamed_in_place() {
    let d = Dialect::Postgres;
    let mut hints = Hints::new();
    hints.rename_enum("feeling", "mood");
    let up = draft(
        &enum_schema("feeling", &["glad", "sad"]),
        &enum_schema("mood", &["glad", "sad"]),
        &hints,
        d,
    );
    assert_eq!(up.sql(), ["ALTER TYPE \"feeling\" RENAME TO \"mood\";"]);

    let mut hints = Hints::new();
    hints.rename_enum_value("mood", "glad", "happy");
    let current = enum_schema("mood", &["glad", "sad"]);
    let desired = enum_schema("mood", &["happy", "sad", "angry"]);
    let up = draft(&current, &desired, &hints, d);
    assert_eq!(
        up.sql(),
        [
            "ALTER TYPE \"mood\" RENAME VALUE 'glad' TO 'happy';",
            "ALTER TYPE \"mood\" ADD VALUE 'angry';",
        ]
    );
    let down = draft(&desired, &current, &hints.reversed(), d);
    assert!(
        down.sql()
            .iter()
            .any(|s| s.contains("RENAME VALUE 'happy' TO 'glad'")),
        "{:?}",
        down.sql()
    );
}

fn inline_enum(labels: &[&str]) -> Schema {
    let d = Dialect::MySql;
    let mut t = Table::new("orders");
    t.columns.push(Column::new("id", ColumnType::new(d, "int")));
    let list: Vec<String> = labels.iter().map(|l| format!("'{l}'")).collect();
    let ty = ColumnType::new(d, format!("enum({})", list.join(",")));
    t.columns.push(Column::new("state", ty));
    let mut s = Schema::default();
    s.tables.push(t);
    s
}

#[test]
fn mysql_inline_enum_labels_are_renamed_keeping_their_rows() {
    let d = Dialect::MySql;
    let mut hints = Hints::new();
    hints.rename_column_label("orders", "state", "done", "closed");
    let current = inline_enum(&["open", "done", "late"]);
    let desired = inline_enum(&["open", "closed"]);
    let up = draft(&current, &desired, &hints, d);
    assert_eq!(
        up.sql(),
        [
            "ALTER TABLE `orders` MODIFY COLUMN `state` enum('open','done','late','closed') NULL;",
            "UPDATE `orders` SET `state` = 'closed' WHERE `state` = 'done';",
            "ALTER TABLE `orders` MODIFY COLUMN `state` enum('open','closed') NULL;",
        ]
    );
    assert_eq!(apply(&current, &up.changes).unwrap(), desired);
    let down = draft(&desired, &current, &hints.reversed(), d);
    assert_eq!(
        down.sql()[1],
        "UPDATE `orders` SET `state` = 'done' WHERE `state` = 'closed';"
    );

    // Without the hint the column only changes, and a hint whose new
    // label is not desired changes nothing either.
    let plain = draft(&current, &desired, &Hints::new(), d);
    assert_eq!(plain.sql().len(), 1);
    let mut stray = Hints::new();
    stray.rename_column_label("orders", "state", "done", "finished");
    assert_eq!(draft(&current, &desired, &stray, d).sql(), plain.sql());
}

#[test]
fn a_moved_enum_column_moves_after_its_rows_took_the_new_labels() {
    let d = Dialect::MySql;
    let mut hints = Hints::new();
    hints.rename_column_label("orders", "state", "done", "closed");
    let current = inline_enum(&["open", "done"]);
    let mut desired = inline_enum(&["open", "closed"]);
    desired.tables[0].columns.reverse();
    let up = draft(&current, &desired, &hints, d);
    let sql = up.sql();
    let update = sql
        .iter()
        .position(|s| s.starts_with("UPDATE"))
        .expect("an UPDATE");
    let moved = sql
        .iter()
        .position(|s| s.contains(" FIRST"))
        .expect("a move");
    assert!(update < moved, "{sql:?}");

    // Only the case changes: `done` and `Done` cannot share one list.
    let mut hints = Hints::new();
    hints.rename_column_label("orders", "state", "done", "Done");
    let up = draft(
        &inline_enum(&["open", "done"]),
        &inline_enum(&["open", "Done"]),
        &hints,
        d,
    );
    assert_eq!(up.sql().len(), 1, "{:?}", up.sql());
}
