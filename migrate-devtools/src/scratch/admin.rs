//! Connections to a scratch server's own database, and the statements run
//! there: creating a scratch database from `template0`, dropping it without
//! `FORCE` (revoking MariaDB's grants on it first), listing the scratch and
//! test databases with whether their owner still lives, and keeping one.
//!
//! The statements are written here rather than in migrate-schema's
//! renderer: they are this module's protocol with the server (names,
//! comments, locks), not schema SQL.
// A SQLite-only build has no server to talk to: what is here is unused.
#![cfg_attr(
    not(any(feature = "postgres", feature = "mysql")),
    allow(unused_variables, dead_code, unreachable_code)
)]

use migrate_runtime::{DatabaseUrl, Dialect};
use migrate_schema::database;
use std::time::Duration;

/// Why an administrative statement failed.
#[derive(Debug)]
pub(crate) enum AdminError {
    /// The server could not be reached.
    Connect(Box<dyn std::error::Error + Send + Sync>),
    /// The server refused the statement.
    Sql(Box<dyn std::error::Error + Send + Sync>),
}

impl AdminError {
    pub(crate) fn into_source(self) -> Box<dyn std::error::Error + Send + Sync> {
        match self {
            AdminError::Connect(e) | AdminError::Sql(e) => e,
        }
    }
}

/// What a comment on a kept database starts with: the cleaner leaves such
/// databases alone (a failed test's, for someone to look at).
pub(crate) const KEPT_COMMENT: &str = "migrate: kept";

/// One connection to a server, of either kind.
pub(crate) enum Conn {
    #[cfg(feature = "postgres")]
    Pg(sqlx::PgConnection),
    #[cfg(feature = "mysql")]
    My(sqlx::MySqlConnection),
    /// A SQLite-only build has no server connections.
    #[cfg(not(any(feature = "postgres", feature = "mysql")))]
    #[allow(dead_code)]
    Never(std::convert::Infallible),
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Conn")
    }
}

/// A database on the server with the scratch or test prefix.
#[derive(Debug)]
pub(crate) struct Listed {
    pub name: String,
    /// Marked kept by a failed test.
    pub kept: bool,
    /// Its owner's mark is held: a live run.
    pub live: bool,
}

