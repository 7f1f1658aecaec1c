//! Database URLs, parsed once: which backend, where the server is, and which
//! parts are secret. The one place that knows how a URL is written, how it is
//! shown without its password, and what to scrub from a driver's message.
//!
//! Three forms are read: URLs (`postgres://`, `postgresql://`, `mysql://`,
//! `mariadb://`, through the `url` crate), SQLite's `sqlite:` texts (split as
//! sqlx splits them: a path, then `?` options), and libpq `key=value`
//! connection strings (PostgreSQL). Text that does not parse is never shown:
//! errors name its scheme and, when it can be told apart, its host.

use crate::dialect::Dialect;
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
    if userinfo {
        out.push_str(": special characters in the user name and password must be percent-encoded (`/` as %2F, `#` as %23, `?` as %3F, `@` as %40, `:` as %3A, `%` as %25)");
    } else {
        out.push_str(": check it against postgres://USER:PASSWORD@HOST:PORT/DATABASE");
    }
    out
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
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => Ok(sqlite(text)),
            "postgres" | "postgresql" => server(text, scheme, Dialect::Postgres),
            "mysql" | "mariadb" => server(text, scheme, Dialect::MySql),
            _ => Err(UrlError::Unsupported {
                shown: foreign(text, scheme),
            }),
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

    /// The text to hand to sqlx: `mariadb://` spelled `mysql://`, SQLite's
    /// scheme in lowercase, a `key=value` string as a URL.
    #[cfg_attr(
        not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
        allow(dead_code)
    )]
    pub(crate) fn driver_text(&self) -> Cow<'_, str> {
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

/// Parameters whose values are secrets (`password`, `sslpassword`, ...).
fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["password", "passwd", "secret", "token"]
        .iter()
        .any(|w| key.contains(w))
        || key == "pwd"
}

/// The scheme, if the text starts with one (RFC 3986: a letter, then
/// letters, digits, `+`, `-`, `.`).
fn scheme_of(text: &str) -> Option<&str> {
    let scheme = &text[..text.find(':')?];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
        .then_some(scheme)
}

fn looks_like_key_value(text: &str) -> bool {
    let t = text.trim_start();
    let key_end = t
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(t.len());
    key_end > 0 && t[key_end..].trim_start().starts_with('=')
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// Every form of a secret worth scrubbing: as written, percent-decoded and,
/// for query values, with `+` read as a space.
fn forms_of(raw: &str, out: &mut Vec<String>, plus_is_space: bool) {
    out.push(raw.to_owned());
    out.push(percent_decode(raw));
    if plus_is_space {
        out.push(percent_decode(&raw.replace('+', " ")));
    }
}

fn finish(mut secrets: Vec<String>) -> Vec<String> {
    secrets.retain(|s| !s.is_empty() && s != "***");
    secrets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    secrets.dedup();
    secrets
}

/// The raw (as written) query pairs after the first `?`, up to any `#`.
fn raw_query(text: &str) -> &str {
    let Some(q) = text.find('?') else { return "" };
    let query = &text[q + 1..];
    &query[..query.find('#').unwrap_or(query.len())]
}

/// Decoded query pairs, as sqlx reads them.
fn query_pairs(text: &str) -> impl Iterator<Item = (String, String)> + '_ {
    ::url::form_urlencoded::parse(raw_query(text).as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
}

fn query_secrets(text: &str, out: &mut Vec<String>) {
    for piece in raw_query(text).split('&') {
        if let Some((k, v)) = piece.split_once('=') {
            if is_secret_key(&percent_decode(k)) {
                forms_of(v, out, true);
            }
        }
    }
}

fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|piece| match piece.split_once('=') {
            Some((k, _)) if is_secret_key(&percent_decode(k)) => format!("{k}=***"),
            _ => piece.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A URL as shown: password and secret parameters `***`, no fragment.
fn redacted(url: &::url::Url) -> String {
    let mut shown = url.clone();
    shown.set_fragment(None);
    if let Some(query) = url.query() {
        shown.set_query(Some(&redact_query(query)));
    }
    if url.password().is_some() && shown.set_password(Some("***")).is_err() {
        // Only URLs without a host refuse a password, and those hold none.
        return format!("{}:", url.scheme());
    }
    shown.to_string()
}

/// The authority of `scheme://authority/...` as written: up to the first
/// `/`, `?` or `#`.
fn authority(text: &str) -> Option<&str> {
    let rest = &text[text.find("://")? + 3..];
    Some(&rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())])
}

/// The password between `:` and the last `@` of the authority, as written.
fn raw_password(text: &str) -> Option<&str> {
    let authority = authority(text)?;
    let userinfo = &authority[..authority.rfind('@')?];
    userinfo.split_once(':').map(|(_, p)| p)
}

