//! The parts of the backends that talk to a database through sqlx.

use super::{DialectSql, TableName};
use crate::dialect::Dialect;
use futures_util::StreamExt;
use std::future::Future;

/// A database the migrator can run on: a sqlx pool of an enabled backend
/// ([`SqlitePool`](sqlx::SqlitePool), [`PgPool`](sqlx::PgPool),
/// [`MySqlPool`](sqlx::MySqlPool)) or a [`Db`].
///
/// The trait is sealed: the runtime needs to know each backend's locking and
/// transaction rules, so only the types listed here implement it.
pub trait Database: sealed::Sealed + Send + Sync {
    /// The SQL dialect of this database.
    fn dialect(&self) -> Dialect;

    /// The pool behind this value.
    #[doc(hidden)]
    fn backend(&self) -> BackendRef<'_>;
}

pub use sealed::BackendRef;

mod sealed {
    /// Only the runtime's own types implement [`Database`](super::Database).
    pub trait Sealed {}

    /// Which pool a [`Database`](super::Database) is.
    #[doc(hidden)]
    #[derive(Clone, Copy, Debug)]
    pub enum BackendRef<'a> {
        /// SQLite.
        #[cfg(feature = "sqlite")]
        Sqlite(&'a sqlx::SqlitePool),
        /// PostgreSQL.
        #[cfg(feature = "postgres")]
        Postgres(&'a sqlx::PgPool),
        /// MySQL or MariaDB.
        #[cfg(feature = "mysql")]
        MySql(&'a sqlx::MySqlPool),
    }
}

#[cfg(feature = "sqlite")]
impl sealed::Sealed for sqlx::SqlitePool {}
#[cfg(feature = "sqlite")]
impl Database for sqlx::SqlitePool {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }
    fn backend(&self) -> BackendRef<'_> {
        BackendRef::Sqlite(self)
    }
}

#[cfg(feature = "postgres")]
impl sealed::Sealed for sqlx::PgPool {}
#[cfg(feature = "postgres")]
impl Database for sqlx::PgPool {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }
    fn backend(&self) -> BackendRef<'_> {
        BackendRef::Postgres(self)
    }
}

#[cfg(feature = "mysql")]
impl sealed::Sealed for sqlx::MySqlPool {}
#[cfg(feature = "mysql")]
impl Database for sqlx::MySqlPool {
    fn dialect(&self) -> Dialect {
        Dialect::MySql
    }
    fn backend(&self) -> BackendRef<'_> {
        BackendRef::MySql(self)
    }
}

/// A connection pool of whichever backend a URL names: what applications use
/// when the database is chosen by configuration (`DATABASE_URL`).
///
/// ```no_run
/// # async fn run() -> Result<(), migrate_runtime::Error> {
/// use migrate_runtime::{Db, Dialect};
/// let db = Db::connect("sqlite:app.db").await?; // creates app.db if missing
/// assert_eq!(db.dialect(), Dialect::Sqlite);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Db {
    /// A SQLite pool.
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::SqlitePool),
    /// A PostgreSQL pool.
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgPool),
    /// A MySQL or MariaDB pool.
    #[cfg(feature = "mysql")]
    MySql(sqlx::MySqlPool),
}

impl Db {
    /// The SQL dialect of this database.
    pub fn dialect(&self) -> Dialect {
        Database::dialect(self)
    }

    /// Closes every connection of the pool, waiting for checked-out ones.
    pub async fn close(&self) {
        match self {
            #[cfg(feature = "sqlite")]
            Db::Sqlite(p) => p.close().await,
            #[cfg(feature = "postgres")]
            Db::Postgres(p) => p.close().await,
            #[cfg(feature = "mysql")]
            Db::MySql(p) => p.close().await,
        }
    }
}

