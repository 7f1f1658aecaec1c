//! Wrong down sections the schema model alone passed: each fails the
//! stairway naming the object, and once accepted with `-- migrate:allow
//! stairway <object> <reason>` the revision is `accepted`.

use super::{on, server, set};
use crate::support::{rev, Backend, Rev};
use migrate_devtools::stairway::{Failure, Outcome, Stairway, StairwayReport};

async fn run(backend: Backend, revs: &[Rev]) -> StairwayReport {
    Stairway::new(set(revs), server(backend))
        .run()
        .await
        .expect("the stairway runs")
}

/// b2 must fail, its differences naming every one of `needles`.
async fn fails_naming(
    backend: Backend,
    (base, base_down): (&str, &str),
    up: &str,
    down: &str,
    needles: &[&str],
) {
    let revs = [
        rev("a1", &[]).up(base).down(base_down),
        rev("b2", &["a1"]).up(up).down(down),
    ];
    let report = run(backend, &revs).await;
    let failed: Vec<_> = report.failures().collect();
    assert_eq!(failed.len(), 1, "{report:#?}");
    assert_eq!(failed[0].id, "b2", "{report:#?}");
    let Outcome::Failed(f) = &failed[0].outcome else {
        unreachable!()
    };
    let text = f.to_string();
    assert!(matches!(f, Failure::Differs { .. }), "{text}");
    for n in needles {
        assert!(text.contains(n), "`{n}` not named in:\n{text}");
    }
}

// ----------------------------------------------------------- PostgreSQL --

async fn pg_trigger_left_disabled(b: Backend) {
    fails_naming(
        b,
        ("CREATE TABLE t (id INT);\nCREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\nCREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();", "DROP TABLE t;\nDROP FUNCTION f();"),
        "ALTER TABLE t DISABLE TRIGGER tr;",
        "SELECT 1;",
        &["trigger t tr", "DISABLE TRIGGER tr"],
    )
    .await;
}
on!(pg_trigger_left_disabled: postgres = Postgres);

async fn pg_comment_on_view(b: Backend) {
    fails_naming(
        b,
        ("CREATE VIEW v AS SELECT 1 AS a;", "DROP VIEW v;"),
        "COMMENT ON VIEW v IS 'the view';",
        "SELECT 1;",
        &["COMMENT ON VIEW", "the view"],
    )
    .await;
}
on!(pg_comment_on_view: postgres = Postgres);

async fn pg_row_security_and_policy(b: Backend) {
    fails_naming(
        b,
        ("CREATE TABLE t (id INT);", "DROP TABLE t;"),
        "ALTER TABLE t ENABLE ROW LEVEL SECURITY;\nCREATE POLICY p ON t USING (id > 0);",
        "SELECT 1;",
        &["policy t p", "row security t"],
    )
    .await;
}
on!(pg_row_security_and_policy: postgres = Postgres);

async fn pg_rule_left_behind(b: Backend) {
    fails_naming(
        b,
        ("CREATE TABLE t (id INT);", "DROP TABLE t;"),
        "CREATE RULE r AS ON DELETE TO t DO INSTEAD NOTHING;",
        "SELECT 1;",
        &["rule t r"],
    )
    .await;
}
on!(pg_rule_left_behind: postgres = Postgres);

async fn pg_storage_settings(b: Backend) {
    fails_naming(
        b,
        ("CREATE TABLE t (id INT, name TEXT);", "DROP TABLE t;"),
        "ALTER TABLE t SET UNLOGGED;\nALTER TABLE t SET (fillfactor = 70);\nALTER TABLE t ALTER COLUMN name SET STATISTICS 500;\nALTER TABLE t REPLICA IDENTITY FULL;",
        "SELECT 1;",
        &["table t", "UNLOGGED", "fillfactor", "STATISTICS 500", "REPLICA IDENTITY FULL"],
    )
    .await;
}
on!(pg_storage_settings: postgres = Postgres);

async fn pg_sequence_options(b: Backend) {
    fails_naming(
        b,
        ("CREATE SEQUENCE s;", "DROP SEQUENCE s;"),
        "ALTER SEQUENCE s INCREMENT BY 5;",
        "SELECT 1;",
        &["sequence s", "INCREMENT BY 5"],
    )
    .await;
}
on!(pg_sequence_options: postgres = Postgres);

// ----------------------------------------------------------- every backend --

async fn column_re_added_at_the_end(b: Backend) {
    let base = "CREATE TABLE ciphers (id INTEGER, favorite INTEGER, name TEXT);";
    fails_naming(
        b,
        (base, "DROP TABLE ciphers;"),
        "ALTER TABLE ciphers DROP COLUMN favorite;",
        "ALTER TABLE ciphers ADD COLUMN favorite INTEGER;",
        &["column favorite of ciphers moved from position 2 to 3"],
    )
    .await;
}
on!(column_re_added_at_the_end: sqlite = Sqlite, postgres = Postgres, mysql = MySql);

