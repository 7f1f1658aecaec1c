//! What the application's `migrate` command fails with, and the one place
//! where that becomes text on stderr (as `cargo migrate` prints it: an
//! `error:` line, `caused by:` lines, an optional `hint:`), passwords removed.

use std::error::Error as _;
use std::fmt::Write as _;
use std::io::Write as _;

/// A command's failure.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CmdError {
    /// The runtime failed (connect, lock, drift, unknown revisions, SQL, ...).
    #[error(transparent)]
    Runtime(#[from] crate::Error),

    /// A target that does not parse or resolve.
    #[error(transparent)]
    Target(#[from] migrate_graph::TargetError),

    /// A database URL that does not parse.
    #[error(transparent)]
    Url(#[from] crate::UrlError),

    /// A database command without a URL or pool.
    #[error("`{command}` needs a database: pass --database-url, or set DATABASE_URL (a `.env` file works too)")]
    NoDatabaseUrl {
        /// The command.
        command: &'static str,
    },

    /// `stamp` or `resolve` without `--yes` while stdin is not a terminal.
    #[error("`{command}` changes the version table without running the migrations' SQL: pass --yes to confirm (stdin is not a terminal, so it cannot ask)")]
    NeedsYes {
        /// The command.
        command: &'static str,
    },

    /// The user answered no.
    #[error("`{command}` cancelled: nothing was changed")]
    Cancelled {
        /// The command.
        command: &'static str,
    },

    /// `check` found problems; they were already printed.
    #[error("check failed: {count} problem(s)")]
    CheckFailed {
        /// How many.
        count: usize,
    },

    /// Writing the output failed (other than a closed pipe).
    #[error("cannot write output: {0}")]
    Output(#[source] std::io::Error),
}

impl From<std::io::Error> for CmdError {
    fn from(e: std::io::Error) -> CmdError {
        CmdError::Output(e)
    }
}

impl CmdError {
    /// The exit code: usage errors 2, everything else 1.
    pub(crate) fn code(&self) -> u8 {
        match self {
            CmdError::NeedsYes { .. } => super::exit::USAGE,
            _ => super::exit::FAILURE,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            CmdError::Runtime(crate::Error::Target(
                migrate_graph::TargetError::MultipleHeads { .. },
            ))
            | CmdError::Target(migrate_graph::TargetError::MultipleHeads { .. }) => {
                Some("`upgrade heads` brings every branch up".to_owned())
            }
            CmdError::Runtime(crate::Error::UnknownApplied { .. }) => Some(
                "this binary is older than the database: deploy the build that applied them, or pass --allow-unknown to go on without touching them".to_owned(),
            ),
            _ => None,
        }
    }
}

/// Removes every password: those of `url` (when known) and any URL-shaped
/// one in the text.
pub(crate) fn scrub(url: Option<&str>, text: &str) -> String {
    url.map(crate::Redactor::for_url)
        .unwrap_or_default()
        .scrub(text)
}

/// Prints `err` on stderr, `cargo migrate`'s way; returns its exit code.
pub(crate) fn report(err: &CmdError, url: Option<&str>) -> u8 {
    let mut text = String::new();
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
    if let Some(hint) = err.hint() {
        let _ = writeln!(text, "hint: {hint}");
    }
    eprint_scrubbed(url, &text);
    err.code()
}

/// Diagnostic text on stderr, passwords removed.
pub(crate) fn eprint_scrubbed(url: Option<&str>, text: &str) {
    let _ = std::io::stderr()
        .lock()
        .write_all(scrub(url, text).as_bytes());
}
