//! The one place where errors and warnings become text on stderr.
//!
//! An error prints as `error: <message>`, then each underlying cause not
//! already in the message as `caused by: ...`, then an optional `hint: ...`.
//! Problems in migration files print rustc-style, with the offending line.
//! Everything goes through [`Secrets`] first, so no database password
//! reaches the terminal, whatever a driver put into its message.

use crate::error::CliError;
use migrate_graph::{normalize, SourceFile, ValidationError};
use migrate_runtime::{ConnectFailure, DatabaseUrl};
use std::error::Error as _;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// Secrets to remove from anything printed: every form of the database
/// URL's secrets (see [`DatabaseUrl::secrets_of`]), and the password part of
/// any URL in the text.
/// The runtime's one scrubber: the URL's secrets and any URL in a text.
pub(crate) type Secrets = migrate_runtime::Redactor;

/// What the renderer knows about the run, for hints and scrubbing.
#[derive(Debug, Default)]
pub(crate) struct Context {
    /// Secrets to keep off the screen.
    pub secrets: Secrets,
    /// The database URL in use, if it parses (printed only redacted).
    pub url: Option<DatabaseUrl>,
    /// Where that URL came from, e.g. `the DATABASE_URL environment variable`.
    pub url_origin: Option<String>,
}

/// Prints `err` on stderr and returns the exit code for it.
pub(crate) fn report(err: &CliError, ctx: &Context) -> u8 {
    let mut text = String::new();
    match err {
        CliError::Invalid { dir, errors, files } => {
            text.push_str(&validation_problems(dir, errors, files));
            if errors.len() > 1 {
                let _ = writeln!(
                    text,
                    "error: {} problems in {}; fix them and run again",
                    errors.len(),
                    dir.display()
                );
            }
        }
        // `check` already printed each problem; this is the summary line.
        _ => {
            let message = err.to_string();
            let _ = writeln!(text, "error: {message}");
            let mut seen = message;
            let mut cause = err.source();
            while let Some(c) = cause {
                let line = c.to_string();
                if !seen.contains(&line) {
                    let _ = writeln!(text, "caused by: {line}");
                    seen.push_str(&line);
                }
                cause = c.source();
            }
            if let Some(hint) = hint(err, ctx) {
                let _ = writeln!(text, "hint: {hint}");
            }
        }
    }
    emit(&ctx.secrets, &text);
    crate::exit::FAILURE
}

fn hint(err: &CliError, ctx: &Context) -> Option<String> {
    // A URL from a forgotten `.env` or shell variable is a common surprise;
    // say where this one came from.
    let origin = ctx.url_origin.as_deref();
    match err {
        CliError::Runtime(migrate_runtime::Error::Connect { kind, .. }) => {
            let advice = connect_hint(*kind, ctx.url.as_ref()?);
            Some(match origin {
                Some(origin) => format!("{advice} (the URL comes from {origin})"),
                None => advice,
            })
        }
        CliError::Url(_) | CliError::Runtime(migrate_runtime::Error::UnsupportedUrl(_)) => {
            origin.map(|o| format!("the URL comes from {o}"))
        }
        _ => err.hint(),
    }
}

/// What to do about a failed connection, from the kind the runtime read off
/// the driver's error, naming where the server was expected.
fn connect_hint(kind: ConnectFailure, url: &DatabaseUrl) -> String {
    let at = url.address().unwrap_or_else(|| "the database".to_owned());
    let db = url
        .database()
        .map_or_else(String::new, |d| format!(" `{d}`"));
    match kind {
        ConnectFailure::Refused => format!(
            "nothing answered at {at}: start the server there, or fix the host and port in the URL"
        ),
        ConnectFailure::Timeout => format!(
            "the server did not answer at {at}: check that it is up, the host and port in the URL, and any firewall in between"
        ),
        ConnectFailure::UnknownHost => format!(
            "the host name `{}` does not resolve: fix it in the URL",
            url.host().unwrap_or_default()
        ),
        ConnectFailure::Unreachable => format!(
            "the network cannot reach {at}: check the address in the URL and the network"
        ),
        ConnectFailure::Auth => format!(
            "the server at {at} rejected the credentials (the password is not shown): fix the user name and password in the URL"
        ),
        ConnectFailure::AccessDenied => format!(
            "the server at {at} does not let this user use the database{db}: grant access, or connect as another user"
        ),
        ConnectFailure::UnknownDatabase => format!(
            "the server at {at} answered, but lacks the database{db}: create it, or fix its name in the URL"
        ),
        ConnectFailure::TooManyConnections => format!(
            "the server at {at} has no connection to spare: retry later, or raise its connection limit"
        ),
        ConnectFailure::Tls => format!(
            "TLS with {at} failed: check the URL's ssl options (sslmode, ssl-mode) and the certificates"
        ),
        ConnectFailure::Config => {
            "the driver refused an option in the URL: check its query parameters".to_owned()
        }
        ConnectFailure::CannotOpen => format!(
            "SQLite cannot open{db}: check that its directory exists and is writable, or fix the path in the URL"
        ),
        _ => format!("the server is expected at {at}"),
    }
}

/// Prints a warning line on stderr.
pub(crate) fn warning(secrets: &Secrets, message: &str) {
    emit(secrets, &format!("warning: {message}\n"));
}

/// Prints already-formatted diagnostic text on stderr (used by `check` for
/// its problem list, built with [`validation_problems`] and [`problem`]).
pub(crate) fn diagnostics(secrets: &Secrets, text: &str) {
    emit(secrets, text);
}

