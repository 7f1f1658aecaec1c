//! SQLite: a session whose lock is an OS file lock.
//!
//! SQLite has no advisory locks, and its own write lock is a transaction,
//! given up at every commit. The session lock is therefore an exclusive OS
//! advisory lock (`flock` on Unix, `LockFileEx` on Windows) on a sidecar file
//! next to the database, `<database file>.<table>.migrate-lock`, taken with
//! [`std::fs::File::try_lock`] and polled by the engine like the other
//! backends' try-locks. It is held for the whole run, across commits, and
//! the operating system frees it when its process ends, SIGKILL included.
//!
//! The database file itself is never opened or locked here: closing any
//! descriptor of it would drop the POSIX locks SQLite holds on it. The lock
//! file is never deleted (deleting a lock file races with its next user).
//! An in-memory database (whose `PRAGMA database_list` path is empty) is
//! visible to this process only and takes no file lock.

use crate::protocol::{Arg, TableName};
use crate::session::{
    sql_str, Backend, Brief, Conn, Driver, ErrorClass, Finished, Row, SqlFailure,
};
use crate::Dialect;
use sqlx::{Row as _, Sqlite};
use std::fs::{File, OpenOptions, TryLockError};
use std::path::PathBuf;

/// Sections up to this size run in one call, as the driver splits them.
const WHOLE_SECTION: usize = 64 << 10;
/// Longer ones run in pieces of whole statements of about this size (a
/// longer statement goes alone).
const PIECE: usize = 16 << 10;

/// What a session reads on opening, in one round trip: the file of the
/// database the table lives in (`main` unless the table is qualified; empty
/// for in-memory and temporary databases), and the connection settings a
/// migration may change that would otherwise reach the application's pool.
const OPEN: &str = "SELECT (SELECT file FROM pragma_database_list WHERE name = ?), \
     (SELECT foreign_keys FROM pragma_foreign_keys), (SELECT timeout FROM pragma_busy_timeout)";

/// Reads the settings of [`OPEN`] again.
const SETTINGS: &str =
    "SELECT (SELECT foreign_keys FROM pragma_foreign_keys), (SELECT timeout FROM pragma_busy_timeout)";

/// A SQLite session's state.
pub(crate) struct Lite {
    /// The database file, `None` for a database only this process sees (or
    /// a schema that does not exist, which the statements then report).
    file: Option<String>,
    /// The lock file, opened at the first attempt: a read-only `status`
    /// creates no file.
    lock: Option<File>,
    table: TableName,
    /// `foreign_keys` and `busy_timeout` when the session opened.
    original: [i64; 2],
    /// The same, as the run wants them.
    expected: [i64; 2],
}

/// A column that must not be NULL. SQLite's driver decodes NULL as an empty
/// string (or 0) rather than failing, which would read a table edited by
/// hand as holding real empty values.
fn not_null<'r, T>(row: &'r Row<Lite>, index: usize) -> Result<T, sqlx::Error>
where
    T: sqlx::Decode<'r, Sqlite> + sqlx::Type<Sqlite>,
{
    row.try_get::<Option<T>, _>(index)?
        .ok_or_else(|| sqlx::Error::ColumnDecode {
            index: index.to_string(),
            source: Box::new(sqlx::error::UnexpectedNullError),
        })
}

async fn settings(conn: &mut Conn<Lite>) -> Result<[i64; 2], sqlx::Error> {
    let rows = Sqlite::fetch_raw(conn, sql_str(SETTINGS)).await?;
    let row = rows.first().ok_or(sqlx::Error::RowNotFound)?;
    Ok([not_null(row, 0)?, not_null(row, 1)?])
}

fn open_lock_file(file: &str, table: &TableName) -> Result<File, sqlx::Error> {
    // Table names are case-insensitive in SQLite.
    let path = PathBuf::from(format!(
        "{file}.{}.migrate-lock",
        table.name().to_ascii_lowercase()
    ));
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| {
            sqlx::Error::Io(std::io::Error::new(
                e.kind(),
                format!("cannot open the lock file {}: {e}", path.display()),
            ))
        })
}

