//! MySQL and MariaDB: a `GET_LOCK` user lock, the version table pinned to the
//! database the session started in, and the session put back after each
//! migration.
//!
//! DDL commits implicitly on these servers, so no revision can be atomic with
//! its version-table row: every step writes a `started` row first and marks it
//! applied (or failed) afterwards, leaving a visible trace if it stops midway.
//! User-level locks are server-wide rather than per database, so the lock name
//! hashes the database together with the table name. Both are fixed when the
//! session opens: a migration that runs `USE other_db` must not make the
//! release name another lock, nor move the version rows.

use crate::protocol::{Arg, TableName};
use crate::session::{sql_str, Backend, Conn, Driver, ErrorClass, Row};
use crate::Dialect;
use sqlx::{MySql, Row as _};

/// Session variables a migration may change with `SET` that would
/// otherwise outlive it (and reach the application's pool).
const SETTINGS: [&str; 6] = [
    "sql_mode",
    "foreign_key_checks",
    "unique_checks",
    "time_zone",
    "lock_wait_timeout",
    "innodb_lock_wait_timeout",
];

/// Reads the current database and [`SETTINGS`], as text.
const READ: &str = "SELECT DATABASE(), CAST(@@session.sql_mode AS CHAR), \
     CAST(@@session.foreign_key_checks AS CHAR), CAST(@@session.unique_checks AS CHAR), \
     CAST(@@session.time_zone AS CHAR), CAST(@@session.lock_wait_timeout AS CHAR), \
     CAST(@@session.innodb_lock_wait_timeout AS CHAR)";

/// A session's own wait state, as the server shows it.
const STATE: &str = "SELECT STATE FROM information_schema.PROCESSLIST WHERE ID = ?";

/// The lock name of a version table: at most 64 characters, as MySQL
/// requires, and distinct per database. The same text older builds computed
/// on the server from `DATABASE()` and the name as given.
pub(crate) fn lock_name(database: Option<&str>, table: &TableName) -> String {
    let name = match (table.schema(), database) {
        (Some(schema), Some(db)) if schema == db => table.name().to_owned(),
        _ => table.display(),
    };
    let digest = migrate_graph::Checksum::of(&format!("{}/{name}", database.unwrap_or("")));
    format!("migrate:{}", &digest.to_hex()[..40])
}

/// A MySQL session's state.
pub(crate) struct My {
    lock: String,
    connection_id: i64,
    /// The database and [`SETTINGS`] when the session opened.
    original: Vec<Option<String>>,
    /// The same, as the run wants them.
    expected: Vec<Option<String>>,
}

fn text(row: &Row<My>, index: usize) -> Result<Option<String>, sqlx::Error> {
    row.try_get_unchecked(index)
}

async fn read(conn: &mut Conn<My>) -> Result<Vec<Option<String>>, sqlx::Error> {
    let rows = MySql::fetch_raw(conn, sql_str(READ)).await?;
    let row = rows.first().ok_or(sqlx::Error::RowNotFound)?;
    (0..=SETTINGS.len()).map(|i| text(row, i)).collect()
}

async fn scalar(
    conn: &mut Conn<My>,
    sql: &'static str,
    args: &[Arg],
) -> Result<Option<i64>, sqlx::Error> {
    let rows = MySql::fetch_bound(conn, sql_str(sql), args).await?;
    let row = rows.first().ok_or(sqlx::Error::RowNotFound)?;
    row.try_get_unchecked(0)
}

/// An identifier in backquotes.
fn quote(ident: &str) -> String {
    format!("`{}`", ident.replace('`', "``"))
}

impl Backend for My {
    type Db = MySql;
    const DIALECT: Dialect = Dialect::MySql;
    const LOCK_HINT: &'static str = "the lock is a GET_LOCK user lock named `migrate:<hash>`; `SHOW PROCESSLIST` or `SELECT * FROM performance_schema.metadata_locks WHERE OBJECT_TYPE = 'USER LEVEL LOCK'` shows the session holding it";
    const LOCK_WAIT_HINT: &'static str = "another session holds a lock on what the statement touches; `SHOW PROCESSLIST` (state `Waiting for table metadata lock`) and `performance_schema.metadata_locks` show who; end that session or retry when it is done; the statement lock timeout (`--statement-lock-timeout`, `Migrator::statement_lock_timeout`) sets how long a statement waits";

    async fn open(
        conn: &mut Conn<Self>,
        table: &TableName,
    ) -> Result<(My, TableName), sqlx::Error> {
        let original = read(conn).await?;
        let database = original[0].clone();
        let connection_id = scalar(conn, "SELECT CONNECTION_ID()", &[])
            .await?
            .unwrap_or(0);
        let resolved = match (&database, table.schema()) {
            (Some(db), None) => table.in_schema(db),
            _ => table.clone(),
        };
        Ok((
            My {
                lock: lock_name(database.as_deref(), table),
                connection_id,
                expected: original.clone(),
                original,
            },
            resolved,
        ))
    }