fn emit(secrets: &Secrets, text: &str) {
    let text = secrets.scrub(text);
    // Nothing sensible is left to do if stderr itself is gone.
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// One `error: ...` line with an optional hint, for problems that are not
/// located in a file (pending revisions, drift).
pub(crate) fn problem(message: &str, hint: Option<&str>) -> String {
    let mut s = format!("error: {message}\n");
    if let Some(h) = hint {
        s.push_str(&format!("hint: {h}\n"));
    }
    s
}

/// Every validation problem, rustc-style: message, location, the line and a caret.
pub(crate) fn validation_problems(
    dir: &Path,
    errors: &[ValidationError],
    files: &[SourceFile],
) -> String {
    let mut out = String::new();
    for e in errors {
        out.push_str(&located(dir, e, files));
    }
    out
}

fn located(dir: &Path, e: &ValidationError, files: &[SourceFile]) -> String {
    let mut out = format!("error: {}\n", e.message());
    if e.file().is_empty() {
        return out;
    }
    let line_no = e.line().max(1);
    let _ = writeln!(out, " --> {}:{line_no}", dir.join(e.file()).display());
    let Some(file) = files.iter().find(|f| f.name == e.file()) else {
        return out;
    };
    let raw = String::from_utf8_lossy(&file.contents);
    let text = normalize(&raw);
    let Some((start, line)) = text
        .split_inclusive('\n')
        .scan(0, |off, l| {
            let at = *off;
            *off += l.len();
            Some((at, l))
        })
        .nth(line_no - 1)
    else {
        return out;
    };
    let line = line.trim_end_matches(['\n', '\r']);
    let span = match e {
        ValidationError::Parse(p) => Some(p.span.clone()),
        _ => None,
    };
    // Underline the span when it lies on this line, else the line's text.
    let (from, to) = match span {
        Some(s) if s.start >= start && s.start < start + line.len().max(1) && s.end > s.start => (
            s.start - start,
            (s.end - start).min(line.len()).max(s.start - start + 1),
        ),
        _ => {
            let indent = line.len() - line.trim_start().len();
            (indent, line.trim_end().len().max(indent + 1))
        }
    };
    let col = |b: usize| {
        line.get(..b.min(line.len()))
            .map_or(b, |p| p.chars().count())
    };
    let (c0, c1) = (col(from), col(to).max(col(from) + 1));
    let gutter = line_no.to_string().len();
    let pad = " ".repeat(gutter);
    let _ = writeln!(out, "{pad} |");
    let _ = writeln!(out, "{line_no} | {line}");
    let _ = writeln!(out, "{pad} | {}{}", " ".repeat(c0), "^".repeat(c1 - c0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_scrubbed_everywhere() {
        let s = Secrets::for_url("postgres://app:s3cr%40t@db:5432/x");
        let text = "cannot connect to postgres://app:s3cr%40t@db:5432/x: password s3cr@t rejected";
        let out = s.scrub(text);
        assert!(!out.contains("s3cr"), "{out}");
        assert!(out.contains("postgres://app:***@db:5432/x"), "{out}");
    }

    #[test]
    fn urls_in_text_are_redacted_without_knowing_them() {
        let out = Secrets::default().scrub("see `mysql://root:pw@h/db` now");
        assert_eq!(out, "see `mysql://root:***@h/db` now");
    }

    #[test]
    fn connection_hints_come_from_the_kind() {
        let url = DatabaseUrl::parse("postgres://app:pw-secret@db:6000/orders").unwrap();
        let hint = |kind| connect_hint(kind, &url);
        assert!(hint(ConnectFailure::Refused).starts_with("nothing answered at db:6000"));
        assert!(hint(ConnectFailure::Timeout).contains("did not answer at db:6000"));
        assert!(hint(ConnectFailure::Auth).contains("rejected the credentials"));
        assert!(hint(ConnectFailure::UnknownDatabase).contains("lacks the database `orders`"));
        assert!(hint(ConnectFailure::UnknownHost).contains("`db`"));
        let v6 = DatabaseUrl::parse("mysql://u@[::1]/x").unwrap();
        assert!(connect_hint(ConnectFailure::Refused, &v6).contains("[::1]:3306"));
        let sqlite = DatabaseUrl::parse("sqlite:/nope/x.db").unwrap();
        assert!(connect_hint(ConnectFailure::CannotOpen, &sqlite).contains("`/nope/x.db`"));
    }

    #[test]
    fn a_url_that_does_not_parse_is_scrubbed_too() {
        let s = Secrets::for_url("postgres://app:Se/cr#et?Pw1@host/db");
        let out = s.scrub("echo Se/cr#et?Pw1 and postgres://app:Se/cr#et?Pw1@host/db");
        assert!(!out.contains("Pw1"), "{out}");
    }

    #[test]
    fn parse_errors_show_the_line_and_a_caret() {
        let text = "-- Revision ID: a\n-- Revises:\n-- migrate:up\nSELECT 1;\n-- migrate:down\n";
        let files = vec![SourceFile::new("a.sql", text)];
        let errors = migrate_graph::load(&files).unwrap_err().0;
        let out = validation_problems(Path::new("migrations"), &errors, &files);
        assert!(out.starts_with("error: the up section has SQL"), "{out}");
        assert!(out.contains(" --> migrations/a.sql:5\n"), "{out}");
        assert!(
            out.contains("5 | -- migrate:down\n  | ^^^^^^^^^^^^^^^\n"),
            "{out}"
        );
    }
}
