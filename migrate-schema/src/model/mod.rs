//! The schema model: what a catalog reader fills and the diff compares.
//!
//! # Imports
//!
//! `schema` → `table` → `index`, `types` → `name`, `options`

mod index;
mod name;
mod options;
mod schema;
mod table;
mod types;

pub use index::{Index, IndexKey, IndexPart, NullsOrder, SortOrder};
pub use name::{Dialect, QualifiedName};
pub use options::TableOptions;
pub use schema::{EnumType, ObjectKind, OtherObject, Schema};
pub use table::{
    Check, Column, Deferral, FkAction, ForeignKey, Generated, GeneratedKind, Identity, PrimaryKey,
    Table, Unique,
};
pub use types::{normalize_type, ColumnType, TypeShape};
