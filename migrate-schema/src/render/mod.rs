//! Drafts: the SQL for a diff in one dialect, with its warnings and notes.

mod draft;
mod mysql;
mod postgres;
mod script;
mod sql;
mod sqlite;

pub(crate) use draft::Context;
pub use draft::{draft, Draft, NotGenerated, Presence, Statement};
