//! Pairs of (current, desired) schemas, built for any dialect, that the
//! corpus renders in each dialect.

use super::build::{schema, table, T};
pub(crate) use super::special::*;
use crate::*;

/// Current schema, desired schema, hints.
pub(crate) type Pair = (Schema, Schema, Hints);

fn users(d: Dialect) -> T {
    table(d, "users").id().col("name", "text").not_null()
}

fn pair(current: Vec<Table>, desired: Vec<Table>) -> Pair {
    (schema(current), schema(desired), Hints::new())
}

pub(crate) fn unchanged(d: Dialect) -> Pair {
    let t = users(d)
        .unique(Some("users_name_key"), &["name"])
        .index("users_name_idx", &["name"])
        .build();
    pair(vec![t.clone()], vec![t])
}

pub(crate) fn create_table(d: Dialect) -> Pair {
    let t = users(d)
        .col("email", "varchar(255)")
        .not_null()
        .col("active", "bool")
        .not_null()
        .default(if d == Dialect::Postgres { "true" } else { "1" })
        .unique(Some("users_email_key"), &["email"])
        .check(Some("users_name_check"), "length(name) > 0")
        .build();
    pair(vec![], vec![t])
}

pub(crate) fn drop_table(d: Dialect) -> Pair {
    let (a, b, h) = create_table(d);
    (b, a, h)
}

pub(crate) fn add_nullable_column(d: Dialect) -> Pair {
    pair(
        vec![users(d).build()],
        vec![users(d).col("email", "text").build()],
    )
}

pub(crate) fn add_column_with_default(d: Dialect) -> Pair {
    let des = users(d).col("score", "int").not_null().default("0").build();
    pair(vec![users(d).build()], vec![des])
}

pub(crate) fn add_not_null_without_default(d: Dialect) -> Pair {
    let des = users(d).col("email", "text").not_null().build();
    pair(vec![users(d).build()], vec![des])
}

pub(crate) fn drop_column(d: Dialect) -> Pair {
    let (a, b, h) = add_nullable_column(d);
    (b, a, h)
}

pub(crate) fn rename_column(d: Dialect) -> Pair {
    let cur = table(d, "users").id().col("full_name", "text").build();
    let des = table(d, "users").id().col("name", "text").build();
    let mut hints = Hints::new();
    hints.rename_column("users", "full_name", "name");
    (schema(vec![cur]), schema(vec![des]), hints)
}

pub(crate) fn rename_column_without_hint(d: Dialect) -> Pair {
    let (cur, des, _) = rename_column(d);
    (cur, des, Hints::new())
}

pub(crate) fn rename_table(d: Dialect) -> Pair {
    let cur = table(d, "people").id().col("name", "text").build();
    let des = table(d, "users").id().col("name", "text").build();
    let mut hints = Hints::new();
    hints.rename_table("people", "users");
    (schema(vec![cur]), schema(vec![des]), hints)
}

pub(crate) fn stale_hints_are_ignored(d: Dialect) -> Pair {
    let t = users(d).build();
    let mut hints = Hints::new();
    hints.rename_table("people", "users");
    hints.rename_column("users", "full_name", "name");
    (schema(vec![t.clone()]), schema(vec![t]), hints)
}

pub(crate) fn widen_varchar(d: Dialect) -> Pair {
    let cur = users(d).col("email", "varchar(50)").build();
    let des = users(d).col("email", "varchar(100)").build();
    pair(vec![cur], vec![des])
}

pub(crate) fn narrow_varchar(d: Dialect) -> Pair {
    let (a, b, h) = widen_varchar(d);
    (b, a, h)
}

pub(crate) fn set_not_null(d: Dialect) -> Pair {
    let cur = users(d).col("email", "text").build();
    let des = users(d).col("email", "text").not_null().build();
    pair(vec![cur], vec![des])
}

pub(crate) fn drop_not_null(d: Dialect) -> Pair {
    let (a, b, h) = set_not_null(d);
    (b, a, h)
}

