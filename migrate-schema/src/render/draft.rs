//! [`draft`]: diff, render, warn, and list what is not generated.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::context::{Context, Statement};
use super::{mysql, postgres, sqlite};
use crate::change::Change;
use crate::diff::diff;
use crate::hints::Hints;
use crate::model::{Dialect, OtherObject, Schema};
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

/// An object outside the diff (view, function, trigger...) that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotGenerated {
    /// The object (from the desired side when it is there).
    pub object: OtherObject,
    /// How it differs.
    pub presence: Presence,
}

/// How an object outside the diff differs between the two sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// Only in the desired schema: it is not created.
    DesiredOnly,
    /// Only in the current schema: it is not dropped.
    CurrentOnly,
    /// On both sides with different definitions: it is not changed.
    Changed,
    /// On both sides; the reader gave no definition to compare.
    Unknown,
}

/// The draft that turns `current` into `desired` on `dialect`.
///
/// For the down section call it again as
/// `draft(desired, current, &hints.reversed(), dialect)`: the reverse diff, not
/// an inversion of the up statements, so each direction is rendered from the
/// models it goes between.
pub fn draft(current: &Schema, desired: &Schema, hints: &Hints, dialect: Dialect) -> Draft {
    let diff = diff(current, desired, hints);
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
        not_generated: not_generated(current, desired),
        notes,
    }
}

fn not_generated(current: &Schema, desired: &Schema) -> Vec<NotGenerated> {
    let key = |o: &OtherObject| (o.name.clone(), o.kind.to_string());
    let cur: HashMap<_, &OtherObject> = current.other_objects.iter().map(|o| (key(o), o)).collect();
    let des: HashMap<_, &OtherObject> = desired.other_objects.iter().map(|o| (key(o), o)).collect();
    let mut out = Vec::new();
    for o in &desired.other_objects {
        let presence = match cur.get(&key(o)) {
            None => Some(Presence::DesiredOnly),
            Some(c) => match (&c.definition, &o.definition) {
                (Some(a), Some(b)) if a == b => None,
                (Some(_), Some(_)) => Some(Presence::Changed),
                _ => Some(Presence::Unknown),
            },
        };
        if let Some(presence) = presence {
            out.push(NotGenerated {
                object: o.clone(),
                presence,
            });
        }
    }
    for o in &current.other_objects {
        if !des.contains_key(&key(o)) {
            out.push(NotGenerated {
                object: o.clone(),
                presence: Presence::CurrentOnly,
            });
        }
    }
    out.sort_by(|a, b| {
        (&a.object.name, a.object.kind.to_string())
            .cmp(&(&b.object.name, b.object.kind.to_string()))
    });
    out
}