fn sqlite(text: &str) -> DatabaseUrl {
    let prefix = if text
        .get(..9)
        .is_some_and(|s| s.eq_ignore_ascii_case("sqlite://"))
    {
        "sqlite://"
    } else {
        "sqlite:"
    };
    let rest = &text[prefix.len()..];
    let path = rest.split_once('?').map_or(rest, |(p, _)| p);
    let mut secrets = Vec::new();
    query_secrets(text, &mut secrets);
    DatabaseUrl {
        text: text.to_owned(),
        dialect: Dialect::Sqlite,
        form: Form::Sqlite { prefix },
        host: None,
        socket: None,
        port: None,
        database: (!path.is_empty()).then(|| path.to_owned()),
        secrets: finish(secrets),
    }
}

fn server(text: &str, scheme: &str, dialect: Dialect) -> Result<DatabaseUrl, UrlError> {
    let fail = |reason: &str| UrlError::Malformed {
        scheme: Some(scheme.to_ascii_lowercase()),
        host: guess_host(text),
        reason: reason.to_owned(),
        userinfo: text.contains('@'),
    };
    if !text[scheme.len() + 1..].starts_with("//") {
        return Err(fail(&format!("expected `{scheme}://` and the server")));
    }
    let url = ::url::Url::parse(text).map_err(|e| fail(&e.to_string()))?;
    // A raw `#`, `?` or `/` in a password can still make a URL, one that
    // reads part of the password as a port, path, query or fragment.
    if url.fragment().is_some() {
        return Err(fail(
            "a `#` starts a fragment, which database URLs do not have",
        ));
    }
    let after_authority = scheme.len() + 3 + authority(text).map_or(0, str::len);
    if url.username().is_empty()
        && url.password().is_none()
        && text[after_authority..].contains('@')
    {
        return Err(fail("an `@` comes after the host"));
    }

    let pairs: Vec<(String, String)> = query_pairs(text).collect();
    let param = |key: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let mut host = match url.host() {
        Some(::url::Host::Domain(d)) => Some(percent_decode(d)),
        Some(::url::Host::Ipv4(a)) => Some(a.to_string()),
        Some(::url::Host::Ipv6(a)) => Some(a.to_string()),
        None => None,
    }
    .filter(|h| !h.is_empty());
    let mut port = url.port();
    let mut database = Some(percent_decode(url.path().trim_start_matches('/')));
    let mut socket = None;
    match dialect {
        Dialect::Postgres => {
            if let Some(h) = param("host").or_else(|| param("hostaddr")) {
                host = Some(h);
            }
            if let Some(p) = param("port").and_then(|p| p.parse().ok()) {
                port = Some(p);
            }
            if let Some(d) = param("dbname") {
                database = Some(d);
            }
            if host.as_deref().is_some_and(|h| h.starts_with('/')) {
                socket = host.take();
            }
        }
        _ => socket = param("socket"),
    }
    if socket.is_some() {
        host = None;
    } else if host.is_none() {
        host = Some("localhost".to_owned());
    }
    let default_port = if dialect == Dialect::Postgres {
        5432
    } else {
        3306
    };

    let mut secrets = Vec::new();
    if let Some(raw) = raw_password(text) {
        forms_of(raw, &mut secrets, false);
    }
    if let Some(p) = url.password() {
        forms_of(p, &mut secrets, false);
    }
    query_secrets(text, &mut secrets);
    for (k, v) in &pairs {
        if is_secret_key(k) {
            secrets.push(v.clone());
        }
    }
    Ok(DatabaseUrl {
        text: text.to_owned(),
        dialect,
        form: Form::Url(url),
        host,
        socket,
        port: Some(port.unwrap_or(default_port)),
        database: database.filter(|d| !d.is_empty()),
        secrets: finish(secrets),
    })
}

/// A URL of a scheme we do not speak, shown only as far as it is safe: the
/// scheme, and with `://` the redacted URL when it parses cleanly.
fn foreign(text: &str, scheme: &str) -> String {
    let clean = ::url::Url::parse(text).ok().filter(|u| {
        text[scheme.len() + 1..].starts_with("//")
            && u.fragment().is_none()
            && !text[authority(text).map_or(0, str::len) + scheme.len() + 3..].contains('@')
    });
    match clean {
        Some(url) => redacted(&url),
        None => format!("{scheme}:"),
    }
}

/// The host of a URL that does not parse, if it looks like a host: what
/// follows the last `@` (or `://`), up to a port, path or query. A raw `@`
/// in a password precedes the host's own, so nothing after the last `@` is
/// password.
fn guess_host(text: &str) -> Option<String> {
    let rest = &text[text.find("://")? + 3..];
    let rest = rest.rfind('@').map_or(rest, |at| &rest[at + 1..]);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let hostport = &rest[..end];
    let host = if hostport.starts_with('[') {
        &hostport[..=hostport.find(']')?]
    } else {
        hostport.split(':').next().unwrap_or("")
    };
    let plain = host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || ".-_[]:".contains(c));
    (plain && !host.is_empty()).then(|| host.to_owned())
}