impl Conn {
    /// A connection to `url`'s database; when that database does not exist
    /// yet, to one that always does (`postgres`; MySQL's
    /// `information_schema`).
    #[cfg_attr(
        not(any(feature = "postgres", feature = "mysql")),
        allow(unused_variables)
    )]
    pub(crate) async fn open(url: &DatabaseUrl) -> Result<Conn, AdminError> {
        #[cfg(any(feature = "postgres", feature = "mysql"))]
        use sqlx::Connection;
        let text = url.driver_text();
        match url.dialect() {
            #[cfg(feature = "postgres")]
            Dialect::Postgres => match sqlx::PgConnection::connect(&text).await {
                Err(e) if unknown_database(&e) => {
                    let other = url
                        .with_database("postgres")
                        .ok_or(AdminError::Connect(Box::new(e)))?;
                    sqlx::PgConnection::connect(&other.driver_text())
                        .await
                        .map(Conn::Pg)
                        .map_err(|e| AdminError::Connect(Box::new(e)))
                }
                other => other
                    .map(Conn::Pg)
                    .map_err(|e| AdminError::Connect(Box::new(e))),
            },
            #[cfg(feature = "mysql")]
            Dialect::MySql => match sqlx::MySqlConnection::connect(&text).await {
                Err(e) if unknown_database(&e) => {
                    let other = url
                        .with_database("information_schema")
                        .ok_or(AdminError::Connect(Box::new(e)))?;
                    sqlx::MySqlConnection::connect(&other.driver_text())
                        .await
                        .map(Conn::My)
                        .map_err(|e| AdminError::Connect(Box::new(e)))
                }
                other => other
                    .map(Conn::My)
                    .map_err(|e| AdminError::Connect(Box::new(e))),
            },
            other => Err(AdminError::Connect(
                crate::NotBuilt(other).to_string().into(),
            )),
        }
    }

    /// Runs one statement.
    #[cfg_attr(
        not(any(feature = "postgres", feature = "mysql")),
        allow(unreachable_code)
    )]
    pub(crate) async fn exec(&mut self, sql: &str) -> Result<(), AdminError> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        let r: Result<(), sqlx::Error> = match self {
            #[cfg(feature = "postgres")]
            Conn::Pg(c) => sqlx::raw_sql(sql).execute(c).await.map(|_| ()),
            #[cfg(feature = "mysql")]
            Conn::My(c) => sqlx::raw_sql(sql).execute(c).await.map(|_| ()),
            #[cfg(not(any(feature = "postgres", feature = "mysql")))]
            Conn::Never(n) => match *n {},
        };
        r.map_err(|e| AdminError::Sql(Box::new(e)))
    }

    /// The text columns of the rows of `sql`, each `NULL` as empty.
    pub(crate) async fn rows(
        &mut self,
        sql: &str,
        binds: &[&str],
    ) -> Result<Vec<Vec<String>>, AdminError> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        fn texts<R: sqlx::Row>(r: &R) -> Vec<String>
        where
            usize: sqlx::ColumnIndex<R>,
            for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
        {
            (0..r.len())
                .map(|i| {
                    r.try_get::<Option<String>, _>(i)
                        .ok()
                        .flatten()
                        .unwrap_or_default()
                })
                .collect()
        }
        match self {
            #[cfg(feature = "postgres")]
            Conn::Pg(c) => binds
                .iter()
                .fold(sqlx::query(sql), |q, b| q.bind(*b))
                .fetch_all(c)
                .await
                .map(|rs| rs.iter().map(texts).collect())
                .map_err(|e| AdminError::Sql(Box::new(e))),
            #[cfg(feature = "mysql")]
            Conn::My(c) => binds
                .iter()
                .fold(sqlx::query(sql), |q, b| q.bind(*b))
                .fetch_all(c)
                .await
                .map(|rs| rs.iter().map(texts).collect())
                .map_err(|e| AdminError::Sql(Box::new(e))),
            #[cfg(not(any(feature = "postgres", feature = "mysql")))]
            Conn::Never(n) => {
                let _ = (sql, binds);
                match *n {}
            }
        }
    }

    /// Closes the connection.
    pub(crate) async fn close(self) {
        #[cfg(any(feature = "postgres", feature = "mysql"))]
        use sqlx::Connection;
        match self {
            #[cfg(feature = "postgres")]
            Conn::Pg(c) => {
                let _ = c.close().await;
            }
            #[cfg(feature = "mysql")]
            Conn::My(c) => {
                let _ = c.close().await;
            }
            #[cfg(not(any(feature = "postgres", feature = "mysql")))]
            Conn::Never(n) => match n {},
        }
    }
}

/// Runs `sql` on a connection of its own to `admin`.
pub(crate) async fn exec(admin: &DatabaseUrl, sql: &str) -> Result<(), AdminError> {
    let mut c = Conn::open(admin).await?;
    let r = c.exec(sql).await;
    c.close().await;
    r
}

/// `CREATE DATABASE`, from `template0` on PostgreSQL (migrate-schema's
/// statement, the one home of generated SQL).
pub(crate) fn create_sql(dialect: Dialect, name: &str) -> String {
    database::create_database(dialect, name)
}

