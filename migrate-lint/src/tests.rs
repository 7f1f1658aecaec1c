//! The rule table and the whole-set behaviour: suppression, lines, history.

use crate::{lint, Finding, Rule, Severity};
use migrate_graph::{load, Dialect, SourceFile};
use Dialect::{MySql, Postgres, Sqlite};

/// A table `t (id, c, d)` existed before the revision under test, or the
/// revision creates it just before the statement; `u (id)` always exists.
struct Case {
    dialect: Dialect,
    sql: &'static str,
    existed: bool,
    transaction: bool,
    expect: &'static [&'static str],
}

const fn case(
    dialect: Dialect,
    sql: &'static str,
    existed: bool,
    transaction: bool,
    expect: &'static [&'static str],
) -> Case {
    Case {
        dialect,
        sql,
        existed,
        transaction,
        expect,
    }
}

const E: bool = true; // the table existed
const N: bool = false; // created in the same revision
const TX: bool = true;
const NO_TX: bool = false;

#[rustfmt::skip]
const CASES: &[Case] = &[
    // Drops.
    case(Postgres, "DROP TABLE t;", E, TX, &["drop-table"]),
    case(Postgres, "DROP TABLE t;", N, TX, &[]),
    case(Sqlite, "DROP TABLE t;", E, TX, &["drop-table"]),
    case(MySql, "DROP TABLE IF EXISTS t;", E, TX, &["drop-table"]),
    case(Postgres, "ALTER TABLE t DROP COLUMN c;", E, TX, &["drop-column"]),
    case(Postgres, "ALTER TABLE public.t DROP COLUMN c;", E, TX, &["drop-column"]),
    case(Postgres, "ALTER TABLE t DROP COLUMN c;", N, TX, &[]),
    case(Sqlite, "ALTER TABLE t DROP COLUMN c;", N, TX, &[]),
    case(Postgres, "ALTER TABLE t ADD COLUMN e INT;\nALTER TABLE t DROP COLUMN e;", E, TX, &[]),
    // Renames.
    case(Postgres, "ALTER TABLE t RENAME TO t2;", E, TX, &["rename-table"]),
    case(Postgres, "ALTER TABLE t RENAME TO t2;", N, TX, &[]),
    case(Sqlite, "ALTER TABLE t RENAME TO t2;", E, TX, &["rename-table"]),
    case(MySql, "RENAME TABLE t TO t2;", E, TX, &["rename-table"]),
    case(MySql, "RENAME TABLE t TO t2;", N, TX, &[]),
    case(Postgres, "ALTER TABLE t RENAME COLUMN c TO c2;", E, TX, &["rename-column"]),
    case(Sqlite, "ALTER TABLE t RENAME COLUMN c TO c2;", E, TX, &["rename-column"]),
    case(Sqlite, "ALTER TABLE t RENAME COLUMN c TO c2;", N, TX, &[]),
    // NOT NULL.
    case(Postgres, "ALTER TABLE t ALTER COLUMN c SET NOT NULL;", E, TX, &["set-not-null"]),
    case(Postgres, "ALTER TABLE t ALTER COLUMN c SET NOT NULL;", N, TX, &[]),
    case(Postgres, "ALTER TABLE t ADD COLUMN e INT NOT NULL;", E, TX, &["add-column-not-null"]),
    case(Postgres, "ALTER TABLE t ADD COLUMN e INT NOT NULL DEFAULT 0;", E, TX, &[]),
    case(Postgres, "ALTER TABLE t ADD COLUMN e INT;", E, TX, &[]),
    case(Postgres, "ALTER TABLE t ADD COLUMN e BIGINT GENERATED ALWAYS AS IDENTITY;", E, TX, &[]),
    case(Postgres, "ALTER TABLE t ADD COLUMN e INT NOT NULL;", N, TX, &[]),
    case(Sqlite, "ALTER TABLE t ADD COLUMN e INT NOT NULL;", N, TX, &["add-column-not-null"]),
    case(Sqlite, "ALTER TABLE t ADD COLUMN e INT NOT NULL DEFAULT 0;", E, TX, &[]),
    case(MySql, "ALTER TABLE t ADD COLUMN e INT NOT NULL;", E, TX, &["add-column-not-null"]),
    // Type changes.
    case(Postgres, "ALTER TABLE t ALTER COLUMN c TYPE BIGINT;", E, TX, &["change-column-type"]),
    case(Postgres, "ALTER TABLE t ALTER COLUMN c TYPE BIGINT;", N, TX, &[]),
    case(MySql, "ALTER TABLE t MODIFY COLUMN c BIGINT NOT NULL;", E, TX, &["change-column-type"]),
    case(MySql, "ALTER TABLE t CHANGE COLUMN c c2 BIGINT;", E, TX, &["rename-column", "change-column-type"]),
    case(MySql, "ALTER TABLE t MODIFY COLUMN c BIGINT;", N, TX, &[]),
    // PostgreSQL indexes and transactions.
    case(Postgres, "CREATE INDEX i ON t (c);", E, TX, &["index-not-concurrent"]),
    case(Postgres, "CREATE INDEX i ON t (c);", N, TX, &[]),
    case(Postgres, "CREATE INDEX CONCURRENTLY i ON t (c);", E, NO_TX, &[]),
    case(Postgres, "CREATE INDEX CONCURRENTLY i ON t (c);", E, TX, &["concurrently-in-transaction"]),
    case(Postgres, "CREATE UNIQUE INDEX CONCURRENTLY i ON t (c);", N, TX, &["concurrently-in-transaction"]),
    case(Postgres, "DROP INDEX CONCURRENTLY i;", E, TX, &["concurrently-in-transaction"]),
    case(Postgres, "DROP INDEX CONCURRENTLY i;", E, NO_TX, &[]),
    case(Sqlite, "CREATE INDEX i ON t (c);", E, TX, &[]),
    case(MySql, "CREATE INDEX i ON t (c);", E, TX, &[]),
    // PostgreSQL constraints.
    case(Postgres, "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES u (id);", E, TX, &["constraint-not-valid"]),
    case(Postgres, "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES u (id) NOT VALID;", E, TX, &[]),
    case(Postgres, "ALTER TABLE t ADD CONSTRAINT ck CHECK (c > 0);", E, TX, &["constraint-not-valid"]),
    case(Postgres, "ALTER TABLE t ADD CONSTRAINT ck CHECK (c > 0);", N, TX, &[]),
    case(Postgres, "ALTER TABLE t VALIDATE CONSTRAINT ck;", E, TX, &[]),
    // MySQL: implicit commits.
    case(MySql, "ALTER TABLE t ADD COLUMN e INT;\nUPDATE t SET e = c;", E, TX, &["mixed-ddl-dml"]),
    case(MySql, "INSERT INTO t (id) VALUES (1);", E, TX, &[]),
    case(MySql, "INSERT INTO t (id) VALUES (1);", N, TX, &["mixed-ddl-dml"]),
    case(Postgres, "ALTER TABLE t ADD COLUMN e INT;\nUPDATE t SET e = c;", E, TX, &[]),
    // What no grammar reads.
    case(Postgres, "DO $$ BEGIN RAISE NOTICE 'a;b'; END $$;", E, TX, &[]),
    case(MySql, "DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END//\nDELIMITER ;", E, TX, &[]),
    case(Postgres, "SELEC 1;", E, TX, &["unparsed"]),
    case(Sqlite, "ALTER TABLE t ADD COLUMN;", E, TX, &["unparsed"]),
];

