//! The runtime's one error type. Every message says what to check or run next.

use crate::types::Direction;
use std::time::Duration;

/// Everything the runtime can fail with.
///
/// Messages never contain a database password: URLs are redacted before they
/// are stored here, and sqlx errors are wrapped with redacted context.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A migrator told to adopt another tool's version table
    /// ([`Migrator::adopt_from`](crate::Migrator::adopt_from)) could not:
    /// the source is an [`AdoptError`](crate::AdoptError).
    #[error(transparent)]
    Adopt(Box<dyn std::error::Error + Send + Sync + 'static>),
    /// The database URL does not parse, or names no enabled backend. The
    /// message shows no part of a URL that does not parse but its scheme and
    /// host.
    #[error(transparent)]
    UnsupportedUrl(#[from] crate::url::UrlError),
    /// Connecting failed; `kind` says why. The driver's message, scrubbed of
    /// the password, is the [`source`](std::error::Error::source).
    #[error("cannot connect to {url}: {kind}")]
    Connect {
        /// The URL, password redacted.
        url: String,
        /// Why, as far as the driver's error tells.
        kind: crate::failure::ConnectFailure,
        /// The driver's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A statement of the runtime's own (version table, lock, session) failed.
    #[error("cannot {action} (version table {table}){}", hint.map(|h| format!("; {h}")).unwrap_or_default())]
    Database {
        /// What the runtime was doing.
        action: Action,
        /// The version table, as the session resolved it.
        table: String,
        /// What to do, when the error's kind says (a lock wait, a busy
        /// SQLite file).
        hint: Option<&'static str>,
        /// The driver's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A migration's own SQL failed.
    #[error("{direction} of {revision} ({file}) failed{}{}{}", statement.as_ref().map(|s| format!(" at {}", s.describe(*direction))).unwrap_or_default(), hint.map(|h| format!("; {h}")).unwrap_or_default(), if *rolled_back { "; nothing was recorded and the transaction was rolled back: fix the cause and run again" } else { "; the revision is recorded as failed in the version table (as started, if the database could not be reached): check which of its statements took effect, then run `cargo migrate resolve` as the next run's error explains" })]
    Migration {
        /// The revision id.
        revision: String,
        /// Its file.
        file: String,
        /// Which section failed.
        direction: Direction,
        /// The failing statement, when known.
        statement: Option<Box<StatementRef>>,
        /// Whether the database rolled the whole revision back.
        rolled_back: bool,
        /// What to do, when the error's kind says (a lock wait).
        hint: Option<&'static str>,
        /// The driver's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A transactional section ended its transaction itself.
    #[error("the {} section of {revision} ({file}) ended its own transaction (a COMMIT, ROLLBACK, BEGIN or END in it): what ran before that point may be committed, and the revision is NOT recorded; check the schema, then remove the statement (each revision already runs in its own transaction) or mark the section `transaction:false`", match direction { Direction::Up => "up", Direction::Down => "down" })]
    TransactionEnded {
        /// The revision id.
        revision: String,
        /// Its file.
        file: String,
        /// Which section.
        direction: Direction,
        /// The database's refusal to release the step's savepoint.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A version-table write changed other rows than it must.
    #[error("cannot {action} (version table {table}): the write changed {changed} row(s) instead of {expected}, so the record is not what it should be; another process may have resolved or removed the row meanwhile; check `cargo migrate current -v` before running again")]
    RecordMismatch {
        /// What the runtime was writing.
        action: Action,
        /// The version table.
        table: String,
        /// Rows the write had to change.
        expected: u64,
        /// Rows it changed.
        changed: u64,
    },
    /// A table of the version table's name exists but is not one.
    #[error("the table {table} exists but is not a migrate version table (it lacks the `revision`, `checksum` or `state` column); another tool may own it: choose another name with `--table` / `Migrator::table`")]
    NotVersionTable {
        /// The table.
        table: String,
        /// The database's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A target that does not parse or resolve.
    #[error(transparent)]
    Target(#[from] migrate_graph::TargetError),
    /// The migration directory could not be read or validated.
    #[error(transparent)]
    Load(#[from] crate::embedded::LoadError),
    /// An applied revision's file was edited after it was applied.
    #[error("revision {revision} ({file}) was edited after it was applied (checksum {recorded} in the database, {current} on disk); revert the edit, or if it was intentional (a comment, say) accept it with `cargo migrate stamp --accept-checksum {revision}` / `Migrator::accept_checksum`")]
    Drift {
        /// The revision id.
        revision: String,
        /// Its file.
        file: String,
        /// Checksum in the version table.
        recorded: String,
        /// Checksum of the embedded file.
        current: String,
    },
    /// The database has applied revisions this binary does not know.
    #[error("the database has applied revision(s) {} that this build does not contain; deploy a build that has them, or allow it with `UnknownPolicy::Allow` (`--allow-unknown`) when rolling back a deploy", revisions.join(", "))]
    UnknownApplied {
        /// The unknown ids.
        revisions: Vec<String>,
    },
    /// The database holds some of the revisions a squash replaces, and the
    /// files of the others are gone, so it can be brought neither forward
    /// nor to the squash.
    #[error("the database has applied {} of the {} revisions that squash revision {squash} ({file}) replaces, and the files of the rest ({}) were deleted; restore them (`git log --diff-filter=D --name-only -- <migrations dir>` finds the commit), upgrade this database with them, then delete them again", recorded.len(), recorded.len() + missing.len(), missing.join(", "))]
    SquashIncomplete {
        /// The squash revision.
        squash: String,
        /// Its file.
        file: String,
        /// Replaced revisions the database recorded.
        recorded: Vec<String>,
        /// Replaced revisions it lacks.
        missing: Vec<String>,
    },
    /// A previous run left a revision started or failed.
    #[error("revision {revision} ({file}) {} and may be partly applied; check the schema by hand, then run `cargo migrate resolve {revision} --applied` if the revision's changes are in place (`Migrator::resolve(db, \"{revision}\", true)`) or `cargo migrate resolve {revision} --rolled-back` if they are not (`resolve(.., false)`)", match direction { Direction::Up => "failed or was interrupted during upgrade", Direction::Down => "failed or was interrupted during downgrade" })]
    Failed {
        /// The revision id.
        revision: String,
        /// Its file.
        file: String,
        /// The step that did not finish.
        direction: Direction,
    },
    /// A downgrade would pass an irreversible revision.
    #[error("cannot downgrade past {revision} ({file}): it is marked `-- migrate:down irreversible`; pick a target above it, or `stamp` if the schema was reverted by hand")]
    Irreversible {
        /// The revision id.
        revision: String,
        /// Its file.
        file: String,
    },
    /// The lock stayed taken for the whole timeout.
    #[error("another migrator held the migration lock for {waited:?}; if no migration is running, a stale session may hold it ({hint}); or raise the lock timeout")]
    LockTimeout {
        /// How long this process waited.
        waited: Duration,
        /// Backend-specific advice on finding the holder.
        hint: &'static str,
    },
    /// A version-table name that cannot be used.
    #[error("invalid version table name `{name}`: {reason}")]
    InvalidTableName {
        /// The name given (shortened when long).
        name: String,
        /// Why it cannot be used, and what to use instead.
        reason: &'static str,
    },
    /// `accept_checksum` or `resolve` named a revision the version table has no row for.
    #[error("revision {revision} has no row in the version table {table}; see `cargo migrate current -v` for what is recorded")]
    NotRecorded {
        /// The revision as given.
        revision: String,
        /// The version table.
        table: String,
    },
    /// `resolve` named a revision whose row is not in a started or failed state.
    #[error("revision {revision} is recorded as applied, not started or failed; `resolve` only settles what an interrupted or failed run left behind")]
    NotFailed {
        /// The revision id.
        revision: String,
    },
    /// The backup before an upgrade failed; nothing was migrated.
    #[error(transparent)]
    Backup(#[from] crate::backup::BackupError),
    /// The version table holds something this version cannot read.
    #[error(
        "the version table {table} is not in the expected shape: {detail}; was it edited by hand?"
    )]
    CorruptTable {
        /// The table.
        table: String,
        /// What is wrong.
        detail: Corruption,
    },
}

/// What is wrong with a version table that was edited by hand.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Corruption {
    /// A revision has more than one row.
    #[error("revision {revision} has more than one row (was the primary key on `revision` dropped?); keep the one row that is true and delete the others")]
    Duplicate {
        /// The revision.
        revision: String,
    },
    /// A row's `state` is not one the runtime writes.
    #[error("revision {revision} has state `{state}`")]
    UnknownState {
        /// The revision.
        revision: String,
        /// The state found.
        state: String,
    },
    /// A column that must hold a value holds NULL.
    #[error("a row has NULL in its `{column}` column")]
    Null {
        /// The column.
        column: String,
    },
    /// A value that cannot be read as the column's type.
    #[error("a value cannot be read: {reason}")]
    Unreadable {
        /// The driver's reason.
        reason: String,
    },
    /// The table vanished while a run used it.
    #[error("it disappeared while migrating")]
    Disappeared,
}

/// What the runtime was doing when a statement of its own failed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Taking a connection from the pool and preparing its session.
    Open,
    /// Taking the migration lock.
    Lock,
    /// Beginning a transaction.
    Begin,
    /// Committing the steps of `revisions`.
    Commit {
        /// Which way they went.
        direction: Direction,
        /// The revisions the transaction held.
        revisions: Vec<String>,
    },
    /// Reading the version table.
    Read,
    /// Creating the version table.
    Create,
    /// Setting the statement lock timeout.
    Configure,
    /// Recording one step.
    Record {
        /// The revision.
        revision: String,
        /// Which way it went.
        direction: Direction,
    },
    /// Recording several steps of a grouped run at once.
    RecordMany {
        /// The first revision.
        first: String,
        /// The last one.
        last: String,
        /// How many.
        count: usize,
    },
    /// Writing the version table for a stamp, accept or resolve.
    Write,
    /// Reading the database's catalog (autogenerate, schema checks).
    ReadCatalog,
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Action::Open => f.write_str("get a connection from the pool"),
            Action::Lock => f.write_str("take the migration lock"),
            Action::Begin => f.write_str("begin a transaction"),
            Action::Commit { revisions, .. } if revisions.is_empty() => f.write_str("commit"),
            Action::Commit {
                direction,
                revisions,
            } => write!(f, "commit the {direction} of {}", revisions.join(", ")),
            Action::Read => f.write_str("read the version table"),
            Action::Create => f.write_str("create the version table"),
            Action::Configure => f.write_str("set the statement lock timeout"),
            Action::Record {
                revision,
                direction,
            } => write!(f, "record the {direction} of {revision}"),
            Action::RecordMany { first, last, count } => {
                write!(
                    f,
                    "record the upgrade of {first} to {last} ({count} revisions)"
                )
            }
            Action::Write => f.write_str("write the version table"),
            Action::ReadCatalog => f.write_str("read the database's catalog"),
        }
    }
}

/// A statement of a migration section, as an error names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementRef {
    /// Its 1-based number in the section.
    pub number: usize,
    /// The 1-based line of the section it starts on, when known.
    pub line: Option<usize>,
    /// Its text, shortened.
    pub text: String,
}

impl StatementRef {
    fn describe(&self, direction: Direction) -> String {
        let section = match direction {
            Direction::Up => "up",
            Direction::Down => "down",
        };
        match self.line {
            Some(line) => format!(
                "statement {} (line {line} of the {section} section): `{}`",
                self.number, self.text
            ),
            None => format!("statement {} of the {section} section", self.number),
        }
    }
}

/// `text` cut to about `max` characters, with an ellipsis, for messages
/// that echo what a user typed.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{cut}…")
}

impl std::fmt::Display for Direction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Direction::Up => "upgrade",
            Direction::Down => "downgrade",
        })
    }
}

/// Shows a database URL with its password (and any secret parameter)
/// replaced by `***`; of text that does not parse, only the scheme. A
/// shorthand for [`DatabaseUrl`](crate::DatabaseUrl)'s `Display`.
///
/// ```
/// use migrate_runtime::redact_url;
/// assert_eq!(redact_url("postgres://app:s3cret@db:5432/x"), "postgres://app:***@db:5432/x");
/// assert_eq!(redact_url("sqlite:app.db"), "sqlite:app.db");
/// assert_eq!(redact_url("postgres://app:Se/cr#et@db/x"), "postgres://***");
/// ```
pub fn redact_url(url: &str) -> String {
    match crate::url::DatabaseUrl::parse(url) {
        Ok(parsed) => parsed.to_string(),
        Err(crate::url::UrlError::Unsupported { shown }) => shown,
        Err(_) => match url.split_once("://") {
            Some((scheme, _)) if !scheme.contains(char::is_whitespace) => format!("{scheme}://***"),
            _ => "***".to_owned(),
        },
    }
}
