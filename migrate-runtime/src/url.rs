//! Database URLs, parsed once: which backend, where the server is, and which
//! parts are secret. The one place that knows how a URL is written, how it is
//! shown without its password, and what to scrub from a driver's message.
//!
//! Three forms are read: URLs (`postgres://`, `postgresql://`, `mysql://`,
//! `mariadb://`, through the `url` crate), SQLite's `sqlite:` texts (split as
//! sqlx splits them: a path, then `?` options), and libpq `key=value`
//! connection strings (PostgreSQL). Text that does not parse is never shown:
//! errors name its scheme and, when it can be told apart, its host.
//!
//! `url/parse.rs` reads URLs and `sqlite:` texts, `url/key_value.rs` libpq
//! strings, and `url/secrets.rs` knows what is secret and how a URL is shown
//! without it.
//!
//! # Imports
//!
//! `key_value`, `parse` → `secrets`

mod key_value;
mod parse;
mod secrets;

pub use secrets::Redactor;

use self::key_value::{key_value, looks_like_key_value, quote_value};
use self::parse::{foreign, scheme_of, server, sqlite};
use self::secrets::{
    is_secret_key, loose_secrets, query_pairs, redact_query, redact_word, redacted,
};
use crate::Dialect;
use std::borrow::Cow;
use std::fmt;

/// A parsed database URL. Its `Display` and `Debug` forms show the password
/// (and any secret query parameter) as `***`.
///
/// ```
/// use migrate_runtime::{DatabaseUrl, Dialect};
/// let url = DatabaseUrl::parse("postgres://app:s3cr%40t@db.internal/orders?sslmode=require")?;
/// assert_eq!(url.dialect(), Dialect::Postgres);
/// assert_eq!(url.to_string(), "postgres://app:***@db.internal/orders?sslmode=require");
/// assert_eq!(url.address().as_deref(), Some("db.internal:5432"));
/// assert_eq!(url.database(), Some("orders"));
/// assert_eq!(url.secrets(), ["s3cr%40t", "s3cr@t"]);
/// # Ok::<(), migrate_runtime::UrlError>(())
/// ```
#[derive(Clone)]
pub struct DatabaseUrl {
    /// As given: handed to the driver, never printed.
    text: String,
    dialect: Dialect,
    form: Form,
    host: Option<String>,
    socket: Option<String>,
    port: Option<u16>,
    database: Option<String>,
    /// Longest first, so that a secret containing another is replaced whole.
    secrets: Vec<String>,
}

#[derive(Clone)]
enum Form {
    /// A server URL, as the `url` crate reads it.
    Url(::url::Url),
    /// `sqlite:` or `sqlite://`, then the path, then `?` options.
    Sqlite { prefix: &'static str },
    /// libpq `key=value` pairs, unquoted.
    KeyValue(Vec<(String, String)>),
}

/// Why a database URL cannot be used. No variant holds any part of the text
/// that could be a password.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UrlError {
    /// Nothing was given.
    #[error("the database URL is empty: give one like sqlite:app.db, postgres://USER:PASSWORD@HOST/DATABASE or mysql://USER:PASSWORD@HOST/DATABASE")]
    Empty,
    /// The text starts with no scheme and is no `key=value` string.
    #[error("the database URL has no scheme (it is not shown, as it may hold a password): write it as sqlite:FILE, postgres://USER:PASSWORD@HOST:PORT/DATABASE or mysql://USER:PASSWORD@HOST:PORT/DATABASE")]
    NoScheme,
    /// A scheme that names no database this crate speaks.
    #[error("unsupported database URL `{shown}`: use sqlite:, postgres://, postgresql://, mysql:// or mariadb://")]
    Unsupported {
        /// The URL with its password replaced by `***`, or only its scheme
        /// when it does not parse.
        shown: String,
    },
    /// A supported scheme, but the rest does not parse.
    #[error("{}", malformed(scheme.as_deref(), host.as_deref(), reason, *userinfo))]
    Malformed {
        /// The scheme (`postgres`), or `None` for a `key=value` string.
        scheme: Option<String>,
        /// The host, when it could be told apart from the rest.
        host: Option<String>,
        /// What is wrong, in words that quote nothing of the text.
        reason: String,
        /// Whether the text seems to hold a user name or password: the hint
        /// on percent-encoding is given only then.
        userinfo: bool,
    },
    /// A supported URL whose backend is not compiled in.
    #[error("database URL `{url}` needs the `{feature}` cargo feature of migrate-runtime, which is not enabled")]
    NotEnabled {
        /// The URL, password redacted.
        url: String,
        /// The feature to enable.
        feature: &'static str,
    },
}

