//! What the rehearsal reads of each table between steps: its size and
//! storage identity (a rewrite gives a table new storage: PostgreSQL's
//! relfilenode, InnoDB's table id, SQLite's root page), and its row count
//! and a content hash (rows hashed in any order).

use super::error::RehearseError;
use super::sample::bare;
use migrate_runtime::Db;
use std::collections::BTreeMap;

/// A table's size and storage identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Layout {
    /// Bytes, with indexes, as the server counts them (`None`: unknown).
    pub(crate) size: Option<i64>,
    /// The storage identity (`None`: unknown).
    pub(crate) storage: Option<i64>,
}

/// Row count and content hash.
pub(crate) type Contents = (i64, String);

fn failed(action: &'static str) -> impl Fn(sqlx::Error) -> RehearseError {
    RehearseError::query(action, "the copy")
}

/// Size and storage of every table but the version table `table`.
pub(crate) async fn layout(
    db: &Db,
    table: &str,
) -> Result<BTreeMap<String, Layout>, RehearseError> {
    let rows: Vec<(String, Option<i64>, Option<i64>)> = match db {
        #[cfg(feature = "postgres")]
        Db::Postgres(pool) => sqlx::query_as(
            "SELECT format('%I.%I', n.nspname, c.relname), pg_total_relation_size(c.oid), \
                    c.relfilenode::bigint \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
                   AND n.nspname NOT LIKE 'pg\\_toast%' AND c.relname <> $1",
        )
        .bind(bare(table))
        .fetch_all(pool)
        .await
        .map_err(failed("read the tables' sizes"))?,
        #[cfg(feature = "mysql")]
        Db::MySql(pool) => {
            // InnoDB gives a rebuilt table a new id; the view needs the
            // PROCESS privilege, so without it only sizes are read.
            let with_id = sqlx::query_as(
                "SELECT t.TABLE_NAME, CAST(t.DATA_LENGTH + t.INDEX_LENGTH AS SIGNED), \
                        CAST(s.TABLE_ID AS SIGNED) \
                 FROM information_schema.TABLES t LEFT JOIN information_schema.INNODB_SYS_TABLES s \
                      ON s.NAME = CONCAT(t.TABLE_SCHEMA, '/', t.TABLE_NAME) \
                 WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE' AND t.TABLE_NAME <> ?",
            )
            .bind(bare(table))
            .fetch_all(pool)
            .await;
            match with_id {
                Ok(rows) => rows,
                Err(_) => sqlx::query_as(
                    "SELECT TABLE_NAME, CAST(DATA_LENGTH + INDEX_LENGTH AS SIGNED), CAST(NULL AS SIGNED) \
                     FROM information_schema.TABLES \
                     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME <> ?",
                )
                .bind(bare(table))
                .fetch_all(pool)
                .await
                .map_err(failed("read the tables' sizes"))?,
            }
        }
        #[cfg(feature = "sqlite")]
        Db::Sqlite(pool) => {
            let sized = sqlx::query_as(
                "SELECT m.name, (SELECT SUM(pgsize) FROM dbstat d WHERE d.name = m.name \
                        OR d.name IN (SELECT name FROM sqlite_master i WHERE i.tbl_name = m.name)), \
                        m.rootpage \
                 FROM sqlite_master m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
                       AND m.name <> ?",
            )
            .bind(bare(table))
            .fetch_all(pool)
            .await;
            match sized {
                Ok(rows) => rows,
                Err(_) => sqlx::query_as(
                    "SELECT name, CAST(NULL AS INTEGER), rootpage FROM sqlite_master \
                     WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> ?",
                )
                .bind(bare(table))
                .fetch_all(pool)
                .await
                .map_err(failed("read the tables"))?,
            }
        }
        #[allow(unreachable_patterns)]
        _ => Vec::new(),
    };
    Ok(rows
        .into_iter()
        .map(|(name, size, storage)| (name, Layout { size, storage }))
        .collect())
}

