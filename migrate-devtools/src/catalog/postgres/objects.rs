//! Namespaces, enum types, and the objects the diff only lists (views,
//! functions, triggers, free sequences, domains, extensions...).

use migrate_schema::{EnumType, ObjectKind, OtherObject};
use sqlx::{PgConnection, Row};

use super::{qualified, user_namespace};

/// `e` is a `pg_depend` row: the object belongs to an extension.
macro_rules! not_extension_member {
    ($catalog:literal, $oid:literal) => {
        concat!(
            " NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '",
            $catalog,
            "'::regclass AND e.objid = ",
            $oid,
            " AND e.deptype = 'e')"
        )
    };
}

const SCHEMAS: &str = concat!(
    "SELECT n.nspname::text FROM pg_namespace n WHERE n.nspname <> 'public' AND ",
    user_namespace!(),
    " AND ",
    not_extension_member!("pg_namespace", "n.oid")
);

/// Labels in `enumsortorder`; an enum without labels has no `pg_enum` row.
const ENUMS: &str = concat!(
    "SELECT n.nspname::text, t.typname::text,
            COALESCE(array_agg(l.enumlabel::text ORDER BY l.enumsortorder)
                       FILTER (WHERE l.oid IS NOT NULL), '{}')
     FROM pg_type t
     JOIN pg_namespace n ON n.oid = t.typnamespace
     LEFT JOIN pg_enum l ON l.enumtypid = t.oid
     WHERE t.typtype = 'e' AND ",
    user_namespace!(),
    " AND ",
    not_extension_member!("pg_type", "t.oid"),
    " GROUP BY n.nspname, t.typname"
);

/// One row per object beside the tables, with its table, dependencies and
/// settings (see the file's opening comment).
const OTHERS: &str = include_str!("others.sql");

/// Namespaces other than `public`.
pub(super) async fn schemas(conn: &mut PgConnection) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query(SCHEMAS).fetch_all(&mut *conn).await?;
    rows.iter().map(|row| row.try_get(0)).collect()
}

/// Enum types with their labels in order.
pub(super) async fn enums(conn: &mut PgConnection) -> Result<Vec<EnumType>, sqlx::Error> {
    let rows = sqlx::query(ENUMS).fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|row| {
            Ok(EnumType {
                name: qualified(row.try_get(0)?, row.try_get(1)?),
                values: row.try_get(2)?,
            })
        })
        .collect()
}

/// Everything else, leaving out the triggers of the `excluded` tables.
pub(super) async fn others(
    conn: &mut PgConnection,
    excluded: &[i64],
) -> Result<Vec<OtherObject>, sqlx::Error> {
    let rows = sqlx::query(OTHERS).fetch_all(&mut *conn).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        if excluded.contains(&row.try_get::<i64, _>(4)?) {
            continue;
        }
        let kind = match row.try_get::<String, _>(0)?.as_str() {
            "view" => ObjectKind::View,
            "materialized view" => ObjectKind::MaterializedView,
            "sequence" => ObjectKind::Sequence,
            "function" => ObjectKind::Function,
            "procedure" => ObjectKind::Procedure,
            "trigger" => ObjectKind::Trigger,
            "domain" => ObjectKind::Domain,
            "extension" => ObjectKind::Extension,
            other => ObjectKind::Other(other.to_string()),
        };
        let name = qualified(row.try_get(1)?, row.try_get(2)?);
        let mut object = OtherObject::new(kind, name, row.try_get(3)?);
        if let (Some(schema), Some(table)) = (row.try_get(5)?, row.try_get(6)?) {
            object.table = Some(qualified(schema, table));
        }
        let schemas: Vec<String> = row.try_get(7)?;
        let names: Vec<String> = row.try_get(8)?;
        object.depends_on = schemas
            .into_iter()
            .zip(names)
            .map(|(s, n)| qualified(s, n))
            .filter(|d| d != &object.name && Some(d) != object.table.as_ref())
            .collect();
        object.settings = row.try_get(9)?;
        out.push(object);
    }
    Ok(out)
}
