//! What the database commands fail with, on both command lines:
//! `cargo migrate` wraps [`CmdError`] in its own error (for what only it
//! does: files, config, autogenerate), the application's `migrate` returns
//! it as is. Each command line adds its own hints ([`CmdError::hint`] holds
//! the shared ones).

use super::report::Reporter;

/// A database command's failure. Messages are lowercase fragments that say
/// what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CmdError {
    /// The runtime failed (connect, lock, drift, unknown revisions, SQL, ...).
    #[error(transparent)]
    Runtime(#[from] migrate_runtime::Error),

    /// A target that does not parse or resolve.
    #[error(transparent)]
    Target(#[from] migrate_graph::TargetError),

    /// A database URL that does not parse or names no supported database.
    #[error(transparent)]
    Url(#[from] migrate_runtime::UrlError),

    /// A database command without a URL or pool.
    #[error(
        "`{command}` needs a database: pass --database-url, or set {env} (a `.env` file works too)"
    )]
    NoDatabaseUrl {
        /// The command.
        command: &'static str,
        /// The variable to set.
        env: String,
    },

    /// The rehearsal could not run (feature `rehearse`).
    #[cfg(feature = "rehearse")]
    #[error(transparent)]
    Rehearse(#[from] migrate_devtools::rehearse::RehearseError),

    /// The rehearsal ran and found a failure; the report was printed.
    #[cfg(feature = "rehearse")]
    #[error("the rehearsal failed: {what}")]
    RehearsalFailed {
        /// What failed, in words.
        what: String,
    },

    /// `fleet rehearse` over tenants that are not whole databases.
    #[cfg(feature = "rehearse")]
    #[error(
        "fleet rehearse copies whole databases, so {what} cannot be rehearsed one by one: \
         rehearse the database that holds them (`rehearse --from-url URL`)"
    )]
    FleetRehearseWhole {
        /// The tenants, in words.
        what: &'static str,
    },

    /// A `fleet rehearse` option given to another fleet operation.
    #[cfg(feature = "rehearse")]
    #[error("{option} is an option of `fleet rehearse` only")]
    RehearseOnly {
        /// The option.
        option: &'static str,
    },

    /// Ctrl-C or SIGTERM stopped a rehearsal; its copy was dropped.
    #[cfg(feature = "rehearse")]
    #[error("interrupted{}", if left.is_empty() { "; the copy was dropped".to_owned() } else { format!("; could not drop the scratch database(s) {} (the next run drops them)", left.join(", ")) })]
    Interrupted {
        /// Scratch databases that could not be dropped.
        left: Vec<String>,
    },

    /// `--sql` without a dialect to write.
    #[error("offline SQL needs a dialect: pass --dialect sqlite|postgres|mysql, or a database URL to take it from")]
    NoDialect,

    /// A target that names no single revision where one is needed.
    #[error("`{input}` {reason}")]
    NotARevision {
        /// The text given.
        input: String,
        /// Why it is not one revision.
        reason: &'static str,
    },

    /// `stamp`, `resolve` or `downgrade` without `--yes` while stdin is not
    /// a terminal.
    #[error("`{command}` {}: pass --yes to confirm (stdin is not a terminal, so it cannot ask); nothing was changed", needs_yes_reason(command))]
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

    /// `current --check-heads` and the database is behind (or elsewhere).
    #[error("the database is not at the heads: it is at {current}, the heads are {heads}")]
    NotAtHeads {
        /// The database's heads, or `base`.
        current: String,
        /// The set's heads.
        heads: String,
    },

    /// `check` found problems; they were already printed.
    #[error("check failed: {count} problem(s)")]
    CheckFailed {
        /// How many.
        count: usize,
    },

    /// A fleet's tenant list could not be read.
    #[error(transparent)]
    FleetTargets(#[from] migrate_runtime::fleet::targets::TargetsError),

    /// A fleet's state file cannot be opened.
    #[error("cannot open the fleet's state file {path}: pass --state FILE in a writable place")]
    FleetState {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },

    /// A fleet's state table cannot be used.
    #[error("{0}")]
    FleetStateTable(String),

    /// Tenants of a fleet failed (or were skipped); they were listed already.
    #[error(
        "{failed} tenant(s) of the fleet failed and {skipped} were not run; the summary lists them"
    )]
    FleetFailed {
        /// How many failed.
        failed: usize,
        /// How many were not run.
        skipped: usize,
    },

    /// `fleet check` found a tenant out of step.
    #[error("{problems}")]
    TenantCheck {
        /// What is wrong, on one line.
        problems: String,
    },

    /// Writing the command's output failed (other than a closed pipe).
    #[error("cannot write output: {0}")]
    Output(#[source] std::io::Error),
}

/// What a command that asks first would do, for [`CmdError::NeedsYes`].
fn needs_yes_reason(command: &str) -> &'static str {
    match command {
        "downgrade" => "runs the down sections of the revisions it reverts, which may drop tables and their data",
        _ => "changes the version table without running the migrations' SQL",
    }
}

impl From<std::io::Error> for CmdError {
    /// Only writes to the command's output convert implicitly.
    fn from(e: std::io::Error) -> CmdError {
        CmdError::Output(e)
    }
}

impl CmdError {
    /// The exit code: usage errors [`exit::USAGE`](super::exit::USAGE),
    /// everything else [`exit::FAILURE`](super::exit::FAILURE).
    pub fn code(&self) -> u8 {
        match self {
            CmdError::NeedsYes { .. } => super::exit::USAGE,
            _ => super::exit::FAILURE,
        }
    }

    /// The hint both command lines give: what a runtime error (a failed
    /// connection, say) or a URL calls for, saying where the URL came from.
    pub fn hint(&self, reporter: &Reporter) -> Option<String> {
        match self {
            CmdError::Runtime(e) => reporter.hint(e),
            CmdError::Url(_) => reporter.url_hint(),
            _ => None,
        }
    }

    /// Whether this is a write to a closed pipe (`migrate history | head`),
    /// which counts as success: the reader had all it wanted.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, CmdError::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}
