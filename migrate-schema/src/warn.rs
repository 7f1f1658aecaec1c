//! Warnings for the reviewer of a draft: data that may be lost, statements
//! that fail on tables with rows, and locks or rewrites on busy tables.
//!
//! # Imports
//!
//! `loss`

mod loss;

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::change::Change;
use crate::model::{Dialect, GeneratedKind, QualifiedName, TypeShape};

/// One warning about a draft, naming the object it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// What kind of risk.
    pub kind: WarningKind,
    /// The table, column or type concerned (`users`, `users.email`).
    pub object: String,
    /// What happens and what to consider.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.kind, self.object, self.message)
    }
}

/// The kinds of risk a draft is checked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WarningKind {
    /// A dropped table or column, or labels removed from an enum.
    DataLoss,
    /// A type change that may truncate values or fail on existing rows.
    NarrowingType,
    /// NOT NULL on a column of a table that may hold rows.
    NotNull,
    /// PostgreSQL rewrites the table under an ACCESS EXCLUSIVE lock.
    TableRewrite,
    /// A lock that blocks writes (or reads) while the statement runs.
    Lock,
    /// MySQL commits each DDL statement on its own.
    ImplicitCommit,
    /// SQLite rebuilds the table.
    TableRebuild,
}

impl fmt::Display for WarningKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WarningKind::DataLoss => "data loss",
            WarningKind::NarrowingType => "narrowing type",
            WarningKind::NotNull => "not null",
            WarningKind::TableRewrite => "table rewrite",
            WarningKind::Lock => "lock",
            WarningKind::ImplicitCommit => "implicit commit",
            WarningKind::TableRebuild => "table rebuild",
        })
    }
}

