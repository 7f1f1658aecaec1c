//! Draft-level behavior: both directions from one function, notes, the
//! "not generated" list, warnings that name their object, and the
//! transaction flag of SQLite rebuilds.

use super::build::{schema, table};
use super::scenarios as s;
use crate::*;

#[test]
fn down_is_the_reverse_diff_with_reversed_hints() {
    let (cur, des, hints) = s::rename_and_alter(Dialect::Postgres);
    let down = draft(&des, &cur, &hints.reversed(), Dialect::Postgres);
    assert_eq!(
        down.sql(),
        [
            "ALTER TABLE \"users\" RENAME COLUMN \"email\" TO \"mail\";",
            "ALTER TABLE \"users\" ALTER COLUMN \"mail\" TYPE character varying(100);",
            "ALTER TABLE \"users\" ALTER COLUMN \"mail\" DROP NOT NULL;",
        ]
    );
    let narrowing: Vec<&str> = down
        .warnings
        .iter()
        .filter(|w| w.kind == WarningKind::NarrowingType)
        .map(|w| w.object.as_str())
        .collect();
    assert_eq!(narrowing, ["users.mail"]);
}

#[test]
fn renamed_tables_go_back_under_their_old_name() {
    let (cur, des, hints) = s::rename_table_referenced_by_fk(Dialect::MySql);
    let down = draft(&des, &cur, &hints.reversed(), Dialect::MySql);
    assert_eq!(down.sql(), ["RENAME TABLE `users` TO `people`;"]);
}

#[test]
fn a_drop_and_add_of_the_same_type_suggests_the_hint() {
    let (cur, des, hints) = s::rename_column_without_hint(Dialect::Sqlite);
    let up = draft(&cur, &des, &hints, Dialect::Sqlite);
    assert_eq!(up.notes.len(), 1, "{:?}", up.notes);
    assert!(
        up.notes[0].contains("`-- @renamed from=full_name`"),
        "{}",
        up.notes[0]
    );
    let (cur, des, hints) = s::drop_table_suggests_rename(Dialect::Postgres);
    let up = draft(&cur, &des, &hints, Dialect::Postgres);
    assert!(up
        .notes
        .iter()
        .any(|n| n.contains("`-- @renamed from=people` on the line before CREATE TABLE users")));
}

#[test]
fn a_drop_and_add_of_different_types_suggests_nothing() {
    let cur = schema(vec![table(Dialect::Postgres, "t")
        .id()
        .col("a", "text")
        .build()]);
    let des = schema(vec![table(Dialect::Postgres, "t")
        .id()
        .col("b", "int")
        .build()]);
    assert!(draft(&cur, &des, &Hints::new(), Dialect::Postgres)
        .notes
        .is_empty());
}

#[test]
fn objects_the_drafts_cannot_write_are_listed_never_dropped() {
    // Composite types: a kind read but not drafted.
    let composite = |name: &str, definition: &str| {
        let kind = ObjectKind::Other("composite type".into());
        OtherObject::new(kind, QualifiedName::new(name), Some(definition.into()))
    };
    let trigger = OtherObject::new(ObjectKind::Trigger, QualifiedName::new("audit"), None);
    let cur = Schema {
        other_objects: vec![
            composite("old_part", "a integer"),
            composite("same", "b integer"),
            composite("edited", "c integer"),
            trigger.clone(),
        ],
        ..Schema::default()
    };
    let des = Schema {
        other_objects: vec![
            composite("new_part", "d integer"),
            composite("same", "b integer"),
            composite("edited", "e integer"),
            trigger,
        ],
        ..Schema::default()
    };
    let up = draft(&cur, &des, &Hints::new(), Dialect::Postgres);
    assert!(up.up.is_empty() && up.changes.is_empty());
    let listed: Vec<(String, Presence)> = up
        .not_generated
        .iter()
        .map(|n| (n.object.name.to_string(), n.presence))
        .collect();
    assert_eq!(
        listed,
        [
            ("audit".to_string(), Presence::Unknown),
            ("edited".to_string(), Presence::Changed),
            ("new_part".to_string(), Presence::DesiredOnly),
            ("old_part".to_string(), Presence::CurrentOnly),
        ]
    );
    assert_eq!(diff(&cur, &des, &Hints::new()).not_generated.len(), 4);
}

#[test]
fn views_are_dropped_and_created_again_around_a_change_to_what_they_read() {
    let d = Dialect::Postgres;
    let view = |name: &str, definition: &str, reads: &str| {
        let mut v = OtherObject::new(
            ObjectKind::View,
            QualifiedName::new(name),
            Some(definition.into()),
        );
        v.depends_on = vec![QualifiedName::new(reads)];
        v
    };
    let mut cur = schema(vec![table(d, "t").id().col("a", "int").build()]);
    cur.other_objects = vec![
        view("v", "SELECT a FROM t", "t"),
        view("w", "SELECT a FROM v", "v"),
    ];
    let mut des = schema(vec![table(d, "t").id().col("a", "bigint").build()]);
    des.other_objects = cur.other_objects.clone();
    let up = draft(&cur, &des, &Hints::new(), d);
    assert_eq!(
        up.sql(),
        [
            "DROP VIEW \"w\";",
            "DROP VIEW \"v\";",
            "ALTER TABLE \"t\" ALTER COLUMN \"a\" TYPE bigint;",
            "CREATE VIEW \"v\" AS SELECT a FROM t;",
            "CREATE VIEW \"w\" AS SELECT a FROM v;",
        ]
    );
    // A view only in the desired schema is created after its tables.
    let mut fresh = des.clone();
    fresh.other_objects.push(view("x", "SELECT 1", "w"));
    let up = draft(&des, &fresh, &Hints::new(), d);
    assert_eq!(up.sql(), ["CREATE VIEW \"x\" AS SELECT 1;"]);
    assert!(draft(&des, &des, &Hints::new(), d).is_empty());
}

