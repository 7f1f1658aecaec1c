//! Every piece of SQL this workspace generates: drafts (the SQL for a diff in
//! one dialect, with its warnings and notes), rows, the objects the diff
//! leaves out, whole databases, and the quoting they all share.
//!
//! # Imports
//!
//! `script` → `draft` → `mysql`, `postgres`, `sqlite` → `mysql_generated`, `trial_rows` → `context`, `sql`, `rows`, `objects`, `object_ddl`, `database` → `settings`, `domain` → `quote`

mod context;
pub mod database;
mod domain;
mod draft;
mod mysql;
mod mysql_generated;
mod object_ddl;
mod objects;
mod postgres;
pub mod quote;
mod rows;
mod script;
mod settings;
mod sql;
mod sqlite;
mod trial_rows;

pub(crate) use context::Context;
pub use context::Statement;
pub use database::{create_database, drop_database};
pub use draft::{draft, Draft};
pub use objects::{drop_objects, recreate_objects, Dropped, Recreated};
pub use rows::{
    delete_rows, escape_cr, insert_row, reset_sequences, row_inserts, select_literals,
    select_typed_literals,
};
pub use trial_rows::{trial_rows, Candidate, TrialRow};
