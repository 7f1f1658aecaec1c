//! What a rehearsal measured: plain data, rendered by the commands (text
//! and JSON) and read by tests.

use migrate_runtime::Dialect;
use std::time::Duration;

/// The whole rehearsal.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RehearsalReport {
    /// The database's dialect.
    pub dialect: Dialect,
    /// The source database, password hidden.
    pub source: String,
    /// How the copy was made.
    pub copy: CopyReport,
    /// Where the locks come from.
    pub lock_source: LockSource,
    /// The revisions the copy was at before the run (its heads).
    pub started_at: Vec<String>,
    /// Each pending revision, in apply order, as it ran on the copy.
    pub revisions: Vec<RevisionRun>,
    /// The rollback and the second upgrade; `None` with `--no-down`, or
    /// when the upgrade failed.
    pub rollback: Option<Rollback>,
    /// Locks stronger than row-level held past `--max-lock`.
    pub long_locks: Vec<LongLock>,
    /// The `--max-lock` limit.
    pub max_lock: Option<Duration>,
    /// What the lock sampler itself cost, over the whole rehearsal.
    pub sampling: LockSampling,
}

/// The lock sampler's own work: how many looks it took and their round
/// trips (sent to answered), summed: the looks run beside the migration,
/// on the same server, and this bounds the server's share of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LockSampling {
    /// Looks at the server's lock table.
    pub looks: u64,
    /// Their round trips, summed.
    pub busy: Duration,
}

impl LockSampling {
    /// Adds `other`'s looks.
    pub(crate) fn add(&mut self, other: LockSampling) {
        self.looks += other.looks;
        self.busy += other.busy;
    }
}

/// How the copy was made.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CopyReport {
    /// The tools (`pg_dump -Fd -j 2 | pg_restore -j 2`, SQLite online backup, ...).
    pub method: String,
    /// `--sample PERCENT`: only a sample of each table's rows was copied,
    /// so durations and sizes are for the sample, not the real tables.
    pub sample: Option<f64>,
    /// Wall time of the copy.
    pub duration: Duration,
    /// The copy's URL (password hidden) when `--keep` kept it.
    pub kept: Option<String>,
}

/// Where lock figures come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LockSource {
    /// PostgreSQL `pg_locks`, sampled by a second connection.
    PgLocks,
    /// MariaDB's `metadata_lock_info`, sampled by a second connection.
    MetadataLocks,
    /// The server exposes no metadata locks: each DDL statement's duration
    /// is given as its lock time.
    Estimated,
    /// SQLite: the whole database is write-locked by each revision's
    /// transaction.
    DatabaseLock,
}

/// One revision on the copy.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RevisionRun {
    /// Its id.
    pub id: String,
    /// Its file.
    pub file: String,
    /// Its message.
    pub message: String,
    /// Wall time of the upgrade step.
    pub duration: Duration,
    /// The statements that finished, with what they did.
    pub statements: Vec<StatementRun>,
    /// The error, when the revision failed on the copy.
    pub error: Option<String>,
    /// Tables rewritten by it.
    pub rewrites: Vec<Rewrite>,
    /// Tables whose size changed, before and after it, in bytes.
    pub sizes: Vec<TableSize>,
    /// Its down on the copy, when the rollback ran it.
    pub down: Option<DownRun>,
}

/// One statement of a section.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct StatementRun {
    /// 1-based number in the section.
    pub number: usize,
    /// Its line in the file's section, when known.
    pub line: Option<usize>,
    /// Its text, shortened.
    pub text: String,
    /// Its own time.
    pub duration: Duration,
    /// Rows it changed, as the driver reports them.
    pub rows_affected: u64,
    /// Locks it took, and how long each was held (until its transaction
    /// ended, for a transactional section).
    pub locks: Vec<LockHeld>,
    /// MariaDB/MySQL: the algorithm an `ALTER TABLE` or `CREATE INDEX` ran
    /// with, as its outcome shows (`COPY`: rows copied into a new table;
    /// `INPLACE`: a new table without rows counted; `INSTANT or INPLACE`:
    /// the table kept), when the server shows table ids.
    pub algorithm: Option<String>,
}

/// A lock a statement took.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct LockHeld {
    /// The table (`schema.table` on PostgreSQL), or `database` on SQLite.
    pub relation: String,
    /// The mode as the server names it (`AccessExclusiveLock`,
    /// `MDL_EXCLUSIVE`), or a description for estimated locks.
    pub mode: String,
    /// How long it was held.
    pub held: Duration,
    /// Whether it blocks other sessions' writes (stronger than row-level).
    pub strong: bool,
}

