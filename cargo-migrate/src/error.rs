//! Everything a command can fail with. Commands return these; only
//! [`crate::render`] turns them into text. What the database commands fail
//! with is migrate-cli's [`CmdError`], shared with the application's own
//! `migrate` command and wrapped here.

use migrate_cli::CmdError;
use migrate_graph::{SourceError, SourceFile, TargetError, ValidationError};
use std::path::PathBuf;

/// A command's failure. Messages are lowercase fragments that say what to do;
/// [`CliError::hint`] adds a second line where one helps.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// A file could not be read or written.
    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What was being done, as a verb phrase: `write`, `read config file`.
        action: &'static str,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },

    /// `migrate.toml` is not valid.
    #[error("invalid config file {}: {message}", .path.display())]
    Config {
        /// The config file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },

    /// The migrations directory could not be read.
    #[error(transparent)]
    Source(#[from] SourceError),

    /// Files break the validation rules; rendered with their source lines.
    #[error("{} problem(s) in {}", .errors.len(), .dir.display())]
    Invalid {
        /// The migrations directory as the user named it.
        dir: PathBuf,
        /// Every problem found.
        errors: Vec<ValidationError>,
        /// The files, to show the offending lines.
        files: Vec<SourceFile>,
    },

    /// `revision` without `--head` while there are several heads.
    #[error("there are {} heads: {}; a new revision must build on one of them", .heads.len(), .heads.join(", "))]
    SeveralHeads {
        /// The heads, described.
        heads: Vec<String>,
        /// Their ids, for the hint.
        ids: Vec<String>,
    },

    /// `revision --head REV` where REV is not a head.
    #[error("{revision} is not a head: {children} already build on it")]
    NotAHead {
        /// The revision, described.
        revision: String,
        /// Its children, described.
        children: String,
    },

    /// A `--rev-id` that is not usable.
    #[error("invalid revision id `{id}`: {reason}")]
    BadRevId {
        /// The id given.
        id: String,
        /// Why.
        reason: String,
    },

    /// A `--branch-label` that is not usable.
    #[error("invalid branch label `{label}`: {reason}")]
    BadLabel {
        /// The label given.
        label: String,
        /// Why.
        reason: String,
    },

    /// The new file's name is taken.
    #[error("{} already exists; not overwriting it", .path.display())]
    FileExists {
        /// The path.
        path: PathBuf,
    },

    /// `merge` with fewer than two distinct revisions.
    #[error("nothing to merge: {what}")]
    NothingToMerge {
        /// What the revisions came to.
        what: String,
    },

    /// `merge` of a revision with its own ancestor.
    #[error("{ancestor} is an ancestor of {descendant}, so merging them changes nothing")]
    MergeAncestor {
        /// The ancestor, described.
        ancestor: String,
        /// The descendant, described.
        descendant: String,
    },

    /// `lint` found error-level findings; they were already printed.
    #[error("lint failed: {errors} error(s)")]
    LintFailed {
        /// How many error-level findings.
        errors: usize,
    },

    /// `lint` without a way to know the dialect.
    #[error("`lint` needs the SQL dialect: pass --dialect, set a database URL, or add `dialect = \"postgres\"` (or sqlite, mysql) to migrate.toml")]
    LintNoDialect,

    /// The autogenerate pipeline failed (scratch database, schema.sql,
    /// verification).
    #[error(transparent)]
    Autogen(#[from] migrate_devtools::autogen::AutogenError),

    /// The stairway could not run (scratch database, schema.sql, a revision
    /// its checks stand on).
    #[error(transparent)]
    Stairway(#[from] migrate_devtools::stairway::StairwayError),

    /// `test` found a failing revision or end state; it was already printed.
    #[error("the stairway test failed: {what}")]
    StairwayFailed {
        /// What failed, in words.
        what: String,
    },

    /// A rename hint (`--rename`, `-- @renamed`) that does not parse.
    #[error(transparent)]
    Hint(#[from] migrate_schema::HintError),

    /// A schema command without a desired schema.
    #[error("no desired schema: set `schema = \"schema.sql\"` in migrate.toml (a file or a directory of .sql files), or pass --to-db URL or --to-cmd COMMAND")]
    NoSchema,

    /// `squash --to` names a revision a squash cannot end at.
    #[error(transparent)]
    SquashPoint(#[from] migrate_graph::SquashPointError),
    /// `--dialect` names a server kind that neither URL points at.
    #[error("`squash --dialect {dialect}` needs a {dialect} server for its scratch databases: pass --dev-url (or --database-url) pointing at one")]
    SquashServer {
        /// The dialect asked for.
        dialect: &'static str,
    },
    /// A schema command that cannot tell which database kind to use.
    #[error("`{command}` needs to know the kind of database: pass --database-url (or set {env}), or --dev-url; for in-memory SQLite scratch databases, `dialect = \"sqlite\"` in migrate.toml is enough")]
    NoSchemaDialect {
        /// The command.
        command: &'static str,
        /// The variable to set.
        env: String,
    },

    /// `--to-cmd` failed or printed no valid text.
    #[error("`--to-cmd {command}` failed ({status}){}", if stderr.trim().is_empty() { String::new() } else { format!(": {}", stderr.trim()) })]
    ToCmd {
        /// The command.
        command: String,
        /// How it ended.
        status: String,
        /// What it printed on stderr.
        stderr: String,
    },

    /// Ctrl-C during a schema command; scratch databases were dropped.
    #[error("interrupted{}", if left.is_empty() { "; the scratch databases were dropped".to_owned() } else { format!("; could not drop the scratch database(s) {} (the next run drops them)", left.join(", ")) })]
    Interrupted {
        /// Scratch databases that could not be dropped.
        left: Vec<String>,
    },

    /// A database command failed, as it does on both command lines.
    #[error(transparent)]
    Cmd(#[from] CmdError),

    /// `import` could not read the other tool's files or write ours.
    #[error(transparent)]
    Import(#[from] migrate_devtools::import::ImportError),
}

impl CliError {
    /// A second line that says what to do, where the message alone does not.
    pub(crate) fn hint(&self) -> Option<String> {
        match self {
            CliError::Source(SourceError::NotFound { .. }) => {
                Some("pass --source DIR, or set `source = \"DIR\"` in migrate.toml".to_owned())
            }
            CliError::SeveralHeads { ids, .. } => Some(format!(
                "pass --head <rev> to build on one of them (e.g. --head {}), or join them first with `cargo migrate merge -m \"merge heads\" heads`",
                ids.first().map(String::as_str).unwrap_or("<rev>")
            )),
            CliError::NotAHead { .. } => Some(
                "pass --splice to start a new branch from it on purpose, or build on a head (see `cargo migrate heads`)".to_owned(),
            ),
            CliError::Cmd(
                CmdError::Target(TargetError::MultipleHeads { .. })
                | CmdError::Runtime(migrate_runtime::Error::Target(
                    TargetError::MultipleHeads { .. },
                )),
            ) => Some(
                "or join them with `cargo migrate merge -m \"merge heads\" heads`".to_owned(),
            ),
            CliError::Cmd(CmdError::NotAtHeads { .. }) => {
                Some("run `cargo migrate upgrade heads`".to_owned())
            }
            _ => None,
        }
    }
}

/// The errors the database commands share convert through [`CmdError`], so
/// that `?` works on them in every command.
macro_rules! through_cmd {
    ($($t:ty),*) => {$(
        impl From<$t> for CliError {
            fn from(e: $t) -> CliError {
                CliError::Cmd(e.into())
            }
        }
    )*};
}
through_cmd!(
    TargetError,
    migrate_runtime::Error,
    migrate_runtime::UrlError,
    std::io::Error
);
