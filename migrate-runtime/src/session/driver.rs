//! The few sqlx calls every session makes, over any of the three drivers.
//!
//! sqlx's executor traits are implemented per connection type, so generic
//! code over them needs higher-ranked bounds on every function that touches
//! a connection. [`Driver`] states those calls once as plain trait methods,
//! and the `driver!` macro implements them for each enabled sqlx database
//! with the same body; the session and the engine are then generic over
//! `Driver` alone.

use super::SqlFailure;
use crate::protocol::Arg;
use sqlx::SqlStr;
use std::future::Future;

/// The sqlx operations a session needs, on one driver's connections.
pub(crate) trait Driver: sqlx::Database {
    /// Runs text as-is (one or several statements, no parameters); returns
    /// the rows affected.
    fn execute(
        conn: &mut Self::Connection,
        sql: SqlStr,
    ) -> impl Future<Output = Result<u64, sqlx::Error>> + Send;

    /// Runs one statement with bound values; returns the rows affected.
    /// `persistent` statements stay prepared on the connection, for texts
    /// that recur (a step's row is written with the same text every time).
    fn execute_bound(
        conn: &mut Self::Connection,
        sql: SqlStr,
        args: &[Arg],
        persistent: bool,
    ) -> impl Future<Output = Result<u64, sqlx::Error>> + Send;

    /// Runs one query with bound values and returns its rows.
    fn fetch_bound(
        conn: &mut Self::Connection,
        sql: SqlStr,
        args: &[Arg],
    ) -> impl Future<Output = Result<Vec<Self::Row>, sqlx::Error>> + Send;

    /// Runs text as-is and returns its rows: the text protocol, never a
    /// prepared statement, for queries whose answer a cached statement
    /// could freeze (MariaDB evaluates `DATABASE()` at prepare time).
    fn fetch_raw(
        conn: &mut Self::Connection,
        sql: SqlStr,
    ) -> impl Future<Output = Result<Vec<Self::Row>, sqlx::Error>> + Send;

    /// A text column, type-checked by the driver; NULL is an error.
    fn text(row: &Self::Row, index: usize) -> Result<String, sqlx::Error>;

    /// A text column that may be NULL, type-checked by the driver.
    fn opt_text(row: &Self::Row, index: usize) -> Result<Option<String>, sqlx::Error>;

    /// An integer column, type-checked by the driver; NULL is an error.
    fn int(row: &Self::Row, index: usize) -> Result<i64, sqlx::Error>;

    /// Runs the runtime's own statements as one text, in one round trip:
    /// the rows each finished statement changed, the rows the queries among
    /// them returned, and the failure, if one failed (the database runs
    /// none after it).
    fn batch(conn: &mut Self::Connection, sql: SqlStr) -> impl Future<Output = Batch<Self>> + Send;

    /// Runs a whole section through the driver's multi-statement execution,
    /// counting the statements the database finished, so that a failure can
    /// name the statement. (The count is free: the driver hands over every
    /// statement's result anyway.)
    fn run_many(
        conn: &mut Self::Connection,
        sql: SqlStr,
        done: super::Finished<'_>,
    ) -> impl Future<Output = Result<(), SqlFailure>> + Send;
}

/// What a [`Driver::batch`] returned.
pub(crate) struct Batch<DB: sqlx::Database> {
    /// Rows changed, one entry per statement, in order.
    pub(crate) changed: Vec<u64>,
    /// Rows the queries returned, in order.
    pub(crate) rows: Vec<DB::Row>,
    /// The statement that failed (its number is `changed.len()`) and why.
    pub(crate) failure: Option<sqlx::Error>,
}

/// Implements [`Driver`] for one sqlx database type.
macro_rules! driver {
    ($db:ty) => {
        impl Driver for $db {
            async fn execute(
                conn: &mut <$db as sqlx::Database>::Connection,
                sql: SqlStr,
            ) -> Result<u64, sqlx::Error> {
                use sqlx::Executor;
                Ok(conn.execute(sqlx::raw_sql(sql)).await?.rows_affected())
            }

            async fn execute_bound(
                conn: &mut <$db as sqlx::Database>::Connection,
                sql: SqlStr,
                args: &[Arg],
                persistent: bool,
            ) -> Result<u64, sqlx::Error> {
                use sqlx::Executor;
                let mut query = sqlx::query(sql).persistent(persistent);
                for arg in args {
                    query = match arg {
                        Arg::Text(t) => query.bind(t.as_str()),
                        Arg::Int(i) => query.bind(*i),
                    };
                }
                Ok(conn.execute(query).await?.rows_affected())
            }

            async fn fetch_bound(
                conn: &mut <$db as sqlx::Database>::Connection,
                sql: SqlStr,
                args: &[Arg],
            ) -> Result<Vec<<$db as sqlx::Database>::Row>, sqlx::Error> {
                use sqlx::Executor;
                let mut query = sqlx::query(sql);
                for arg in args {
                    query = match arg {
                        Arg::Text(t) => query.bind(t.as_str()),
                        Arg::Int(i) => query.bind(*i),
                    };
                }
                conn.fetch_all(query).await
            }

            async fn fetch_raw(
                conn: &mut <$db as sqlx::Database>::Connection,
                sql: SqlStr,
            ) -> Result<Vec<<$db as sqlx::Database>::Row>, sqlx::Error> {
                sqlx::raw_sql(sql).fetch_all(conn).await
            }

            fn text(
                row: &<$db as sqlx::Database>::Row,
                index: usize,
            ) -> Result<String, sqlx::Error> {
                sqlx::Row::try_get(row, index)
            }

            fn opt_text(
                row: &<$db as sqlx::Database>::Row,
                index: usize,
            ) -> Result<Option<String>, sqlx::Error> {
                sqlx::Row::try_get(row, index)
            }

            fn int(row: &<$db as sqlx::Database>::Row, index: usize) -> Result<i64, sqlx::Error> {
                sqlx::Row::try_get(row, index)
            }

            async fn batch(
                conn: &mut <$db as sqlx::Database>::Connection,
                sql: SqlStr,
            ) -> Batch<$db> {
                use futures_util::StreamExt;
                let mut results = sqlx::raw_sql(sql).fetch_many(conn);
                let mut out = Batch {
                    changed: Vec::new(),
                    rows: Vec::new(),
                    failure: None,
                };
                while let Some(result) = results.next().await {
                    match result {
                        Ok(sqlx::Either::Left(done)) => out.changed.push(done.rows_affected()),
                        Ok(sqlx::Either::Right(row)) => out.rows.push(row),
                        Err(source) => {
                            out.failure = Some(source);
                            break;
                        }
                    }
                }
                out
            }

            async fn run_many(
                conn: &mut <$db as sqlx::Database>::Connection,
                sql: SqlStr,
                done: super::Finished<'_>,
            ) -> Result<(), SqlFailure> {
                use futures_util::StreamExt;
                use sqlx::Executor;
                let mut results = conn.execute_many(sqlx::raw_sql(sql));
                let mut finished = 0;
                while let Some(result) = results.next().await {
                    match result {
                        Ok(result) => {
                            if let Some(done) = done {
                                done(finished, result.rows_affected()).await;
                            }
                            finished += 1;
                        }
                        Err(source) => {
                            return Err(SqlFailure {
                                statement: Some(finished),
                                position: None,
                                source,
                            })
                        }
                    }
                }
                Ok(())
            }
        }
    };
}

#[cfg(feature = "sqlite")]
driver!(sqlx::Sqlite);
#[cfg(feature = "postgres")]
driver!(sqlx::Postgres);
#[cfg(feature = "mysql")]
driver!(sqlx::MySql);
