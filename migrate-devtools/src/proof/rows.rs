//! Text queries, and the rows of a table as a fingerprint (a count and a
//! content hash): what the stairway compares to see that a down removed the
//! rows its up inserted, and what squash's check compares instead of counts.

use migrate_runtime::{Db, Dialect};
use sha2::{Digest, Sha256};

/// Tables with more rows than this are compared by count alone: a hash
/// would read them whole.
pub const HASHED_ROWS: u64 = 10_000;

/// The rows of one table: how many, and a hash of their contents (sorted,
/// so that row order does not matter); `None` above [`HASHED_ROWS`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowPrint {
    /// The number of rows.
    pub count: u64,
    /// SHA-256 of the sorted rows as the database quotes them.
    pub hash: Option<String>,
}

/// Every row of `sql`'s first column, as text (`None` for NULL). On
/// PostgreSQL with `row_security` off: a table whose policies would hide
/// rows from this user is an error, never a silent subset.
pub(crate) async fn column(db: &Db, sql: &str) -> Result<Vec<Option<String>>, sqlx::Error> {
    use sqlx::Row;
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match db {
        #[cfg(feature = "sqlite")]
        Db::Sqlite(p) => sqlx::query(sql)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| r.try_get::<Option<String>, _>(0))
            .collect(),
        // Row security off: every row or an error, never a filtered
        // subset (a FORCE ROW LEVEL SECURITY table read by its owner).
        #[cfg(feature = "postgres")]
        Db::Postgres(p) => {
            let mut c = p.acquire().await?;
            sqlx::query("SET row_security = off")
                .execute(&mut *c)
                .await?;
            let rows = sqlx::query(sql).fetch_all(&mut *c).await;
            let _ = sqlx::query("RESET row_security").execute(&mut *c).await;
            rows?
                .iter()
                .map(|r| r.try_get::<Option<String>, _>(0))
                .collect()
        }
        // QUOTE() and HEX() of binary columns are binary strings.
        #[cfg(feature = "mysql")]
        Db::MySql(p) => sqlx::query(sql)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| {
                r.try_get_unchecked::<Option<Vec<u8>>, _>(0)
                    .map(|v| v.map(|b| String::from_utf8_lossy(&b).into_owned()))
            })
            .collect(),
        _ => Err(sqlx::Error::Configuration(
            crate::NotBuilt(db.dialect()).to_string().into(),
        )),
    }
}

/// The first value of `sql`.
pub(crate) async fn text(db: &Db, sql: &str) -> Result<Option<String>, sqlx::Error> {
    Ok(column(db, sql).await?.into_iter().next().flatten())
}

/// The base tables of the database, as (name for SQL, bare name).
pub async fn tables(db: &Db) -> Result<Vec<(String, String)>, sqlx::Error> {
    let sql = match db.dialect() {
        Dialect::Postgres => "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) || chr(31) || tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
        Dialect::MySql => "SELECT CONCAT('`', REPLACE(table_name, '`', '``'), '`', CHAR(31), table_name) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type IN ('BASE TABLE', 'SYSTEM VERSIONED') ORDER BY 1",
        Dialect::Sqlite => "SELECT '\"' || replace(name, '\"', '\"\"') || '\"' || char(31) || name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY 1",
    };
    Ok(column(db, sql)
        .await?
        .into_iter()
        .flatten()
        .filter_map(|t| {
            t.split_once('\u{1f}')
                .map(|(q, n)| (q.to_owned(), n.to_owned()))
        })
        .collect())
}

/// The fingerprint of `table` (as written in SQL; `bare` its name alone).
pub async fn print(db: &Db, table: &str, bare: &str) -> Result<RowPrint, sqlx::Error> {
    let count = text(
        db,
        &format!("SELECT CAST(count(*) AS CHAR(20)) FROM {table}"),
    )
    .await?
    .and_then(|n| n.trim().parse().ok())
    .unwrap_or(0);
    if count > HASHED_ROWS {
        return Ok(RowPrint { count, hash: None });
    }
    let sql = match db.dialect() {
        Dialect::Postgres => format!("SELECT t::text FROM {table} t"),
        Dialect::MySql => {
            let columns = column(
                db,
                &format!(
                    "SELECT CONCAT('QUOTE(`', REPLACE(column_name, '`', '``'), '`)') FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '{}' ORDER BY ordinal_position",
                    bare.replace('\'', "''")
                ),
            )
            .await?;
            let list: Vec<String> = columns.into_iter().flatten().collect();
            if list.is_empty() {
                return Ok(RowPrint { count, hash: None });
            }
            format!(
                "SELECT HEX(CONCAT_WS(',', {})) FROM {table}",
                list.join(", ")
            )
        }
        Dialect::Sqlite => {
            let columns = column(
                db,
                &format!(
                    "SELECT 'quote(\"' || replace(name, '\"', '\"\"') || '\")' FROM pragma_table_xinfo('{}') ORDER BY cid",
                    bare.replace('\'', "''")
                ),
            )
            .await?;
            let list: Vec<String> = columns.into_iter().flatten().collect();
            if list.is_empty() {
                return Ok(RowPrint { count, hash: None });
            }
            format!("SELECT {} FROM {table}", list.join(" || ',' || "))
        }
    };
    let mut rows: Vec<String> = column(db, &sql)
        .await?
        .into_iter()
        .map(|v| v.unwrap_or_else(|| "\u{0}NULL".to_owned()))
        .collect();
    rows.sort();
    let mut hash = Sha256::new();
    for r in &rows {
        hash.update(r.as_bytes());
        hash.update([0u8]);
    }
    let hex: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok(RowPrint {
        count,
        hash: Some(hex),
    })
}

/// What differs between two fingerprints of table `name`, in words.
pub fn describe(name: &str, before: &RowPrint, after: &RowPrint) -> Option<String> {
    if before.count != after.count {
        return Some(format!(
            "rows of {name}: {} before, {} after",
            before.count, after.count
        ));
    }
    match (&before.hash, &after.hash) {
        (Some(a), Some(b)) if a != b => Some(format!(
            "rows of {name}: the same count ({}), different contents",
            before.count
        )),
        _ => None,
    }
}
