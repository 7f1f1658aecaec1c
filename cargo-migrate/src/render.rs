//! The one place where errors and warnings become text on stderr.
//!
//! An error prints as `error: <message>`, then each underlying cause not
//! already in the message as `caused by: ...`, then an optional `hint: ...`.
//! Problems in migration files print rustc-style, with the offending line.
//! Everything goes through [`Secrets::scrub`] first, so no database password
//! reaches the terminal, whatever a driver put into its message.

use crate::error::CliError;
use migrate_graph::{normalize, SourceFile, ValidationError};
use std::error::Error as _;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// Secrets to remove from anything printed: the database password, raw and
/// percent-decoded, and the password part of any URL in the text.
#[derive(Debug, Default, Clone)]
pub(crate) struct Secrets {
    words: Vec<String>,
}

impl Secrets {
    /// The secrets of a database URL.
    pub(crate) fn from_url(url: &str) -> Secrets {
        // Longest first (as given), so a password containing another is
        // replaced whole. A very short password would mangle ordinary words
        // if replaced everywhere; URL-shaped occurrences are still redacted.
        let words = migrate_runtime::url_passwords(url)
            .into_iter()
            .filter(|w| w.len() >= 4)
            .collect();
        Secrets { words }
    }

    /// `text` with every secret replaced by `***`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        // URLs first: whitespace-separated words that contain `://`.
        let mut rest = text;
        while !rest.is_empty() {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let (word, tail) = rest.split_at(end);
            if word.contains("://") {
                out.push_str(&migrate_runtime::redact_url(word));
            } else {
                out.push_str(word);
            }
            let ws = tail
                .find(|c: char| !c.is_whitespace())
                .unwrap_or(tail.len());
            out.push_str(&tail[..ws]);
            rest = &tail[ws..];
        }
        for w in &self.words {
            if out.contains(w.as_str()) {
                out = out.replace(w.as_str(), "***");
            }
        }
        out
    }
}

/// Where the database was expected, for connection hints: host and port,
/// with the scheme's default port filled in.
fn host_port(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let default = match scheme.to_ascii_lowercase().as_str() {
        "postgres" | "postgresql" => 5432,
        "mysql" | "mariadb" => 3306,
        _ => return None,
    };
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if hostport.is_empty() {
        return Some(format!("localhost:{default}"));
    }
    // `[::1]:5432`, `host:5432`, `host`.
    let has_port = match hostport.rfind(':') {
        Some(c) => !hostport[c..].contains(']'),
        None => false,
    };
    Some(if has_port {
        hostport.to_owned()
    } else {
        format!("{hostport}:{default}")
    })
}

/// What the renderer knows about the run, for hints and scrubbing.
#[derive(Debug, Default)]
pub(crate) struct Context {
    /// Secrets to keep off the screen.
    pub secrets: Secrets,
    /// The database URL in use, if any (never printed as is).
    pub url: Option<String>,
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
    if let CliError::Runtime(migrate_runtime::Error::Connect { source, .. }) = err {
        if let Some(at) = ctx.url.as_deref().and_then(host_port) {
            // The runtime's message lists every possible cause; the driver's
            // text tells which one it was, so the hint can be specific.
            let cause = source.to_string().to_ascii_lowercase();
            let has = |words: &[&str]| words.iter().any(|w| cause.contains(w));
            const UNREACHABLE: [&str; 7] = [
                "refused",
                "timed out",
                "timeout",
                "unreachable",
                "no route",
                "not known",
                "failed to lookup",
            ];
            let advice = if has(&UNREACHABLE) {
                format!("nothing answered at {at}: start the server there, or fix the host and port in the URL")
            } else if has(&["password", "access denied", "authentication"]) {
                format!("the server at {at} rejected the user or password (the password is not shown): fix the credentials in the URL")
            } else if has(&["does not exist", "unknown database"]) {
                format!("the server at {at} answered, but has no such database: create it, or fix its name in the URL")
            } else {
                format!("the server is expected at {at}")
            };
            // A URL from a forgotten `.env` or shell variable is a common
            // surprise; say where this one came from.
            return Some(match &ctx.url_origin {
                Some(origin) => format!("{advice} (the URL comes from {origin})"),
                None => advice,
            });
        }
    }
    err.hint()
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
        let s = Secrets::from_url("postgres://app:s3cr%40t@db:5432/x");
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
    fn host_and_port_get_defaults() {
        assert_eq!(host_port("postgres://u:p@db/x").as_deref(), Some("db:5432"));
        assert_eq!(
            host_port("mysql://u@127.0.0.1:33/x").as_deref(),
            Some("127.0.0.1:33")
        );
        assert_eq!(
            host_port("postgres://[::1]/x").as_deref(),
            Some("[::1]:5432")
        );
        assert_eq!(host_port("sqlite:x.db"), None);
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