impl Backend for Lite {
    type Db = Sqlite;
    const DIALECT: Dialect = Dialect::Sqlite;
    const LOCK_HINT: &'static str = "the lock is an OS file lock on `<database file>.<table>.migrate-lock`, next to the database; `fuser` or `lsof` on that file names the process holding it (the lock dies with its process)";
    const LOCK_WAIT_HINT: &'static str = "another connection holds a write transaction on the database file (the application, or a second tool) and did not finish within the busy timeout; `fuser` or `lsof` on the database file shows which processes have it open; end that transaction, or wait longer with `--statement-lock-timeout` (the busy timeout)";
    // PRAGMA foreign_keys is a no-op inside a transaction, so only steps
    // outside one can change what is checked here.
    const RESTORE_EVERY_STEP: bool = false;

    async fn open(
        conn: &mut Conn<Self>,
        table: &TableName,
    ) -> Result<(Lite, TableName), sqlx::Error> {
        let schema = table.schema().unwrap_or("main").to_owned();
        let rows = Sqlite::fetch_bound(conn, sql_str(OPEN), &[Arg::Text(schema)]).await?;
        let row = rows.first().ok_or(sqlx::Error::RowNotFound)?;
        let file: Option<String> = row.try_get(0)?;
        let original = [not_null(row, 1)?, not_null(row, 2)?];
        Ok((
            Lite {
                file: file.filter(|f| !f.is_empty()),
                lock: None,
                table: table.clone(),
                original,
                expected: original,
            },
            table.clone(),
        ))
    }

    async fn try_lock(&mut self, _conn: &mut Conn<Self>) -> Result<bool, sqlx::Error> {
        if self.lock.is_none() {
            if let Some(file) = &self.file {
                self.lock = Some(open_lock_file(file, &self.table)?);
            }
        }
        match &self.lock {
            None => Ok(true),
            Some(file) => match file.try_lock() {
                Ok(()) => Ok(true),
                Err(TryLockError::WouldBlock) => Ok(false),
                Err(TryLockError::Error(e)) => Err(sqlx::Error::Io(e)),
            },
        }
    }

    async fn unlock(&mut self, _conn: &mut Conn<Self>) -> Result<bool, sqlx::Error> {
        if let Some(file) = &self.lock {
            file.unlock().map_err(sqlx::Error::Io)?;
        }
        Ok(true)
    }

