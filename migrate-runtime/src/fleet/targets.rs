//! Where a fleet's tenants come from: a file of URLs, a query on a control
//! database returning database (or schema) names, or PostgreSQL schemas
//! matching a pattern.

use super::tenant::{is_identifier, Tenant};
use crate::db::Db;
use crate::url::DatabaseUrl;
use std::path::{Path, PathBuf};

/// Why a fleet's tenant list could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TargetsError {
    /// The fleet file cannot be read.
    #[error("cannot read the fleet file {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A line of the fleet file is not a database URL.
    #[error("{path}:{line}: not a database URL: {source}")]
    BadLine {
        /// The file.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
        /// Why (no part of a password).
        source: crate::url::UrlError,
    },
    /// A name the query returned cannot be a tenant of this URL.
    #[error("`{name}` cannot name a tenant on {url}: {reason}")]
    BadName {
        /// The name, shortened.
        name: String,
        /// The control URL, password redacted.
        url: String,
        /// Why.
        reason: &'static str,
    },
    /// The listing query failed.
    #[error("the fleet query failed on {url}: {message}")]
    Query {
        /// The control URL, password redacted.
        url: String,
        /// The database's message, password redacted.
        message: String,
    },
    /// Connecting to the control database failed.
    #[error(transparent)]
    Connect(#[from] crate::error::Error),
}

/// What the names of a query stand for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameKind {
    /// Databases on the control URL's server (SQLite: file paths).
    Database,
    /// PostgreSQL schemas in the control URL's database.
    Schema,
}

/// The tenants of a fleet file: one URL a line; blank lines and lines
/// starting with `#` are skipped. Errors name the line, never the password.
pub fn from_file(path: &Path) -> Result<Vec<Tenant>, TargetsError> {
    let text = std::fs::read_to_string(path).map_err(|source| TargetsError::Read {
        path: path.to_owned(),
        source,
    })?;
    let mut tenants = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let url = DatabaseUrl::parse(line).map_err(|source| TargetsError::BadLine {
            path: path.to_owned(),
            line: i + 1,
            source,
        })?;
        tenants.push(Tenant::url(url));
    }
    Ok(tenants)
}

/// Runs `sql` on `control` and makes a tenant of each name in its first
/// column: a database on the same server (SQLite: a file path), or a schema.
pub async fn from_query(
    control: &DatabaseUrl,
    sql: &str,
    kind: NameKind,
) -> Result<Vec<Tenant>, TargetsError> {
    let names = query_names(control, sql, &[]).await?;
    names
        .iter()
        .map(|name| tenant_named(control, name, kind))
        .collect()
}

/// The PostgreSQL schemas of `control`'s database whose names match the SQL
/// `LIKE` pattern `pattern` (`tenant_%`), in name order.
pub async fn schemas(control: &DatabaseUrl, pattern: &str) -> Result<Vec<Tenant>, TargetsError> {
    let sql = "SELECT schema_name::text FROM information_schema.schemata \
               WHERE schema_name LIKE $1 ORDER BY 1";
    let names = query_names(control, sql, &[pattern]).await?;
    names
        .iter()
        .map(|name| tenant_named(control, name, NameKind::Schema))
        .collect()
}

fn tenant_named(control: &DatabaseUrl, name: &str, kind: NameKind) -> Result<Tenant, TargetsError> {
    let bad = |reason| TargetsError::BadName {
        name: crate::error::shorten(name, 80),
        url: control.to_string(),
        reason,
    };
    match kind {
        NameKind::Schema => Tenant::schema(control, name).ok_or_else(|| {
            bad("a schema tenant needs PostgreSQL and a name of letters, digits and `_`")
        }),
        NameKind::Database if control.dialect() == crate::Dialect::Sqlite => {
            DatabaseUrl::parse(&format!("sqlite:{name}"))
                .map(Tenant::url)
                .map_err(|_| bad("not a SQLite file path"))
        }
        NameKind::Database => {
            if !is_identifier(name) {
                return Err(bad("use database names of letters, digits and `_`"));
            }
            control
                .with_database(name)
                .map(Tenant::url)
                .ok_or_else(|| bad("the URL cannot name another database"))
        }
    }
}

/// The first column of `sql`'s rows, as text.
async fn query_names(
    control: &DatabaseUrl,
    sql: &str,
    binds: &[&str],
) -> Result<Vec<String>, TargetsError> {
    let db = Db::connect_url(control).await?;
    // The user's own listing query, run as given: this is what it is for.
    let sql = || sqlx::AssertSqlSafe(sql.to_owned());
    let result = match &db {
        #[cfg(feature = "sqlite")]
        Db::Sqlite(p) => {
            bind(sqlx::query_scalar::<_, String>(sql()), binds)
                .fetch_all(p)
                .await
        }
        #[cfg(feature = "postgres")]
        Db::Postgres(p) => {
            bind(sqlx::query_scalar::<_, String>(sql()), binds)
                .fetch_all(p)
                .await
        }
        #[cfg(feature = "mysql")]
        Db::MySql(p) => {
            bind(sqlx::query_scalar::<_, String>(sql()), binds)
                .fetch_all(p)
                .await
        }
    };
    db.close().await;
    result.map_err(|e| TargetsError::Query {
        url: control.to_string(),
        message: control.scrub(&e.to_string()),
    })
}

/// Binds `values` in order.
fn bind<'q, DB: sqlx::Database>(
    mut q: sqlx::query::QueryScalar<'q, DB, String, <DB as sqlx::Database>::Arguments>,
    values: &[&str],
) -> sqlx::query::QueryScalar<'q, DB, String, <DB as sqlx::Database>::Arguments>
where
    String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    for v in values {
        q = q.bind(v.to_string());
    }
    q
}