/// The warnings for `changes` on `dialect`. SQLite
/// rebuilds are reported by the renderer, which decides on them.
pub(crate) fn warnings(changes: &[Change], dialect: Dialect) -> Vec<Warning> {
    let created: HashSet<&QualifiedName> = changes
        .iter()
        .filter_map(|c| match c {
            Change::CreateTable { table } => Some(&table.name),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    let mut warn = |kind, object: String, message: &str| {
        out.push(Warning {
            kind,
            object,
            message: message.to_string(),
        })
    };
    let pg = dialect == Dialect::Postgres;
    for change in changes {
        match change {
            Change::DropTable { table } => warn(
                WarningKind::DataLoss,
                table.name.to_string(),
                "the table and all its rows are dropped",
            ),
            Change::DropObject { object } if object.kind.to_string() == "partition" => warn(
                WarningKind::DataLoss,
                object.name.to_string(),
                "the partition and all its rows are dropped",
            ),
            Change::DropColumn { table, column } => warn(
                WarningKind::DataLoss,
                format!("{table}.{}", column.name),
                "the column and its values are dropped",
            ),
            Change::RecreateEnum { from, to, .. }
                if from.values.iter().any(|v| !to.values.contains(v)) =>
            {
                warn(
                    WarningKind::DataLoss,
                    to.name.to_string(),
                    "labels are removed: rows holding them make the conversion fail",
                )
            }
            Change::AddColumn { table, column } => {
                let object = format!("{table}.{}", column.name);
                if !column.nullable
                    && column.default.is_none()
                    && column.identity.is_none()
                    && column.generated.is_none()
                {
                    warn(
                        WarningKind::NotNull,
                        object.clone(),
                        "NOT NULL without a default fails on a table with rows: add a default, \
                         or add the column nullable, fill it, then set NOT NULL",
                    );
                }
                let stored = column
                    .generated
                    .as_ref()
                    .is_some_and(|g| g.kind == GeneratedKind::Stored);
                let volatile = column.default.as_deref().is_some_and(is_volatile);
                if pg && (volatile || stored || column.identity.is_some()) {
                    warn(
                        WarningKind::TableRewrite,
                        object,
                        "a volatile default, identity or stored generated column rewrites the \
                         table under an ACCESS EXCLUSIVE lock",
                    );
                }
            }
            Change::AlterColumn { table, from, to }
            | Change::RenameLabels {
                table, from, to, ..
            } => {
                let object = format!("{table}.{}", to.name);
                if from.data_type.normalized != to.data_type.normalized {
                    let (a, b) = (
                        TypeShape::of(&from.data_type.normalized),
                        TypeShape::of(&to.data_type.normalized),
                    );
                    if a.narrows_to(&b) {
                        let message = format!(
                            "{} -> {} may truncate values or fail on existing rows",
                            from.data_type.raw, to.data_type.raw
                        );
                        warn(WarningKind::NarrowingType, object.clone(), &message);
                    }
                    let widening_text =
                        matches!((&a, &b), (TypeShape::Text(_), TypeShape::Text(_)))
                            && !a.narrows_to(&b);
                    if pg && !widening_text {
                        warn(
                            WarningKind::TableRewrite,
                            object.clone(),
                            "the type change rewrites the table and its indexes under an \
                             ACCESS EXCLUSIVE lock",
                        );
                    }
                    if dialect == Dialect::MySql && !widening_text {
                        warn(
                            WarningKind::TableRewrite,
                            object.clone(),
                            "MODIFY COLUMN with a new type copies the table, blocking writes",
                        );
                    }
                }
                if let Some(loss) = loss::column_loss(dialect, from, to) {
                    warn(WarningKind::DataLoss, object.clone(), &loss);
                }
                if from.nullable && !to.nullable {
                    warn(
                        WarningKind::NotNull,
                        object.clone(),
                        "SET NOT NULL fails if the column holds NULLs, and scans the table under lock",
                    );
                }
                if from.generated.is_none() && to.generated.is_some() {
                    warn(
                        WarningKind::DataLoss,
                        object,
                        "the column's values are replaced by its generation expression",
                    );
                }
            }
            Change::AlterTableOptions { table, from, to } if from.charset_differs(to) => {
                // The columns that follow the table's default are converted.
                let (old, new) = (from.collation.as_deref(), to.collation.as_deref());
                if let Some(loss) = loss::charset_loss(old, new) {
                    warn(WarningKind::DataLoss, table.to_string(), &loss);
                }
                warn(
                    WarningKind::TableRewrite,
                    table.to_string(),
                    "CONVERT TO CHARACTER SET copies the table, blocking writes, and changes \
                     how its text columns compare and sort (unique keys may then collide)",
                );
            }
            Change::CreateIndex { table, index } if pg && !created.contains(table) => warn(
                WarningKind::Lock,
                format!("{table} (index {})", index.name),
                "CREATE INDEX blocks writes to the table while it builds; on a large table, \
                 consider CREATE INDEX CONCURRENTLY in a `transaction:false` migration",
            ),
            Change::AddForeignKey { table, foreign_key } if pg && !created.contains(table) => warn(
                WarningKind::Lock,
                format!("{table} -> {}", foreign_key.referenced_table),
                "adding a foreign key locks both tables while it checks every row; on a large \
                 table, consider NOT VALID then VALIDATE CONSTRAINT",
            ),
            Change::AddCheck { table, .. }
            | Change::AddUnique { table, .. }
            | Change::AddPrimaryKey { table, .. }
                if pg && !created.contains(table) =>
            {
                warn(
                    WarningKind::Lock,
                    table.to_string(),
                    "the new constraint checks every row under an ACCESS EXCLUSIVE lock",
                )
            }
            _ => {}
        }
    }
    if dialect == Dialect::MySql && !changes.is_empty() {
        let mut tables: Vec<String> = changes
            .iter()
            .filter_map(|c| c.table())
            .map(|t| t.to_string())
            .collect();
        tables.sort();
        tables.dedup();
        warn(
            WarningKind::ImplicitCommit,
            tables.join(", "),
            "MySQL commits each DDL statement on its own: if a statement fails, the ones \
             before it stay applied and the migration is marked failed",
        );
    }
    out
}

/// Defaults PostgreSQL evaluates per row, which force a rewrite when added.
fn is_volatile(default: &str) -> bool {
    let lower = default.to_lowercase();
    [
        "random()",
        "gen_random_uuid()",
        "uuid_generate_v",
        "clock_timestamp()",
        "nextval(",
        "timeofday()",
    ]
    .iter()
    .any(|f| lower.contains(f))
}
