//! The sqlx calls every session makes, over any of the three drivers; the
//! shapes of what comes back (rows of the version table, batches, why a
//! section or a step's closing round trip failed); and the [`Guard`] that
//! owns the pooled connection and decides its fate.
//!
//! sqlx's executor traits are implemented per connection type, so generic
//! code over them needs higher-ranked bounds on every function that touches
//! a connection. [`Driver`] states those calls once as plain trait methods,
//! and the `driver!` macro implements them for each enabled sqlx database
//! with the same body; the session and the engine are then generic over
//! `Driver` alone.

use crate::protocol::Arg;
use sqlx::{AssertSqlSafe, SqlSafeStr, SqlStr};
use std::future::Future;

/// Text checked by the caller to hold no user-supplied values (statements
/// built by the version-table protocol, migration sections the user wrote).
pub(crate) fn sql_str(text: &str) -> SqlStr {
    AssertSqlSafe(std::sync::Arc::<str>::from(text)).into_sql_str()
}

/// Told of each statement of a section as the database finishes it: its
/// 0-based number in the section and the rows it changed (what
/// [`Migrator::on_statement`](crate::Migrator::on_statement) hooks hear).
/// `None` when nobody listens: the section then runs as one text. When
/// someone does, PostgreSQL and MySQL get one statement at a time, since
/// their servers send a multi-statement text's results together at the end.
/// The backend awaits what it returns before it sends the next statement
/// (see [`Migrator::after_statement`](crate::Migrator::after_statement)).
pub(crate) type Finished<'a> =
    Option<&'a (dyn Fn(usize, u64) -> crate::types::StatementWait + Send + Sync)>;

/// A migration's SQL failed: which statement (0-based, counted by the
/// statements the database finished before it) and the driver error.
#[derive(Debug)]
pub(crate) struct SqlFailure {
    pub(crate) statement: Option<usize>,
    /// Byte offset into the section where the database located the error,
    /// when it says (PostgreSQL parses a whole multi-statement string before
    /// running any of it, so a syntax error finishes no statement).
    pub(crate) position: Option<usize>,
    pub(crate) source: sqlx::Error,
}

/// Why the round trip that ends a transactional step failed.
#[derive(Debug)]
pub(crate) enum CloseFailure {
    /// The savepoint is gone: the section ended the transaction.
    Ended(sqlx::Error),
    /// The version row's statement failed.
    Row(sqlx::Error),
}

/// Why a commit chained with the next transaction's start failed.
#[derive(Debug)]
pub(crate) enum Chained {
    /// The commit failed; the transaction is still open.
    Commit(sqlx::Error),
    /// The commit succeeded, the new transaction did not start.
    Begin(sqlx::Error),
}

/// Why [`Session::commit_begin_and_run`](super::Session::commit_begin_and_run)
/// failed: the commit or the start of the next transaction, or the section.
#[derive(Debug)]
pub(crate) enum ChainFailure {
    /// As [`Session::commit_and_begin`](super::Session::commit_and_begin).
    Chained(Chained),
    /// The section, after the commit and the start succeeded.
    Section(SqlFailure),
}

/// One version-table row as read, before interpretation.
#[derive(Clone, Debug)]
pub(crate) struct RawRow {
    pub(crate) revision: String,
    pub(crate) checksum: String,
    pub(crate) state: String,
    pub(crate) applied_at: String,
    pub(crate) duration_ms: i64,
}

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
        done: Finished<'_>,
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
                done: Finished<'_>,
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

/// Owns a session's pooled connection and decides its fate on drop: a
/// connection that may hold the migration lock, an open transaction, or a
/// session a migration changed beyond repair is detached from the pool and
/// closed (the server then frees the lock and rolls back), never handed to
/// the application in that state. That covers panics in a hook and futures
/// dropped mid-run, where no async cleanup can run.
pub(crate) struct Guard<DB: sqlx::Database> {
    conn: Option<sqlx::pool::PoolConnection<DB>>,
    /// A session lock tied to the connection is held: the one record of it.
    pub(super) locked: bool,
    /// A transaction is open: the one record of it.
    pub(super) in_tx: bool,
    /// The connection is not fit for the pool, whatever happens next.
    pub(super) tainted: bool,
}

impl<DB: sqlx::Database> Guard<DB> {
    /// Wraps a freshly acquired connection.
    pub(crate) fn new(conn: sqlx::pool::PoolConnection<DB>) -> Guard<DB> {
        Guard {
            conn: Some(conn),
            locked: false,
            in_tx: false,
            tainted: false,
        }
    }

    /// The connection.
    pub(crate) fn conn(&mut self) -> &mut DB::Connection {
        self.conn
            .as_mut()
            .expect("the connection is only taken on close")
    }

    /// Detaches the connection from the pool if it may hold a lock, an open
    /// transaction or a changed session: dropping (or closing) it then ends
    /// all of them.
    pub(crate) fn take_dirty(&mut self) -> Option<DB::Connection> {
        if self.locked || self.in_tx || self.tainted {
            self.conn.take().map(|conn| conn.detach())
        } else {
            None
        }
    }
}

impl<DB: sqlx::Database> Drop for Guard<DB> {
    fn drop(&mut self) {
        // Dropping the detached connection closes its socket (or, for
        // SQLite, its handle), which releases the lock and rolls back.
        drop(self.take_dirty());
    }
}
