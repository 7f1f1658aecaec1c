//! Index key parts' order, NULL placement and prefix length, and INCLUDE
//! columns: the diff sees a change to any of them, each dialect writes what
//! it has syntax for, and schemas serialized before these fields existed
//! still read.

use super::build::{schema, table};
use crate::*;

fn with_parts(d: Dialect, parts: Vec<IndexPart>) -> Schema {
    let index = Index {
        name: "ev_at".into(),
        unique: false,
        parts,
        include: Vec::new(),
        predicate: None,
        method: None,
        comment: None,
        nulls_not_distinct: false,
        storage: None,
    };
    let t = table(d, "ev")
        .id()
        .col("at", "ts")
        .col("kind", "text")
        .index_with(index)
        .build();
    schema(vec![t])
}

fn up(d: Dialect, cur: Vec<IndexPart>, des: Vec<IndexPart>) -> Vec<String> {
    let up = draft(&with_parts(d, cur), &with_parts(d, des), &Hints::new(), d);
    up.sql().into_iter().map(str::to_string).collect()
}

fn at() -> IndexPart {
    IndexPart::column("at")
}

#[test]
fn a_changed_order_drops_and_creates_the_index() {
    let desc = || vec![at().with_order(SortOrder::Desc)];
    assert_eq!(
        up(Dialect::Postgres, vec![at()], desc()),
        [
            r#"DROP INDEX "ev_at";"#,
            r#"CREATE INDEX "ev_at" ON "ev" ("at" DESC);"#
        ]
    );
    assert_eq!(
        up(Dialect::Sqlite, desc(), vec![at()]),
        [
            r#"DROP INDEX "ev_at";"#,
            r#"CREATE INDEX "ev_at" ON "ev" ("at");"#
        ]
    );
    assert!(up(Dialect::MySql, desc(), desc()).is_empty());
}

#[test]
fn nulls_placement_is_compared_against_the_orders_default() {
    let d = Dialect::Postgres;
    let explicit_default = vec![
        at().with_nulls(NullsOrder::Last),
        IndexPart::expression("lower(kind)")
            .with_order(SortOrder::Desc)
            .with_nulls(NullsOrder::First),
    ];
    let implicit = vec![
        at(),
        IndexPart::expression("lower(kind)").with_order(SortOrder::Desc),
    ];
    assert!(up(d, explicit_default, implicit.clone()).is_empty());
    let nulls_last_desc = vec![
        at().with_nulls(NullsOrder::First),
        IndexPart::expression("lower(kind)")
            .with_order(SortOrder::Desc)
            .with_nulls(NullsOrder::Last),
    ];
    assert_eq!(
        up(d, implicit, nulls_last_desc).last().unwrap(),
        r#"CREATE INDEX "ev_at" ON "ev" ("at" NULLS FIRST, (lower(kind)) DESC NULLS LAST);"#
    );
}

#[test]
fn a_changed_prefix_length_drops_and_creates_the_index() {
    let d = Dialect::MySql;
    let kind = |n| vec![IndexPart::column("kind").with_prefix_length(n)];
    assert_eq!(
        up(d, kind(10), kind(20)),
        [
            "DROP INDEX `ev_at` ON `ev`;",
            "CREATE INDEX `ev_at` ON `ev` (`kind`(20));"
        ]
    );
    let both = vec![IndexPart::column("kind")
        .with_prefix_length(5)
        .with_order(SortOrder::Desc)];
    assert_eq!(
        up(d, vec![at()], both).last().unwrap(),
        "CREATE INDEX `ev_at` ON `ev` (`kind`(5) DESC);"
    );
}

#[test]
fn renaming_a_column_keeps_its_parts_order() {
    let d = Dialect::Postgres;
    let cur = with_parts(d, vec![at().with_order(SortOrder::Desc)]);
    let mut des = cur.clone();
    des.tables[0].columns[1].name = "happened_at".into();
    des.tables[0].indexes[0].parts[0].key = IndexKey::Column("happened_at".into());
    let mut hints = Hints::new();
    hints.rename_column("ev", "at", "happened_at");
    let up = draft(&cur, &des, &hints, d);
    assert_eq!(
        up.sql(),
        [r#"ALTER TABLE "ev" RENAME COLUMN "at" TO "happened_at";"#]
    );
}

#[test]
fn parts_serialize_flat_and_plain_parts_read_as_before() {
    let plain: IndexPart = serde_json::from_str(r#"{"column": "a"}"#).unwrap();
    assert_eq!(plain, IndexPart::column("a"));
    assert_eq!(serde_json::to_string(&plain).unwrap(), r#"{"column":"a"}"#);
    let expression: IndexPart = serde_json::from_str(r#"{"expression": "lower(b)"}"#).unwrap();
    assert_eq!(expression, IndexPart::expression("lower(b)"));
    let full = IndexPart::column("a")
        .with_order(SortOrder::Desc)
        .with_nulls(NullsOrder::Last)
        .with_prefix_length(10);
    let json = serde_json::to_string(&full).unwrap();
    assert_eq!(
        json,
        r#"{"column":"a","order":"desc","nulls":"last","prefix_length":10}"#
    );
    assert_eq!(serde_json::from_str::<IndexPart>(&json).unwrap(), full);
}

#[test]
fn include_columns_are_compared_written_and_renamed() {
    let d = Dialect::Postgres;
    let covering = |include: &[&str], column: &str| {
        let mut s = with_parts(d, vec![at().with_order(SortOrder::Desc)]);
        s.tables[0].columns[2].name = column.into();
        s.tables[0].indexes[0].include = include.iter().map(|c| c.to_string()).collect();
        s
    };
    let up = draft(
        &covering(&[], "kind"),
        &covering(&["kind"], "kind"),
        &Hints::new(),
        d,
    );
    assert_eq!(
        up.sql(),
        [
            r#"DROP INDEX "ev_at";"#,
            r#"CREATE INDEX "ev_at" ON "ev" ("at" DESC) INCLUDE ("kind");"#
        ]
    );
    let mut hints = Hints::new();
    hints.rename_column("ev", "kind", "category");
    let cur = covering(&["kind"], "kind");
    let des = covering(&["category"], "category");
    let up = draft(&cur, &des, &hints, d);
    assert_eq!(
        up.sql(),
        [r#"ALTER TABLE "ev" RENAME COLUMN "kind" TO "category";"#]
    );
    assert_eq!(apply(&cur, &up.changes).unwrap(), des);
}
