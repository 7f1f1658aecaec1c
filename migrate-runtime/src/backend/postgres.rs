//! PostgreSQL: an advisory lock, the version table pinned to a schema, and
//! the session settings a migration may change put back.
//!
//! The session lock is `pg_try_advisory_lock(key)` on the session's
//! connection, polled with back-off by the engine: polling keeps every wait
//! bounded by the lock timeout and never leaves a waiter inside a
//! transaction that a holder's `CREATE INDEX CONCURRENTLY` would wait for.
//! The key hashes the version table's name, so migrators of different tables
//! do not block each other (advisory locks are per database already).

use crate::protocol::{Arg, TableName};
use crate::session::{sql_str, Backend, Conn, Driver, ErrorClass, Finished, Row, SqlFailure};
use crate::Dialect;
use sqlx::{Postgres, Row as _};

/// The settings a migration may change with `SET` that would otherwise
/// outlive it, in the order they are restored (the session user before the
/// role it may take on).
const SETTINGS: [&str; 6] = [
    "session_authorization",
    "role",
    "search_path",
    "statement_timeout",
    "lock_timeout",
    "idle_in_transaction_session_timeout",
];

/// Reads [`SETTINGS`].
const READ_SETTINGS: &str =
    "SELECT current_setting('session_authorization'), current_setting('role'), \
     current_setting('search_path'), current_setting('statement_timeout'), \
     current_setting('lock_timeout'), current_setting('idle_in_transaction_session_timeout')";

/// What a session needs on opening, in one round trip: the schema an
/// unqualified name resolves to, the liveness-check setting to put back,
/// and [`SETTINGS`].
const OPEN: &str =
    "SELECT current_schema(), current_setting('client_connection_check_interval', true), \
     current_setting('session_authorization'), current_setting('role'), \
     current_setting('search_path'), current_setting('statement_timeout'), \
     current_setting('lock_timeout'), current_setting('idle_in_transaction_session_timeout'), \
     pg_backend_pid()";

/// The sessions holding the locks a session waits for.
const BLOCKERS: &str =
    "SELECT string_agg(format('pid %s (%s): %s', pid, state, left(query, 200)), '; ') \
     FROM pg_stat_activity WHERE pid = ANY(pg_blocking_pids(CAST($1 AS integer)))";

/// Takes the session lock and, only when it got it, makes the server notice
/// within a second that a killed migrator's client is gone, even while it
/// runs a long statement, so that its lock is freed promptly
/// (`client_connection_check_interval`, PostgreSQL 14+). One round trip.
const TRY_LOCK_CHECKED: &str = "SELECT CASE WHEN pg_try_advisory_lock($1) \
     THEN set_config('client_connection_check_interval', '1000', false) IS NOT NULL \
     ELSE false END";

/// The same for servers before 14, which lack the setting.
const TRY_LOCK: &str = "SELECT pg_try_advisory_lock($1)";

/// Releases the lock and puts the liveness check back as it was.
const UNLOCK_CHECKED: &str =
    "SELECT pg_advisory_unlock($1), set_config('client_connection_check_interval', $2, false)";

/// Releases the lock.
const UNLOCK: &str = "SELECT pg_advisory_unlock($1), ''";

/// The transaction-scoped lock of `LockStrategy::Transaction`.
const TRY_XACT_LOCK: &str = "SELECT pg_try_advisory_xact_lock($1)";

/// The advisory-lock key of a version table: the first 8 bytes of the
/// SHA-256 of `migrate:<table>`, stable across builds and platforms. A table
/// in `public` is keyed by its bare name, so `public.migrate_versions` and
/// `migrate_versions` (and older builds, which keyed the name as given)
/// take the same lock.
pub(crate) fn lock_key(table: &TableName) -> i64 {
    let name = match table.schema() {
        Some(schema) if schema != "public" => table.display(),
        _ => table.name().to_owned(),
    };
    let digest = migrate_graph::Checksum::of(&format!("migrate:{name}"));
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest.0[..8]);
    i64::from_be_bytes(bytes)
}