/// A table rewritten by a revision.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rewrite {
    /// The table.
    pub table: String,
    /// How it shows (`relfilenode changed`, `rebuilt: table id changed`).
    pub how: String,
    /// The statement (1-based, in the revision's section) that rewrote it,
    /// when it can be told.
    pub statement: Option<usize>,
}

/// A table's size before and after a revision, in bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TableSize {
    /// The table.
    pub table: String,
    /// Before, `None` when it did not exist.
    pub before: Option<i64>,
    /// After, `None` when it no longer exists.
    pub after: Option<i64>,
}

/// A revision's down on the copy.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct DownRun {
    /// Wall time.
    pub duration: Duration,
    /// Statements, as for the upgrade.
    pub statements: Vec<StatementRun>,
    /// The error, when it failed.
    pub error: Option<String>,
}

/// The rollback to where the copy started, and the second upgrade.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Rollback {
    /// Why it was not run (an irreversible revision), else `None`.
    pub skipped: Option<String>,
    /// Wall time of the downgrade.
    pub duration: Duration,
    /// The error of the downgrade, when it failed.
    pub error: Option<String>,
    /// What differs between the schema before the upgrade and after the
    /// downgrade (SQL turning the first into the second); empty when it is
    /// back.
    pub schema_differences: Vec<String>,
    /// Tables whose rows or values did not come back (listed, not failed).
    pub lost: Vec<TableLoss>,
    /// Wall time of the second upgrade.
    pub again: Option<Duration>,
    /// The error of the second upgrade.
    pub again_error: Option<String>,
    /// What differs between the first upgrade's schema and the second's.
    pub again_differences: Vec<String>,
}

/// A table whose content differs after the rollback.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TableLoss {
    /// The table.
    pub table: String,
    /// Rows before the upgrade.
    pub rows_before: i64,
    /// Rows after the downgrade (`None`: the table is gone).
    pub rows_after: Option<i64>,
}

/// A lock stronger than row-level held past `--max-lock`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct LongLock {
    /// The revision.
    pub revision: String,
    /// Its upgrade or its down (the rollback's locks count too).
    pub direction: migrate_runtime::Direction,
    /// The statement's number in its section.
    pub statement: usize,
    /// The lock.
    pub lock: LockHeld,
}

impl RehearsalReport {
    /// Whether the rehearsal passed: every revision and its down ran, the
    /// schema came back and upgraded again to the same end, and no lock
    /// stronger than row-level was held past `--max-lock`.
    pub fn passed(&self) -> bool {
        self.revisions.iter().all(|r| r.error.is_none())
            && self.long_locks.is_empty()
            && self.rollback.as_ref().is_none_or(Rollback::passed)
    }

    /// The reasons it did not pass, one line each.
    pub fn failures(&self) -> Vec<String> {
        let mut out = Vec::new();
        for r in &self.revisions {
            if let Some(e) = &r.error {
                out.push(format!(
                    "revision {} ({}) failed on the copy: {e}",
                    r.id, r.file
                ));
            }
            if let Some(e) = r.down.as_ref().and_then(|d| d.error.as_ref()) {
                out.push(format!(
                    "the down of {} ({}) failed on the copy: {e}",
                    r.id, r.file
                ));
            }
        }
        if let Some(rb) = &self.rollback {
            if rb.error.is_some()
                && !self
                    .revisions
                    .iter()
                    .any(|r| r.down.as_ref().is_some_and(|d| d.error.is_some()))
            {
                out.push(format!(
                    "the downgrade failed on the copy: {}",
                    rb.error.as_deref().unwrap_or_default()
                ));
            }
            if !rb.schema_differences.is_empty() {
                out.push(
                    "after the downgrade the schema is not the one the copy started with"
                        .to_owned(),
                );
            }
            if let Some(e) = &rb.again_error {
                out.push(format!("the second upgrade failed on the copy: {e}"));
            }
            if !rb.again_differences.is_empty() {
                out.push("the second upgrade ends in another schema than the first".to_owned());
            }
        }
        for l in &self.long_locks {
            out.push(format!(
                "revision {} ({}) statement {} held {} on {} for {:.3} s (--max-lock {:.3} s)",
                l.revision,
                l.direction,
                l.statement,
                l.lock.mode,
                l.lock.relation,
                l.lock.held.as_secs_f64(),
                self.max_lock.unwrap_or_default().as_secs_f64()
            ));
        }
        out
    }
}

impl Rollback {
    /// Whether the down ran and everything came back.
    pub fn passed(&self) -> bool {
        self.error.is_none()
            && self.schema_differences.is_empty()
            && self.again_error.is_none()
            && self.again_differences.is_empty()
    }
}