#[test]
fn sqlite_rebuilds_run_outside_the_migration_transaction() {
    let (cur, des, hints) = s::set_not_null(Dialect::Sqlite);
    let up = draft(&cur, &des, &hints, Dialect::Sqlite);
    assert!(!up.transaction);
    assert_eq!(up.sql().first(), Some(&"PRAGMA foreign_keys = OFF;"));
    assert_eq!(up.sql().last(), Some(&"PRAGMA foreign_keys = ON;"));
    let rebuilt: Vec<&str> = up
        .warnings
        .iter()
        .filter(|w| w.kind == WarningKind::TableRebuild)
        .map(|w| w.object.as_str())
        .collect();
    assert_eq!(rebuilt, ["users"]);
    let (cur, des, hints) = s::add_nullable_column(Dialect::Sqlite);
    assert!(draft(&cur, &des, &hints, Dialect::Sqlite).transaction);
}

#[test]
fn every_warning_names_its_object() {
    let (cur, des, hints) = s::add_not_null_without_default(Dialect::Postgres);
    let up = draft(&cur, &des, &hints, Dialect::Postgres);
    assert_eq!(up.warnings.len(), 1);
    assert_eq!(up.warnings[0].object, "users.email");
    assert!(
        up.warnings[0]
            .to_string()
            .starts_with("not null: users.email: "),
        "{}",
        up.warnings[0]
    );
    let (cur, des, hints) = s::drop_table(Dialect::MySql);
    let up = draft(&cur, &des, &hints, Dialect::MySql);
    let objects: Vec<(WarningKind, &str)> = up
        .warnings
        .iter()
        .map(|w| (w.kind, w.object.as_str()))
        .collect();
    assert_eq!(
        objects,
        [
            (WarningKind::DataLoss, "users"),
            (WarningKind::ImplicitCommit, "users")
        ]
    );
}

#[test]
fn a_volatile_default_rewrites_a_postgres_table() {
    let cur = schema(vec![table(Dialect::Postgres, "t").id().build()]);
    let des = schema(vec![table(Dialect::Postgres, "t")
        .id()
        .col("token", "uuid")
        .not_null()
        .default("gen_random_uuid()")
        .build()]);
    let up = draft(&cur, &des, &Hints::new(), Dialect::Postgres);
    let kinds: Vec<WarningKind> = up.warnings.iter().map(|w| w.kind).collect();
    assert_eq!(kinds, [WarningKind::TableRewrite]);
    let des = schema(vec![table(Dialect::Postgres, "t")
        .id()
        .col("at", "ts")
        .not_null()
        .default("now()")
        .build()]);
    assert!(draft(&cur, &des, &Hints::new(), Dialect::Postgres)
        .warnings
        .is_empty());
}

#[test]
fn indexes_on_new_tables_take_no_lock_warning() {
    let (cur, des, hints) = s::create_tables_with_foreign_key(Dialect::Postgres);
    let mut des = des;
    des.tables[0].indexes.push(Index {
        name: "posts_user_id_idx".into(),
        unique: false,
        parts: vec![IndexPart::column("user_id")],
        include: Vec::new(),
        predicate: None,
        method: None,
        comment: None,
        nulls_not_distinct: false,
        storage: None,
    });
    let up = draft(&cur, &des, &hints, Dialect::Postgres);
    assert!(up.warnings.is_empty(), "{:?}", up.warnings);
    assert!(up
        .sql()
        .contains(&"CREATE INDEX \"posts_user_id_idx\" ON \"posts\" (\"user_id\");"));
}

#[test]
fn drafts_serialize_for_json_output() {
    let (cur, des, hints) = s::add_foreign_key(Dialect::Postgres);
    let up = draft(&cur, &des, &hints, Dialect::Postgres);
    let json = serde_json::to_value(&up).unwrap();
    assert_eq!(json["dialect"], "postgres");
    assert_eq!(json["changes"][0]["change"], "add_foreign_key");
    assert_eq!(json["warnings"][0]["kind"], "lock");
    let back: Draft = serde_json::from_value(json).unwrap();
    assert_eq!(back, up);
}

#[test]
fn hints_read_from_schema_sql_drive_the_diff() {
    let sql = "-- @renamed from=people\nCREATE TABLE users (\n  id integer PRIMARY KEY,\n  \
               name text -- @renamed from=full_name\n);";
    let hints = rename_hints(Dialect::Postgres, "schema.sql", sql).unwrap();
    let d = Dialect::Postgres;
    let cur = schema(vec![table(d, "people")
        .id()
        .col("full_name", "text")
        .build()]);
    let des = schema(vec![table(d, "users").id().col("name", "text").build()]);
    assert_eq!(
        draft(&cur, &des, &hints, d).sql(),
        [
            "ALTER TABLE \"people\" RENAME TO \"users\";",
            "ALTER TABLE \"users\" RENAME COLUMN \"full_name\" TO \"name\";",
        ]
    );
}
