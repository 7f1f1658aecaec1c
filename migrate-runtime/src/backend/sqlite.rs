//! SQLite: the version table, and a session whose lock is an OS file lock.
//!
//! SQLite has no advisory locks, and its own write lock is a transaction,
//! given up at every commit. The session lock is therefore an exclusive OS
//! advisory lock (`flock` on Unix, `LockFileEx` on Windows) on a sidecar file
//! next to the database, `<database file>.<table>.migrate-lock`, taken with
//! [`std::fs::File::try_lock`] and polled by the migrator like the other
//! backends' try-locks. It is held for the whole run, across commits, and
//! the operating system frees it when its process ends, SIGKILL included.
//!
//! The database file itself is never opened or locked here: closing any
//! descriptor of it would drop the POSIX locks SQLite holds on it. The lock
//! file is never deleted (deleting a lock file races with its next user).
//! An in-memory database (whose `PRAGMA database_list` path is empty) is
//! visible to this process only and takes no file lock.

use super::{DialectSql, TableName};
use crate::Dialect;

/// SQLite's SQL text.
pub(crate) struct Sql;

impl DialectSql for Sql {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn quote_ident(&self, ident: &str) -> String {
        format!("\"{ident}\"")
    }

    fn placeholder(&self, _n: usize) -> String {
        "?".to_owned()
    }

    fn transactional_ddl(&self) -> bool {
        true
    }

    fn create_table(&self, table: &TableName) -> String {
        format!(
            "CREATE TABLE IF NOT EXISTS {} (\n    \
             revision TEXT NOT NULL PRIMARY KEY,\n    \
             checksum TEXT NOT NULL,\n    \
             state TEXT NOT NULL DEFAULT 'applied',\n    \
             applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    \
             duration_ms INTEGER NOT NULL DEFAULT 0\n)",
            self.table(table)
        )
    }

    fn select_rows(&self, table: &TableName) -> String {
        format!(
            "SELECT revision, checksum, state, CAST(applied_at AS TEXT), duration_ms FROM {}",
            self.table(table)
        )
    }
}

#[cfg(feature = "sqlite")]
pub(crate) use online::SqliteSession;

#[cfg(feature = "sqlite")]
mod online {
    use super::Sql;
    use crate::backend::online::{is_missing_table, run_whole};
    use crate::backend::{
        bound, Bind, Brief, DialectSql, Guard, RawRow, Session, SqlFailure, TableName,
    };
    use crate::Dialect;
    use sqlx::{Connection, Executor, Row, Sqlite};
    use std::fs::{File, OpenOptions, TryLockError};
    use std::path::PathBuf;