async fn seed_rows_not_removed(b: Backend) {
    fails_naming(
        b,
        (
            "CREATE TABLE roles (id INTEGER, name VARCHAR(20));",
            "DROP TABLE roles;",
        ),
        "INSERT INTO roles (id, name) VALUES (1, 'admin'), (2, 'user');",
        "SELECT 1;",
        &["rows of roles: 0 before, 2 after"],
    )
    .await;
}
on!(seed_rows_not_removed: sqlite = Sqlite, postgres = Postgres, mysql = MySql);

async fn seed_rows_changed(b: Backend) {
    fails_naming(
        b,
        ("CREATE TABLE roles (id INTEGER, name VARCHAR(20));\nINSERT INTO roles VALUES (1, 'admin');", "DROP TABLE roles;"),
        "UPDATE roles SET name = 'root' WHERE id = 1;",
        "SELECT 1;",
        &["rows of roles: the same count (1), different contents"],
    )
    .await;
}
on!(seed_rows_changed: sqlite = Sqlite, postgres = Postgres, mysql = MySql);

async fn view_body_left_changed(b: Backend) {
    fails_naming(
        b,
        (
            "CREATE TABLE t (a INTEGER, b INTEGER);\nCREATE VIEW v AS SELECT a FROM t;",
            "DROP VIEW v;\nDROP TABLE t;",
        ),
        "DROP VIEW v;\nCREATE VIEW v AS SELECT a, b FROM t;",
        "SELECT 1;",
        &["view v: definition differs:"],
    )
    .await;
}
on!(view_body_left_changed: sqlite = Sqlite, postgres = Postgres, mysql = MySql);

// -------------------------------------------------------------- MariaDB --

async fn mysql_engine(b: Backend) {
    fails_naming(
        b,
        ("CREATE TABLE t (id INT) ENGINE=InnoDB;", "DROP TABLE t;"),
        "ALTER TABLE t ENGINE=MyISAM;",
        "SELECT 1;",
        &["table t", "ENGINE=MyISAM"],
    )
    .await;
}
on!(mysql_engine: mysql = MySql);

async fn mysql_auto_increment(b: Backend) {
    fails_naming(
        b,
        (
            "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY);",
            "DROP TABLE t;",
        ),
        "ALTER TABLE t AUTO_INCREMENT = 1000;",
        "SELECT 1;",
        &["table t", "AUTO_INCREMENT=1000"],
    )
    .await;
}
on!(mysql_auto_increment: mysql = MySql);

async fn mysql_view_check_option(b: Backend) {
    fails_naming(
        b,
        (
            "CREATE TABLE t (a INT);\nCREATE VIEW v AS SELECT a FROM t;",
            "DROP VIEW v;\nDROP TABLE t;",
        ),
        "CREATE OR REPLACE VIEW v AS SELECT a FROM t WITH CHECK OPTION;",
        "SELECT 1;",
        &["view v", "CHECK OPTION"],
    )
    .await;
}
on!(mysql_view_check_option: mysql = MySql);

async fn mysql_procedure_parameters(b: Backend) {
    fails_naming(
        b,
        (
            "CREATE PROCEDURE p(IN a INT) SELECT a;",
            "DROP PROCEDURE p;",
        ),
        "DROP PROCEDURE p;\nCREATE PROCEDURE p(IN a BIGINT) SELECT a;",
        "SELECT 1;",
        &["procedure p", "BIGINT"],
    )
    .await;
}
on!(mysql_procedure_parameters: mysql = MySql);

async fn mysql_event_state(b: Backend) {
    fails_naming(
        b,
        (
            // A fixed start: one taken from the clock differs between two
            // creations a second apart (a true difference).
            "CREATE EVENT e ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00' DO SELECT 1;",
            "DROP EVENT e;",
        ),
        "ALTER EVENT e DISABLE;",
        "SELECT 1;",
        &["event e", "DISABLE"],
    )
    .await;
}
on!(mysql_event_state: mysql = MySql);

// ------------------------------------------------------------ accepting --

/// The same difference, accepted with a reason: the revision is
/// `accepted`, the report passes, the reason is shown.
async fn accepted_with_a_reason(b: Backend) {
    let revs = [
        rev("a1", &[])
            .up("CREATE TABLE ciphers (id INTEGER, favorite INTEGER, name TEXT);")
            .down("DROP TABLE ciphers;"),
        rev("b2", &["a1"])
            .up("-- migrate:allow stairway ciphers the column comes back at the end; no query depends on its position\nALTER TABLE ciphers DROP COLUMN favorite;")
            .down("ALTER TABLE ciphers ADD COLUMN favorite INTEGER;"),
    ];
    let report = run(b, &revs).await;
    assert!(report.passed(), "{report:#?}");
    let Outcome::Accepted { differences } = &report.revisions[1].outcome else {
        panic!("{report:#?}")
    };
    let text = differences.join("\n");
    assert!(text.contains("column favorite of ciphers moved"), "{text}");
    assert!(text.contains("(accepted: the column comes back"), "{text}");
}
on!(accepted_with_a_reason: sqlite = Sqlite, postgres = Postgres, mysql = MySql);
