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
    /// The URL's scheme names no enabled backend.
    #[error("unsupported database URL `{url}`: use sqlite:, postgres:// or mysql:// (is the cargo feature for it enabled?)")]
    UnsupportedUrl {
        /// The URL, password redacted.
        url: String,
    },
    /// Connecting failed.
    #[error("cannot connect to {url}: {source}; check that the server is running and the URL, user and password are right")]
    Connect {
        /// The URL, password redacted.
        url: String,
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

/// Replaces the password in a database URL with `***`.
///
/// ```
/// use migrate_runtime::redact_url;
/// assert_eq!(redact_url("postgres://app:s3cret@db:5432/x"), "postgres://app:***@db:5432/x");
/// assert_eq!(redact_url("sqlite:app.db"), "sqlite:app.db");
/// ```
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_owned();
    };
    let userinfo = &authority[..at];
    let user = userinfo.split(':').next().unwrap_or("");
    let redacted = if userinfo.contains(':') {
        format!("{user}:***")
    } else {
        user.to_owned()
    };
    format!("{}://{}{}", &url[..scheme_end], redacted, &rest[at..])
}

/// The forms of a URL's password that must never be printed: as written and
/// percent-decoded (each once), longest first. Empty when the URL has none.
///
/// ```
/// use migrate_runtime::url_passwords;
/// assert_eq!(url_passwords("mysql://app:p%40ss@db/x"), ["p%40ss", "p@ss"]);
/// assert!(url_passwords("sqlite:app.db").is_empty());
/// ```
pub fn url_passwords(url: &str) -> Vec<String> {
    let Some(password) = password_of(url) else {
        return Vec::new();
    };
    let decoded = percent_decode(&password);
    let mut out = vec![password];
    if !out.contains(&decoded) {
        out.push(decoded);
    }
    out.sort_by_key(|w| std::cmp::Reverse(w.len()));
    out
}

fn password_of(url: &str) -> Option<String> {
    let rest = &url[url.find("://")? + 3..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let userinfo = &authority[..authority.rfind('@')?];
    let (_, password) = userinfo.split_once(':')?;
    (!password.is_empty()).then(|| password.to_owned())
}

fn percent_decode(text: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(hi << 4 | lo);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
