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
        kind: crate::connect::ConnectFailure,
        /// The driver's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A query of the runtime's own (version table, lock) failed.
    #[error("{context}: {source}")]
    Database {
        /// What the runtime was doing.
        context: String,
        /// The driver's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A migration's own SQL failed.
    #[error("{direction} of {revision} ({file}) failed{}: {source}{}", statement.as_ref().map(|s| format!(" at {s}")).unwrap_or_default(), if *rolled_back { "; nothing was recorded and the transaction was rolled back: fix the cause and run again" } else { "; the revision is recorded as failed in the version table (as started, if the database could not be reached): check which of its statements took effect, then run `cargo migrate resolve` as the next run's error explains" })]
    Migration {
        /// The revision id.
        revision: String,
        /// Its file.
        file: String,
        /// `upgrade` or `downgrade`.
        direction: &'static str,
        /// The failing statement when known: its number, its line within the
        /// section and its text, shortened, e.g.
        /// ``statement 2 (line 4 of the up section): `CREATE TABLE ...` ``.
        statement: Option<String>,
        /// Whether the database rolled the whole revision back.
        rolled_back: bool,
        /// The driver's error.
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
    /// A version-table name that is not a plain identifier.
    #[error("invalid version table name `{name}`: use letters, digits and `_` (optionally `schema.table`), at most 63 characters")]
    InvalidTableName {
        /// The name given.
        name: String,
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
    /// The version table holds something this version cannot read.
    #[error(
        "the version table {table} is not in the expected shape: {detail}; was it edited by hand?"
    )]
    CorruptTable {
        /// The table.
        table: String,
        /// What is wrong.
        detail: String,
    },
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