    async fn try_lock(&mut self, conn: &mut Conn<Self>) -> Result<bool, sqlx::Error> {
        let got = scalar(
            conn,
            "SELECT GET_LOCK(?, 0)",
            &[Arg::Text(self.lock.clone())],
        )
        .await?;
        Ok(got == Some(1))
    }

    async fn unlock(&mut self, conn: &mut Conn<Self>) -> Result<bool, sqlx::Error> {
        let released = scalar(
            conn,
            "SELECT RELEASE_LOCK(?)",
            &[Arg::Text(self.lock.clone())],
        )
        .await?;
        Ok(released == Some(1))
    }

    fn begin_sql() -> &'static str {
        "START TRANSACTION"
    }

    fn session_id(&self) -> Option<i64> {
        Some(self.connection_id)
    }

    async fn waiting_for(pool: &sqlx::MySqlPool, id: i64) -> Result<Option<String>, sqlx::Error> {
        let mut conn = pool.acquire().await?;
        let rows = MySql::fetch_bound(&mut conn, sql_str(STATE), &[Arg::Int(id)]).await?;
        let state = match rows.first() {
            Some(row) => text(row, 0)?,
            None => None,
        };
        // Only a wait is worth saying; "executing" and the like are not.
        Ok(state
            .filter(|s| s.starts_with("Waiting"))
            .map(|s| format!("the server says: {s}")))
    }

    // The ascii_bin columns carry MySQL's BINARY flag, which sqlx's String
    // check refuses although they hold text: decode unchecked.
    fn text(row: &Row<Self>, index: usize) -> Result<String, sqlx::Error> {
        row.try_get_unchecked(index)
    }

    fn opt_text(row: &Row<Self>, index: usize) -> Result<Option<String>, sqlx::Error> {
        row.try_get_unchecked(index)
    }

    fn classify(error: &sqlx::Error) -> ErrorClass {
        let Some(db) = error.as_database_error() else {
            return ErrorClass::Other;
        };
        let number = db
            .try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()
            .map(|e| e.number());
        match number {
            // ER_NO_SUCH_TABLE, ER_BAD_DB_ERROR (a `schema.` naming no database).
            Some(1146) | Some(1049) => ErrorClass::MissingTable,
            // ER_BAD_FIELD_ERROR.
            Some(1054) => ErrorClass::MissingColumn,
            // ER_LOCK_WAIT_TIMEOUT, and a metadata lock's lock_wait_timeout.
            Some(1205) => ErrorClass::LockWait,
            _ => ErrorClass::Other,
        }
    }

    async fn set_statement_lock_timeout(
        &mut self,
        conn: &mut Conn<Self>,
        timeout: std::time::Duration,
    ) -> Result<(), sqlx::Error> {
        // Whole seconds, at least one: the servers' unit and minimum.
        let secs = timeout.as_secs().max(1) as i64;
        let sql = "SET SESSION lock_wait_timeout = ?, innodb_lock_wait_timeout = ?";
        MySql::execute_bound(conn, sql_str(sql), &[Arg::Int(secs), Arg::Int(secs)], false).await?;
        self.expected = read(conn).await?;
        Ok(())
    }

    async fn restore(&mut self, conn: &mut Conn<Self>, at_end: bool) -> Result<bool, sqlx::Error> {
        let now = read(conn).await?;
        let wanted = if at_end {
            self.original.clone()
        } else {
            self.expected.clone()
        };
        if now == wanted {
            return Ok(true);
        }
        if now[0] != wanted[0] {
            match &wanted[0] {
                Some(db) => {
                    tracing::info!(target: "migrate", database = %db, "a migration changed the current database; switching back");
                    MySql::execute(conn, sql_str(&format!("USE {}", quote(db)))).await?;
                }
                // A session without a database cannot go back to none.
                None => return Ok(false),
            }
        }
        let mut sets = Vec::new();
        let mut args = Vec::new();
        for (k, name) in SETTINGS.iter().enumerate() {
            if now[k + 1] != wanted[k + 1] {
                if let Some(value) = &wanted[k + 1] {
                    sets.push(format!("{name} = ?"));
                    args.push(Arg::Text(value.clone()));
                }
            }
        }
        if !sets.is_empty() {
            tracing::info!(target: "migrate", settings = ?sets, "a migration changed session variables; putting them back");
            let sql = format!("SET SESSION {}", sets.join(", "));
            MySql::execute_bound(conn, sql_str(&sql), &args, false).await?;
        }
        Ok(read(conn).await? == wanted)
    }
}

#[cfg(test)]
mod tests {
    use super::lock_name;
    use crate::protocol::TableName;

    #[test]
    fn lock_names_fit_and_ignore_the_current_database_prefix() {
        let t = |s: &str| TableName::parse(s).unwrap();
        let a = lock_name(Some("app"), &t("migrate_versions"));
        assert_eq!(a.len(), "migrate:".len() + 40);
        assert!(a.len() <= 64);
        assert_eq!(a, lock_name(Some("app"), &t("app.migrate_versions")));
        assert_ne!(a, lock_name(Some("other"), &t("migrate_versions")));
        assert_ne!(a, lock_name(Some("app"), &t("other.migrate_versions")));
    }
}
