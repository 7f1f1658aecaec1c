//! The statement-boundary probe: after each statement of a section, before
//! the next one (and before the step commits), the migrator awaits it
//! ([`migrate_runtime::Migrator::after_statement`]) while it reads, from a
//! second connection to the copy, the relation locks the migration holds
//! and each table's storage identity.
//!
//! Locks taken inside a transaction are held until it ends, so a look at
//! each statement's end sees every lock the statement took, whatever the
//! machine's load: no race with a sampler's timing. What a statement that
//! commits by itself (outside a transaction; MariaDB's DDL) held is gone
//! by then: [`super::locks::Sampler`] covers that, best effort.
//!
//! The probe reads only catalogs (no table is opened, so no lock the
//! migration holds can block it), and each look is bounded by
//! [`LOOK_LIMIT`]: a probe that cannot answer is recorded, never a hang.

use super::locks::{self, Held};
use super::report::LockSource;
use super::tables::storage;
use migrate_runtime::{DatabaseUrl, Db, Direction, StatementEvent, StatementWait};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

/// How long one look may take before it is given up (and said so).
const LOOK_LIMIT: Duration = Duration::from_secs(10);

/// What the probe saw at one statement's end.
#[derive(Clone, Debug)]
pub(crate) struct Boundary {
    /// The revision.
    pub(crate) revision: String,
    /// Up or down.
    pub(crate) direction: Direction,
    /// The statement's 0-based number in its section.
    pub(crate) index: usize,
    /// The locks held then (table, mode), the version table's left out.
    pub(crate) locks: Vec<Held>,
    /// Relations locked that the probe cannot see in the catalog (created,
    /// or transient storage of a rewrite, not yet committed), per mode.
    pub(crate) unseen: usize,
    /// Each table's storage identity, as committed.
    pub(crate) storage: BTreeMap<String, Option<i64>>,
    /// Why the look failed, when it did.
    pub(crate) error: Option<String>,
}

/// The probe: a connection to the copy and what it saw.
#[derive(Clone)]
pub(crate) struct Probe {
    inner: Arc<Mutex<Inner>>,
    /// Told at each statement's end: a sampler running beside the section
    /// looks at once and starts over at its finest interval.
    ended: Arc<tokio::sync::Notify>,
}

struct Inner {
    db: Option<Db>,
    source: LockSource,
    table: String,
    seen: Vec<Boundary>,
}

impl Probe {
    /// Connects to the copy at `url` (`None`: a source that is not probed,
    /// SQLite, whose one writer is the whole lock).
    pub(crate) async fn connect(
        source: LockSource,
        url: &DatabaseUrl,
        table: &str,
    ) -> Result<Option<Probe>, migrate_runtime::Error> {
        if matches!(source, LockSource::DatabaseLock) {
            return Ok(None);
        }
        let db = Db::connect_url(url).await?;
        Ok(Some(Probe {
            inner: Arc::new(Mutex::new(Inner {
                db: Some(db),
                source,
                table: table.to_owned(),
                seen: Vec::new(),
            })),
            ended: Arc::new(tokio::sync::Notify::new()),
        }))
    }

    /// What a sampler listens to for statements' ends.
    pub(crate) fn statement_ends(&self) -> Arc<tokio::sync::Notify> {
        self.ended.clone()
    }

    /// The hook the migrator awaits after each statement.
    pub(crate) fn hook(&self) -> impl Fn(&StatementEvent) -> StatementWait + Send + Sync {
        let probe = self.clone();
        move |e: &StatementEvent| {
            let probe = probe.clone();
            let (revision, direction, index) = (e.revision.clone(), e.direction, e.index);
            Box::pin(async move { probe.look(revision, direction, index).await })
        }
    }

    async fn look(&self, revision: String, direction: Direction, index: usize) {
        self.ended.notify_one();
        let mut inner = self.inner.lock().await;
        let Some(db) = inner.db.clone() else {
            return;
        };
        let (source, table) = (inner.source, inner.table.clone());
        let read = async {
            let (locks, unseen) = match source {
                LockSource::PgLocks | LockSource::MetadataLocks => {
                    locks::held(&db, source, &table).await?
                }
                _ => (Vec::new(), 0),
            };
            let storage = storage(&db, &table).await?;
            Ok::<_, super::error::RehearseError>((locks, unseen, storage))
        };
        let mut boundary = Boundary {
            revision,
            direction,
            index,
            locks: Vec::new(),
            unseen: 0,
            storage: BTreeMap::new(),
            error: None,
        };
        match tokio::time::timeout(LOOK_LIMIT, read).await {
            Ok(Ok((locks, unseen, storage))) => {
                boundary.locks = locks;
                boundary.unseen = unseen;
                boundary.storage = storage;
            }
            Ok(Err(e)) => boundary.error = Some(e.to_string()),
            Err(_) => {
                boundary.error = Some(format!(
                    "the lock probe got no answer within {} s",
                    LOOK_LIMIT.as_secs()
                ))
            }
        }
        inner.seen.push(boundary);
    }

    /// What it saw since the last call.
    pub(crate) async fn take(&self) -> Vec<Boundary> {
        std::mem::take(&mut self.inner.lock().await.seen)
    }

    /// Closes its connection.
    pub(crate) async fn close(&self) {
        if let Some(db) = self.inner.lock().await.db.take() {
            db.close().await;
        }
    }
}