impl sealed::Sealed for Db {}
impl Database for Db {
    fn dialect(&self) -> Dialect {
        match self {
            #[cfg(feature = "sqlite")]
            Db::Sqlite(_) => Dialect::Sqlite,
            #[cfg(feature = "postgres")]
            Db::Postgres(_) => Dialect::Postgres,
            #[cfg(feature = "mysql")]
            Db::MySql(_) => Dialect::MySql,
        }
    }
    fn backend(&self) -> BackendRef<'_> {
        match self {
            #[cfg(feature = "sqlite")]
            Db::Sqlite(p) => BackendRef::Sqlite(p),
            #[cfg(feature = "postgres")]
            Db::Postgres(p) => BackendRef::Postgres(p),
            #[cfg(feature = "mysql")]
            Db::MySql(p) => BackendRef::MySql(p),
        }
    }
}

impl<T: Database + ?Sized> sealed::Sealed for &T {}
impl<T: Database + ?Sized> Database for &T {
    fn dialect(&self) -> Dialect {
        (**self).dialect()
    }
    fn backend(&self) -> BackendRef<'_> {
        (**self).backend()
    }
}

#[cfg(feature = "sqlite")]
impl From<sqlx::SqlitePool> for Db {
    fn from(pool: sqlx::SqlitePool) -> Db {
        Db::Sqlite(pool)
    }
}

#[cfg(feature = "postgres")]
impl From<sqlx::PgPool> for Db {
    fn from(pool: sqlx::PgPool) -> Db {
        Db::Postgres(pool)
    }
}

#[cfg(feature = "mysql")]
impl From<sqlx::MySqlPool> for Db {
    fn from(pool: sqlx::MySqlPool) -> Db {
        Db::MySql(pool)
    }
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

/// Record and field separators of [`Brief::Packed`] (ASCII RS and US).
pub(crate) const RECORD_SEP: char = '\x1e';
pub(crate) const FIELD_SEP: char = '\x1f';

/// What a migrator needs of every version-table row: revision, checksum and
/// state. Read once per run, under the lock.
#[derive(Debug)]
pub(crate) enum Brief {
    /// The rows aggregated by the database into one text: records separated by
    /// [`RECORD_SEP`], each `revision US checksum US state`. Only made by
    /// [`Brief::packed`], which checks that no value contained a separator.
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    Packed {
        /// The records.
        text: String,
        /// How many.
        count: usize,
    },
    /// One entry per row.
    Rows(Vec<[String; 3]>),
}

impl Brief {
    /// Wraps an aggregated text if it splits into exactly `count` records of
    /// three fields each; `None` means a value held a separator (or a row had
    /// a NULL), and the caller reads the rows one by one instead.
    ///
    /// Every separator inside a value either adds a record or adds a field to
    /// one, so the counts catch them all.
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    pub(crate) fn packed(text: Option<String>, count: usize) -> Option<Brief> {
        let text = text.unwrap_or_default();
        if count == 0 {
            return text.is_empty().then_some(Brief::Packed { text, count });
        }
        let mut records = 0;
        for record in text.split(RECORD_SEP) {
            records += 1;
            if record.bytes().filter(|&b| b == FIELD_SEP as u8).count() != 2 {
                return None;
            }
        }
        (records == count).then_some(Brief::Packed { text, count })
    }

    /// Number of rows.
    pub(crate) fn len(&self) -> usize {
        match self {
            Brief::Packed { count, .. } => *count,
            Brief::Rows(rows) => rows.len(),
        }
    }
}

/// Splits one validated record of [`Brief::Packed`].
pub(crate) fn fields(record: &str) -> (&str, &str, &str) {
    let mut it = record.splitn(3, FIELD_SEP);
    let revision = it.next().unwrap_or_default();
    let checksum = it.next().unwrap_or_default();
    let state = it.next().unwrap_or_default();
    (revision, checksum, state)
}

/// A value bound to a version-table statement.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Bind<'a> {
    /// Text.
    Text(&'a str),
    /// An integer.
    Int(i64),
}

/// Binds `args` to `sql`, borrowing both: the text is the same for every
/// revision, so sqlx's per-connection statement cache prepares it once.
pub(crate) fn bound<'q, DB>(
    sql: &'q str,
    args: &[Bind<'q>],
    persistent: bool,
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>
where
    DB: sqlx::Database + sqlx::database::HasStatementCache,
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let mut query = sqlx::query(sql).persistent(persistent);
    for arg in args {
        query = match *arg {
            Bind::Text(t) => query.bind(t),
            Bind::Int(i) => query.bind(i),
        };
    }
    query
}

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

/// One connection that takes the migration lock and runs a migrator's work.
/// Methods return sqlx errors; the migrator adds what it was doing.
///
/// Every method's future is `Send`, so migrations can run in a spawned task.
pub(crate) trait Session: Send {
    /// The dialect's SQL text.
    fn sql(&self) -> &'static dyn DialectSql;

