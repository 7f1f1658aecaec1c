//! Reading the locks the migration holds, from a second connection to the
//! copy: PostgreSQL's `pg_locks` (granted relation locks of every other
//! session in the copy's database: on a private copy that is the
//! migrator), MariaDB's `metadata_lock_info` where the plugin is loaded.
//! [`held`] is one look (what the statement-boundary probe reads);
//! [`Sampler`] looks while a section runs outside a transaction, where a
//! statement's locks end with it: each (table, mode) it sees is a span from
//! its first sample to the first one without it. It looks every
//! [`INTERVAL`] while nothing is held and right after the held locks change
//! or a statement ends, and less often the longer the same locks stay
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

/// The wait before the next look, when the locks held have been the same
/// for `held` (`None`: nothing held): a tenth of that, within
/// [`INTERVAL`]..=[`LONGEST`].
///
/// A look costs the server a walk over every connection's metadata locks;
/// backing off keeps the sampler's share of a long statement's time to a
/// few looks per second while short locks are still timed to 20 ms.
pub(crate) fn next_interval(held: Option<Duration>) -> Duration {
    held.map_or(INTERVAL, |h| (h / 10).clamp(INTERVAL, LONGEST))
}

/// A lock seen by the samples from the one sent at `from`; first seen in
/// the answer that came at `seen` (what says which statement took it:
/// under load a sample can take longer to answer than a statement to
/// start); gone by the answer that came at `gone` (the first look without
/// it, or the end of sampling): it was held at most from `from` to `gone`,
/// what `--max-lock` is judged by.
#[derive(Clone, Debug)]
pub(crate) struct Span {
    pub(crate) relation: String,
    pub(crate) mode: String,
    pub(crate) from: Instant,
    pub(crate) seen: Instant,
    pub(crate) gone: Instant,
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
    /// are kept). `ends`, told at each statement's end, makes it look at
    /// once and start over at [`INTERVAL`]: a statement's locks end with it,
    /// and the next statement may be short.
    pub(crate) async fn run(
        &self,
        stop: &tokio::sync::Notify,
        ends: Option<&tokio::sync::Notify>,
    ) -> (Vec<Span>, LockSampling) {
        let mut cost = LockSampling::default();
        let mut open: HashMap<Held, (Instant, Instant)> = HashMap::new();
        let mut done = Vec::new();
        // Since when the locks held are the ones held now.
        let mut calm_since = Instant::now();
        let close = |done: &mut Vec<Span>,
                     ((relation, mode), (from, seen)): (Held, (Instant, Instant)),
                     gone: Instant| {
            done.push(Span {
                relation,
                mode,
                from,
                seen,
                gone,
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
            let mut changed = false;
            for key in seen {
                let span = match open.remove(&key) {
                    Some(span) => span,
                    None => {
                        changed = true;
                        (now, answered)
                    }
                };
                still.insert(key, span);
            }
            for span in open.drain() {
                changed = true;
                close(&mut done, span, answered);
            }
            open = still;
            if changed {
                calm_since = answered;
            }
            let wait = next_interval((!open.is_empty()).then(|| answered - calm_since));
            let ended = async {
                match ends {
                    Some(n) => n.notified().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = stop.notified() => break,
                () = ended => calm_since = Instant::now(),
                () = tokio::time::sleep(wait) => {}
            }
        }
        let end = Instant::now();
        for span in open {
            close(&mut done, span, end);
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
