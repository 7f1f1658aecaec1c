//! Scenarios that only make sense on one dialect: PostgreSQL schemas, enum
//! types and identities, MySQL index kinds, SQLite rebuilds.

use super::build::{schema, table, ty};
use super::scenarios::Pair;
use crate::*;

fn with_enums(mut s: Schema, enums: Vec<EnumType>, schemas: &[&str]) -> Schema {
    s.enums = enums;
    s.schemas = schemas.iter().map(|s| s.to_string()).collect();
    s.canonicalize();
    s
}

fn mood(values: &[&str]) -> EnumType {
    EnumType {
        name: QualifiedName::new("mood"),
        values: values.iter().map(|v| v.to_string()).collect(),
    }
}

fn people(d: Dialect, mood_column: bool) -> Table {
    let t = table(d, "people").id();
    if mood_column {
        t.col("feeling", "mood").build()
    } else {
        t.build()
    }
}

pub(crate) fn pg_create_enum_and_column(d: Dialect) -> Pair {
    let cur = schema(vec![people(d, false)]);
    let des = with_enums(
        schema(vec![people(d, true)]),
        vec![mood(&["sad", "ok"])],
        &[],
    );
    (cur, des, Hints::new())
}

pub(crate) fn pg_drop_enum_and_column(d: Dialect) -> Pair {
    let (a, b, h) = pg_create_enum_and_column(d);
    (b, a, h)
}

pub(crate) fn pg_add_enum_values(d: Dialect) -> Pair {
    let cur = with_enums(
        schema(vec![people(d, true)]),
        vec![mood(&["sad", "ok"])],
        &[],
    );
    let des = with_enums(
        schema(vec![people(d, true)]),
        vec![mood(&["meh", "sad", "ok", "happy"])],
        &[],
    );
    (cur, des, Hints::new())
}

pub(crate) fn pg_remove_enum_value(d: Dialect) -> Pair {
    let cur = with_enums(
        schema(vec![people(d, true)]),
        vec![mood(&["sad", "ok", "happy"])],
        &[],
    );
    let des = with_enums(
        schema(vec![people(d, true)]),
        vec![mood(&["sad", "happy"])],
        &[],
    );
    (cur, des, Hints::new())
}

pub(crate) fn pg_remove_enum_value_with_default_and_array(d: Dialect) -> Pair {
    let t = || {
        table(d, "people")
            .id()
            .col("feeling", "mood")
            .not_null()
            .default("'sad'::mood")
            .col("history", "mood[]")
            .build()
    };
    let cur = with_enums(schema(vec![t()]), vec![mood(&["sad", "ok", "happy"])], &[]);
    let des = with_enums(schema(vec![t()]), vec![mood(&["happy", "sad"])], &[]);
    (cur, des, Hints::new())
}

pub(crate) fn pg_table_in_new_schema(d: Dialect) -> Pair {
    let mut invoices = table(d, "invoices")
        .id()
        .col("amount", "numeric(10,2)")
        .not_null()
        .build();
    invoices.name = QualifiedName::in_schema("billing", "invoices");
    let des = with_enums(schema(vec![invoices]), vec![], &["billing"]);
    (Schema::default(), des, Hints::new())
}

pub(crate) fn pg_drop_schema_with_table(d: Dialect) -> Pair {
    let (a, b, h) = pg_table_in_new_schema(d);
    (b, a, h)
}

pub(crate) fn pg_add_identity(d: Dialect) -> Pair {
    let cur = table(d, "events").id().build();
    let des = table(d, "events")
        .col("id", "int")
        .not_null()
        .identity(Identity::Always)
        .pk(&["id"])
        .build();
    (schema(vec![cur]), schema(vec![des]), Hints::new())
}

pub(crate) fn pg_drop_identity_and_not_null(d: Dialect) -> Pair {
    let cur = table(d, "events")
        .col("id", "int")
        .not_null()
        .identity(Identity::ByDefault)
        .build();
    let des = table(d, "events").col("id", "int").build();
    (schema(vec![cur]), schema(vec![des]), Hints::new())
}

pub(crate) fn pg_change_generation_expression(d: Dialect) -> Pair {
    let t = |e: &str| {
        table(d, "items")
            .id()
            .col("price", "int")
            .col("total", "int")
            .generated(e, GeneratedKind::Stored)
            .build()
    };
    (
        schema(vec![t("price * 2")]),
        schema(vec![t("price * 3")]),
        Hints::new(),
    )
}

pub(crate) fn pg_stop_generating(d: Dialect) -> Pair {
    let cur = table(d, "items")
        .id()
        .col("total", "int")
        .generated("id * 2", GeneratedKind::Stored)
        .build();
    let des = table(d, "items").id().col("total", "int").build();
    (schema(vec![cur]), schema(vec![des]), Hints::new())
}

pub(crate) fn pg_type_change_with_default(d: Dialect) -> Pair {
    let cur = table(d, "items")
        .id()
        .col("code", "int")
        .default("0")
        .build();
    let des = table(d, "items")
        .id()
        .col("code", "text")
        .default("'0'::text")
        .build();
    (schema(vec![cur]), schema(vec![des]), Hints::new())
}

pub(crate) fn pg_gin_index_and_comment_removed(d: Dialect) -> Pair {
    let cur = table(d, "docs")
        .id()
        .col("body", "jsonb")
        .col_comment("raw")
        .comment("documents")
        .build();
    let gin = Index {
        name: "docs_body_idx".into(),
        unique: false,
        parts: vec![IndexPart::column("body")],
        include: Vec::new(),
        predicate: None,
        method: Some("gin".into()),
        comment: None,
        nulls_not_distinct: false,
        storage: None,
    };
    let des = table(d, "docs")
        .id()
        .col("body", "jsonb")
        .index_with(gin)
        .build();
    (schema(vec![cur]), schema(vec![des]), Hints::new())
}

