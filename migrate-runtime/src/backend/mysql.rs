//! MySQL and MariaDB: the version table, and a session locked with `GET_LOCK`.
//!
//! DDL commits implicitly on these servers, so no revision can be atomic with
//! its version-table row: every step writes a `started` row first and marks it
//! applied (or failed) afterwards, leaving a visible trace if it stops midway.
//! User-level locks are server-wide rather than per database, so the lock name
//! hashes the current database together with the table name.

use super::{DialectSql, TableName};
use crate::Dialect;

/// MySQL's SQL text.
pub(crate) struct Sql;

impl DialectSql for Sql {
    fn dialect(&self) -> Dialect {
        Dialect::MySql
    }

    fn quote_ident(&self, ident: &str) -> String {
        format!("`{ident}`")
    }

    fn placeholder(&self, _n: usize) -> String {
        "?".to_owned()
    }

    fn string_literal(&self, text: &str) -> String {
        // Backslash is an escape character in MySQL strings unless the
        // NO_BACKSLASH_ESCAPES mode is set; doubling it is right either way
        // for the texts written here (ids, hex, states), which never hold one.
        format!("'{}'", text.replace('\\', "\\\\").replace('\'', "''"))
    }

    fn transactional_ddl(&self) -> bool {
        false
    }

    fn begin(&self) -> &'static str {
        "START TRANSACTION"
    }

    fn create_table(&self, table: &TableName) -> String {
        // ascii_bin keeps revision ids case-sensitive, as they are everywhere else.
        format!(
            "CREATE TABLE IF NOT EXISTS {} (\n    \
             revision VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,\n    \
             checksum VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,\n    \
             state VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT 'applied',\n    \
             applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),\n    \
             duration_ms BIGINT NOT NULL DEFAULT 0\n) ENGINE=InnoDB",
            self.table(table)
        )
    }

    fn select_rows(&self, table: &TableName) -> String {
        format!(
            "SELECT revision, checksum, state, CAST(applied_at AS CHAR), duration_ms FROM {}",
            self.table(table)
        )
    }
}

#[cfg(feature = "mysql")]
pub(crate) use online::MySqlSession;

#[cfg(feature = "mysql")]
mod online {
    use super::Sql;
    use crate::backend::online::{is_missing_table, run_whole};
    use crate::backend::{
        bound, Bind, Brief, DialectSql, Guard, RawRow, Session, SqlFailure, TableName,
    };
    use crate::Dialect;
    use sqlx::{Executor, MySql, Row};

    /// The lock name for the bound table name: at most 64 characters, as MySQL
    /// requires, and distinct per database.
    const LOCK_NAME: &str =
        "CONCAT('migrate:', LEFT(SHA2(CONCAT(COALESCE(DATABASE(), ''), '/', ?), 256), 40))";

    /// A MySQL or MariaDB connection that migrates.
    pub(crate) struct MySqlSession {
        guard: Guard<MySql>,
    }

    impl MySqlSession {
        /// Takes a connection from the pool.
        pub(crate) async fn open(pool: &sqlx::MySqlPool) -> Result<MySqlSession, sqlx::Error> {
            Ok(MySqlSession {
                guard: Guard::new(pool.acquire().await?),
            })
        }

        async fn exec(&mut self, sql: &str) -> Result<(), sqlx::Error> {
            self.guard
                .conn()
                .execute(sqlx::raw_sql(sql))
                .await
                .map(drop)
        }
    }

    impl Session for MySqlSession {
        fn sql(&self) -> &'static dyn DialectSql {
            &Sql
        }

        fn lock_hint(&self) -> &'static str {
            "the lock is a GET_LOCK user lock named `migrate:<hash>`; `SHOW PROCESSLIST` or `SELECT * FROM performance_schema.metadata_locks WHERE OBJECT_TYPE = 'USER LEVEL LOCK'` shows the session holding it"
        }

        async fn try_lock(&mut self, table: &TableName) -> Result<bool, sqlx::Error> {
            let sql = format!("SELECT GET_LOCK({LOCK_NAME}, 0)");
            let row = self
                .guard
                .conn()
                .fetch_one(sqlx::query(&sql).bind(table.display()))
                .await?;
            let got = row.try_get_unchecked::<Option<i64>, _>(0)? == Some(1);
            self.guard.set_locked(got);
            Ok(got)
        }

        async fn unlock(&mut self, table: &TableName) -> Result<(), sqlx::Error> {
            let sql = format!("SELECT RELEASE_LOCK({LOCK_NAME})");
            self.guard
                .conn()
                .fetch_one(sqlx::query(&sql).bind(table.display()))
                .await?;
            self.guard.set_locked(false);
            Ok(())
        }

        async fn try_xact_lock(&mut self, _table: &TableName) -> Result<bool, sqlx::Error> {
            // No transaction-scoped user locks exist; the migrator uses the
            // session lock on MySQL whatever the strategy.
            Ok(true)
        }

        async fn begin(&mut self) -> Result<(), sqlx::Error> {
            self.guard.set_in_tx(true);
            self.exec(Sql.begin()).await
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
                Err(e) if is_missing_table(&e, Dialect::MySql) => return Ok(None),
                Err(e) => return Err(e),
            };
            // The ascii_bin columns carry MySQL's BINARY flag, which sqlx's
            // String check refuses although they hold text: decode unchecked.
            rows.iter()
                .map(|r| {
                    Ok(RawRow {
                        revision: r.try_get_unchecked(0)?,
                        checksum: r.try_get_unchecked(1)?,
                        state: r.try_get_unchecked(2)?,
                        applied_at: r
                            .try_get_unchecked::<Option<String>, _>(3)?
                            .unwrap_or_default(),
                        duration_ms: r.try_get(4)?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()
                .map(Some)
        }

        async fn read_brief(&mut self, table: &TableName) -> Result<Option<Brief>, sqlx::Error> {
            // GROUP_CONCAT would truncate at group_concat_max_len: plain rows.
            let sql = Sql.select_brief(table);
            let rows = match self.guard.conn().fetch_all(sqlx::query(&sql)).await {
                Ok(rows) => rows,
                Err(e) if is_missing_table(&e, Dialect::MySql) => return Ok(None),
                Err(e) => return Err(e),
            };
            rows.iter()
                .map(|r| {
                    Ok([
                        r.try_get_unchecked(0)?,
                        r.try_get_unchecked(1)?,
                        r.try_get_unchecked(2)?,
                    ])
                })
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
            run_whole(self.guard.conn().execute_many(sqlx::raw_sql(sql))).await
        }

        async fn close(self) {
            self.guard.release();
        }
    }
}