    fn begin_sql() -> &'static str {
        // IMMEDIATE takes the write lock up front (waiting up to the busy
        // timeout for application writers): a deferred transaction that
        // reads first and writes later can fail with SQLITE_BUSY part-way.
        "BEGIN IMMEDIATE"
    }

    fn text(row: &Row<Self>, index: usize) -> Result<String, sqlx::Error> {
        not_null(row, index)
    }

    fn int(row: &Row<Self>, index: usize) -> Result<i64, sqlx::Error> {
        not_null(row, index)
    }

    async fn read_brief(
        &mut self,
        conn: &mut Conn<Self>,
        select: &str,
        packed: &str,
    ) -> Result<Option<Brief>, sqlx::Error> {
        // sqlx's SQLite driver hands each row over from its worker thread
        // separately, which costs microseconds a row: one aggregated row is
        // several times faster for a table of a thousand revisions.
        let rows = match Sqlite::fetch_bound(conn, sql_str(packed), &[]).await {
            Ok(rows) => rows,
            Err(e) if Self::classify(&e) == ErrorClass::MissingTable => return Ok(None),
            Err(e) => return Err(e),
        };
        let row = rows.first().ok_or(sqlx::Error::RowNotFound)?;
        let (count, whole): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
        if count == whole {
            let count = usize::try_from(count).unwrap_or(usize::MAX);
            let columns = [row.try_get(2)?, row.try_get(3)?, row.try_get(4)?];
            if let Some(brief) = Brief::packed(columns, count) {
                return Ok(Some(brief));
            }
        }
        // A value holds a separator, or is NULL: read row by row, which
        // also reports a NULL as a decoding error.
        let rows = Sqlite::fetch_bound(conn, sql_str(select), &[]).await?;
        rows.iter()
            .map(|r| Ok([not_null(r, 0)?, not_null(r, 1)?, not_null(r, 2)?]))
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map(|rows| Some(Brief::Rows(rows)))
    }

    async fn run_section(
        &mut self,
        conn: &mut Conn<Self>,
        sql: &str,
        _in_transaction: bool,
        done: Finished<'_>,
    ) -> Result<(), SqlFailure> {
        // Outside a transaction SQLite commits each statement by itself, so
        // one multi-statement call serves both cases.
        if sql.len() <= WHOLE_SECTION {
            return Sqlite::run_many(conn, sql_str(sql), done).await;
        }
        // SQLite copies the rest of a query string each time it prepares one
        // statement of it, so one call is quadratic in the section's size: a
        // 50 MB section would take many minutes. A long section goes in
        // pieces of whole statements, as the splitter sees them.
        let statements = migrate_graph::split::split(sql, Dialect::Sqlite);
        let base = sql.as_ptr() as usize;
        let offset = |text: &str| text.as_ptr() as usize - base;
        let mut first = 0;
        while first < statements.len() {
            let start = offset(statements[first].text);
            let mut last = first;
            while let Some(next) = statements.get(last + 1) {
                if offset(next.text) + next.text.len() - start > PIECE {
                    break;
                }
                last += 1;
            }
            let end = offset(statements[last].text) + statements[last].text.len();
            let piece = |k: usize, rows: u64| match done {
                Some(done) => done(k + first, rows),
                None => Box::pin(async {}) as crate::types::StatementWait,
            };
            Sqlite::run_many(conn, sql_str(&sql[start..end]), Some(&piece))
                .await
                .map_err(|mut failure| {
                    // Number the statement within the whole section.
                    failure.statement = failure.statement.map(|k| k + first);
                    failure
                })?;
            first = last + 1;
        }
        Ok(())
    }

    fn classify(error: &sqlx::Error) -> ErrorClass {
        let Some(db) = error.as_database_error() else {
            return ErrorClass::Other;
        };
        let message = db.message();
        // SQLITE_BUSY and SQLITE_LOCKED, with or without extended codes.
        let primary = db
            .code()
            .and_then(|c| c.parse::<i32>().ok())
            .map(|c| c & 0xff);
        if matches!(primary, Some(5) | Some(6)) {
            ErrorClass::LockWait
        } else if message.contains("no such table") || message.contains("unknown database") {
            ErrorClass::MissingTable
        } else if message.contains("no such column") {
            ErrorClass::MissingColumn
        } else {
            ErrorClass::Other
        }
    }

    async fn set_statement_lock_timeout(
        &mut self,
        conn: &mut Conn<Self>,
        timeout: std::time::Duration,
    ) -> Result<(), sqlx::Error> {
        let ms = i64::try_from(timeout.as_millis()).unwrap_or(i64::MAX);
        Sqlite::execute(conn, sql_str(&format!("PRAGMA busy_timeout = {ms}"))).await?;
        self.expected = settings(conn).await?;
        Ok(())
    }

    async fn restore(&mut self, conn: &mut Conn<Self>, at_end: bool) -> Result<bool, sqlx::Error> {
        let wanted = if at_end { self.original } else { self.expected };
        if settings(conn).await? == wanted {
            return Ok(true);
        }
        tracing::info!(target: "migrate", "a migration changed PRAGMA foreign_keys or busy_timeout; putting them back");
        let [foreign_keys, busy] = wanted;
        let sql = format!("PRAGMA foreign_keys = {foreign_keys}; PRAGMA busy_timeout = {busy}");
        Sqlite::execute(conn, sql_str(&sql)).await?;
        Ok(settings(conn).await? == wanted)
    }

    /// A session dropped mid-run (a panic, a cancelled future) may leave a
    /// transaction open on its connection, and the connection's worker
    /// thread may still be running a queued statement. The file lock must
    /// outlive both, or the next migrator could read the table before that
    /// transaction ends: the connection is closed first (which rolls back),
    /// then the lock is released.
    fn abandon(self, conn: Option<sqlx::SqliteConnection>) {
        let Some(conn) = conn else {
            return;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn(async move {
                use sqlx::Connection;
                let _ = conn.close().await;
                drop(self);
            })),
            // No runtime to close on: dropping the connection ends its
            // worker, which rolls back; then the lock goes.
            Err(_) => {
                drop(conn);
                drop(self);
            }
        }
    }
}
