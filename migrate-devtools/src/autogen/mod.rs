//! The autogenerate pipeline: the current state (the migration graph
//! replayed on a scratch database), the desired state (`schema.sql` run on
//! another, or a live database), both read by the same catalog reader, and
//! the verification of a draft before it is written (up reaches the desired
//! state and down returns to the current one, on empty tables and again
//! with a row in every table).
//!
//! The diff and the SQL come from [`migrate_schema::draft`]; this module only
//! runs things on databases.
//!
//! # Imports
//!
//! `squash`, `net` → `pipeline` → `rows`, `compare` → `exec` → `error`

mod compare;
mod error;
mod exec;
mod net;
mod pipeline;
mod rows;
mod squash;

pub(crate) use compare::differences;
pub(crate) use error::split;
pub use error::{AutogenError, Stage};
pub use net::NetFinding;
pub use pipeline::{read_live, Pipeline, SchemaFile, Verification};
pub use squash::{SquashDraft, TableRows};
