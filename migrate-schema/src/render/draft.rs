//! [`draft`]: diff, render, warn, and list what is not generated.

use serde::{Deserialize, Serialize};

use super::context::{Context, Statement};
use super::{mysql, postgres, sqlite};
use crate::change::{Change, NotGenerated};
use crate::diff::{diff_with, Reorder, COLUMN_ORDER, COLUMN_ORDER_NOTE};
use crate::hints::Hints;
use crate::model::{Dialect, ObjectKind, Schema};
use crate::warn::{warnings, Warning};

/// A migration draft in one direction.
///
/// The CLI writes `up` under `-- migrate:up` (with `transaction:false` when
/// [`Draft::transaction`] is false), the warnings as a `-- Warnings:` block,
/// and calls [`draft`] again with the schemas swapped and
/// [`Hints::reversed`] for `-- migrate:down`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// The dialect the SQL is written in.
    pub dialect: Dialect,
    /// The changes, in order, as the diff found them.
    pub changes: Vec<Change>,
    /// The statements, in order.
    pub up: Vec<Statement>,
    /// Whether the statements may run inside the runtime's transaction
    /// (false for SQLite table rebuilds, which manage their own).
    pub transaction: bool,
    /// Risks a reviewer must look at.
    pub warnings: Vec<Warning>,
    /// Objects that differ but that no SQL was generated for.
    pub not_generated: Vec<NotGenerated>,
    /// Suggestions and explanations (possible renames, dialect limits).
    pub notes: Vec<String>,
}

impl Draft {
    /// Whether there is nothing to run ("no changes").
    pub fn is_empty(&self) -> bool {
        self.up.is_empty() && self.changes.is_empty()
    }

    /// The statements' SQL, in order.
    pub fn sql(&self) -> Vec<&str> {
        self.up.iter().map(|s| s.sql.as_str()).collect()
    }
}

/// The draft that turns `current` into `desired` on `dialect`.
///
/// For the down section call it again as
/// `draft(desired, current, &hints.reversed(), dialect)`: the reverse diff, not
/// an inversion of the up statements, so each direction is rendered from the
/// models it goes between.
pub fn draft(current: &Schema, desired: &Schema, hints: &Hints, dialect: Dialect) -> Draft {
    let reorder = match dialect {
        Dialect::Sqlite => Reorder::Rebuild,
        Dialect::Postgres | Dialect::MySql => Reorder::InPlace,
    };
    let mut diff = diff_with(current, desired, hints, reorder);
    if dialect == Dialect::Postgres {
        // PostgreSQL cannot reorder columns: the order stays reported as
        // not generated, and no statement is written for it.
        diff.changes
            .retain(|c| !matches!(c, Change::ReorderColumns { .. }));
    } else {
        diff.not_generated
            .retain(|n| n.object.kind != ObjectKind::Other(COLUMN_ORDER.into()));
        diff.notes.retain(|n| !n.starts_with(COLUMN_ORDER_NOTE));
    }
    let ctx = Context {
        current,
        desired,
        changes: &diff.changes,
    };
    let mut notes = diff.notes;
    let mut warnings = warnings(&diff.changes, dialect);
    let (up, transaction) = match dialect {
        Dialect::Sqlite => sqlite::render_all(&ctx, &mut notes, &mut warnings),
        Dialect::Postgres | Dialect::MySql => {
            let mut up = Vec::new();
            for change in &diff.changes {
                let sql = match dialect {
                    Dialect::Postgres => postgres::render(change, &ctx),
                    _ => mysql::render(change, &ctx, &mut notes),
                };
                up.extend(sql.into_iter().map(|sql| Statement {
                    sql,
                    change: change.describe(),
                }));
            }
            (up, true)
        }
    };
    if dialect == Dialect::Postgres
        && diff
            .changes
            .iter()
            .any(|c| matches!(c, Change::AddEnumValue { .. }))
    {
        notes.push(
            "a label added with ALTER TYPE ... ADD VALUE cannot be used in the same \
             transaction: use it in a later migration"
                .into(),
        );
    }
    Draft {
        dialect,
        changes: diff.changes,
        up,
        transaction,
        warnings,
        not_generated: diff.not_generated,
        notes,
    }
}