pub(crate) fn change_default(d: Dialect) -> Pair {
    let cur = users(d).col("score", "int").default("0").build();
    let des = users(d).col("score", "int").default("10").build();
    pair(vec![cur], vec![des])
}

pub(crate) fn drop_default(d: Dialect) -> Pair {
    let cur = users(d).col("score", "int").default("0").build();
    let des = users(d).col("score", "int").build();
    pair(vec![cur], vec![des])
}

pub(crate) fn add_unique(d: Dialect) -> Pair {
    let cur = users(d).build();
    let des = users(d).unique(Some("users_name_key"), &["name"]).build();
    pair(vec![cur], vec![des])
}

pub(crate) fn drop_unique(d: Dialect) -> Pair {
    let (a, b, h) = add_unique(d);
    (b, a, h)
}

fn posts(d: Dialect) -> T {
    table(d, "posts").id().col("user_id", "int").not_null()
}

pub(crate) fn add_foreign_key(d: Dialect) -> Pair {
    let cur = vec![users(d).build(), posts(d).build()];
    let des = vec![
        users(d).build(),
        posts(d)
            .fk(Some("posts_user_id_fkey"), &["user_id"], "users", &["id"])
            .build(),
    ];
    pair(cur, des)
}

pub(crate) fn drop_foreign_key(d: Dialect) -> Pair {
    let (a, b, h) = add_foreign_key(d);
    (b, a, h)
}

pub(crate) fn change_on_delete(d: Dialect) -> Pair {
    let fk = |t: T, action| {
        t.fk_on(
            Some("posts_user_id_fkey"),
            &["user_id"],
            "users",
            &["id"],
            action,
        )
    };
    let cur = vec![users(d).build(), fk(posts(d), FkAction::NoAction).build()];
    let des = vec![users(d).build(), fk(posts(d), FkAction::Cascade).build()];
    pair(cur, des)
}

pub(crate) fn create_tables_with_foreign_key(d: Dialect) -> Pair {
    let des = vec![
        users(d).build(),
        posts(d)
            .fk_on(
                Some("posts_user_id_fkey"),
                &["user_id"],
                "users",
                &["id"],
                FkAction::Cascade,
            )
            .build(),
    ];
    pair(vec![], des)
}

pub(crate) fn drop_tables_in_a_cycle(d: Dialect) -> Pair {
    let a = table(d, "a")
        .id()
        .col("b_id", "int")
        .fk(Some("a_b_fkey"), &["b_id"], "b", &["id"])
        .build();
    let b = table(d, "b")
        .id()
        .col("a_id", "int")
        .fk(Some("b_a_fkey"), &["a_id"], "a", &["id"])
        .build();
    pair(vec![a, b], vec![])
}

pub(crate) fn unnamed_constraints_match_by_content(d: Dialect) -> Pair {
    let cur = users(d)
        .unique(None, &["name"])
        .check(None, "length(name) > 0")
        .build();
    let des = users(d)
        .unique(Some("users_name_key"), &["name"])
        .check(Some("users_name_check"), "length(name) > 0")
        .build();
    pair(vec![cur], vec![des])
}

pub(crate) fn add_check(d: Dialect) -> Pair {
    let cur = users(d).build();
    let des = users(d)
        .check(Some("users_name_check"), "length(name) > 0")
        .build();
    pair(vec![cur], vec![des])
}

pub(crate) fn create_index(d: Dialect) -> Pair {
    let cur = users(d).build();
    let des = users(d).index("users_name_idx", &["name"]).build();
    pair(vec![cur], vec![des])
}

pub(crate) fn drop_index(d: Dialect) -> Pair {
    let (a, b, h) = create_index(d);
    (b, a, h)
}

