//! What the autogenerate pipeline fails with.

use crate::scratch::ScratchError;
use std::fmt;

/// A failure of the autogenerate pipeline. Each message names what failed
/// (the file and line of `schema.sql`, the statement of a draft) and the
/// database's own message is the [`source`](std::error::Error::source).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AutogenError {
    /// A scratch database could not be created or dropped.
    #[error(transparent)]
    Scratch(#[from] ScratchError),
    /// The migrations do not replay on a scratch database.
    #[error("the migrations do not replay on a scratch database: {failed}")]
    Replay {
        /// What failed: the revision, its file and the statement.
        failed: String,
        /// The database's message.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A statement of the desired schema failed.
    #[error("{file}:{line}: the desired schema does not run on the {dialect} scratch database: `{statement}`")]
    Desired {
        /// The file (`schema.sql`, `--to-cmd output`).
        file: String,
        /// The 1-based line the statement starts on.
        line: usize,
        /// The statement, shortened.
        statement: String,
        /// The engine.
        dialect: migrate_runtime::Dialect,
        /// The database's message.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A statement of the desired schema would act outside its scratch
    /// database (another database, a role or user, the server's
    /// configuration), or left the session in another database. Nothing of
    /// the file ran when the statement was caught before running.
    #[error("{file}:{line}: the desired schema may only create objects in its own database, but {reason}: `{statement}`; remove it (a dump for the desired schema needs no USE, \\connect, CREATE DATABASE, roles or grants: e.g. pg_dump --schema-only without --create, mariadb-dump --no-data DATABASE without --databases)")]
    Confined {
        /// The file (`schema.sql`, `--to-cmd output`).
        file: String,
        /// The 1-based line the statement starts on.
        line: usize,
        /// The statement, shortened.
        statement: String,
        /// What it does.
        reason: String,
    },
    /// A draft's statement failed while it was verified.
    #[error("the draft fails verification ({stage}), so it was not written: {failed}")]
    Verify {
        /// Which pass.
        stage: Stage,
        /// What failed: the statement of the draft.
        failed: String,
        /// The database's message.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A draft ran but did not reach the state it should.
    #[error("the draft fails verification ({stage}), so it was not written: the scratch database still differs from the {target} state; what remains:\n{}", remaining.join("\n"))]
    Mismatch {
        /// Which pass.
        stage: Stage,
        /// `desired` or `current`.
        target: &'static str,
        /// The SQL that would still be needed.
        remaining: Vec<String>,
    },
    /// The schema to squash holds objects the schema layer cannot recreate.
    #[error("the schema to squash holds objects that cannot be recreated from the catalog: {}; squash at a revision before they were created, or write the squash's SQL by hand", objects.join(", "))]
    SquashUnsupported {
        /// `kind name` of each object.
        objects: Vec<String>,
    },
    /// A squash's SQL, run on a fresh scratch database, did not give the
    /// schema the replayed revisions give.
    #[error("the squash fails verification, so it was not written: a fresh database running it differs from one running the revisions it replaces; what differs:\n{}", remaining.join("\n"))]
    SquashMismatch {
        /// The SQL that would still be needed, or the differing objects.
        remaining: Vec<String>,
    },
    /// Reading a catalog, or another runtime operation, failed.
    #[error(transparent)]
    Runtime(#[from] migrate_runtime::Error),
}

/// The passes of a draft's verification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stage {
    /// Up, on the replayed migrations with empty tables.
    UpEmpty,
    /// Down after that.
    DownEmpty,
    /// Up again with a row in every table.
    UpRows,
    /// Down with those rows.
    DownRows,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::UpEmpty => "upgrade on empty tables",
            Stage::DownEmpty => "downgrade on empty tables",
            Stage::UpRows => "upgrade with a row in every table",
            Stage::DownRows => "downgrade with a row in every table",
        })
    }
}

/// Splits a runtime error into what failed and the database's message. A
/// failed migration names its revision, section and statement, without the
/// advice about the version table: a scratch database is thrown away.
pub(crate) fn split(
    e: migrate_runtime::Error,
    draft_id: Option<&str>,
) -> (String, Box<dyn std::error::Error + Send + Sync>) {
    match e {
        migrate_runtime::Error::Migration {
            revision,
            file,
            direction,
            statement,
            source,
            ..
        } => {
            let section = match direction {
                migrate_runtime::Direction::Up => "up",
                migrate_runtime::Direction::Down => "down",
            };
            let at = match statement {
                Some(s) => match s.line {
                    Some(line) => format!(
                        "statement {} (line {line} of the {section} section): `{}`",
                        s.number, s.text
                    ),
                    None => format!("statement {} of the {section} section", s.number),
                },
                None => format!("the {section} section"),
            };
            let what = if Some(revision.as_str()) == draft_id {
                at
            } else {
                format!("{direction} of {revision} ({file}) failed at {at}")
            };
            (what, source)
        }
        other => (other.to_string(), Box::new(other)),
    }
}