fn malformed(scheme: Option<&str>, host: Option<&str>, reason: &str, userinfo: bool) -> String {
    let what = match scheme {
        Some(s) => format!("the {s}:// URL"),
        None => "the key=value connection string".to_owned(),
    };
    let at = host.map(|h| format!(" for host `{h}`")).unwrap_or_default();
    let mut out = format!(
        "{what}{at} does not parse ({reason}; the text is not shown, as it may hold a password)"
    );
    match scheme {
        _ if userinfo => out.push_str(": special characters in the user name and password must be percent-encoded (`/` as %2F, `#` as %23, `?` as %3F, `@` as %40, `:` as %3A, `%` as %25)"),
        Some(s) => out.push_str(&format!(": check it against {s}://USER:PASSWORD@HOST:PORT/DATABASE")),
        None => out.push_str(": write each setting as `key=value`, quoting a value that has spaces as 'a b' (with \\' for a quote inside)"),
    }
    out
}

/// The backend of a URL scheme, as the drivers spell it (`postgresql`,
/// `mariadb` too).
fn scheme_dialect(scheme: &str) -> Option<Dialect> {
    match scheme.to_ascii_lowercase().as_str() {
        "sqlite" => Some(Dialect::Sqlite),
        "postgres" | "postgresql" => Some(Dialect::Postgres),
        "mysql" | "mariadb" => Some(Dialect::MySql),
        _ => None,
    }
}

impl DatabaseUrl {
    /// Reads a database URL: `sqlite:app.db`, `sqlite://app.db`,
    /// `sqlite::memory:`, `postgres://` / `postgresql://`, `mysql://` /
    /// `mariadb://`, or a libpq `host=... dbname=...` string.
    pub fn parse(text: &str) -> Result<DatabaseUrl, UrlError> {
        if text.trim().is_empty() {
            return Err(UrlError::Empty);
        }
        let Some(scheme) = scheme_of(text) else {
            return if looks_like_key_value(text) {
                key_value(text)
            } else {
                Err(UrlError::NoScheme)
            };
        };
        match scheme_dialect(scheme) {
            Some(Dialect::Sqlite) => Ok(sqlite(text)),
            Some(dialect) => server(text, scheme, dialect),
            None => Err(UrlError::Unsupported {
                shown: foreign(text, scheme),
            }),
        }
    }

    /// The backend a URL's text names, from its scheme alone (a libpq
    /// `key=value` string names PostgreSQL), whether or not the rest
    /// parses: for commands that need the SQL dialect but never connect.
    ///
    /// ```
    /// use migrate_runtime::{DatabaseUrl, Dialect};
    /// assert_eq!(DatabaseUrl::dialect_of("postgres://u@h/db"), Some(Dialect::Postgres));
    /// assert_eq!(DatabaseUrl::dialect_of("mariadb://u@h/db"), Some(Dialect::MySql));
    /// assert_eq!(DatabaseUrl::dialect_of("sqlite:app.db"), Some(Dialect::Sqlite));
    /// assert_eq!(DatabaseUrl::dialect_of("host=db dbname=app"), Some(Dialect::Postgres));
    /// assert_eq!(DatabaseUrl::dialect_of("oracle://x"), None);
    /// ```
    pub fn dialect_of(text: &str) -> Option<Dialect> {
        match scheme_of(text) {
            Some(scheme) => scheme_dialect(scheme),
            None => looks_like_key_value(text).then_some(Dialect::Postgres),
        }
    }

