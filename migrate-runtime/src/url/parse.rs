//! Reading `postgres://`, `mysql://` and `sqlite:` texts, and naming what
//! can be named of a text that does not parse.

use super::secrets::{
    finish, forms_of, is_secret_key, percent_decode, query_pairs, query_secrets, redacted,
};
use super::{DatabaseUrl, Form, UrlError};
use crate::Dialect;

/// The scheme, if the text starts with one (RFC 3986: a letter, then
/// letters, digits, `+`, `-`, `.`).
pub(super) fn scheme_of(text: &str) -> Option<&str> {
    let scheme = &text[..text.find(':')?];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
        .then_some(scheme)
}

/// The authority of `scheme://authority/...` as written: up to the first
/// `/`, `?` or `#`.
pub(super) fn authority(text: &str) -> Option<&str> {
    let rest = &text[text.find("://")? + 3..];
    Some(&rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())])
}

/// The password between `:` and the last `@` of the authority, as written.
pub(super) fn raw_password(text: &str) -> Option<&str> {
    let authority = authority(text)?;
    let userinfo = &authority[..authority.rfind('@')?];
    userinfo.split_once(':').map(|(_, p)| p)
}

pub(super) fn sqlite(text: &str) -> DatabaseUrl {
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

pub(super) fn server(text: &str, scheme: &str, dialect: Dialect) -> Result<DatabaseUrl, UrlError> {
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
pub(super) fn foreign(text: &str, scheme: &str) -> String {
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
pub(super) fn guess_host(text: &str) -> Option<String> {
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
