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

/// One row per object: kind, namespace, name, definition, and the table a
/// trigger is on (0 otherwise). Sequences owned by a column (serial,
/// identity, `OWNED BY`) have an auto or internal dependency on it and are
/// not listed; neither are `plpgsql`, present in every database, nor
/// internal triggers (foreign keys).
const OTHERS: &str = concat!(
    "SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                           WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table'
                           WHEN 'p' THEN 'partitioned table' ELSE 'partition' END,
            n.nspname::text, c.relname::text,
            CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true)
                 WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid)
                 WHEN c.relkind = 'S' THEN
                   (SELECT 'AS ' || format_type(s.seqtypid, NULL)
                           || ' INCREMENT BY ' || s.seqincrement
                           || ' MINVALUE ' || s.seqmin || ' MAXVALUE ' || s.seqmax
                           || ' START WITH ' || s.seqstart || ' CACHE ' || s.seqcache
                           || CASE WHEN s.seqcycle THEN ' CYCLE' ELSE ' NO CYCLE' END
                    FROM pg_sequence s WHERE s.seqrelid = c.oid)
                 WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid)
            END,
            0::int8
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE (c.relkind IN ('v', 'm', 'S', 'f', 'p') OR (c.relkind = 'r' AND c.relispartition))
       AND ",
    user_namespace!(),
    " AND ",
    not_extension_member!("pg_class", "c.oid"),
    " AND NOT (c.relkind = 'S' AND EXISTS (
         SELECT 1 FROM pg_depend o
         WHERE o.classid = 'pg_class'::regclass AND o.objid = c.oid
           AND o.refclassid = 'pg_class'::regclass AND o.deptype IN ('a', 'i')))
     UNION ALL
     SELECT CASE p.prokind WHEN 'f' THEN 'function' WHEN 'p' THEN 'procedure'
                           WHEN 'a' THEN 'aggregate' ELSE 'window function' END,
            n.nspname::text, p.proname || '(' || oidvectortypes(p.proargtypes) || ')',
            CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid) END,
            0::int8
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE ",
    user_namespace!(),
    " AND ",
    not_extension_member!("pg_proc", "p.oid"),
    " UNION ALL
     SELECT 'trigger', n.nspname::text, t.tgname || ' on ' || c.relname,
            pg_get_triggerdef(t.oid, true), c.oid::int8
     FROM pg_trigger t
     JOIN pg_class c ON c.oid = t.tgrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE NOT t.tgisinternal AND ",
    user_namespace!(),
    " AND ",
    not_extension_member!("pg_trigger", "t.oid"),
    " UNION ALL
     SELECT CASE t.typtype WHEN 'd' THEN 'domain' WHEN 'r' THEN 'range type'
                           ELSE 'composite type' END,
            n.nspname::text, t.typname::text,
            CASE t.typtype
              WHEN 'd' THEN format_type(t.typbasetype, t.typtypmod)
                || COALESCE(' COLLATE ' || quote_ident(co.collname), '')
                || COALESCE(' DEFAULT ' || pg_get_expr(t.typdefaultbin, 0), '')
                || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END
                || COALESCE((SELECT string_agg(' CONSTRAINT ' || quote_ident(k.conname) || ' '
                                               || pg_get_constraintdef(k.oid, true), ''
                                               ORDER BY k.conname)
                             FROM pg_constraint k WHERE k.contypid = t.oid), '')
              WHEN 'r' THEN (SELECT 'subtype ' || format_type(r.rngsubtype, NULL)
                             FROM pg_range r WHERE r.rngtypid = t.oid)
              ELSE (SELECT string_agg(quote_ident(a.attname) || ' '
                                      || format_type(a.atttypid, a.atttypmod), ', '
                                      ORDER BY a.attnum)
                    FROM pg_attribute a
                    WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped)
            END,
            0::int8
     FROM pg_type t
     JOIN pg_namespace n ON n.oid = t.typnamespace
     LEFT JOIN pg_collation co ON co.oid = t.typcollation AND t.typtype = 'd'
       AND t.typcollation <> (SELECT b.typcollation FROM pg_type b WHERE b.oid = t.typbasetype)
     LEFT JOIN pg_class tc ON tc.oid = t.typrelid
     WHERE (t.typtype IN ('d', 'r') OR (t.typtype = 'c' AND tc.relkind = 'c')) AND ",
    user_namespace!(),
    " AND ",
    not_extension_member!("pg_type", "t.oid"),
    " UNION ALL
     SELECT 'extension', 'public', x.extname::text, 'VERSION ' || quote_literal(x.extversion),
            0::int8
     FROM pg_extension x WHERE x.extname <> 'plpgsql'"
);

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
        out.push(OtherObject {
            name: qualified(row.try_get(1)?, row.try_get(2)?),
            kind,
            definition: row.try_get(3)?,
        });
    }
    Ok(out)
}