/// Drops `name` (never `WITH (FORCE)`: a database someone is connected to
/// is someone's), after revoking MariaDB's grants on it, which `DROP
/// DATABASE` leaves behind. PostgreSQL's backends of connections closed a
/// moment ago may still be exiting: "being accessed by other users" is
/// retried for a few seconds.
///
/// `own`: the database is this process's (created and still registered
/// here), so the sessions still in it are this process's too (a statement
/// of a cancelled run, which the server does not notice is abandoned):
/// they are ended first. The cleaner never passes `own`.
pub(crate) async fn drop_database(
    admin: &DatabaseUrl,
    name: &str,
    own: bool,
) -> Result<(), AdminError> {
    let dialect = admin.dialect();
    let mut c = Conn::open(admin).await?;
    if own {
        end_sessions(&mut c, dialect, name).await;
    }
    if dialect == Dialect::MySql {
        revoke_grants(&mut c, name).await;
    }
    let sql = database::drop_database(dialect, name);
    let mut wait = Duration::from_millis(20);
    let result = loop {
        match c.exec(&sql).await {
            Err(AdminError::Sql(e)) if in_use(&*e) && wait < Duration::from_secs(3) => {
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
            other => break other,
        }
    };
    c.close().await;
    result
}

/// Ends the sessions in this process's own database `name` (best effort).
async fn end_sessions(c: &mut Conn, dialect: Dialect, name: &str) {
    let Ok(rows) = c.rows(&database::other_sessions(dialect, name), &[]).await else {
        return;
    };
    // PostgreSQL's query ended them; MariaDB's listed them.
    if dialect == Dialect::MySql {
        for id in rows.iter().filter_map(|r| r.first()?.parse::<u64>().ok()) {
            let _ = c.exec(&database::kill_session(id)).await;
        }
    }
}

/// PostgreSQL 55006: the database is being accessed by other users.
fn in_use(e: &(dyn std::error::Error + 'static)) -> bool {
    e.downcast_ref::<sqlx::Error>()
        .and_then(|e| e.as_database_error())
        .is_some_and(|d| d.code().as_deref() == Some("55006"))
}

/// Revokes every database- and table-level grant on `name` (best effort: a
/// user who cannot read the grant tables granted nothing there either).
async fn revoke_grants(c: &mut Conn, name: &str) {
    if let Ok(rows) = c.rows(&database::database_grantees(name), &[]).await {
        for r in rows {
            let _ = c
                .exec(&database::revoke_grants(name, None, &r[0], &r[1]))
                .await;
        }
    }
    if let Ok(rows) = c.rows(&database::table_grantees(name), &[]).await {
        for r in rows {
            let _ = c
                .exec(&database::revoke_grants(name, Some(&r[2]), &r[0], &r[1]))
                .await;
        }
    }
}

/// The scratch and test databases on the server, with their marks.
pub(crate) async fn list(admin: &DatabaseUrl) -> Result<Vec<Listed>, AdminError> {
    let mut c = Conn::open(admin).await?;
    let r = list_on(&mut c, admin.dialect()).await;
    c.close().await;
    r
}

async fn list_on(c: &mut Conn, dialect: Dialect) -> Result<Vec<Listed>, AdminError> {
    let rows = match dialect {
        Dialect::Postgres => {
            c.rows(
                "SELECT d.datname::text, \
                 (coalesce(shobj_description(d.oid, 'pg_database'), '') LIKE $1 || '%')::text, \
                 EXISTS (SELECT 1 FROM pg_locks l WHERE l.database = d.oid \
                         AND l.locktype = 'advisory' AND l.granted)::text \
                 FROM pg_database d \
                 WHERE d.datname LIKE 'migrate\\_scratch\\_%' OR d.datname LIKE 'migrate\\_test\\_%'",
                &[KEPT_COMMENT],
            )
            .await?
        }
        _ => {
            let with_comment = "SELECT CAST(SCHEMA_NAME AS CHAR), \
                 IF(SCHEMA_COMMENT LIKE CONCAT(?, '%'), 'true', 'false'), \
                 IF(IS_FREE_LOCK(SCHEMA_NAME) = 0, 'true', 'false') \
                 FROM information_schema.SCHEMATA \
                 WHERE SCHEMA_NAME LIKE 'migrate\\_scratch\\_%' OR SCHEMA_NAME LIKE 'migrate\\_test\\_%'";
            match c.rows(with_comment, &[KEPT_COMMENT]).await {
                Ok(rows) => rows,
                // MySQL has no schema comments: nothing is marked kept there.
                Err(_) => {
                    c.rows(
                        "SELECT CAST(SCHEMA_NAME AS CHAR), IF(? = '', 'true', 'false'), \
                         IF(IS_FREE_LOCK(SCHEMA_NAME) = 0, 'true', 'false') \
                         FROM information_schema.SCHEMATA \
                         WHERE SCHEMA_NAME LIKE 'migrate\\_scratch\\_%' OR SCHEMA_NAME LIKE 'migrate\\_test\\_%'",
                        &[KEPT_COMMENT],
                    )
                    .await?
                }
            }
        }
    };
    Ok(rows
        .into_iter()
        .map(|r| Listed {
            name: r[0].clone(),
            kept: matches!(r[1].as_str(), "true" | "t" | "1"),
            live: matches!(r[2].as_str(), "true" | "t" | "1"),
        })
        .collect())
}

/// Marks `name` kept, so that no cleaner drops it: a comment on the
/// database, which its owner may set and anyone may read.
pub(crate) async fn mark_kept(
    admin: &DatabaseUrl,
    name: &str,
    why: &str,
) -> Result<(), AdminError> {
    let sql =
        database::comment_on_database(admin.dialect(), name, &format!("{KEPT_COMMENT}: {why}"));
    exec(admin, &sql).await
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
