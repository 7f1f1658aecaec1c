//! Statements on the dev server's own database (CREATE and DROP DATABASE,
//! whose text is migrate-schema's) and the list of scratch databases, each
//! on a connection of its own.

use migrate_runtime::DatabaseUrl;
use migrate_runtime::Dialect;

/// Why an administrative statement failed (only servers have them: a
/// SQLite-only build never builds one).
#[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
pub(super) enum AdminError {
    Connect(Box<dyn std::error::Error + Send + Sync>),
    Sql(Box<dyn std::error::Error + Send + Sync>),
}

/// Runs one statement on the dev server's own database, on a connection
/// of its own (CREATE/DROP DATABASE cannot run in a transaction).
pub(super) async fn exec(admin: &DatabaseUrl, sql: &str) -> Result<(), AdminError> {
    #[cfg(any(feature = "postgres", feature = "mysql"))]
    use sqlx::Connection;
    let text = admin.driver_text();
    match admin.dialect() {
        #[cfg(feature = "postgres")]
        Dialect::Postgres => {
            let mut c = pg_connect(admin, &text).await?;
            let r = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(&mut c)
                .await;
            let _ = c.close().await;
            r.map(|_| ()).map_err(|e| AdminError::Sql(Box::new(e)))
        }
        #[cfg(feature = "mysql")]
        Dialect::MySql => {
            let mut c = mysql_connect(admin, &text).await?;
            let r = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(&mut c)
                .await;
            let _ = c.close().await;
            r.map(|_| ()).map_err(|e| AdminError::Sql(Box::new(e)))
        }
        _ => {
            let _ = (text, sql);
            Ok(())
        }
    }
}

/// The databases on the server whose name starts with [`SCRATCH_PREFIX`].
pub(super) async fn list(admin: &DatabaseUrl, dialect: Dialect) -> Result<Vec<String>, AdminError> {
    #[cfg(any(feature = "postgres", feature = "mysql"))]
    use sqlx::{Connection, Row};
    let text = admin.driver_text();
    let pattern = "migrate\\_scratch\\_%";
    match dialect {
        #[cfg(feature = "postgres")]
        Dialect::Postgres => {
            let mut c = pg_connect(admin, &text).await?;
            let rows = sqlx::query("SELECT datname::text FROM pg_database WHERE datname LIKE $1")
                .bind(pattern)
                .fetch_all(&mut c)
                .await;
            let _ = c.close().await;
            let rows = rows.map_err(|e| AdminError::Sql(Box::new(e)))?;
            Ok(rows.iter().filter_map(|r| r.try_get(0).ok()).collect())
        }
        #[cfg(feature = "mysql")]
        Dialect::MySql => {
            let mut c = mysql_connect(admin, &text).await?;
            let rows = sqlx::query(
                "SELECT CAST(SCHEMA_NAME AS CHAR) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?",
            )
            .bind(pattern)
            .fetch_all(&mut c)
            .await;
            let _ = c.close().await;
            let rows = rows.map_err(|e| AdminError::Sql(Box::new(e)))?;
            Ok(rows.iter().filter_map(|r| r.try_get(0).ok()).collect())
        }
        _ => {
            let _ = (text, pattern);
            Ok(Vec::new())
        }
    }
}

/// Whether a connection failed because its database does not exist
/// (PostgreSQL 3D000, MySQL 1049): the database URL may name one that is
/// not created yet, and its server still serves for scratch databases.
#[cfg(any(feature = "postgres", feature = "mysql"))]
fn unknown_database(e: &sqlx::Error) -> bool {
    e.as_database_error().is_some_and(|d| {
        d.code().as_deref() == Some("3D000") || d.message().starts_with("Unknown database")
    })
}

/// A connection to the dev server for administrative statements. When the
/// URL names a database that does not exist yet, its server is reached
/// through `fallback`, a database that always exists there (`postgres`;
/// MySQL's `information_schema`, which needs no privilege).
#[cfg(any(feature = "postgres", feature = "mysql"))]
async fn connect<C: sqlx::Connection>(
    admin: &DatabaseUrl,
    text: &str,
    fallback: &str,
) -> Result<C, AdminError> {
    match C::connect(text).await {
        Err(e) if unknown_database(&e) => {
            let fallback = admin
                .with_database(fallback)
                .ok_or_else(|| AdminError::Connect(Box::new(e)))?;
            C::connect(&fallback.driver_text())
                .await
                .map_err(|e| AdminError::Connect(Box::new(e)))
        }
        other => other.map_err(|e| AdminError::Connect(Box::new(e))),
    }
}

#[cfg(feature = "postgres")]
async fn pg_connect(admin: &DatabaseUrl, text: &str) -> Result<sqlx::PgConnection, AdminError> {
    connect(admin, text, "postgres").await
}

#[cfg(feature = "mysql")]
async fn mysql_connect(
    admin: &DatabaseUrl,
    text: &str,
) -> Result<sqlx::MySqlConnection, AdminError> {
    connect(admin, text, "information_schema").await
}
