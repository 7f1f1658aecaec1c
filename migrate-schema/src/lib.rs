//! The schema layer behind `cargo migrate revision --autogenerate`: a model of
//! a database schema, a diff between two models, and SQL drafts rendered from
//! the diff for PostgreSQL, MySQL/MariaDB and SQLite. No database, no async.
//!
//! Catalog readers (in the runtime's backends) fill [`Schema`] from the
//! engine's catalogs after the engine ran the DDL, so both sides of a diff are
//! normalized by the same engine. [`draft`] then turns two schemas into a
//! migration draft; the down section is a second [`draft`] in the other
//! direction with [`Hints::reversed`].
//!
//! ```
//! use migrate_schema::*;
//!
//! let mut users = Table::new("users");
//! users.columns.push(Column::new("id", ColumnType::new(Dialect::Postgres, "integer")));
//! let current = Schema { tables: vec![users.clone()], ..Schema::default() };
//! let mut desired = current.clone();
//! desired.tables[0]
//!     .columns
//!     .push(Column::new("email", ColumnType::new(Dialect::Postgres, "text")));
//!
//! let up = draft(&current, &desired, &Hints::new(), Dialect::Postgres);
//! assert_eq!(up.sql(), ["ALTER TABLE \"users\" ADD COLUMN \"email\" text;"]);
//! ```
#![deny(missing_docs)]

mod apply;
mod change;
mod diff;
mod error;
mod hints;
mod model;
mod render;
mod warn;

#[cfg(test)]
mod tests;

pub use apply::{apply, ApplyError};
pub use change::{Change, EnumPosition};
pub use diff::{diff, Diff};
pub use error::{HintError, HintErrorKind};
pub use hints::{rename_hints, Hints};
pub use model::{
    normalize_type, Check, Column, ColumnType, Dialect, EnumType, FkAction, ForeignKey, Generated,
    GeneratedKind, Identity, Index, IndexPart, ObjectKind, OtherObject, PrimaryKey, QualifiedName,
    Schema, Table, TypeShape, Unique,
};
pub use render::{draft, Draft, NotGenerated, Presence, Statement};
pub use warn::{Warning, WarningKind};