/// Row count and content hash of every table but the version table.
pub(crate) async fn contents(
    db: &Db,
    table: &str,
) -> Result<BTreeMap<String, Contents>, RehearseError> {
    let names: Vec<String> = layout(db, table).await?.into_keys().collect();
    let mut out = BTreeMap::new();
    for name in names {
        out.insert(name.clone(), one(db, &name).await?);
    }
    Ok(out)
}

async fn one(db: &Db, name: &str) -> Result<Contents, RehearseError> {
    use sqlx::AssertSqlSafe;
    let failed = failed("hash a table's rows");
    match db {
        #[cfg(feature = "postgres")]
        Db::Postgres(pool) => sqlx::query_as(AssertSqlSafe(format!(
            "SELECT count(*), coalesce(md5(string_agg(h, '' ORDER BY h)), '') \
             FROM (SELECT md5(t::text) AS h FROM {name} t) x"
        )))
        .fetch_one(pool)
        .await
        .map_err(failed),
        #[cfg(feature = "mysql")]
        Db::MySql(pool) => {
            let quoted = format!("`{}`", name.replace('`', "``"));
            let count: i64 =
                sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM {quoted}")))
                    .fetch_one(pool)
                    .await
                    .map_err(&failed)?;
            let row: (String, Option<i64>) =
                sqlx::query_as(AssertSqlSafe(format!("CHECKSUM TABLE {quoted}")))
                    .fetch_one(pool)
                    .await
                    .map_err(&failed)?;
            Ok((count, row.1.unwrap_or_default().to_string()))
        }
        #[cfg(feature = "sqlite")]
        Db::Sqlite(pool) => {
            use futures_util::TryStreamExt;
            use std::hash::{Hash, Hasher};
            let columns: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_table_info(?) ORDER BY cid")
                    .bind(name)
                    .fetch_all(pool)
                    .await
                    .map_err(&failed)?;
            let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
            let expr = columns
                .iter()
                .map(|c| format!("quote({})", quote(c)))
                .collect::<Vec<_>>()
                .join(" || '|' || ");
            let sql = format!("SELECT {expr} FROM {}", quote(name));
            let mut rows = sqlx::query_scalar::<_, String>(AssertSqlSafe(sql)).fetch(pool);
            let (mut count, mut sum) = (0i64, 0u64);
            while let Some(row) = rows.try_next().await.map_err(&failed)? {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                row.hash(&mut h);
                // A sum: the same rows in any order give the same hash.
                sum = sum.wrapping_add(h.finish());
                count += 1;
            }
            Ok((count, format!("{sum:016x}")))
        }
        #[allow(unreachable_patterns)]
        _ => Ok((0, String::new())),
    }
}

/// The committed storage identity of every table but the version table,
/// read from the catalogs only (no size function: one opens the table, and
/// the probe runs while the migration may hold it exclusively). Empty when
/// the server does not show it (MariaDB without the PROCESS privilege;
/// SQLite, which is not probed).
pub(crate) async fn storage(
    db: &Db,
    table: &str,
) -> Result<BTreeMap<String, Option<i64>>, RehearseError> {
    let rows: Vec<(String, Option<i64>)> = match db {
        #[cfg(feature = "postgres")]
        Db::Postgres(pool) => sqlx::query_as(
            "SELECT format('%I.%I', n.nspname, c.relname), c.relfilenode::bigint \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
                   AND n.nspname NOT LIKE 'pg\\_toast%' AND c.relname <> $1",
        )
        .bind(bare(table))
        .fetch_all(pool)
        .await
        .map_err(failed("read the tables' storage"))?,
        #[cfg(feature = "mysql")]
        Db::MySql(pool) => sqlx::query_as(
            "SELECT SUBSTRING_INDEX(NAME, '/', -1), CAST(TABLE_ID AS SIGNED) \
             FROM information_schema.INNODB_SYS_TABLES \
             WHERE NAME LIKE CONCAT(DATABASE(), '/%') AND SUBSTRING_INDEX(NAME, '/', -1) <> ?",
        )
        .bind(bare(table))
        .fetch_all(pool)
        .await
        .unwrap_or_default(),
        #[allow(unreachable_patterns)]
        _ => {
            let _ = bare(table);
            Vec::new()
        }
    };
    Ok(rows.into_iter().collect())
}
