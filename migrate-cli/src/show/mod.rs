//! What the read commands print, for both command lines: `current`,
//! `history`, `heads` and `check`, as text (Alembic's layout) and as
//! `--json`, over the embedded set ([`Revisions::embedded`]) or a
//! migrations directory ([`Revisions::in_dir`]). The two differ only where
//! they must: a file name or a path, "this build" or the directory, the
//! advice on an edited or missing file.
//!
//! JSON field names are a stable interface for scripts: add fields, never
//! rename or remove them.
//!
//! # Imports
//!
//! `check`, `read` → `json` → `revisions`

mod check;
mod json;
mod read;
mod revisions;
#[cfg(test)]
mod tests;

pub use check::{Check, Problem};
pub use json::{write_json, RevisionJson};
pub use read::{current, heads, history, history_range, history_revisions, Position};
pub use revisions::Revisions;