    /// Whether [`Session::try_xact_lock`] exists (PostgreSQL).
    fn has_xact_lock(&self) -> bool {
        false
    }

    /// Where to look for the holder when the lock wait times out.
    fn lock_hint(&self) -> &'static str;

    /// One non-blocking attempt at the session lock, held until
    /// [`Session::unlock`] or until the session ends (its process included).
    fn try_lock(
        &mut self,
        table: &TableName,
    ) -> impl Future<Output = Result<bool, sqlx::Error>> + Send;

    /// Releases the session lock.
    fn unlock(&mut self, table: &TableName)
        -> impl Future<Output = Result<(), sqlx::Error>> + Send;

    /// One non-blocking attempt at a lock that ends with the current transaction.
    fn try_xact_lock(
        &mut self,
        table: &TableName,
    ) -> impl Future<Output = Result<bool, sqlx::Error>> + Send;

    /// Starts a transaction.
    fn begin(&mut self) -> impl Future<Output = Result<(), sqlx::Error>> + Send;

    /// Commits it.
    fn commit(&mut self) -> impl Future<Output = Result<(), sqlx::Error>> + Send;

    /// Rolls it back.
    fn rollback(&mut self) -> impl Future<Output = Result<(), sqlx::Error>> + Send;

    /// Every version-table row with all its columns, or `None` when the table
    /// does not exist. For `status` and the rare small writes.
    fn read_rows(
        &mut self,
        table: &TableName,
    ) -> impl Future<Output = Result<Option<Vec<RawRow>>, sqlx::Error>> + Send;

    /// Revision, checksum and state of every row, or `None` when the table
    /// does not exist: what upgrade, downgrade and stamp read.
    fn read_brief(
        &mut self,
        table: &TableName,
    ) -> impl Future<Output = Result<Option<Brief>, sqlx::Error>> + Send;

    /// Creates the version table if it does not exist.
    fn create_table(
        &mut self,
        table: &TableName,
    ) -> impl Future<Output = Result<(), sqlx::Error>> + Send;

    /// Runs one version-table statement with bound values; returns the rows
    /// affected. `persistent` statements stay prepared on the connection
    /// (for texts that recur); others are prepared for this use only.
    fn write(
        &mut self,
        sql: &str,
        args: &[Bind<'_>],
        persistent: bool,
    ) -> impl Future<Output = Result<u64, sqlx::Error>> + Send;

    /// Runs a migration section. `in_transaction` says whether a transaction
    /// is open around it; outside one, each statement must commit on its own.
    fn run_sql(
        &mut self,
        sql: &str,
        in_transaction: bool,
    ) -> impl Future<Output = Result<(), SqlFailure>> + Send;

    /// Hands the connection back to the pool, or closes it if a lock or a
    /// transaction might still be held.
    fn close(self) -> impl Future<Output = ()> + Send;
}

/// Owns a session's pooled connection and decides its fate on drop: a
/// connection that may hold the migration lock or an open transaction is
/// detached from the pool and closed (the server then frees the lock and
/// rolls back), never handed to the application in that state. That covers
/// panics in a hook and futures dropped mid-run, where no async cleanup can
/// run.
pub(crate) struct Guard<DB: sqlx::Database> {
    conn: Option<sqlx::pool::PoolConnection<DB>>,
    locked: bool,
    in_tx: bool,
}

impl<DB: sqlx::Database> Guard<DB> {
    /// Wraps a freshly acquired connection.
    pub(crate) fn new(conn: sqlx::pool::PoolConnection<DB>) -> Guard<DB> {
        Guard {
            conn: Some(conn),
            locked: false,
            in_tx: false,
        }
    }

