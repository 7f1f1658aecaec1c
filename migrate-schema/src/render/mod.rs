//! Every piece of SQL this workspace generates: drafts (the SQL for a diff in
//! one dialect, with its warnings and notes), rows, the objects the diff
//! leaves out, whole databases, and the quoting they all share.
//!
//! # Imports
//!
//! `script` → `draft` → `mysql`, `postgres`, `sqlite` → `context`, `sql`, `rows`, `objects`, `object_ddl`, `database` → `quote`

mod context;
pub mod database;
mod draft;
mod mysql;
mod object_ddl;
mod objects;
mod postgres;
pub mod quote;
mod rows;
mod script;
mod sql;
mod sqlite;

pub(crate) use context::Context;
pub use context::Statement;
pub use database::{create_database, drop_database};
pub use draft::{draft, Draft};
pub use objects::{drop_objects, recreate_objects, Dropped, Recreated};
pub use rows::{
    delete_rows, escape_cr, insert_row, reset_sequences, row_inserts, select_literals,
    select_typed_literals,
};
