//! PostgreSQL: the version table, and a session locked with an advisory lock.
//!
//! The session lock is `pg_try_advisory_lock(key)` on the session's dedicated
//! connection, polled by the migrator with back-off: a migrator that blocked
//! in `pg_advisory_lock` would sit in a transaction-less wait that is harmless,
//! but polling keeps every wait bounded by the lock timeout and never leaves
//! a waiter inside a transaction, which `CREATE INDEX CONCURRENTLY` in the
//! holder would have to wait for. The key is derived from the version-table
//! name, so migrators of different tables do not block each other (advisory
//! locks are per database already).

use super::{DialectSql, TableName};
use crate::Dialect;

/// PostgreSQL's SQL text.
pub(crate) struct Sql;

impl DialectSql for Sql {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn quote_ident(&self, ident: &str) -> String {
        format!("\"{ident}\"")
    }

    fn placeholder(&self, n: usize) -> String {
        format!("${n}")
    }

    fn transactional_ddl(&self) -> bool {
        true
    }

    fn create_table(&self, table: &TableName) -> String {
        format!(
            "CREATE TABLE IF NOT EXISTS {} (\n    \
             revision VARCHAR(128) NOT NULL PRIMARY KEY,\n    \
             checksum VARCHAR(64) NOT NULL,\n    \
             state VARCHAR(16) NOT NULL DEFAULT 'applied',\n    \
             applied_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    \
             duration_ms BIGINT NOT NULL DEFAULT 0\n)",
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

#[cfg(feature = "postgres")]
pub(crate) use online::PgSession;

#[cfg(feature = "postgres")]
mod online {
    use super::Sql;
    use crate::backend::online::{is_missing_table, run_whole};
    use crate::backend::{
        bound, Bind, Brief, DialectSql, Guard, RawRow, Session, SqlFailure, TableName,
    };
    use crate::Dialect;
    use sqlx::{Executor, Postgres, Row};

    /// The advisory-lock key of a version table: the first 8 bytes of the SHA-256
    /// of `migrate:<table>`, stable across builds and platforms.
    pub(crate) fn lock_key(table: &TableName) -> i64 {
        let digest = migrate_graph::Checksum::of(&format!("migrate:{}", table.display()));
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&digest.0[..8]);
        i64::from_be_bytes(bytes)
    }

    /// Takes the session lock and, only when it got it, makes the server
    /// notice within a second that a killed migrator's client is gone, even
    /// while it runs a long statement, so that its lock is freed promptly
    /// (`client_connection_check_interval`, PostgreSQL 14+). One round trip.
    const TRY_LOCK_CHECKED: &str = "SELECT CASE WHEN pg_try_advisory_lock($1) \
         THEN set_config('client_connection_check_interval', '1000', false) IS NOT NULL \
         ELSE false END";

    /// The same for servers before 14, which lack the setting.
    const TRY_LOCK: &str = "SELECT pg_try_advisory_lock($1)";

    /// Releases the lock.
    const UNLOCK: &str = "SELECT pg_advisory_unlock($1)";

    /// The transaction-scoped lock of `LockStrategy::Transaction`.
    const TRY_XACT_LOCK: &str = "SELECT pg_try_advisory_xact_lock($1)";

    /// A PostgreSQL connection that migrates.
    pub(crate) struct PgSession {
        guard: Guard<Postgres>,
        /// The server has `client_connection_check_interval` (14+).
        check_interval: bool,
    }

    impl PgSession {
        /// Takes a connection from the pool.
        pub(crate) async fn open(pool: &sqlx::PgPool) -> Result<PgSession, sqlx::Error> {
            let conn = pool.acquire().await?;
            // Reported by the server at connect time: no query needed.
            let check_interval = conn.server_version_num().is_some_and(|v| v >= 140_000);
            Ok(PgSession {
                guard: Guard::new(conn),
                check_interval,
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

    impl Session for PgSession {
        fn sql(&self) -> &'static dyn DialectSql {
            &Sql
        }

        fn has_xact_lock(&self) -> bool {
            true
        }

        fn lock_hint(&self) -> &'static str {
            "find the holder with `SELECT pid, granted FROM pg_locks WHERE locktype = 'advisory'` and `pg_stat_activity`"
        }

        async fn try_lock(&mut self, table: &TableName) -> Result<bool, sqlx::Error> {
            let sql = if self.check_interval {
                TRY_LOCK_CHECKED
            } else {
                TRY_LOCK
            };
            let row = self
                .guard
                .conn()
                .fetch_one(sqlx::query(sql).bind(lock_key(table)))
                .await?;
            let got: bool = row.try_get(0)?;
            self.guard.set_locked(got);
            Ok(got)
        }

        async fn unlock(&mut self, table: &TableName) -> Result<(), sqlx::Error> {
            if self.check_interval {
                // One round trip for both: the key is a number, inlined.
                let sql = format!(
                    "SELECT pg_advisory_unlock({}); RESET client_connection_check_interval",
                    lock_key(table)
                );
                self.exec(&sql).await?;
            } else {
                self.guard
                    .conn()
                    .execute(sqlx::query(UNLOCK).bind(lock_key(table)))
                    .await?;
            }
            self.guard.set_locked(false);
            Ok(())
        }

        async fn try_xact_lock(&mut self, table: &TableName) -> Result<bool, sqlx::Error> {
            let row = self
                .guard
                .conn()
                .fetch_one(sqlx::query(TRY_XACT_LOCK).bind(lock_key(table)))
                .await?;
            row.try_get(0)
        }

        async fn begin(&mut self) -> Result<(), sqlx::Error> {
            // Marked first: if BEGIN's reply is lost the connection may be in
            // a transaction, and must not go back to the pool.
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
                Err(e) if is_missing_table(&e, Dialect::Postgres) => return Ok(None),
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

        async fn read_brief(&mut self, table: &TableName) -> Result<Option<Brief>, sqlx::Error> {
            let sql = Sql.select_brief(table);
            let rows = match self.guard.conn().fetch_all(sqlx::query(&sql)).await {
                Ok(rows) => rows,
                Err(e) if is_missing_table(&e, Dialect::Postgres) => return Ok(None),
                Err(e) => return Err(e),
            };
            rows.iter()
                .map(|r| Ok([r.try_get(0)?, r.try_get(1)?, r.try_get(2)?]))
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

        async fn run_sql(&mut self, sql: &str, in_transaction: bool) -> Result<(), SqlFailure> {
            if in_transaction {
                return run_whole(self.guard.conn().execute_many(sqlx::raw_sql(sql)))
                    .await
                    .map_err(|mut failure| {
                        failure.position = error_position(&failure.source, sql);
                        failure
                    });
            }
            // A multi-statement query is one implicit transaction, in which
            // `CREATE INDEX CONCURRENTLY` and friends are refused: send each
            // statement alone so each commits by itself.
            for (k, statement) in migrate_graph::split::split(sql, Dialect::Postgres)
                .iter()
                .enumerate()
            {
                if let Err(source) = self
                    .guard
                    .conn()
                    .execute(sqlx::raw_sql(statement.text))
                    .await
                {
                    return Err(SqlFailure {
                        statement: Some(k),
                        position: None,
                        source,
                    });
                }
            }
            Ok(())
        }

        async fn close(self) {
            self.guard.release();
        }
    }

    /// The byte offset in `sql` of the error's 1-based character position.
    fn error_position(error: &sqlx::Error, sql: &str) -> Option<usize> {
        let pg = error
            .as_database_error()?
            .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()?;
        match pg.position()? {
            sqlx::postgres::PgErrorPosition::Original(chars) => sql
                .char_indices()
                .nth(chars.checked_sub(1)?)
                .map(|(b, _)| b),
            _ => None,
        }
    }
}

#[cfg(all(test, feature = "postgres"))]
mod tests {
    use super::online::lock_key;
    use crate::backend::TableName;

    #[test]
    fn lock_keys_differ_per_table_and_are_stable() {
        let a = lock_key(&TableName::parse("migrate_versions").unwrap());
        let b = lock_key(&TableName::parse("other_versions").unwrap());
        assert_ne!(a, b);
        assert_eq!(a, lock_key(&TableName::parse("migrate_versions").unwrap()));
    }
}
