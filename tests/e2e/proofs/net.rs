//! `check --schema` and the drift check under the dump net
//! (`Pipeline::dump_net`): a view body that differs from `schema.sql`, and a
//! trigger changed by hand on the live database, are found and named; the
//! same schema on both sides finds nothing (no false failure from the
//! scratch database's name, owners or counters).

use super::{on, server, set};
use crate::support::{exec, rev, Backend, Scratch};
use migrate_devtools::autogen::{Pipeline, SchemaFile};
use migrate_runtime::{DatabaseUrl, LockStrategy};

fn desired(text: &str) -> Vec<SchemaFile> {
    vec![SchemaFile {
        name: "schema.sql".to_owned(),
        text: text.to_owned(),
    }]
}

const TABLE_AND_VIEW: &str =
    "CREATE TABLE t (a INTEGER, b INTEGER);\nCREATE VIEW v AS SELECT a FROM t;";

async fn check_schema_sees_a_view_body(b: Backend) {
    let migrations = set(&[rev("a1", &[])
        .up(TABLE_AND_VIEW)
        .down("DROP VIEW v;\nDROP TABLE t;")]);
    let run = |text: &'static str| async move {
        let mut p = Pipeline::new(migrations, server(b));
        let found = p.dump_net(&desired(text), None, false).await;
        p.finish().await.unwrap();
        found.expect("the net runs")
    };
    assert_eq!(run(TABLE_AND_VIEW).await, [], "the same schema: nothing");
    let found =
        run("CREATE TABLE t (a INTEGER, b INTEGER);\nCREATE VIEW v AS SELECT a, b FROM t;").await;
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].kind, "schema");
    assert!(
        found[0]
            .message
            .contains("only the schema dump sees view v"),
        "{found:#?}"
    );
    assert!(
        found[0].objects[0].contains("view v: definition differs:"),
        "{found:#?}"
    );
}
on!(check_schema_sees_a_view_body: sqlite = Sqlite, postgres = Postgres, mysql = MySql);

/// MariaDB shows `USING BTREE` exactly when a statement said it: on
/// InnoDB it is the index the migrations' plain `CREATE INDEX` made, so
/// the net finds nothing; on a MEMORY table (hash by default) it is
/// another index, and the net says so.
async fn using_btree_is_the_default_index_on_innodb(b: Backend) {
    let plain = |engine: &str| {
        format!("CREATE TABLE t (a INTEGER) ENGINE={engine};\nCREATE INDEX i ON t (a);")
    };
    for (engine, same) in [("InnoDB", true), ("MEMORY", false)] {
        let migrations = set(&[rev("a1", &[]).up(&plain(engine)).down("DROP TABLE t;")]);
        let mut p = Pipeline::new(migrations, server(b));
        let wanted = format!("CREATE TABLE t (a INTEGER, KEY i (a) USING BTREE) ENGINE={engine};");
        let found = p.dump_net(&desired(&wanted), None, false).await;
        p.finish().await.unwrap();
        let found = found.expect("the net runs");
        if same {
            assert_eq!(found, [], "{engine}");
        } else {
            assert!(
                found.iter().any(|f| f.message.contains("table t")),
                "{engine}: {found:#?}"
            );
        }
    }
}
on!(using_btree_is_the_default_index_on_innodb: mysql = MySql);

fn trigger(b: Backend, value: u8) -> String {
    match b {
        Backend::Postgres => format!("CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.a := {value}; RETURN NEW; END $$;\nCREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();"),
        Backend::MySql => format!("CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = {value};"),
        Backend::Sqlite => format!("CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET a = {value}; END;"),
    }
}

async fn drift_sees_a_trigger_changed_by_hand(b: Backend) {
    let Some(live) = Scratch::new(b).await else {
        return;
    };
    let schema = format!("CREATE TABLE t (a INTEGER, b INTEGER);\n{}", trigger(b, 1));
    let migrations = set(&[rev("a1", &[]).up(&schema).down("DROP TABLE t;")]);
    let db = live.db().await;
    migrations
        .migrator()
        .lock(LockStrategy::None)
        .upgrade(&db, "heads")
        .await
        .unwrap();
    let url = DatabaseUrl::parse(&live.url).unwrap();
    let run = || async {
        let mut p = Pipeline::new(migrations, server(b));
        let found = p.dump_net(&desired(&schema), Some(&url), false).await;
        p.finish().await.unwrap();
        found.expect("the net runs")
    };
    assert_eq!(run().await, [], "an untouched database: nothing");
    // By hand: the trigger re-created with another body.
    let by_hand = match b {
        Backend::Postgres => "CREATE OR REPLACE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.a := 2; RETURN NEW; END $$;".to_owned(),
        _ => format!("DROP TRIGGER tr;\n{}", trigger(b, 2)),
    };
    for sql in by_hand.split_inclusive(";\n") {
        exec(&db, sql).await.unwrap();
    }
    let found = run().await;
    db.close().await;
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].kind, "schema_drift");
    let named = if b == Backend::Postgres {
        "function f()"
    } else {
        "trigger tr"
    };
    assert!(found[0].message.contains(named), "{found:#?}");
}
on!(drift_sees_a_trigger_changed_by_hand: sqlite = Sqlite, postgres = Postgres, mysql = MySql);
