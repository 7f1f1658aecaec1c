//! Squash fidelity: a CR LF inside a value survives the migration file;
//! binary and BIT values round-trip byte for byte; a sequence's position is
//! carried; an object the squash does not carry (a policy) makes it refuse,
//! naming it.

use super::{on, server, set};
use crate::support::{exec, rev, strings, Backend};
use migrate_devtools::autogen::{Pipeline, SquashDraft};
use migrate_runtime::Migrations;

async fn squash(migrations: &Migrations, b: Backend) -> Result<SquashDraft, String> {
    let mut p = Pipeline::new(migrations, server(b));
    let result = p.squash("heads", true).await;
    p.finish().await.unwrap();
    result.map_err(|e| e.to_string())
}

/// The squash's up as a migration file would hold it (CR LF read as LF),
/// run on a fresh scratch database; `query`'s first column read back.
async fn replay(draft: &SquashDraft, b: Backend, query: &str) -> Vec<String> {
    let file = draft.up.join(";\n").replace("\r\n", "\n");
    let server = server(b);
    let scratch = server.create().await.unwrap();
    let mut result = Ok(());
    for statement in file.split(";\n") {
        if result.is_ok() {
            result = exec(&scratch.db, statement).await;
        }
    }
    let rows = match result {
        Ok(()) => strings(&scratch.db, query).await,
        Err(e) => Err(e),
    };
    server.drop(scratch).await.unwrap();
    rows.expect("the squash replays")
}

async fn carriage_returns_round_trip(b: Backend) {
    let value = match b {
        Backend::MySql => "CONCAT('a', CHAR(13), CHAR(10), 'b')",
        Backend::Postgres => "'a' || chr(13) || chr(10) || 'b'",
        Backend::Sqlite => "'a' || char(13) || char(10) || 'b'",
    };
    let migrations = set(&[
        rev("a1", &[])
            .up("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);")
            .down("DROP TABLE notes;"),
        rev("b2", &["a1"])
            .up(&format!(
                "INSERT INTO notes (id, body) VALUES (1, {value});"
            ))
            .down("DELETE FROM notes;"),
    ]);
    let draft = squash(migrations, b).await.expect("the squash passes");
    assert!(draft.up.iter().all(|s| !s.contains('\r')), "{:?}", draft.up);
    let hex = match b {
        Backend::Postgres => "SELECT encode(convert_to(body, 'UTF8'), 'hex') FROM notes",
        _ => "SELECT lower(hex(body)) FROM notes",
    };
    assert_eq!(replay(&draft, b, hex).await, ["610d0a62"]);
}
on!(carriage_returns_round_trip: sqlite = Sqlite, postgres = Postgres, mysql = MySql);

async fn binary_and_bit_values_round_trip(b: Backend) {
    let migrations = set(&[rev("a1", &[])
        .up("CREATE TABLE t (id INT PRIMARY KEY, data BLOB, flags BIT(8));\nINSERT INTO t VALUES (1, X'FF00FE', b'10100101');")
        .down("DROP TABLE t;")]);
    let draft = squash(migrations, b).await.expect("the squash passes");
    assert_eq!(
        replay(
            &draft,
            b,
            "SELECT CONCAT(HEX(data), '/', BIN(flags)) FROM t"
        )
        .await,
        ["FF00FE/10100101"]
    );
}
on!(binary_and_bit_values_round_trip: mysql = MySql);

async fn bytea_round_trips(b: Backend) {
    let migrations = set(&[rev("a1", &[])
        .up("CREATE TABLE t (id INT PRIMARY KEY, data BYTEA);\nINSERT INTO t VALUES (1, '\\xff00fe'::bytea);")
        .down("DROP TABLE t;")]);
    let draft = squash(migrations, b).await.expect("the squash passes");
    assert_eq!(
        replay(&draft, b, "SELECT encode(data, 'hex') FROM t").await,
        ["ff00fe"]
    );
}
on!(bytea_round_trips: postgres = Postgres);

async fn sequence_position_is_carried(b: Backend) {
    let migrations = set(&[rev("a1", &[])
        .up("CREATE TABLE t (id SERIAL PRIMARY KEY, x INT);\nINSERT INTO t (x) VALUES (1), (2);\nSELECT setval('t_id_seq', 100000);")
        .down("DROP TABLE t;")]);
    let draft = squash(migrations, b).await.expect("the squash passes");
    assert_eq!(
        replay(&draft, b, "SELECT CAST(nextval('t_id_seq') AS TEXT)").await,
        ["100001"]
    );
}
on!(sequence_position_is_carried: postgres = Postgres);

async fn auto_increment_position_is_carried(b: Backend) {
    let migrations = set(&[rev("a1", &[])
        .up("CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, x INT);\nINSERT INTO t (x) VALUES (1);\nALTER TABLE t AUTO_INCREMENT = 5000;")
        .down("DROP TABLE t;")]);
    let draft = squash(migrations, b).await.expect("the squash passes");
    assert_eq!(
        replay(&draft, b, "SELECT CAST(AUTO_INCREMENT AS CHAR) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 't'").await,
        ["5000"]
    );
}
on!(auto_increment_position_is_carried: mysql = MySql);

async fn policy_is_refused_by_name(b: Backend) {
    let migrations = set(&[rev("a1", &[])
        .up("CREATE TABLE t (id INT);\nALTER TABLE t ENABLE ROW LEVEL SECURITY;\nCREATE POLICY p ON t USING (id > 0);")
        .down("DROP TABLE t;")]);
    let e = squash(migrations, b)
        .await
        .expect_err("a policy is not carried");
    // Refused naming what it cannot carry: the table's row-level security
    // (the schema model's list) or the policy (the dump net).
    assert!(
        e.contains("policy t p") || e.contains("row level security t"),
        "{e}"
    );
}
on!(policy_is_refused_by_name: postgres = Postgres);

async fn trigger_state_is_refused_by_name(b: Backend) {
    let migrations = set(&[rev("a1", &[])
        .up("CREATE TABLE t (id INT);\nCREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\nCREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();\nALTER TABLE t DISABLE TRIGGER tr;")
        .down("DROP TABLE t;\nDROP FUNCTION f();")]);
    match squash(migrations, b).await {
        // Carried: the trigger is disabled in the squash too.
        Ok(draft) => assert!(
            draft.up.iter().any(|s| s.contains("DISABLE TRIGGER")),
            "{:?}",
            draft.up
        ),
        Err(e) => assert!(e.contains("trigger t tr"), "{e}"),
    }
}
on!(trigger_state_is_refused_by_name: postgres = Postgres);
