//! What a stairway run found: one [`RevisionReport`] per revision checked,
//! and the checks of the end state.

use migrate_runtime::{Dialect, Direction};
use std::fmt;

/// The result of [`Stairway::run`](super::Stairway::run).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StairwayReport {
    /// The dialect of the scratch databases.
    pub dialect: Dialect,
    /// The revisions checked, in apply order. After a failing revision
    /// the walk goes on from a scratch database rebuilt at it; it stops only
    /// where a revision's up does not apply (the ones after it are not
    /// listed).
    pub revisions: Vec<RevisionReport>,
    /// `Some(why)` when the dump net could not run on this server (no
    /// `pg_dump`...): the schema model alone compared each step, and what it
    /// does not read was not compared. The CLI says `not compared: <why>`.
    pub not_compared: Option<String>,
    /// What was left out of every comparison on purpose, in words: grants,
    /// owners and default privileges unless [`super::Stairway::privileges`]
    /// (`--privileges`). The CLI prints each as `not compared  ...`; they do
    /// not fail the run.
    pub unchecked: Vec<String>,
    /// With several heads: the end states of the different apply orders
    /// compared. `None` with one head, with `only`, or when the walk failed.
    pub orders: Option<EndCheck>,
    /// With a desired schema: the end state compared with it. `None`
    /// without one, with `only`, or when the walk failed.
    pub desired: Option<EndCheck>,
}

impl StairwayReport {
    /// Whether every revision passed (or was stepped over as irreversible)
    /// and both end checks, where made, found the same schema.
    pub fn passed(&self) -> bool {
        self.revisions
            .iter()
            .all(|r| !matches!(r.outcome, Outcome::Failed(_)))
            && self.orders.as_ref().is_none_or(EndCheck::passed)
            && self.desired.as_ref().is_none_or(EndCheck::passed)
    }

    /// The revisions that failed.
    pub fn failures(&self) -> impl Iterator<Item = &RevisionReport> {
        self.revisions
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Failed(_)))
    }
}

/// One revision's check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevisionReport {
    /// The revision id.
    pub id: String,
    /// Its file name.
    pub file: String,
    /// Its `Message:` header.
    pub message: String,
    /// What the check found.
    pub outcome: Outcome,
}

/// What the check of one revision found.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// Up, down back to the schema before it, up again to the schema after it.
    Passed,
    /// `-- migrate:down irreversible`: applied, its way back not checked.
    Irreversible,
    /// Every difference found is accepted by a `-- migrate:allow stairway
    /// <object> <reason>` line of the revision.
    Accepted {
        /// Each accepted difference, then `(accepted: <reason>)`.
        differences: Vec<String>,
    },
    /// The revision failed the check.
    Failed(Failure),
}

/// Why a revision failed its check.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// A section's SQL failed.
    Step {
        /// The first upgrade, the downgrade, or the second upgrade.
        stage: Stage,
        /// The statement that failed and the database's message.
        error: String,
    },
    /// After a step the schema is not the one expected.
    Differs {
        /// After the downgrade (expected: the schema before the revision),
        /// or after the second upgrade (expected: the schema after the first).
        stage: Stage,
        /// What the schema has that the expected one lacks, or lacks that
        /// it has: first as the SQL that turns the expected schema into the
        /// one found (`CREATE INDEX ...` for an index a down forgot to drop,
        /// `DROP TABLE ...` for a table it dropped too many), when the model
        /// sees it; then, from the servers' own dumps, each object in words
        /// (`view v: definition differs:`, `column c of t moved from
        /// position 2 to 3`) with a line diff. What only the dump sees comes
        /// after a line `only the schema dump sees:`. Rows a down left
        /// behind: `rows of t: 0 before, 2 after ...`.
        differences: Vec<String>,
    },
}

/// The three steps of a revision's check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// The first upgrade.
    Up,
    /// The downgrade.
    Down,
    /// The second upgrade.
    UpAgain,
}

impl Stage {
    /// The direction the step runs in.
    pub fn direction(self) -> Direction {
        match self {
            Stage::Down => Direction::Down,
            Stage::Up | Stage::UpAgain => Direction::Up,
        }
    }

    /// A stable key for machine-readable output: `up`, `down`, `up_again`.
    pub fn key(self) -> &'static str {
        match self {
            Stage::Up => "up",
            Stage::Down => "down",
            Stage::UpAgain => "up_again",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::Up => "upgrade",
            Stage::Down => "downgrade",
            Stage::UpAgain => "second upgrade",
        })
    }
}

/// A comparison of end states: two apply orders, or the end of the walk
/// and the desired schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndCheck {
    /// What was compared, in words (`heads in order (a, b)`, `schema.sql`).
    pub compared: Vec<String>,
    /// `None` when all were the same schema; else the two that differ and
    /// the SQL turning the first into the second.
    pub mismatch: Option<Mismatch>,
}

impl EndCheck {
    /// Whether the schemas compared were the same.
    pub fn passed(&self) -> bool {
        self.mismatch.is_none()
    }
}

/// Two end states that differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// The first (the reference).
    pub expected: String,
    /// The second.
    pub actual: String,
    /// The SQL that turns the first into the second; or, when the
    /// migrations do not apply in the second order, one line
    /// `-- does not apply: <revision, statement, message>`.
    pub differences: Vec<String>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Step { stage, error } => write!(f, "the {stage} failed: {error}"),
            Failure::Differs { stage, differences } => {
                let expected = match stage {
                    Stage::Down => "the schema before the revision",
                    _ => "the schema after its first upgrade",
                };
                write!(
                    f,
                    "after the {stage} the schema differs from {expected} by:"
                )?;
                for d in differences {
                    write!(f, "\n    {d}")?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} and {} end in different schemas; {} differs from {} by:",
            self.expected, self.actual, self.actual, self.expected
        )?;
        for d in &self.differences {
            write!(f, "\n    {d}")?;
        }
        Ok(())
    }
}