    /// A column that must not be NULL. SQLite's driver decodes NULL as an
    /// empty string (or 0) rather than failing, which would read a table
    /// edited by hand as holding real empty values.
    fn not_null<'r, T>(row: &'r sqlx::sqlite::SqliteRow, index: usize) -> Result<T, sqlx::Error>
    where
        T: sqlx::Decode<'r, Sqlite> + sqlx::Type<Sqlite>,
    {
        row.try_get::<Option<T>, _>(index)?
            .ok_or_else(|| sqlx::Error::ColumnDecode {
                index: index.to_string(),
                source: Box::new(sqlx::error::UnexpectedNullError),
            })
    }

    /// Sections up to this size run in one call, as the driver splits them.
    const WHOLE_SECTION: usize = 64 << 10;
    /// Longer ones run in pieces of whole statements of about this size
    /// (a longer statement goes alone).
    const PIECE: usize = 16 << 10;

    /// The aggregated read of [`Brief::Packed`]: row counts (all rows, and
    /// rows whose record is not NULL) and the records, in one row.
    fn select_packed(table: &TableName) -> String {
        format!(
            "SELECT count(*), count(x), group_concat(x, char(30)) FROM \
             (SELECT revision || char(31) || checksum || char(31) || state AS x FROM {})",
            Sql.table(table)
        )
    }

    /// The file path of the database a schema names (`main` unless the table
    /// is schema-qualified); empty for in-memory and temporary databases.
    const DATABASE_FILE: &str = "SELECT file FROM pragma_database_list WHERE name = ?";

    /// Where the migration lock of a version table stands.
    enum FileLock {
        /// Not looked up yet.
        Unknown,
        /// The database is in memory (or temporary): only this process sees it.
        NotNeeded,
        /// The lock file, open; `held` once locked.
        Open { file: File, held: bool },
    }

    /// A SQLite connection that migrates.
    pub(crate) struct SqliteSession {
        guard: Guard<Sqlite>,
        lock: FileLock,
    }

    impl SqliteSession {
        /// Takes a connection from the pool.
        pub(crate) async fn open(pool: &sqlx::SqlitePool) -> Result<SqliteSession, sqlx::Error> {
            Ok(SqliteSession {
                guard: Guard::new(pool.acquire().await?),
                lock: FileLock::Unknown,
            })
        }

        async fn exec(&mut self, sql: &str) -> Result<(), sqlx::Error> {
            self.guard
                .conn()
                .execute(sqlx::raw_sql(sql))
                .await
                .map(drop)
        }

        /// Finds and opens the lock file of `table`, creating it if needed.
        async fn open_lock(&mut self, table: &TableName) -> Result<FileLock, sqlx::Error> {
            let schema = table.schema().unwrap_or("main");
            let row = self
                .guard
                .conn()
                .fetch_optional(sqlx::query(DATABASE_FILE).bind(schema))
                .await?;
            let file: String = match row {
                Some(row) => row.try_get(0)?,
                // An unknown schema: the statements that follow say so.
                None => return Ok(FileLock::NotNeeded),
            };
            if file.is_empty() {
                return Ok(FileLock::NotNeeded);
            }
            // Table names are case-insensitive in SQLite.
            let path = PathBuf::from(format!(
                "{file}.{}.migrate-lock",
                table.name().to_ascii_lowercase()
            ));
            let file = OpenOptions::new()
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
                })?;
            Ok(FileLock::Open { file, held: false })
        }
    }

    impl Drop for SqliteSession {
        /// A session dropped mid-run (a panic, a cancelled future) may leave
        /// a transaction open on its connection, and the connection's worker
        /// thread may still be running a queued statement. The file lock must
        /// outlive both, or the next migrator could read the table before
        /// that transaction ends: the connection is closed first (which rolls
        /// back), then the lock is released.
        fn drop(&mut self) {
            let Some(conn) = self.guard.take_dirty() else {
                return;
            };
            let lock = std::mem::replace(&mut self.lock, FileLock::Unknown);
            match tokio::runtime::Handle::try_current() {
                Ok(runtime) => drop(runtime.spawn(async move {
                    let _ = conn.close().await;
                    drop(lock);
                })),
                // No runtime to close on: dropping the connection ends its
                // worker, which rolls back; then the lock goes.
                Err(_) => {
                    drop(conn);
                    drop(lock);
                }
            }
        }
    }

    impl Session for SqliteSession {
        fn sql(&self) -> &'static dyn DialectSql {
            &Sql
        }

        fn lock_hint(&self) -> &'static str {
            "the lock is an OS file lock on `<database file>.<table>.migrate-lock`, next to the database; `fuser` or `lsof` on that file names the process holding it (the lock dies with its process)"
        }

        async fn try_lock(&mut self, table: &TableName) -> Result<bool, sqlx::Error> {
            if let FileLock::Unknown = self.lock {
                self.lock = self.open_lock(table).await?;
            }
            match &mut self.lock {
                FileLock::Unknown | FileLock::NotNeeded => Ok(true),
                FileLock::Open { file, held } => match file.try_lock() {
                    Ok(()) => {
                        *held = true;
                        Ok(true)
                    }
                    Err(TryLockError::WouldBlock) => Ok(false),
                    Err(TryLockError::Error(e)) => Err(sqlx::Error::Io(e)),
                },
            }
        }

        async fn unlock(&mut self, _table: &TableName) -> Result<(), sqlx::Error> {
            // Closing the file releases the lock.
            self.lock = FileLock::Unknown;
            Ok(())
        }

        async fn try_xact_lock(&mut self, _table: &TableName) -> Result<bool, sqlx::Error> {
            // Every SQLite write transaction holds the write lock already.
            Ok(true)
        }

        async fn begin(&mut self) -> Result<(), sqlx::Error> {
            // IMMEDIATE takes the write lock up front (waiting up to the
            // pool's busy_timeout for application writers): a deferred
            // transaction that reads first and writes later can fail with
            // SQLITE_BUSY part-way.
            self.guard.set_in_tx(true);
            self.exec("BEGIN IMMEDIATE").await.inspect_err(|_| {
                // A failed BEGIN opened nothing.
                self.guard.set_in_tx(false);
            })
        }

        async fn commit(&mut self) -> Result<(), sqlx::Error> {
            self.exec(Sql.commit()).await?;
            self.guard.set_in_tx(false);
            Ok(())
        }

        async fn rollback(&mut self) -> Result<(), sqlx::Error> {
            self.exec(Sql.rollback()).await?;
            self.guard.set_in_tx(false);
            Ok(())
        }

        async fn read_rows(
            &mut self,
            table: &TableName,
        ) -> Result<Option<Vec<RawRow>>, sqlx::Error> {
            let sql = Sql.select_rows(table);
            let rows = match self.guard.conn().fetch_all(sqlx::query(&sql)).await {
                Ok(rows) => rows,
                Err(e) if is_missing_table(&e, Dialect::Sqlite) => return Ok(None),
                Err(e) => return Err(e),
            };
            rows.iter()
                .map(|r| {
                    Ok(RawRow {
                        revision: not_null(r, 0)?,
                        checksum: not_null(r, 1)?,
                        state: not_null(r, 2)?,
                        applied_at: r.try_get::<Option<String>, _>(3)?.unwrap_or_default(),
                        duration_ms: not_null(r, 4)?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()
                .map(Some)
        }

        async fn read_brief(&mut self, table: &TableName) -> Result<Option<Brief>, sqlx::Error> {
            // sqlx's SQLite driver hands each row over from its worker thread
            // separately, which costs microseconds a row: one aggregated row
            // is several times faster for a table of a thousand revisions.
            let sql = select_packed(table);
            let row = match self.guard.conn().fetch_one(sqlx::query(&sql)).await {
                Ok(row) => row,
                Err(e) if is_missing_table(&e, Dialect::Sqlite) => return Ok(None),
                Err(e) => return Err(e),
            };
            let rows: i64 = row.try_get(0)?;
            let records: i64 = row.try_get(1)?;
            if rows == records {
                let count = usize::try_from(rows).unwrap_or(usize::MAX);
                if let Some(brief) = Brief::packed(row.try_get(2)?, count) {
                    return Ok(Some(brief));
                }
            }
            // A value holds a separator, or is NULL: read row by row, which
            // also reports a NULL as a decoding error.
            let sql = Sql.select_brief(table);
            let rows = self.guard.conn().fetch_all(sqlx::query(&sql)).await?;
            rows.iter()
                .map(|r| Ok([not_null(r, 0)?, not_null(r, 1)?, not_null(r, 2)?]))
                .collect::<Result<Vec<_>, sqlx::Error>>()
                .map(|rows| Some(Brief::Rows(rows)))
        }

        async fn create_table(&mut self, table: &TableName) -> Result<(), sqlx::Error> {
            let sql = Sql.create_table(table);
            self.exec(&sql).await
        }

        async fn write(
            &mut self,
            sql: &str,
            args: &[Bind<'_>],
            persistent: bool,
        ) -> Result<u64, sqlx::Error> {
            Ok(self
                .guard
                .conn()
                .execute(bound(sql, args, persistent))
                .await?
                .rows_affected())
        }

        async fn run_sql(&mut self, sql: &str, _in_transaction: bool) -> Result<(), SqlFailure> {
            // Outside a transaction SQLite commits each statement by itself,
            // so one multi-statement call serves both cases.
            if sql.len() <= WHOLE_SECTION {
                return run_whole(self.guard.conn().execute_many(sqlx::raw_sql(sql))).await;
            }
            // SQLite copies the rest of a query string each time it prepares
            // one statement of it (sqlx's strings are not NUL-terminated), so
            // one call is quadratic in the section's size: a 50 MB section
            // would take many minutes. A long section goes in pieces of whole
            // statements, as the splitter sees them, so the copies stay small.
            let statements = migrate_graph::split::split(sql, Dialect::Sqlite);
            let base = sql.as_ptr() as usize;
            let mut first = 0;
            while first < statements.len() {
                let start = statements[first].text.as_ptr() as usize - base;
                let mut last = first;
                while let Some(next) = statements.get(last + 1) {
                    let end = next.text.as_ptr() as usize - base + next.text.len();
                    if end - start > PIECE {
                        break;
                    }
                    last += 1;
                }
                let end =
                    statements[last].text.as_ptr() as usize - base + statements[last].text.len();
                run_whole(
                    self.guard
                        .conn()
                        .execute_many(sqlx::raw_sql(&sql[start..end])),
                )
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

        async fn close(mut self) {
            if let Some(conn) = self.guard.take_dirty() {
                // Roll back (by closing) before the lock goes.
                let _ = conn.close().await;
            }
            // Drop: the lock file closes, a clean connection returns to the pool.
        }
    }
}
