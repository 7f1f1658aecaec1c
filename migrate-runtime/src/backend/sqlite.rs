//! SQLite: the version table, and a session whose lock is SQLite's own write
//! lock.
//!
//! SQLite has no advisory locks; the one lock that excludes every other
//! process is the database's write lock, held by a `BEGIN IMMEDIATE`
//! transaction. The session lock is therefore an open write transaction on
//! the session's dedicated connection: migration SQL runs inside it, each
//! commit gives the lock up for a moment, and the migrator takes it again and
//! re-reads the version table before the next revision. Whatever another
//! process did in that moment is seen, so a revision is never applied twice.

use super::{DialectSql, TableName};
use crate::dialect::Dialect;

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
    use crate::backend::{Arg, DialectSql, Guard, RawRow, Session, SqlFailure, Stmt, TableName};
    use crate::dialect::Dialect;
    use sqlx::{Executor, Row, Sqlite};

    /// A SQLite connection that migrates.
    pub(crate) struct SqliteSession {
        guard: Guard<Sqlite>,
        /// The connection's `busy_timeout` in ms, read on first use: lock
        /// attempts run with 0 so that the migrator's back-off decides the
        /// wait, and the pool's setting is put back right after.
        busy_timeout: Option<i64>,
    }

    impl SqliteSession {
        /// Takes a connection from the pool.
        pub(crate) async fn open(pool: &sqlx::SqlitePool) -> Result<SqliteSession, sqlx::Error> {
            Ok(SqliteSession {
                guard: Guard::new(pool.acquire().await?),
                busy_timeout: None,
            })
        }

        async fn exec(&mut self, sql: &str) -> Result<(), sqlx::Error> {
            self.guard
                .conn()
                .execute(sqlx::raw_sql(sql))
                .await
                .map(drop)
        }

        fn ended_tx(&mut self) {
            // Ending the transaction also gives up the write lock.
            self.guard.set_in_tx(false);
            self.guard.set_locked(false);
        }
    }

    /// SQLITE_BUSY or SQLITE_LOCKED, in any of their extended forms.
    fn is_busy(error: &sqlx::Error) -> bool {
        error
            .as_database_error()
            .and_then(|e| e.code())
            .and_then(|c| c.parse::<i32>().ok())
            .is_some_and(|c| matches!(c & 0xff, 5 | 6))
    }

    impl Session for SqliteSession {
        fn sql(&self) -> &'static dyn DialectSql {
            &Sql
        }

        fn lock_is_transaction(&self) -> bool {
            true
        }

        fn lock_hint(&self) -> &'static str {
            "SQLite's write lock is held by another connection: another migrator, or a long write transaction; `fuser <database file>` lists the processes that have it open"
        }

        async fn try_lock(&mut self, _table: &TableName) -> Result<bool, sqlx::Error> {
            let original = match self.busy_timeout {
                Some(ms) => ms,
                None => {
                    let row = self
                        .guard
                        .conn()
                        .fetch_one(sqlx::raw_sql("PRAGMA busy_timeout"))
                        .await?;
                    let ms: i64 = row.try_get(0)?;
                    self.busy_timeout = Some(ms);
                    ms
                }
            };
            self.exec("PRAGMA busy_timeout = 0").await?;
            let attempt = self.exec("BEGIN IMMEDIATE").await;
            if attempt.is_ok() {
                self.guard.set_in_tx(true);
                self.guard.set_locked(true);
            }
            self.exec(&format!("PRAGMA busy_timeout = {original}"))
                .await?;
            match attempt {
                Ok(()) => Ok(true),
                Err(e) if is_busy(&e) => Ok(false),
                Err(e) => Err(e),
            }
        }

        async fn unlock(&mut self, _table: &TableName) -> Result<(), sqlx::Error> {
            if self.guard.in_tx() {
                self.exec("COMMIT").await?;
            }
            self.ended_tx();
            Ok(())
        }

        async fn try_xact_lock(&mut self, _table: &TableName) -> Result<bool, sqlx::Error> {
            // Every SQLite write transaction holds the write lock already.
            Ok(true)
        }

        async fn begin(&mut self) -> Result<(), sqlx::Error> {
            // IMMEDIATE takes the write lock up front (waiting up to
            // busy_timeout): a deferred transaction that reads first and
            // writes later can fail with SQLITE_BUSY part-way.
            self.exec("BEGIN IMMEDIATE").await?;
            self.guard.set_in_tx(true);
            Ok(())
        }

        async fn commit(&mut self) -> Result<(), sqlx::Error> {
            self.exec(Sql.commit()).await?;
            self.ended_tx();
            Ok(())
        }

        async fn rollback(&mut self) -> Result<(), sqlx::Error> {
            self.exec(Sql.rollback()).await?;
            self.ended_tx();
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
                        revision: r.try_get(0)?,
                        checksum: r.try_get(1)?,
                        state: r.try_get(2)?,
                        applied_at: r.try_get::<Option<String>, _>(3)?.unwrap_or_default(),
                        duration_ms: r.try_get(4)?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()
                .map(Some)
        }

        async fn create_table(&mut self, table: &TableName) -> Result<(), sqlx::Error> {
            let sql = Sql.create_table(table);
            self.exec(&sql).await
        }

        async fn write(&mut self, stmt: &Stmt) -> Result<u64, sqlx::Error> {
            let mut query = sqlx::query(&stmt.sql);
            for arg in &stmt.args {
                query = match arg {
                    Arg::Text(t) => query.bind(t.as_str()),
                    Arg::Int(i) => query.bind(*i),
                };
            }
            Ok(self.guard.conn().execute(query).await?.rows_affected())
        }

        async fn run_sql(&mut self, sql: &str, _in_transaction: bool) -> Result<(), SqlFailure> {
            // Outside a transaction SQLite commits each statement by itself,
            // so one multi-statement call serves both cases.
            run_whole(self.guard.conn().execute_many(sqlx::raw_sql(sql))).await
        }

        async fn close(self) {
            self.guard.release();
        }
    }
}