    /// Which backend the URL names.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The server's host name or address (IPv6 without brackets): from the
    /// URL, a `host=` parameter, or `localhost` when none is given. `None`
    /// for SQLite and for Unix sockets.
    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }

    /// The server's port, the dialect's default (5432, 3306) when none is
    /// given. `None` for SQLite.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The Unix socket (PostgreSQL: its directory) given by a `/path` host or
    /// a `host=` / `socket=` parameter.
    pub fn socket(&self) -> Option<&str> {
        self.socket.as_deref()
    }

    /// The database name, or the file of a SQLite database (`:memory:` for
    /// an in-memory one). `None` when the URL names none.
    pub fn database(&self) -> Option<&str> {
        self.database.as_deref()
    }

    /// Where the server is expected, for messages: `db:5432`, `[::1]:5432`
    /// or `the Unix socket /run/postgresql`. `None` for SQLite.
    pub fn address(&self) -> Option<String> {
        if let Some(socket) = &self.socket {
            return Some(format!("the Unix socket {socket}"));
        }
        let (host, port) = (self.host.as_deref()?, self.port?);
        Some(if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        })
    }

    /// Every form of every secret in the text (the password as written,
    /// percent-encoded and decoded; secret query parameters and `key=value`
    /// values as written and decoded), longest first. Empty when there are
    /// none.
    pub fn secrets(&self) -> &[String] {
        &self.secrets
    }

    /// The secrets of `text` whether or not it parses: for a URL that does
    /// not, everything between `://` and its last `@` after the first `:`,
    /// and the values of secret-named parameters, as written and decoded.
    ///
    /// ```
    /// use migrate_runtime::DatabaseUrl;
    /// let secrets = DatabaseUrl::secrets_of("postgres://app:Se/cr#et?Pw1@host/db");
    /// assert!(secrets.contains(&"Se/cr#et?Pw1".to_owned()));
    /// ```
    pub fn secrets_of(text: &str) -> Vec<String> {
        match DatabaseUrl::parse(text) {
            Ok(url) => url.secrets,
            Err(_) => loose_secrets(text),
        }
    }

    /// `message` with every secret of this URL replaced by `***`. When a
    /// secret is shorter than 4 characters, replacing it would mangle the
    /// message and could still be guessed from the gaps, so the whole
    /// message is withheld instead.
    pub fn scrub(&self, message: &str) -> String {
        if self.secrets.iter().any(|s| s.chars().count() < 4) {
            return "the driver's message is withheld because it might contain the password"
                .to_owned();
        }
        self.secrets
            .iter()
            .fold(message.to_owned(), |m, s| m.replace(s.as_str(), "***"))
    }

    /// `text` with every URL in it (a word containing `://`) shown as
    /// [`DatabaseUrl`]'s `Display` shows it: password and secret parameters
    /// as `***`, and nothing after the scheme of a URL that does not parse.
    ///
    /// ```
    /// use migrate_runtime::DatabaseUrl;
    /// assert_eq!(
    ///     DatabaseUrl::redact_in("see `mysql://root:pw@h/db` now"),
    ///     "see `mysql://root:***@h/db` now"
    /// );
    /// ```
    pub fn redact_in(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while !rest.is_empty() {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let (word, tail) = rest.split_at(end);
            out.push_str(&redact_word(word));
            let ws = tail
                .find(|c: char| !c.is_whitespace())
                .unwrap_or(tail.len());
            out.push_str(&tail[..ws]);
            rest = &tail[ws..];
        }
        out
    }

    /// The text to hand to sqlx's `connect`: `mariadb://` spelled
    /// `mysql://`, SQLite's scheme in lowercase, a `key=value` string as a
    /// URL. It holds the password: never print it (print `self`).
    pub fn driver_text(&self) -> Cow<'_, str> {
        match &self.form {
            Form::Sqlite { prefix } => {
                Cow::Owned(format!("{prefix}{}", &self.text[prefix.len()..]))
            }
            Form::KeyValue(pairs) => {
                let mut url = ::url::Url::parse("postgres:///").expect("a valid URL");
                {
                    let mut query = url.query_pairs_mut();
                    for (k, v) in pairs {
                        // sqlx ignores keys it does not know, logging their
                        // values: keep secret ones (`sslpassword`) out.
                        if k == "password" || !is_secret_key(k) {
                            query.append_pair(k, v);
                        }
                    }
                }
                Cow::Owned(url.to_string())
            }
            Form::Url(_)
                if self
                    .text
                    .get(..10)
                    .is_some_and(|s| s.eq_ignore_ascii_case("mariadb://")) =>
            {
                Cow::Owned(format!("mysql://{}", &self.text[10..]))
            }
            Form::Url(_) => Cow::Borrowed(&self.text),
        }
    }

    /// The same server and credentials with another database: how scratch
    /// databases are reached on a dev server. `None` for SQLite.
    pub fn with_database(&self, name: &str) -> Option<DatabaseUrl> {
        let text = match &self.form {
            Form::Sqlite { .. } => return None,
            Form::Url(url) => {
                let mut url = url.clone();
                url.set_path(&format!("/{name}"));
                url.to_string()
            }
            Form::KeyValue(_) => {
                let mut url = ::url::Url::parse(&self.driver_text()).ok()?;
                let pairs: Vec<(String, String)> = url
                    .query_pairs()
                    .filter(|(k, _)| k != "dbname")
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
                url.query_pairs_mut()
                    .clear()
                    .extend_pairs(pairs)
                    .append_pair("dbname", name);
                url.to_string()
            }
        };
        DatabaseUrl::parse(&text).ok()
    }

    /// The decoded value of query parameter `key`, if given.
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    pub(crate) fn query_value(&self, key: &str) -> Option<String> {
        query_pairs(&self.text)
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

impl std::str::FromStr for DatabaseUrl {
    type Err = UrlError;
    fn from_str(text: &str) -> Result<DatabaseUrl, UrlError> {
        DatabaseUrl::parse(text)
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.form {
            Form::Url(url) => f.write_str(&redacted(url)),
            Form::Sqlite { prefix } => {
                let rest = &self.text[prefix.len()..];
                match rest.split_once('?') {
                    Some((path, query)) => write!(f, "{prefix}{path}?{}", redact_query(query)),
                    None => write!(f, "{prefix}{rest}"),
                }
            }
            Form::KeyValue(pairs) => {
                let shown: Vec<String> = pairs
                    .iter()
                    .map(|(k, v)| {
                        if is_secret_key(k) {
                            format!("{k}=***")
                        } else {
                            format!("{k}={}", quote_value(v))
                        }
                    })
                    .collect();
                f.write_str(&shown.join(" "))
            }
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DatabaseUrl")
            .field(&self.to_string())
            .finish()
    }
}

#[cfg(test)]
mod tests;