fn base(existed: bool) -> String {
    let t = if existed {
        "CREATE TABLE t (id INT, c INT, d TEXT);\n"
    } else {
        ""
    };
    format!("-- Revision ID: a\n-- Revises:\n-- migrate:up\n{t}CREATE TABLE u (id INT PRIMARY KEY);\n-- migrate:down\nDROP TABLE u;\n")
}

fn findings(files: &[(&str, String)], dialect: Dialect) -> Vec<Finding> {
    let files: Vec<SourceFile> = files
        .iter()
        .map(|(name, text)| SourceFile::new(*name, text.as_str()))
        .collect();
    lint(&load(&files).expect("a valid set"), dialect)
}

fn run(c: &Case) -> Vec<&'static str> {
    let create = if c.existed {
        ""
    } else {
        "CREATE TABLE t (id INT, c INT, d TEXT);\n"
    };
    let tx = if c.transaction {
        ""
    } else {
        " transaction:false"
    };
    let b = format!(
        "-- Revision ID: b\n-- Revises: a\n-- migrate:up{tx}\n{create}{}\n-- migrate:down\nSELECT 1;\n",
        c.sql
    );
    findings(&[("a.sql", base(c.existed)), ("b.sql", b)], c.dialect)
        .into_iter()
        .inspect(|f| assert_eq!(f.file, "b.sql", "{f:?}"))
        .map(|f| f.rule.id())
        .collect()
}