pub(crate) fn pg_move_table_to_schema(d: Dialect) -> Pair {
    let cur = table(d, "invoices").id().build();
    let mut des = cur.clone();
    des.name = QualifiedName::in_schema("billing", "bills");
    let mut hints = Hints::new();
    hints.rename_table("invoices", "billing.bills");
    let cur = with_enums(schema(vec![cur]), vec![], &["billing"]);
    let des = with_enums(schema(vec![des]), vec![], &["billing"]);
    (cur, des, hints)
}

pub(crate) fn pg_collation(d: Dialect) -> Pair {
    let cur = table(d, "names").id().col("value", "text").build();
    let mut des = cur.clone();
    des.columns[1].collation = Some("C".into());
    (schema(vec![cur]), schema(vec![des]), Hints::new())
}

pub(crate) fn mysql_fulltext_and_hash_indexes(d: Dialect) -> Pair {
    let cur = table(d, "articles")
        .id()
        .col("body", "text")
        .col("slug", "varchar(80)")
        .build();
    let index = |name: &str, column: &str, method: &str| Index {
        name: name.into(),
        unique: false,
        parts: vec![IndexPart::column(column)],
        include: Vec::new(),
        predicate: None,
        method: Some(method.into()),
        comment: None,
        nulls_not_distinct: false,
        storage: None,
    };
    let des = table(d, "articles")
        .id()
        .col("body", "text")
        .col("slug", "varchar(80)")
        .index_with(index("articles_body_ft", "body", "FULLTEXT"))
        .index_with(index("articles_slug_hash", "slug", "HASH"))
        .build();
    (schema(vec![cur]), schema(vec![des]), Hints::new())
}

pub(crate) fn mysql_modify_keeps_every_attribute(d: Dialect) -> Pair {
    let col = |t: super::build::T, ty: &str| {
        t.col("title", ty)
            .not_null()
            .default("'untitled'")
            .col_comment("shown in lists")
    };
    let cur = col(table(d, "books").id(), "varchar(100)");
    let des = col(table(d, "books").id(), "varchar(200)");
    let mut des = des.build();
    des.columns[1].collation = Some("utf8mb4_bin".into());
    (schema(vec![cur.build()]), schema(vec![des]), Hints::new())
}

pub(crate) fn mysql_display_width_is_not_a_change(d: Dialect) -> Pair {
    let cur = table(d, "counters").id().col("hits", "int").build();
    let mut des = cur.clone();
    des.columns[1].data_type = ColumnType::new(d, "int(11)");
    (schema(vec![cur]), schema(vec![des]), Hints::new())
}

pub(crate) fn mysql_foreign_key_with_its_index(d: Dialect) -> Pair {
    let users = || table(d, "users").id().build();
    let posts = table(d, "posts").id().col("user_id", "int");
    let cur = vec![users(), posts.build()];
    let des = vec![
        users(),
        table(d, "posts")
            .id()
            .col("user_id", "int")
            .fk(Some("posts_user_fk"), &["user_id"], "users", &["id"])
            .index("posts_user_fk", &["user_id"])
            .build(),
    ];
    (schema(cur), schema(des), Hints::new())
}

pub(crate) fn mysql_drop_foreign_key_with_its_index(d: Dialect) -> Pair {
    let (a, b, h) = mysql_foreign_key_with_its_index(d);
    (b, a, h)
}

pub(crate) fn sqlite_rebuild_renamed_table_keeps_rows(d: Dialect) -> Pair {
    let cur = vec![
        table(d, "people")
            .id()
            .col("full_name", "text")
            .col("age", "text")
            .build(),
        table(d, "posts")
            .id()
            .col("author", "int")
            .fk(None, &["author"], "people", &["id"])
            .build(),
    ];
    let des = vec![
        table(d, "users")
            .id()
            .col("name", "text")
            .col("age", "int")
            .index("users_name_idx", &["name"])
            .build(),
        table(d, "posts")
            .id()
            .col("author", "int")
            .fk(None, &["author"], "users", &["id"])
            .build(),
    ];
    let mut hints = Hints::new();
    hints.rename_table("people", "users");
    hints.rename_column("users", "full_name", "name");
    (schema(cur), schema(des), hints)
}

pub(crate) fn sqlite_drop_constrained_column(d: Dialect) -> Pair {
    let cur = table(d, "tags")
        .id()
        .col("label", "text")
        .unique(None, &["label"])
        .col("note", "text")
        .build();
    let des = table(d, "tags").id().col("note", "text").build();
    (schema(vec![cur]), schema(vec![des]), Hints::new())
}

pub(crate) fn sqlite_add_column_with_expression_default(d: Dialect) -> Pair {
    let cur = table(d, "logs").id().build();
    let des = table(d, "logs")
        .id()
        .col("at", "ts")
        .default("CURRENT_TIMESTAMP")
        .build();
    (schema(vec![cur]), schema(vec![des]), Hints::new())
}

pub(crate) fn sqlite_untyped_column(d: Dialect) -> Pair {
    let cur = table(d, "kv").col("k", "text").build();
    let mut des = cur.clone();
    des.columns.push(Column::new("v", ty(d, "")));
    (schema(vec![cur]), schema(vec![des]), Hints::new())
}