/// Secrets of text that does not parse: a best guess that errs on the side
/// of hiding more.
fn loose_secrets(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(start) = text.find("://") {
        let rest = &text[start + 3..];
        if let Some(at) = rest.rfind('@') {
            if let Some((_, password)) = rest[..at].split_once(':') {
                forms_of(password, &mut out, false);
            }
        }
    }
    for piece in text.split(|c: char| c == '&' || c == '?' || c.is_whitespace()) {
        if let Some((k, v)) = piece.split_once('=') {
            if is_secret_key(k.trim()) {
                forms_of(v.trim_matches('\''), &mut out, true);
            }
        }
    }
    finish(out)
}

fn redact_word(word: &str) -> Cow<'_, str> {
    let Some(sep) = word.find("://") else {
        return Cow::Borrowed(word);
    };
    let start = word[..sep]
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || "+-.".contains(c)))
        .map_or(0, |i| i + 1);
    let body = &word[start..];
    // Punctuation around a URL in prose is not part of it; nor is the
    // `:` of `cannot connect to URL: reason`.
    let end = body
        .trim_end_matches(['`', '\'', '"', ')', ']', ',', ';', '.', ':'])
        .len();
    let (url, tail) = body.split_at(end);
    let shown = match DatabaseUrl::parse(url) {
        Ok(u) => u.to_string(),
        Err(UrlError::Unsupported { shown }) => shown,
        Err(_) => format!("{}://***", &word[start..sep]),
    };
    Cow::Owned(format!("{}{shown}{tail}", &word[..start]))
}

/// A libpq connection string: `key = value` pairs separated by spaces,
/// values optionally single-quoted, `\` escaping the next character.
fn key_value(text: &str) -> Result<DatabaseUrl, UrlError> {
    let mut pairs = Vec::new();
    let mut secrets = Vec::new();
    let mut chars = text.char_indices().peekable();
    let fail = |reason: &str, pairs: &[(String, String)]| UrlError::Malformed {
        scheme: None,
        host: pairs
            .iter()
            .find(|(k, _)| k == "host")
            .map(|(_, v)| v.clone())
            .filter(|h| {
                h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "./-_:".contains(c))
            }),
        reason: reason.to_owned(),
        userinfo: false,
    };
    loop {
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let Some(&(key_start, _)) = chars.peek() else {
            break;
        };
        while chars
            .next_if(|(_, c)| !c.is_whitespace() && *c != '=')
            .is_some()
        {}
        let key_end = chars.peek().map_or(text.len(), |&(i, _)| i);
        let key = text[key_start..key_end].to_owned();
        if key.is_empty() {
            return Err(fail("a `=` without a key", &pairs));
        }
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        if chars.next_if(|(_, c)| *c == '=').is_none() {
            return Err(fail("a key without `= value`", &pairs));
        }
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let value_start = chars.peek().map_or(text.len(), |&(i, _)| i);
        let mut value = String::new();
        let quoted = chars.next_if(|(_, c)| *c == '\'').is_some();
        let mut closed = !quoted;
        while let Some((_, c)) = chars.next_if(|&(_, c)| quoted || !c.is_whitespace()) {
            match c {
                '\\' => {
                    if let Some((_, escaped)) = chars.next() {
                        value.push(escaped);
                    }
                }
                '\'' if quoted => {
                    closed = true;
                    break;
                }
                c => value.push(c),
            }
        }
        if !closed {
            return Err(fail("a quote is not closed", &pairs));
        }
        let value_end = chars.peek().map_or(text.len(), |&(i, _)| i);
        if is_secret_key(&key) {
            secrets.push(text[value_start..value_end].to_owned());
            secrets.push(value.clone());
        }
        pairs.push((key, value));
    }
    let get = |key: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let mut host = get("host").or_else(|| get("hostaddr"));
    let socket = host.take_if(|h| h.starts_with('/'));
    if socket.is_none() && host.is_none() {
        host = Some("localhost".to_owned());
    }
    let port = match get("port") {
        Some(p) => Some(
            p.parse()
                .map_err(|_| fail("the port is not a number", &pairs))?,
        ),
        None => Some(5432),
    };
    Ok(DatabaseUrl {
        text: text.to_owned(),
        dialect: Dialect::Postgres,
        host,
        socket,
        port,
        database: get("dbname"),
        secrets: finish(secrets),
        form: Form::KeyValue(pairs),
    })
}

fn quote_value(value: &str) -> Cow<'_, str> {
    if !value.is_empty() && !value.contains(|c: char| c.is_whitespace() || c == '\'' || c == '\\') {
        return Cow::Borrowed(value);
    }
    Cow::Owned(format!(
        "'{}'",
        value.replace('\\', "\\\\").replace('\'', "\\'")
    ))
}

#[cfg(test)]
mod tests;
