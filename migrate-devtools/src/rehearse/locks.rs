//! Reading the locks the migration holds, from a second connection to the
//! copy: PostgreSQL's `pg_locks` (granted relation locks of every other
//! session in the copy's database: on a private copy that is the
//! migrator), MariaDB's `metadata_lock_info` where the plugin is loaded.
//! [`held`] is one look (what the statement-boundary probe reads);
//! [`Sampler`] looks while a section runs outside a transaction, where a
//! statement's locks end with it: each (table, mode) it sees is a span from
//! its first sample to its last. It looks every [`INTERVAL`] while nothing
//! or something new is held, and less often the longer the same locks stay
//! ([`next_interval`]): a lock's time keeps a tenth of its length as
//! resolution, and a nine-minute `ALTER` is not answered 27,000 times
//! beside the statement it measures.

use super::error::RehearseError;
use super::report::{LockSampling, LockSource};
use super::sample::bare;
use migrate_runtime::{DatabaseUrl, Db};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// A lock held: (table, mode).
pub(crate) type Held = (String, String);

/// How often the sampler looks at first: the finest resolution of lock
/// times.
pub(crate) const INTERVAL: Duration = Duration::from_millis(20);

/// The longest wait between two looks.
const LONGEST: Duration = Duration::from_millis(500);

/// The wait before the next look, when the oldest lock still held was
/// first seen `held` ago (`None`: nothing held): a tenth of that, within
/// [`INTERVAL`]..=[`LONGEST`].
///
/// A look costs the server a walk over every connection's metadata locks;
/// backing off keeps the sampler's share of a long statement's time to a
/// few looks per second while short locks are still timed to 20 ms.
pub(crate) fn next_interval(held: Option<Duration>) -> Duration {
    held.map_or(INTERVAL, |h| (h / 10).clamp(INTERVAL, LONGEST))
}

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

/// One look: the relation locks other sessions of the copy hold (the
/// version table's left out), and how many locked relations the catalog
/// does not show yet (created, or a rewrite's new storage, uncommitted).
pub(crate) async fn held(
    db: &Db,
    source: LockSource,
    table: &str,
) -> Result<(Vec<Held>, usize), RehearseError> {
    let failed = |source| RehearseError::Query {
        action: "read the locks",
        database: "the copy".to_owned(),
        source,
    };
    let rows: Vec<(Option<String>, String)> = match (db, source) {
        #[cfg(feature = "postgres")]
        (Db::Postgres(pool), LockSource::PgLocks) => sqlx::query_as(PG)
            .bind(bare(table))
            .fetch_all(pool)
            .await
            .map_err(failed)?,
        #[cfg(feature = "mysql")]
        (Db::MySql(pool), LockSource::MetadataLocks) => sqlx::query_as(MY)
            .bind(bare(table))
            .fetch_all(pool)
            .await
            .map_err(failed)?,
        #[allow(unreachable_patterns)]
        _ => {
            let _ = (bare(table), &failed);
            Vec::new()
        }
    };
    let unseen = rows.iter().filter(|(r, _)| r.is_none()).count();
    let mut locks: Vec<Held> = rows
        .into_iter()
        .filter_map(|(r, m)| r.map(|r| (r, m)))
        .collect();
    locks.sort();
    locks.dedup();
    Ok((locks, unseen))
}

/// Relation locks of other sessions in the copy's database; a relation the
/// catalog does not show (yet) comes with a NULL name. Reads catalogs
/// only: no lock the migration holds blocks it.
const PG: &str = "SELECT CASE WHEN c.oid IS NULL THEN NULL ELSE format('%I.%I', n.nspname, c.relname) END, l.mode \
     FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation \
     LEFT JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE l.locktype = 'relation' AND l.granted AND l.pid <> pg_backend_pid() \
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
       AND (c.oid IS NULL OR (c.relkind IN ('r', 'p', 'm') \
            AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND c.relname <> $1))";

const MY: &str = "SELECT TABLE_NAME, LOCK_MODE FROM information_schema.METADATA_LOCK_INFO \
     WHERE THREAD_ID <> CONNECTION_ID() AND TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> '' \
       AND LOCK_TYPE LIKE 'Table%' AND TABLE_NAME <> ?";

/// A sampler on its own connection, run alongside the section (in the same
/// task: dropping the rehearsal drops it, and its connection, at once).
pub(crate) struct Sampler {
    db: Db,
    source: LockSource,
    table: String,
}

impl Sampler {
    /// Connects to the copy at `url` (`None` for a source that is not
    /// sampled).
    pub(crate) async fn connect(
        source: LockSource,
        url: &DatabaseUrl,
        table: &str,
    ) -> Result<Option<Sampler>, RehearseError> {
        if !matches!(source, LockSource::PgLocks | LockSource::MetadataLocks) {
            return Ok(None);
        }
        let db = Db::connect_url(url).await?;
        Ok(Some(Sampler {
            db,
            source,
            table: table.to_owned(),
        }))
    }

    /// Samples until `stop` is notified; returns the spans seen and what
    /// the looks cost. A failed look ends the sampling (the spans so far
    /// are kept).
    pub(crate) async fn run(&self, stop: &tokio::sync::Notify) -> (Vec<Span>, LockSampling) {
        let mut cost = LockSampling::default();
        let mut open: HashMap<Held, (Instant, Instant, Instant)> = HashMap::new();
        let mut done = Vec::new();
        let close = |done: &mut Vec<Span>, ((relation, mode), (from, seen, to)): (Held, (Instant, Instant, Instant))| {
            done.push(Span {
                relation,
                mode,
                from,
                seen,
                to,
            })
        };
        loop {
            let now = Instant::now();
            let Ok((seen, _)) = held(&self.db, self.source, &self.table).await else {
                break;
            };
            let answered = Instant::now();
            cost.looks += 1;
            cost.busy += answered - now;
            let mut still = HashMap::new();
            for key in seen {
                let (from, first) = open
                    .remove(&key)
                    .map_or((now, answered), |(f, s, _)| (f, s));
                still.insert(key, (from, first, answered));
            }
            for span in open.drain() {
                close(&mut done, span);
            }
            open = still;
            let oldest = open.values().map(|(from, _, _)| *from).min();
            let wait = next_interval(oldest.map(|f| answered - f));
            tokio::select! {
                () = stop.notified() => break,
                () = tokio::time::sleep(wait) => {}
            }
        }
        for span in open {
            close(&mut done, span);
        }
        (done, cost)
    }

    /// Closes its connection.
    pub(crate) async fn close(self) {
        self.db.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_less_often_the_longer_a_lock_is_held() {
        assert_eq!(next_interval(None), INTERVAL);
        assert_eq!(next_interval(Some(Duration::from_millis(50))), INTERVAL);
        assert_eq!(
            next_interval(Some(Duration::from_secs(2))),
            Duration::from_millis(200)
        );
        assert_eq!(next_interval(Some(Duration::from_secs(540))), LONGEST);
    }
}