/// A PostgreSQL session's state.
pub(crate) struct Pg {
    key: i64,
    pid: i64,
    /// The liveness-check setting as it was (14+), `None` before 14.
    check_interval: Option<String>,
    /// [`SETTINGS`] when the session opened.
    original: Vec<String>,
    /// [`SETTINGS`] as the run wants them (the original, plus the
    /// statement lock timeout if one was set).
    expected: Vec<String>,
}

fn settings(row: &Row<Pg>, from: usize) -> Result<Vec<String>, sqlx::Error> {
    (from..from + SETTINGS.len())
        .map(|i| Ok(row.try_get::<Option<String>, _>(i)?.unwrap_or_default()))
        .collect()
}

async fn fetch_one(
    conn: &mut Conn<Pg>,
    sql: &'static str,
    args: &[Arg],
) -> Result<sqlx::postgres::PgRow, sqlx::Error> {
    Postgres::fetch_bound(conn, sql_str(sql), args)
        .await?
        .into_iter()
        .next()
        .ok_or(sqlx::Error::RowNotFound)
}

/// Reads [`SETTINGS`] over the text protocol: a plain query, prepared for
/// nothing, as a migration may have changed the session under it.
async fn read_settings(conn: &mut Conn<Pg>) -> Result<sqlx::postgres::PgRow, sqlx::Error> {
    Postgres::fetch_raw(conn, sql_str(READ_SETTINGS))
        .await?
        .into_iter()
        .next()
        .ok_or(sqlx::Error::RowNotFound)
}

impl Backend for Pg {
    type Db = Postgres;
    const DIALECT: Dialect = Dialect::Postgres;
    const HAS_XACT_LOCK: bool = true;
    const LOCK_HINT: &'static str = "find the holder with `SELECT pid, granted FROM pg_locks WHERE locktype = 'advisory'` and `pg_stat_activity`";
    const LOCK_WAIT_HINT: &'static str = "another session holds a lock on what the statement touches; `SELECT pid, pg_blocking_pids(pid), state, query FROM pg_stat_activity WHERE wait_event_type = 'Lock'` shows who blocks whom; end that session or retry when it is done; the statement lock timeout (`--statement-lock-timeout`, `Migrator::statement_lock_timeout`) sets how long a statement waits";

    async fn open(
        conn: &mut Conn<Self>,
        table: &TableName,
    ) -> Result<(Pg, TableName), sqlx::Error> {
        let row = fetch_one(conn, OPEN, &[]).await?;
        let resolved = match table.schema() {
            Some(_) => table.clone(),
            None => {
                let schema: Option<String> = row.try_get(0)?;
                let schema = schema.ok_or_else(|| {
                    sqlx::Error::Configuration(
                        "no schema on the search_path exists, so the version table has nowhere to live; create the schema or name the table as `schema.table`".into(),
                    )
                })?;
                table.in_schema(&schema)
            }
        };
        let original = settings(&row, 2)?;
        Ok((
            Pg {
                key: lock_key(&resolved),
                pid: i64::from(row.try_get::<i32, _>(8)?),
                check_interval: row.try_get(1)?,
                expected: original.clone(),
                original,
            },
            resolved,
        ))
    }

    async fn try_lock(&mut self, conn: &mut Conn<Self>) -> Result<bool, sqlx::Error> {
        let sql = match self.check_interval {
            Some(_) => TRY_LOCK_CHECKED,
            None => TRY_LOCK,
        };
        fetch_one(conn, sql, &[Arg::Int(self.key)])
            .await?
            .try_get(0)
    }

    async fn unlock(&mut self, conn: &mut Conn<Self>) -> Result<bool, sqlx::Error> {
        let row = match &self.check_interval {
            Some(interval) => {
                let args = [Arg::Int(self.key), Arg::Text(interval.clone())];
                fetch_one(conn, UNLOCK_CHECKED, &args).await?
            }
            None => fetch_one(conn, UNLOCK, &[Arg::Int(self.key)]).await?,
        };
        row.try_get(0)
    }

    async fn try_xact_lock(&mut self, conn: &mut Conn<Self>) -> Result<bool, sqlx::Error> {
        fetch_one(conn, TRY_XACT_LOCK, &[Arg::Int(self.key)])
            .await?
            .try_get(0)
    }

    fn session_id(&self) -> Option<i64> {
        Some(self.pid)
    }

    const STEP_SETTINGS: Option<&'static str> = Some(READ_SETTINGS);

