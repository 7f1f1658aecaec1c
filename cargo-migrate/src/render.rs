//! Where `cargo migrate`'s errors and warnings become text on stderr.
//!
//! An error prints through the runtime's renderer, the one both command
//! lines share ([`Reporter`]): `error: <message>`, each underlying cause not
//! already in the message as `caused by: ...`, then an optional `hint: ...`
//! (this command line's own, else the runtime's). Problems in migration
//! files print rustc-style, with the offending line. Everything is scrubbed
//! first, so no database password reaches the terminal, whatever a driver
//! put into its message.

use crate::error::CliError;
use migrate_cli::Reporter;
use migrate_graph::{normalize, SourceFile, ValidationError};
use std::fmt::Write as _;
use std::path::Path;

/// Prints `err` on stderr and returns the exit code for it.
pub(crate) fn report(err: &CliError, reporter: &Reporter) -> u8 {
    if let CliError::Invalid { dir, errors, files } = err {
        let mut text = validation_problems(dir, errors, files);
        if errors.len() > 1 {
            let _ = writeln!(
                text,
                "error: {} problems in {}; fix them and run again",
                errors.len(),
                dir.display()
            );
        }
        reporter.eprint(&text);
        return crate::exit::FAILURE;
    }
    let hint = match err {
        CliError::Cmd(migrate_cli::CmdError::Runtime(e)) => reporter.hint(e).or_else(|| err.hint()),
        CliError::Cmd(e @ migrate_cli::CmdError::Url(_)) => e.hint(reporter),
        _ => err.hint(),
    };
    reporter.report(err, hint.as_deref())
}

/// Prints a warning line on stderr.
pub(crate) fn warning(reporter: &Reporter, message: &str) {
    reporter.eprint(&format!("warning: {message}\n"));
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
        let s = migrate_runtime::Redactor::for_url("postgres://app:s3cr%40t@db:5432/x");
        let text = "cannot connect to postgres://app:s3cr%40t@db:5432/x: password s3cr@t rejected";
        let out = s.scrub(text);
        assert!(!out.contains("s3cr"), "{out}");
        assert!(out.contains("postgres://app:***@db:5432/x"), "{out}");
    }

    #[test]
    fn urls_in_text_are_redacted_without_knowing_them() {
        let out = migrate_runtime::Redactor::default().scrub("see `mysql://root:pw@h/db` now");
        assert_eq!(out, "see `mysql://root:***@h/db` now");
    }

    #[test]
    fn a_url_that_does_not_parse_is_scrubbed_too() {
        let s = migrate_runtime::Redactor::for_url("postgres://app:Se/cr#et?Pw1@host/db");
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
