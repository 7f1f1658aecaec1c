//! The PostgreSQL catalog fingerprint the stairway takes before a dump:
//! equal when a down removed exactly what its up added (so the dump is
//! reused), different for a change only the dump shows (a schema's
//! comment, a trigger's state), so a wrong down still fails.

use super::{on, server, set};
use crate::support::{exec, rev, Backend};
use migrate_devtools::proof::fingerprint;
use migrate_devtools::stairway::Stairway;

async fn fingerprint_returns_and_sees_what_the_dump_sees(b: Backend) {
    let server = server(b);
    let scratch = server.create().await.unwrap();
    let db = &scratch.db;
    let query = fingerprint::query(db).await.expect("a fingerprint query");
    let print = || async { fingerprint::take(db, &query).await.expect("a fingerprint") };
    let mut steps = Vec::new();
    for sql in [
        "CREATE TABLE base (id INT PRIMARY KEY)",
        "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
        "CREATE TRIGGER tr BEFORE INSERT ON base FOR EACH ROW EXECUTE FUNCTION f()",
    ] {
        steps.push(exec(db, sql).await);
    }
    let start = print().await;
    // An up and the down that undoes it exactly: the same fingerprint.
    steps.push(exec(db, "CREATE TABLE extra (id INT REFERENCES base (id)); CREATE INDEX extra_id ON extra (id); INSERT INTO base VALUES (1)").await);
    let up = print().await;
    steps.push(exec(db, "DROP TABLE extra; DELETE FROM base").await);
    let down = print().await;
    // What only the dump shows changes it.
    steps.push(exec(db, "COMMENT ON SCHEMA public IS 'ours'").await);
    let commented = print().await;
    steps.push(exec(db, "COMMENT ON SCHEMA public IS 'standard public schema'; ALTER TABLE base DISABLE TRIGGER tr").await);
    let disabled = print().await;
    server.drop(scratch).await.unwrap();
    for s in steps {
        s.expect("the statement runs");
    }
    assert_ne!(start, up);
    assert_eq!(start, down);
    assert_ne!(start, commented);
    assert_ne!(start, disabled);
}
on!(fingerprint_returns_and_sees_what_the_dump_sees: postgres = Postgres);

async fn a_schema_comment_left_behind_still_fails(b: Backend) {
    let migrations = set(&[
        rev("a1", &[])
            .up("CREATE TABLE t (id INT);")
            .down("DROP TABLE t;"),
        rev("b2", &["a1"])
            .up("COMMENT ON SCHEMA public IS 'ours';")
            .down("SELECT 1;"),
    ]);
    let report = Stairway::new(migrations, server(b))
        .run()
        .await
        .expect("the stairway runs");
    let failed: Vec<_> = report.failures().collect();
    assert_eq!(failed.len(), 1, "{report:#?}");
    assert_eq!(failed[0].id, "b2", "{report:#?}");
    let text = format!("{:?}", failed[0].outcome);
    assert!(text.contains("SCHEMA public"), "{text}");
}
on!(a_schema_comment_left_behind_still_fails: postgres = Postgres);