    fn settings_kept(&self, row: &Row<Self>) -> Result<bool, sqlx::Error> {
        Ok(settings(row, 0)? == self.expected)
    }

    async fn waiting_for(pool: &sqlx::PgPool, id: i64) -> Result<Option<String>, sqlx::Error> {
        let mut conn = pool.acquire().await?;
        let row = fetch_one(&mut conn, BLOCKERS, &[Arg::Int(id)]).await?;
        let blockers: Option<String> = row.try_get(0)?;
        Ok(blockers.map(|b| format!("a lock held by {b}")))
    }

    async fn run_section(
        &mut self,
        conn: &mut Conn<Self>,
        sql: &str,
        in_transaction: bool,
        done: Finished<'_>,
    ) -> Result<(), SqlFailure> {
        if in_transaction && done.is_none() {
            return Postgres::run_many(conn, sql_str(sql), None)
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
            match Postgres::execute(conn, sql_str(statement.text)).await {
                Ok(rows) => {
                    if let Some(done) = done {
                        done(k, rows).await;
                    }
                }
                Err(source) => {
                    return Err(SqlFailure {
                        statement: Some(k),
                        position: None,
                        source,
                    })
                }
            }
        }
        Ok(())
    }

    fn classify(error: &sqlx::Error) -> ErrorClass {
        let code = error.as_database_error().and_then(|db| db.code());
        match code.as_deref() {
            Some("42P01") | Some("3F000") => ErrorClass::MissingTable,
            Some("42703") => ErrorClass::MissingColumn,
            Some("55P03") => ErrorClass::LockWait,
            _ => ErrorClass::Other,
        }
    }

    async fn set_statement_lock_timeout(
        &mut self,
        conn: &mut Conn<Self>,
        timeout: std::time::Duration,
    ) -> Result<(), sqlx::Error> {
        let value = format!("{}ms", timeout.as_millis().max(1));
        let sql = "SELECT set_config('lock_timeout', $1, false)";
        fetch_one(conn, sql, &[Arg::Text(value.clone())]).await?;
        let k = SETTINGS.iter().position(|s| *s == "lock_timeout");
        if let Some(k) = k {
            // As the server spells it back, so the comparison holds.
            self.expected[k] = fetch_one(conn, "SELECT current_setting('lock_timeout')", &[])
                .await?
                .try_get(0)?;
        }
        Ok(())
    }

    async fn restore(&mut self, conn: &mut Conn<Self>, at_end: bool) -> Result<bool, sqlx::Error> {
        let now = settings(&read_settings(conn).await?, 0)?;
        let wanted = if at_end {
            &self.original
        } else {
            &self.expected
        };
        let changed: Vec<usize> = (0..SETTINGS.len())
            .filter(|&k| now[k] != wanted[k])
            .collect();
        if changed.is_empty() {
            return Ok(true);
        }
        tracing::info!(target: "migrate", settings = ?changed.iter().map(|&k| SETTINGS[k]).collect::<Vec<_>>(), "a migration changed session settings; putting them back");
        let mut args = Vec::new();
        let calls: Vec<String> = changed
            .iter()
            .map(|&k| {
                args.push(Arg::Text(SETTINGS[k].to_owned()));
                args.push(Arg::Text(wanted[k].clone()));
                format!("set_config(${}, ${}, false)", args.len() - 1, args.len())
            })
            .collect();
        let sql = format!("SELECT {}", calls.join(", "));
        Postgres::fetch_bound(conn, sql_str(&sql), &args).await?;
        let after = settings(&read_settings(conn).await?, 0)?;
        Ok(&after == wanted)
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

#[cfg(test)]
mod tests {
    use super::lock_key;
    use crate::protocol::TableName;

    #[test]
    fn lock_keys_differ_per_table_and_ignore_public() {
        let t = |s: &str| TableName::parse(s).unwrap();
        let a = lock_key(&t("migrate_versions"));
        assert_ne!(a, lock_key(&t("other_versions")));
        assert_eq!(a, lock_key(&t("public.migrate_versions")));
        assert_ne!(a, lock_key(&t("tenant.migrate_versions")));
        assert_eq!(a, lock_key(&t("migrate_versions")));
    }
}
