//! Drafts warn of data loss where no value is too long for the new type:
//! an integer into a binary float, a TEXT or BLOB size class shrinking, a
//! collation of a smaller character set; and stay quiet where nothing is lost.

use super::build::{schema, table};
use crate::*;

/// The warnings of the draft changing `t.v` from `from` to `to`, with the
/// collations given (MySQL).
fn warnings(d: Dialect, from: &str, to: &str, collations: [Option<&str>; 2]) -> Vec<Warning> {
    let mut cur = table(d, "t").id().build();
    cur.columns.push(Column::new("v", ColumnType::new(d, from)));
    let mut des = table(d, "t").id().build();
    des.columns.push(Column::new("v", ColumnType::new(d, to)));
    cur.columns[1].collation = collations[0].map(str::to_owned);
    des.columns[1].collation = collations[1].map(str::to_owned);
    draft(&schema(vec![cur]), &schema(vec![des]), &Hints::new(), d).warnings
}

fn loss(d: Dialect, from: &str, to: &str) -> Option<String> {
    warnings(d, from, to, [None, None])
        .into_iter()
        .find(|w| w.kind == WarningKind::DataLoss)
        .map(|w| format!("{}: {}", w.object, w.message))
}

#[test]
fn integer_to_binary_float_is_data_loss() {
    let got = loss(Dialect::Postgres, "bigint", "double precision").expect("a warning");
    assert!(got.starts_with("t.v: bigint -> double precision"), "{got}");
    assert!(got.contains("rounded"), "{got}");
    assert!(loss(Dialect::Postgres, "integer", "real").is_some());
    assert!(loss(Dialect::MySql, "bigint", "double").is_some());
    assert!(loss(Dialect::MySql, "int", "float").is_some());
    assert!(loss(Dialect::Sqlite, "INTEGER", "REAL").is_some());
    assert!(loss(Dialect::Postgres, "integer", "double precision").is_none());
    assert!(loss(Dialect::Postgres, "integer", "bigint").is_none());
}

#[test]
fn shrinking_text_and_blob_classes_is_data_loss() {
    let got = loss(Dialect::MySql, "longtext", "text").expect("a warning");
    assert!(got.contains("truncated"), "{got}");
    assert!(loss(Dialect::MySql, "longtext", "mediumtext").is_some());
    assert!(loss(Dialect::MySql, "mediumtext", "tinytext").is_some());
    assert!(loss(Dialect::MySql, "longblob", "blob").is_some());
    assert!(loss(Dialect::MySql, "text", "longtext").is_none());
    assert!(loss(Dialect::MySql, "tinyblob", "mediumblob").is_none());
}

#[test]
fn a_smaller_character_set_is_data_loss() {
    let d = Dialect::MySql;
    let kinds = |c: [Option<&str>; 2]| -> Vec<(WarningKind, String)> {
        warnings(d, "varchar(20)", "varchar(20)", c)
            .into_iter()
            .map(|w| (w.kind, w.message))
            .collect()
    };
    let got = kinds([None, Some("latin1_swedish_ci")]);
    assert!(
        got.iter().any(|(k, m)| *k == WarningKind::DataLoss
            && m.contains("utf8mb4 -> latin1")
            && m.contains("'?'")),
        "{got:?}"
    );
    for to in ["ascii_general_ci", "utf8mb3_general_ci"] {
        let got = kinds([Some("utf8mb4_unicode_ci"), Some(to)]);
        assert!(
            got.iter().any(|(k, _)| *k == WarningKind::DataLoss),
            "{to}: {got:?}"
        );
    }
    for c in [
        [None, Some("utf8mb4_bin")],
        [Some("latin1_swedish_ci"), Some("utf8mb4_bin")],
        [Some("utf8mb3_general_ci"), None],
    ] {
        let got = kinds(c);
        assert!(
            got.iter().all(|(k, _)| *k != WarningKind::DataLoss),
            "{c:?}: {got:?}"
        );
    }
}

#[test]
fn widening_loses_nothing() {
    for (d, from, to) in [
        (Dialect::Postgres, "varchar(50)", "varchar(100)"),
        (Dialect::Postgres, "varchar(50)", "text"),
        (Dialect::MySql, "varchar(50)", "varchar(100)"),
        (Dialect::MySql, "text", "mediumtext"),
        (Dialect::MySql, "float", "double"),
    ] {
        let got = warnings(d, from, to, [None, None]);
        assert!(
            got.iter()
                .all(|w| !matches!(w.kind, WarningKind::DataLoss | WarningKind::NarrowingType)),
            "{d} {from} -> {to}: {got:?}"
        );
    }
}