    /// The connection.
    pub(crate) fn conn(&mut self) -> &mut DB::Connection {
        self.conn
            .as_mut()
            .expect("the connection is only taken on close")
    }

    /// Records whether a session lock tied to the connection is held.
    #[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
    pub(crate) fn set_locked(&mut self, locked: bool) {
        self.locked = locked;
    }

    /// Records whether a transaction is open.
    pub(crate) fn set_in_tx(&mut self, in_tx: bool) {
        self.in_tx = in_tx;
    }

    /// Returns the connection to the pool if it is clean, else closes it.
    #[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
    pub(crate) fn release(mut self) {
        drop(self.take_dirty());
        // A clean connection goes back to the pool when dropped.
        self.conn.take();
    }

    /// Detaches the connection from the pool if it may hold a lock or an
    /// open transaction: dropping (or closing) it then ends both.
    pub(crate) fn take_dirty(&mut self) -> Option<DB::Connection> {
        if self.locked || self.in_tx {
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

/// Runs a whole section with sqlx's multi-statement execution, counting the
/// statements the database finished so that a failure can name the statement.
/// (The count is free: the driver hands over every statement's result anyway.)
pub(crate) async fn run_whole<QR>(
    mut results: futures_util::stream::BoxStream<'_, Result<QR, sqlx::Error>>,
) -> Result<(), SqlFailure> {
    let mut finished = 0;
    while let Some(result) = results.next().await {
        match result {
            Ok(_) => finished += 1,
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

/// Whether an error is the database saying the table (or its schema) does not exist.
pub(crate) fn is_missing_table(error: &sqlx::Error, dialect: Dialect) -> bool {
    let Some(db) = error.as_database_error() else {
        return false;
    };
    match dialect {
        Dialect::Sqlite => db.message().contains("no such table"),
        Dialect::Postgres => matches!(db.code().as_deref(), Some("42P01") | Some("3F000")),
        Dialect::MySql => {
            // ER_NO_SUCH_TABLE, ER_BAD_DB_ERROR (a `schema.` prefix naming no database).
            matches!(db.code().as_deref(), Some("42S02"))
                || db.message().contains("Unknown database")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(fields: [&str; 3]) -> String {
        fields.join(&FIELD_SEP.to_string())
    }

    fn join(records: &[String]) -> Option<String> {
        Some(records.join(&RECORD_SEP.to_string()))
    }

    #[test]
    fn packed_reads_are_checked_for_separators_in_values() {
        let a = record(["aa01", "00ff", "applied"]);
        let b = record(["bb02", "11ee", "started_up"]);
        let brief = Brief::packed(join(&[a.clone(), b.clone()]), 2).unwrap();
        assert_eq!(brief.len(), 2);
        let Brief::Packed { text, .. } = &brief else {
            panic!("packed")
        };
        let rows: Vec<_> = text.split(RECORD_SEP).map(fields).collect();
        assert_eq!(
            rows,
            [("aa01", "00ff", "applied"), ("bb02", "11ee", "started_up")]
        );
        // An empty table aggregates to NULL.
        assert_eq!(Brief::packed(None, 0).unwrap().len(), 0);
        assert!(Brief::packed(Some("x".into()), 0).is_none());
        // A field separator in a value makes a record of four fields.
        let bad = record(["a\x1fb", "00ff", "applied"]);
        assert!(Brief::packed(join(&[bad, b.clone()]), 2).is_none());
        // A record separator in a value makes one record more than rows...
        let split = record(["x\x1ey", "00ff", "applied"]);
        assert!(Brief::packed(join(&[split, b.clone()]), 2).is_none());
        // ...even when both halves look like records.
        let forged = format!(
            "{}{RECORD_SEP}{}",
            record(["r1", "c1", "applied"]),
            record(["r2", "c2", "applied"])
        );
        let forged = record([&forged, "c3", "applied"]);
        assert!(Brief::packed(join(&[forged, a]), 2).is_none());
        // Empty values are fine.
        assert!(Brief::packed(join(&[record(["", "", ""])]), 1).is_some());
    }
}
