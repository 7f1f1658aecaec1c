//! What the application's `migrate` command fails with, and the hints only
//! it gives; [`super::report`] prints them as `cargo migrate` does.

use super::report::Reporter;

/// A command's failure.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CmdError {
    /// The runtime failed (connect, lock, drift, unknown revisions, SQL, ...).
    #[error(transparent)]
    Runtime(#[from] migrate_runtime::Error),

    /// A target that does not parse or resolve.
    #[error(transparent)]
    Target(#[from] migrate_graph::TargetError),

    /// A database URL that does not parse.
    #[error(transparent)]
    Url(#[from] migrate_runtime::UrlError),

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

    /// A second line that says what to do: this command's own advice, else
    /// what any runtime error or URL calls for.
    pub(crate) fn hint(&self, reporter: &Reporter) -> Option<String> {
        match self {
            CmdError::Runtime(migrate_runtime::Error::Target(
                migrate_graph::TargetError::MultipleHeads { .. },
            ))
            | CmdError::Target(migrate_graph::TargetError::MultipleHeads { .. }) => {
                Some("`upgrade heads` brings every branch up".to_owned())
            }
            CmdError::Runtime(migrate_runtime::Error::UnknownApplied { .. }) => Some(
                "this binary is older than the database: deploy the build that applied them, or pass --allow-unknown to go on without touching them".to_owned(),
            ),
            CmdError::Runtime(e) => reporter.hint(e),
            CmdError::Url(_) => reporter.url_hint(),
            _ => None,
        }
    }

    /// Prints the error on stderr; returns its exit code.
    pub(crate) fn report(&self, reporter: &Reporter) -> u8 {
        reporter.report(self, self.hint(reporter).as_deref());
        self.code()
    }
}
