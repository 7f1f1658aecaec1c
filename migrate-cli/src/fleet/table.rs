//! Resumable state in a table the user names, in the database of the
//! database URL: what several machines running shards of one fleet share.
//!
//! One row per tenant and run (`run_key`, `tenant_key` a hash of the
//! tenant's id, the id, `done`), written by a background task as tenants
//! finish; a killed run loses at most the rows still queued, and those
//! tenants are only run again. When a run (a shard) finishes with no
//! failure, its tenants' rows are deleted.

use super::state::{run_key, Recorded};
use migrate_runtime::sqlx;
use migrate_runtime::{DatabaseUrl, Db};
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};
use tokio::task::JoinHandle;

/// Why the state table cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TableError {
    /// The name is not `table` or `schema.table` of letters, digits and `_`.
    #[error("`{0}` is not a table name: use letters, digits and `_` (optionally `schema.table`)")]
    Name(String),
    /// No database URL to keep it in.
    #[error("--state-table needs the database URL (--database-url or DATABASE_URL) to keep the table in")]
    NoUrl,
    /// A statement failed.
    #[error("the fleet's state table {table}: {message}")]
    Sql {
        /// The table.
        table: String,
        /// The database's message, password redacted.
        message: String,
    },
    /// Connecting failed.
    #[error(transparent)]
    Connect(#[from] migrate_runtime::Error),
}

/// The state table of one run, with its writer task.
pub(crate) struct StateTable {
    db: Db,
    table: String,
    key: String,
    url: DatabaseUrl,
    tx: Option<UnboundedSender<(String, bool)>>,
    writer: Option<JoinHandle<Result<(), TableError>>>,
}

impl StateTable {
    /// Creates the table when missing, reads what runs of `key` recorded,
    /// and starts the writer.
    pub(crate) async fn open(
        url: &DatabaseUrl,
        table: &str,
        key: &str,
    ) -> Result<(StateTable, Recorded), TableError> {
        let ok =
            |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !table.split('.').all(ok) || table.split('.').count() > 2 {
            return Err(TableError::Name(table.to_owned()));
        }
        let db = Db::connect_url(url).await?;
        let create = format!(
            "CREATE TABLE IF NOT EXISTS {table} (run_key VARCHAR(16) NOT NULL, \
             tenant_key VARCHAR(16) NOT NULL, tenant VARCHAR(2000) NOT NULL, \
             done INTEGER NOT NULL, PRIMARY KEY (run_key, tenant_key))"
        );
        let err = |e: sqlx::Error| TableError::Sql {
            table: table.to_owned(),
            message: url.scrub(&e.to_string()),
        };
        exec(&db, &create, None).await.map_err(err)?;
        // The key is hex: it goes into the SQL as it is.
        let select = format!("SELECT tenant, done FROM {table} WHERE run_key = '{key}'");
        let rows = rows(&db, &select).await.map_err(err)?;
        let mut recorded = Recorded::default();
        for (tenant, done) in rows {
            recorded.last.insert(tenant, done != 0);
        }
        let (tx, mut rx) = unbounded_channel::<(String, bool)>();
        let (wdb, wtable, wkey, wurl) = (db.clone(), table.to_owned(), key.to_owned(), url.clone());
        let writer = tokio::spawn(async move {
            while let Some((id, done)) = rx.recv().await {
                let tk = run_key(&[&id]);
                let delete = format!(
                    "DELETE FROM {wtable} WHERE run_key = '{wkey}' AND tenant_key = '{tk}'"
                );
                let insert = format!(
                    "INSERT INTO {wtable} (run_key, tenant_key, tenant, done) VALUES ('{wkey}', '{tk}', {}, {})",
                    placeholder(&wdb),
                    i32::from(done)
                );
                let result = async {
                    exec(&wdb, &delete, None).await?;
                    exec(&wdb, &insert, Some(&id)).await
                }
                .await;
                result.map_err(|e| TableError::Sql {
                    table: wtable.clone(),
                    message: wurl.scrub(&e.to_string()),
                })?;
            }
            Ok(())
        });
        let state = StateTable {
            db,
            table: table.to_owned(),
            key: key.to_owned(),
            url: url.clone(),
            tx: Some(tx),
            writer: Some(writer),
        };
        Ok((state, recorded))
    }

    /// The table's name.
    pub(crate) fn name(&self) -> &str {
        &self.table
    }

    /// Queues one tenant's end for the writer.
    pub(crate) fn record(&self, id: &str, done: bool) {
        if let Some(tx) = &self.tx {
            let _ = tx.send((id.to_owned(), done));
        }
    }

    /// Waits for the writer; with `forget`, deletes the rows of `ids` (this
    /// run's tenants, all done). Closes the connection.
    pub(crate) async fn finish(mut self, forget: Option<&[String]>) -> Result<(), TableError> {
        self.tx = None;
        let written = match self.writer.take() {
            Some(w) => w.await.unwrap_or(Ok(())),
            None => Ok(()),
        };
        let mut result = written;
        if let (Ok(()), Some(ids)) = (&result, forget) {
            for chunk in ids.chunks(500) {
                let keys: Vec<String> = chunk
                    .iter()
                    .map(|id| format!("'{}'", run_key(&[id])))
                    .collect();
                let delete = format!(
                    "DELETE FROM {} WHERE run_key = '{}' AND tenant_key IN ({})",
                    self.table,
                    self.key,
                    keys.join(", ")
                );
                if let Err(e) = exec(&self.db, &delete, None).await {
                    result = Err(TableError::Sql {
                        table: self.table.clone(),
                        message: self.url.scrub(&e.to_string()),
                    });
                    break;
                }
            }
        }
        self.db.close().await;
        result
    }
}

/// The bind placeholder of the database's dialect.
fn placeholder(db: &Db) -> &'static str {
    match db.dialect() {
        migrate_runtime::Dialect::Postgres => "$1",
        _ => "?",
    }
}

/// Runs one statement, binding `value` when given.
async fn exec(db: &Db, sql: &str, value: Option<&str>) -> Result<(), sqlx::Error> {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    macro_rules! run {
        ($pool:expr) => {{
            let mut q = sqlx::query(sql);
            if let Some(v) = value {
                q = q.bind(v.to_owned());
            }
            q.execute($pool).await.map(drop)
        }};
    }
    match db {
        #[cfg(feature = "sqlite")]
        Db::Sqlite(p) => run!(p),
        #[cfg(feature = "postgres")]
        Db::Postgres(p) => run!(p),
        #[cfg(feature = "mysql")]
        Db::MySql(p) => run!(p),
        #[allow(unreachable_patterns)]
        _ => Ok(()),
    }
}

/// `(text, integer)` rows.
async fn rows(db: &Db, sql: &str) -> Result<Vec<(String, i64)>, sqlx::Error> {
    use sqlx::Row;
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    macro_rules! fetch {
        ($pool:expr) => {{
            let rows = sqlx::query(sql).fetch_all($pool).await?;
            rows.iter()
                .map(|r| {
                    let done: i64 = r
                        .try_get::<i64, _>(1)
                        .or_else(|_| r.try_get::<i32, _>(1).map(i64::from))?;
                    Ok((r.try_get_unchecked::<String, _>(0)?, done))
                })
                .collect()
        }};
    }
    match db {
        #[cfg(feature = "sqlite")]
        Db::Sqlite(p) => fetch!(p),
        #[cfg(feature = "postgres")]
        Db::Postgres(p) => fetch!(p),
        #[cfg(feature = "mysql")]
        Db::MySql(p) => fetch!(p),
        #[allow(unreachable_patterns)]
        _ => Ok(Vec::new()),
    }
}
