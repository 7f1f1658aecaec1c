//! libpq `key=value` connection strings (PostgreSQL): `host=db port=5432
//! user=app password='a b' dbname=orders`.

use super::secrets::{finish, is_secret_key};
use super::{DatabaseUrl, Form, UrlError};
use crate::Dialect;
use std::borrow::Cow;

pub(super) fn looks_like_key_value(text: &str) -> bool {
    let t = text.trim_start();
    let key_end = t
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(t.len());
    key_end > 0 && t[key_end..].trim_start().starts_with('=')
}

/// A libpq connection string: `key = value` pairs separated by spaces,
/// values optionally single-quoted, `\` escaping the next character.
pub(super) fn key_value(text: &str) -> Result<DatabaseUrl, UrlError> {
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

pub(super) fn quote_value(value: &str) -> Cow<'_, str> {
    if !value.is_empty() && !value.contains(|c: char| c.is_whitespace() || c == '\'' || c == '\\') {
        return Cow::Borrowed(value);
    }
    Cow::Owned(format!(
        "'{}'",
        value.replace('\\', "\\\\").replace('\'', "\\'")
    ))
}
