//! Which parts of a database URL are secret, and how a URL is shown without
//! them.

use super::{DatabaseUrl, UrlError};
use std::borrow::Cow;

/// Parameters whose values are secrets (`password`, `sslpassword`, ...).
pub(super) fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["password", "passwd", "secret", "token"]
        .iter()
        .any(|w| key.contains(w))
        || key == "pwd"
}

pub(super) fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// Every form of a secret worth scrubbing: as written, percent-decoded and,
/// for query values, with `+` read as a space.
pub(super) fn forms_of(raw: &str, out: &mut Vec<String>, plus_is_space: bool) {
    out.push(raw.to_owned());
    out.push(percent_decode(raw));
    if plus_is_space {
        out.push(percent_decode(&raw.replace('+', " ")));
    }
}

pub(super) fn finish(mut secrets: Vec<String>) -> Vec<String> {
    secrets.retain(|s| !s.is_empty() && s != "***");
    secrets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    secrets.dedup();
    secrets
}

/// The raw (as written) query pairs after the first `?`, up to any `#`.
pub(super) fn raw_query(text: &str) -> &str {
    let Some(q) = text.find('?') else { return "" };
    let query = &text[q + 1..];
    &query[..query.find('#').unwrap_or(query.len())]
}

/// Decoded query pairs, as sqlx reads them.
pub(super) fn query_pairs(text: &str) -> impl Iterator<Item = (String, String)> + '_ {
    ::url::form_urlencoded::parse(raw_query(text).as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
}

pub(super) fn query_secrets(text: &str, out: &mut Vec<String>) {
    for piece in raw_query(text).split('&') {
        if let Some((k, v)) = piece.split_once('=') {
            if is_secret_key(&percent_decode(k)) {
                forms_of(v, out, true);
            }
        }
    }
}

pub(super) fn redact_query(query: &str) -> String {
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
pub(super) fn redacted(url: &::url::Url) -> String {
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

/// Secrets of text that does not parse: a best guess that errs on the side
/// of hiding more.
pub(super) fn loose_secrets(text: &str) -> Vec<String> {
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

pub(super) fn redact_word(word: &str) -> Cow<'_, str> {
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

/// What must never be printed for one database URL: its secrets (whether
/// or not the URL parses) and any URL-shaped word in a text. The one
/// scrubber both command lines put their output through.
///
/// ```
/// use migrate_runtime::Redactor;
/// let r = Redactor::for_url("postgres://app:s3cr%40t@db/x");
/// assert_eq!(r.scrub("login s3cr@t failed"), "login *** failed");
/// assert_eq!(r.scrub("see mysql://root:pw@h/db"), "see mysql://root:***@h/db");
/// ```
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    words: Vec<String>,
}

impl Redactor {
    /// The secrets of `url`, parsed or not. A secret shorter than 4
    /// characters would mangle ordinary words if replaced everywhere; it is
    /// still redacted wherever it stands inside a URL.
    pub fn for_url(url: &str) -> Redactor {
        let mut words: Vec<String> = DatabaseUrl::secrets_of(url)
            .into_iter()
            .filter(|w| w.len() >= 4)
            .collect();
        // Longest first, so a secret containing another is replaced whole.
        words.sort_by_key(|w| std::cmp::Reverse(w.len()));
        Redactor { words }
    }

    /// `text` with every URL redacted and every secret replaced by `***`.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = DatabaseUrl::redact_in(text);
        for w in &self.words {
            if out.contains(w.as_str()) {
                out = out.replace(w.as_str(), "***");
            }
        }
        out
    }
}
