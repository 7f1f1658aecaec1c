//! Sampling the locks the migration holds, from a second connection to the
//! copy: PostgreSQL's `pg_locks` (granted relation locks of every other
//! session in the copy's database: on a private copy that is the
//! migrator), MariaDB's `metadata_lock_info` where the plugin is loaded.
//! Each (table, mode) seen is a span from its first sample to its last.

use super::error::RehearseError;
use super::report::LockSource;
use super::sample::bare;
use migrate_runtime::{DatabaseUrl, Db};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often the sampler looks: the resolution of lock times.
pub(crate) const INTERVAL: Duration = Duration::from_millis(5);

/// A lock seen by the samples sent from `from` to the one answered at
/// `to`; first seen in the answer that came at `seen` (what says which
/// statement took it: under load a sample can take longer to answer than a
/// statement to start).
#[derive(Clone, Debug)]
pub(crate) struct Span {
    pub(crate) relation: String,
    pub(crate) mode: String,
    pub(crate) from: Instant,
    pub(crate) seen: Instant,
    pub(crate) to: Instant,
}

/// Whether a lock mode blocks other sessions' writes (stronger than the
/// row-level modes `AccessShare`, `RowShare`, `RowExclusive` and
/// `ShareUpdateExclusive`, and MariaDB's shared metadata locks).
pub(crate) fn strong(mode: &str) -> bool {
    matches!(
        mode,
        "ShareLock"
            | "ShareRowExclusiveLock"
            | "ExclusiveLock"
            | "AccessExclusiveLock"
            | "MDL_SHARED_NO_WRITE"
            | "MDL_SHARED_NO_READ_WRITE"
            | "MDL_EXCLUSIVE"
    ) || mode.starts_with("exclusive")
        || mode.starts_with("write lock")
}

/// Where this server's locks can be read.
pub(crate) async fn source(db: &Db) -> LockSource {
    match db {
        #[cfg(feature = "postgres")]
        Db::Postgres(_) => LockSource::PgLocks,
        #[cfg(feature = "mysql")]
        Db::MySql(pool) => {
            let found: Result<Option<String>, _> = sqlx::query_scalar(
                "SELECT PLUGIN_STATUS FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'METADATA_LOCK_INFO'",
            )
            .fetch_optional(pool)
            .await;
            match found {
                Ok(Some(s)) if s == "ACTIVE" => LockSource::MetadataLocks,
                _ => LockSource::Estimated,
            }
        }
        #[cfg(feature = "sqlite")]
        Db::Sqlite(_) => LockSource::DatabaseLock,
        #[allow(unreachable_patterns)]
        _ => LockSource::Estimated,
    }
}

/// A sampler running on its own task and connection.
pub(crate) struct Sampler {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<Result<Vec<Span>, RehearseError>>,
}

impl Sampler {
    /// Starts sampling the copy at `url` (`None` for a source that is not
    /// sampled). The version table's locks are left out.
    pub(crate) async fn start(
        source: LockSource,
        url: &DatabaseUrl,
        table: &str,
    ) -> Result<Option<Sampler>, RehearseError> {
        let query = match source {
            LockSource::PgLocks => PG,
            LockSource::MetadataLocks => MY,
            _ => return Ok(None),
        };
        let db = Db::connect_url(url).await?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let table = bare(table).to_owned();
        let task = tokio::spawn(async move {
            let result = sample(&db, query, &table, &flag).await;
            db.close().await;
            result
        });
        Ok(Some(Sampler { stop, task }))
    }

    /// Stops, and returns the spans seen.
    pub(crate) async fn stop(self) -> Result<Vec<Span>, RehearseError> {
        self.stop.store(true, Ordering::Relaxed);
        match self.task.await {
            Ok(r) => r,
            Err(e) => Err(RehearseError::Io {
                action: "sample the locks".to_owned(),
                source: std::io::Error::other(e.to_string()),
            }),
        }
    }
}

const PG: &str = "SELECT format('%I.%I', n.nspname, c.relname), l.mode \
     FROM pg_locks l JOIN pg_class c ON c.oid = l.relation \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE l.locktype = 'relation' AND l.granted AND l.pid <> pg_backend_pid() \
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
       AND c.relkind IN ('r', 'p', 'm') \
       AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND c.relname <> $1";

const MY: &str = "SELECT TABLE_NAME, LOCK_MODE FROM information_schema.METADATA_LOCK_INFO \
     WHERE THREAD_ID <> CONNECTION_ID() AND TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> ?";

async fn sample(
    db: &Db,
    query: &'static str,
    table: &str,
    stop: &AtomicBool,
) -> Result<Vec<Span>, RehearseError> {
    let mut open: HashMap<(String, String), (Instant, Instant, Instant)> = HashMap::new();
    let mut done = Vec::new();
    let failed = |source| RehearseError::Query {
        action: "sample the locks",
        database: "the copy".to_owned(),
        source,
    };
    while !stop.load(Ordering::Relaxed) {
        let now = Instant::now();
        let seen: Vec<(String, String)> = match db {
            #[cfg(feature = "postgres")]
            Db::Postgres(pool) => sqlx::query_as(query).bind(table).fetch_all(pool).await,
            #[cfg(feature = "mysql")]
            Db::MySql(pool) => sqlx::query_as(query).bind(table).fetch_all(pool).await,
            #[allow(unreachable_patterns)]
            _ => {
                let _ = (query, table);
                Ok(Vec::new())
            }
        }
        .map_err(failed)?;
        let answered = Instant::now();
        let mut still = HashMap::new();
        for key in seen {
            let (from, first) = open
                .remove(&key)
                .map_or((now, answered), |(f, s, _)| (f, s));
            still.insert(key, (from, first, answered));
        }
        for ((relation, mode), (from, seen, to)) in open.drain() {
            done.push(Span {
                relation,
                mode,
                from,
                seen,
                to,
            });
        }
        open = still;
        tokio::time::sleep(INTERVAL).await;
    }
    for ((relation, mode), (from, seen, to)) in open {
        done.push(Span {
            relation,
            mode,
            from,
            seen,
            to,
        });
    }
    Ok(done)
}