#[test]
fn rule_table() {
    assert!(CASES.len() >= 40);
    let mut failures = Vec::new();
    for c in CASES {
        let got = run(c);
        if got != c.expect {
            failures.push(format!(
                "{} {:?} existed={} tx={}: expected {:?}, got {:?}",
                c.dialect, c.sql, c.existed, c.transaction, c.expect, got
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn revision_b(up: &str, down: &str) -> String {
    format!("-- Revision ID: b\n-- Revises: a\n-- migrate:up\n{up}\n-- migrate:down{down}\n")
}

#[test]
fn a_data_change_without_down_on_mysql() {
    let b = revision_b("UPDATE t SET c = 0;", " irreversible");
    let got = findings(&[("a.sql", base(true)), ("b.sql", b.clone())], MySql);
    let rules: Vec<_> = got.iter().map(|f| f.rule).collect();
    assert_eq!(rules, [Rule::DataChangeWithoutDown]);
    assert_eq!(got[0].line, 4);
    // PostgreSQL rolls a failed revision back; the rule is MySQL's.
    assert!(findings(&[("a.sql", base(true)), ("b.sql", b)], Postgres).is_empty());
}

#[test]
fn an_allow_marker_with_a_reason_suppresses_its_rule_only() {
    let up = "-- migrate:allow drop-column unused since v2.3\nALTER TABLE t DROP COLUMN c;\nALTER TABLE t DROP COLUMN d;";
    let got = findings(
        &[
            ("a.sql", base(true)),
            ("b.sql", revision_b(up, "\nSELECT 1;")),
        ],
        Sqlite,
    );
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].rule, got[0].line), (Rule::DropColumn, 6));
    // The wrong rule silences nothing.
    let up = "-- migrate:allow drop-table gone\nALTER TABLE t DROP COLUMN c;";
    let got = findings(
        &[
            ("a.sql", base(true)),
            ("b.sql", revision_b(up, "\nSELECT 1;")),
        ],
        Sqlite,
    );
    assert_eq!(
        got.iter().map(|f| f.rule).collect::<Vec<_>>(),
        [Rule::DropColumn]
    );
}

#[test]
fn an_allow_marker_without_a_reason_is_itself_an_error() {
    let up = "CREATE TABLE x (id INT);\n-- a note\n-- migrate:allow drop-table\nDROP TABLE t;";
    let got = findings(
        &[
            ("a.sql", base(true)),
            ("b.sql", revision_b(up, "\nSELECT 1;")),
        ],
        Postgres,
    );
    let got: Vec<_> = got.iter().map(|f| (f.rule, f.line, f.severity)).collect();
    assert_eq!(
        got,
        [
            (Rule::BadAllow, 6, Severity::Error),
            (Rule::DropTable, 7, Severity::Error)
        ]
    );
    let up = "-- migrate:allow no-such-rule because\nDROP TABLE t;";
    let got = findings(
        &[
            ("a.sql", base(true)),
            ("b.sql", revision_b(up, "\nSELECT 1;")),
        ],
        Postgres,
    );
    assert!(
        got.iter()
            .any(|f| f.rule == Rule::BadAllow && f.message.contains("names no rule")),
        "{got:?}"
    );
}

#[test]
fn findings_carry_file_line_column_and_advice() {
    let up = "CREATE TABLE x (id INT);\n\n   DROP TABLE t;";
    let got = findings(
        &[
            ("a.sql", base(true)),
            ("b.sql", revision_b(up, "\nSELECT 1;")),
        ],
        Postgres,
    );
    let f = &got[0];
    assert_eq!((f.line, f.column, f.revision.as_str()), (6, 4, "b"));
    assert_eq!(f.statement, "DROP TABLE t");
    assert_eq!(f.message, "drops table `t` (created by revision a)");
    assert_eq!(
        (f.why, f.safe_pattern),
        (Rule::DropTable.why(), Rule::DropTable.safe_pattern())
    );
}

#[test]
fn history_follows_renames_and_keeps_branches_apart() {
    let a = "-- Revision ID: a\n-- Revises:\n-- migrate:up\nCREATE TABLE t (id INT);\n-- migrate:down\nDROP TABLE t;\n";
    let b = "-- Revision ID: b\n-- Revises: a\n-- migrate:up\n-- migrate:allow rename-table reviewed\nALTER TABLE t RENAME TO t2;\nCREATE TABLE x (id INT);\n-- migrate:down\nSELECT 1;\n";
    let c = "-- Revision ID: c\n-- Revises: b\n-- Branch Labels: one\n-- migrate:up\nDROP TABLE t2;\n-- migrate:down\nSELECT 1;\n";
    // A sibling of c: x is known from b, but what c did is not seen here.
    let d = "-- Revision ID: d\n-- Revises: b\n-- Branch Labels: two\n-- migrate:up\nDROP TABLE x;\nDROP TABLE t2;\n-- migrate:down\nSELECT 1;\n";
    let files = [
        ("1a.sql", a.into()),
        ("2b.sql", b.into()),
        ("3c.sql", c.into()),
        ("4d.sql", d.into()),
    ];
    let got: Vec<_> = findings(&files, Postgres)
        .into_iter()
        .map(|f| (f.file, f.message))
        .collect();
    assert_eq!(
        got,
        [
            (
                "3c.sql".to_owned(),
                "drops table `t2` (created by revision a)".to_owned()
            ),
            (
                "4d.sql".to_owned(),
                "drops table `x` (created by revision b)".to_owned()
            ),
            (
                "4d.sql".to_owned(),
                "drops table `t2` (created by revision a)".to_owned()
            ),
        ]
    );
}

#[test]
fn unchecked_files_are_skipped_and_bad_sql_never_panics() {
    let b = "-- Revision ID: b\n-- Revises: a\n-- migrate:unchecked\n-- migrate:up\nDROP TABLE t; SELEC 1;\n-- migrate:down\nSELECT 1;\n";
    assert!(findings(&[("a.sql", base(true)), ("b.sql", b.into())], Postgres).is_empty());
    let garbage = revision_b("'unterminated; $$ ((( x", "\n)))");
    for d in [Postgres, MySql, Sqlite] {
        let got = findings(&[("a.sql", base(true)), ("b.sql", garbage.clone())], d);
        assert!(got.iter().all(|f| f.rule == Rule::Unparsed), "{got:?}");
        assert!(!got.is_empty());
    }
}