pub(crate) fn partial_expression_index(d: Dialect) -> Pair {
    let cur = users(d).build();
    let index = Index {
        name: "users_lower_name_idx".into(),
        unique: true,
        parts: vec![IndexPart::expression("lower(name)")],
        include: Vec::new(),
        predicate: Some("name <> ''".into()),
        method: None,
        comment: None,
        nulls_not_distinct: false,
        storage: None,
    };
    pair(vec![cur], vec![users(d).index_with(index).build()])
}

pub(crate) fn change_primary_key(d: Dialect) -> Pair {
    let cur = table(d, "memberships")
        .col("user_id", "int")
        .not_null()
        .col("team_id", "int")
        .not_null();
    let des = table(d, "memberships")
        .col("user_id", "int")
        .not_null()
        .col("team_id", "int")
        .not_null();
    pair(
        vec![cur.pk(&["user_id"]).build()],
        vec![des.pk(&["user_id", "team_id"]).build()],
    )
}

pub(crate) fn table_comment(d: Dialect) -> Pair {
    pair(
        vec![users(d).build()],
        vec![users(d).comment("people who log in").build()],
    )
}

pub(crate) fn column_comment(d: Dialect) -> Pair {
    let cur = users(d).col("email", "text").build();
    let des = users(d)
        .col("email", "text")
        .col_comment("where we write")
        .build();
    pair(vec![cur], vec![des])
}

pub(crate) fn add_generated_column(d: Dialect) -> Pair {
    let cur = users(d).col("price", "int").build();
    let des = users(d)
        .col("price", "int")
        .col("total", "int")
        .generated("price * 2", GeneratedKind::Stored)
        .build();
    pair(vec![cur], vec![des])
}

pub(crate) fn bigint_to_int(d: Dialect) -> Pair {
    let cur = users(d).col("count", "bigint").build();
    let des = users(d).col("count", "int").build();
    pair(vec![cur], vec![des])
}

pub(crate) fn text_to_int(d: Dialect) -> Pair {
    let cur = users(d).col("age", "text").build();
    let des = users(d).col("age", "int").build();
    pair(vec![cur], vec![des])
}

pub(crate) fn rename_and_alter(d: Dialect) -> Pair {
    let cur = users(d).col("mail", "varchar(100)").build();
    let des = users(d).col("email", "varchar(200)").not_null().build();
    let mut hints = Hints::new();
    hints.rename_column("users", "mail", "email");
    (schema(vec![cur]), schema(vec![des]), hints)
}

pub(crate) fn rename_table_referenced_by_fk(d: Dialect) -> Pair {
    let cur = vec![
        table(d, "people").id().build(),
        posts(d)
            .fk(Some("posts_user_id_fkey"), &["user_id"], "people", &["id"])
            .build(),
    ];
    let des = vec![
        table(d, "users").id().build(),
        posts(d)
            .fk(Some("posts_user_id_fkey"), &["user_id"], "users", &["id"])
            .build(),
    ];
    let mut hints = Hints::new();
    hints.rename_table("people", "users");
    (schema(cur), schema(des), hints)
}

pub(crate) fn drop_table_suggests_rename(d: Dialect) -> Pair {
    pair(
        vec![table(d, "people").id().build()],
        vec![table(d, "users").id().build()],
    )
}

pub(crate) fn autoincrement(d: Dialect) -> Pair {
    let identity = if d == Dialect::Postgres {
        Identity::ByDefault
    } else {
        Identity::AutoIncrement
    };
    let t = table(d, "events")
        .col("id", "int")
        .not_null()
        .identity(identity)
        .pk(&["id"])
        .col("kind", "text");
    pair(vec![], vec![t.build()])
}

pub(crate) fn retype_both_ends_of_a_foreign_key(d: Dialect) -> Pair {
    let side = |ty: &str| {
        vec![
            table(d, "users")
                .col("id", ty)
                .not_null()
                .pk(&["id"])
                .build(),
            table(d, "posts")
                .id()
                .col("user_id", ty)
                .not_null()
                .fk(Some("posts_user_id_fkey"), &["user_id"], "users", &["id"])
                .build(),
        ]
    };
    pair(side("int"), side("bigint"))
}
