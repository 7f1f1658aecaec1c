//! Drafts: the SQL for a diff in one dialect, with its warnings and notes.
//!
//! # Imports
//!
//! `script` → `draft` → `mysql`, `postgres`, `sqlite` → `context`, `sql`

mod context;
mod draft;
mod mysql;
mod postgres;
mod script;
mod sql;
mod sqlite;

pub(crate) use context::Context;
pub use context::Statement;
pub use draft::{draft, Draft, NotGenerated, Presence};
