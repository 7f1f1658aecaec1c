//! The whole-set behaviour: suppression, lines, history. The rule table
//! is `tests/cases.rs`.

use crate::{lint, Finding, Rule, Severity};
use migrate_graph::{load, Dialect, SourceFile};
use Dialect::{MySql, Postgres, Sqlite};

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

fn revision_b(up: &str, down: &str) -> String {
    format!("-- Revision ID: b\n-- Revises: a\n-- migrate:up\n{up}\n-- migrate:down{down}\n")
}

#[test]
fn a_data_change_without_down_on_mysql() {
    let b = revision_b("UPDATE t SET c = 0;", " irreversible");
    let got = findings(&[("a.sql", base(true)), ("b.sql", b.clone())], MySql);
    let rules: Vec<_> = got.iter().map(|f| f.rule).collect();
    assert_eq!(
        rules,
        [Rule::UpdateWithoutWhere, Rule::DataChangeWithoutDown]
    );
    assert_eq!(got[0].line, 4);
    // PostgreSQL rolls a failed revision back; the rule is MySQL's.
    let got = findings(&[("a.sql", base(true)), ("b.sql", b)], Postgres);
    let rules: Vec<_> = got.iter().map(|f| f.rule).collect();
    assert_eq!(rules, [Rule::UpdateWithoutWhere]);
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

#[test]
fn messages_name_the_object_and_where_it_came_from() {
    let cases: [(Dialect, &str, &str); 7] = [
        (
            Postgres,
            "DO $$ BEGIN DROP TABLE t; END $$;",
            "drops table `t` (created by revision a) (inside a DO block)",
        ),
        (
            Postgres,
            "CREATE TABLE archive.t (id INT);\nDROP TABLE t;",
            "drops table `t` (created by revision a)",
        ),
        (
            Postgres,
            "ALTER TYPE mood ADD VALUE 'ecstatic';\nINSERT INTO t (d) VALUES ('ecstatic');",
            "uses enum value 'ecstatic', added in the same transaction",
        ),
        (
            Postgres,
            "ALTER TABLE t ADD COLUMN e UUID DEFAULT gen_random_uuid();",
            "adds column `e` with the volatile gen_random_uuid() default to table `t` (created by revision a)",
        ),
        (
            MySql,
            "ALTER TABLE t CONVERT TO CHARACTER SET latin1;",
            "converts every text column of table `t` (created by revision a) to character set latin1",
        ),
        (
            Sqlite,
            "DELETE FROM t;",
            "deletes every row of table `t` (created by revision a)",
        ),
        (
            Postgres,
            "DROP SCHEMA s CASCADE;",
            "drops a schema with CASCADE, and everything that depends on it",
        ),
    ];
    for (dialect, up, message) in cases {
        let got = findings(
            &[
                ("a.sql", base(true)),
                ("b.sql", revision_b(up, "\nSELECT 1;")),
            ],
            dialect,
        );
        let messages: Vec<&str> = got.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages, [message], "{dialect} {up}");
    }
}

#[test]
fn a_not_null_check_validated_in_an_earlier_revision_makes_set_not_null_safe() {
    let b = "-- Revision ID: b\n-- Revises: a\n-- migrate:up\nALTER TABLE t ADD CONSTRAINT c_nn CHECK (c IS NOT NULL) NOT VALID;\n-- migrate:down\nSELECT 1;\n";
    let c = "-- Revision ID: c\n-- Revises: b\n-- migrate:up\nALTER TABLE t VALIDATE CONSTRAINT c_nn;\n-- migrate:down\nSELECT 1;\n";
    let d = "-- Revision ID: d\n-- Revises: c\n-- migrate:up\nALTER TABLE t RENAME COLUMN c TO c2;\nALTER TABLE t ALTER COLUMN c2 SET NOT NULL;\nALTER TABLE t ALTER COLUMN d SET NOT NULL;\n-- migrate:down\nSELECT 1;\n";
    let files = [
        ("a.sql", base(true)),
        ("b.sql", b.into()),
        ("c.sql", c.into()),
        ("d.sql", d.into()),
    ];
    let got: Vec<_> = findings(&files, Postgres)
        .into_iter()
        .map(|f| (f.rule, f.line))
        .collect();
    // The renamed column keeps its check; `d` has none.
    assert_eq!(got, [(Rule::RenameColumn, 4), (Rule::SetNotNull, 6)]);
}
