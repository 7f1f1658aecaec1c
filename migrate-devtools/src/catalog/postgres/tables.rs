//! Tables and their columns: one query for all tables, one for all columns.

use std::collections::HashMap;

use migrate_schema::{Column, ColumnType, Dialect, Generated, GeneratedKind, Identity, Table};
use sqlx::{PgConnection, Row};

use super::{qualified, user_namespace, ColumnNames, Tables};

/// Comments are read with a subquery per row, on `pg_description`'s index:
/// a join is planned from statistics that lag behind freshly created
/// objects, and a nested loop over a thousand comments costs more than the
/// rest of the read.
///
/// Plain and partitioned tables (`relkind` `r` and `p`, with their
/// `PARTITION BY` key) that are not partitions: a partition is listed as an
/// other object (its parent and bounds); what it has of its own beyond its
/// parent's (defaults, checks, indexes) is not compared.
const TABLES: &str = concat!(
    "SELECT c.oid::int8, n.nspname::text, c.relname::text,
            (SELECT d.description FROM pg_description d
             WHERE d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0),
            CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END
     FROM pg_class c
     JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND ",
    user_namespace!(),
    " AND NOT EXISTS (
         SELECT 1 FROM pg_depend e
         WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')"
);

/// Every column of every table, partitioned ones included (a foreign key
/// may reference one). The default of a generated column
/// (`attgenerated = 's'`) is its generation expression; an identity column
/// has no `pg_attrdef` row. A default cannot name a column, so it is printed
/// without opening its table (`pg_get_expr(.., 0)`: the same text, about a
/// third less time on 1,000 tables); a generation expression needs the table
/// for its columns' names. A collation is reported only when it differs from
/// the type's own. Column 10 says whether the default draws from a sequence
/// the column owns (what `serial` makes); the last holds an identity's
/// sequence options that differ from the defaults, in a fixed order.
const COLUMNS: &str = concat!(
    "SELECT a.attrelid::int8, a.attnum, a.attname::text,
            format_type(a.atttypid, a.atttypmod), a.attnotnull,
            a.attidentity::text, a.attgenerated::text,
            CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, 0)
                 ELSE pg_get_expr(ad.adbin, ad.adrelid) END,
            (SELECT d.description FROM pg_description d
             WHERE d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass
               AND d.objsubid = a.attnum),
            CASE WHEN a.attcollation <> t.typcollation THEN co.collname::text END,
            EXISTS (SELECT 1 FROM pg_depend dep
                    JOIN pg_class s ON s.oid = dep.objid AND s.relkind = 'S'
                    WHERE dep.classid = 'pg_class'::regclass
                      AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum
                      AND dep.deptype = 'a')
              AND pg_get_expr(ad.adbin, 0) LIKE 'nextval(%',
            (SELECT NULLIF(concat_ws(' ',
                      CASE WHEN s.seqstart <> CASE WHEN s.seqincrement > 0 THEN s.seqmin
                                                   ELSE s.seqmax END
                           THEN 'START WITH ' || s.seqstart END,
                      CASE WHEN s.seqincrement <> 1 THEN 'INCREMENT BY ' || s.seqincrement END,
                      CASE WHEN s.seqmin <> CASE WHEN s.seqincrement > 0 THEN 1 ELSE -r.top - 1 END
                           THEN 'MINVALUE ' || s.seqmin END,
                      CASE WHEN s.seqmax <> CASE WHEN s.seqincrement > 0 THEN r.top ELSE -1 END
                           THEN 'MAXVALUE ' || s.seqmax END,
                      CASE WHEN s.seqcache <> 1 THEN 'CACHE ' || s.seqcache END,
                      CASE WHEN s.seqcycle THEN 'CYCLE' END), '')
             FROM pg_depend dep
             JOIN pg_sequence s ON s.seqrelid = dep.objid
             CROSS JOIN LATERAL (SELECT CASE s.seqtypid WHEN 'int2'::regtype THEN 32767::int8
                                          WHEN 'int4'::regtype THEN 2147483647::int8
                                          ELSE 9223372036854775807 END AS top) r
             WHERE a.attidentity <> '' AND dep.classid = 'pg_class'::regclass
               AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum
               AND dep.deptype = 'i')
     FROM pg_attribute a
     JOIN pg_class c ON c.oid = a.attrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_type t ON t.oid = a.atttypid
     LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
     LEFT JOIN pg_collation co ON co.oid = a.attcollation
     WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND ",
    user_namespace!(),
    " ORDER BY a.attrelid, a.attnum"
);

/// The user's tables, without columns yet.
pub(super) async fn tables(conn: &mut PgConnection) -> Result<Tables, sqlx::Error> {
    let rows = sqlx::query(TABLES).fetch_all(&mut *conn).await?;
    let mut out = HashMap::with_capacity(rows.len());
    for row in rows {
        let mut table = Table::new(qualified(row.try_get(1)?, row.try_get(2)?));
        table.comment = row.try_get(3)?;
        table.options.partition_by = row.try_get(4)?;
        out.insert(row.try_get(0)?, table);
    }
    Ok(out)
}

/// Fills the columns of `tables`, in `attnum` order; returns the names of
/// the columns of every table, those not filled included.
pub(super) async fn columns(
    conn: &mut PgConnection,
    tables: &mut Tables,
) -> Result<ColumnNames, sqlx::Error> {
    let rows = sqlx::query(COLUMNS).fetch_all(&mut *conn).await?;
    let mut names: ColumnNames = HashMap::with_capacity(tables.len());
    for row in rows {
        let rel: i64 = row.try_get(0)?;
        let attnum: i16 = row.try_get(1)?;
        let name: String = row.try_get(2)?;
        names.entry(rel).or_default().insert(attnum, name.clone());
        let Some(table) = tables.get_mut(&rel) else {
            continue; // excluded, extension-owned, or a partition
        };
        let mut column = Column::new(
            name,
            ColumnType::new(Dialect::Postgres, row.try_get::<String, _>(3)?),
        );
        column.nullable = !row.try_get::<bool, _>(4)?;
        column.identity = match row.try_get::<String, _>(5)?.as_str() {
            "a" => Some(Identity::Always),
            "d" => Some(Identity::ByDefault),
            _ => None,
        };
        let expression: Option<String> = row.try_get(7)?;
        match row.try_get::<String, _>(6)?.as_str() {
            "s" => {
                column.generated = expression.map(|expression| Generated {
                    expression,
                    kind: GeneratedKind::Stored,
                })
            }
            _ => column.default = expression,
        }
        // A column whose default draws from a sequence it owns is what
        // `serial` made: report it as such (the sequence is not listed), so
        // that a draft writes `serial`, which creates the sequence again.
        if row.try_get::<Option<bool>, _>(10)?.unwrap_or(false) {
            let serial = match column.data_type.raw.as_str() {
                "integer" => Some("serial"),
                "bigint" => Some("bigserial"),
                "smallint" => Some("smallserial"),
                _ => None,
            };
            if let Some(serial) = serial {
                column.data_type = ColumnType::new(Dialect::Postgres, serial);
                column.default = None;
            }
        }
        column.comment = row.try_get(8)?;
        column.collation = row.try_get(9)?;
        column.identity_options = row.try_get(11)?;
        table.columns.push(column);
    }
    Ok(names)
}
