//! The model behind `migrate`: migration files, the revision graph and the
//! revision-target grammar, with no database and no async.
//!
//! One parser and one graph serve every caller. The `migrations!` macro runs
//! [`load`] at compile time, `cargo migrate` runs it on files it reads at run
//! time, and the runtime resolves targets such as `head`, `-1` or
//! `mybranch@base+2` against the revisions a database has applied. Because all
//! three share this crate, a directory that compiles is exactly a directory that
//! `cargo migrate check` accepts.
//!
//! Which file holds what: `parse` (the file format's reader),
//! `revision_file` (its one writer, [`RevisionFile`]), `validate` (the
//! rules, with `tx_control` for transaction statements), `graph` (edges,
//! heads and the apply order, built from `node`s, reporting `graph_error`s,
//! with `squash_layout` bending edges into squashes), `squash` (what a
//! squash means for applied sets and plans), `target` (the target grammar),
//! `resolve` (where a target points), `plan` (what upgrade, downgrade, stamp
//! and offline scripts do), [`split`] (statements of a section, per
//! [`Dialect`]) and `track` (build scripts).
//!
//! Imports flow one way, never back: `validate` → `parse` → `revision`;
//! `revision_file` → `parse`; `plan`, `resolve` and `squash` → `graph` →
//! `squash_layout` → `graph_error` → `node`.
//!
//! ```
//! use migrate_graph::{load, SourceFile};
//!
//! let files = vec![
//!     SourceFile::new("0001_users.sql", "-- Revision ID: a1\n-- Revises:\n\
//!         -- migrate:up\nCREATE TABLE users (id INT);\n\
//!         -- migrate:down\nDROP TABLE users;\n"),
//!     SourceFile::new("0002_posts.sql", "-- Revision ID: b2\n-- Revises: a1\n\
//!         -- migrate:up\nCREATE TABLE posts (id INT);\n\
//!         -- migrate:down\nDROP TABLE posts;\n"),
//! ];
//! let set = load(&files).expect("a valid chain");
//! let graph = set.graph();
//! let applied = graph.applied_from_ids(["a1"]).unwrap();
//! let head = "head".parse().expect("a target");
//! let plan = graph.plan_upgrade(&head, &applied).unwrap();
//! assert_eq!(plan.iter().map(|&i| graph.id(i)).collect::<Vec<_>>(), ["b2"]);
//! ```
//!
//! # Imports
//!
//! `revision_file`, `squash`, `track`, `validate` → `parse`, `plan`, `source`, `tx_control` → `resolve`, `revision`, `split` → `checksum`, `graph`, `target` → `bitset`, `dialect`, `squash_layout` → `graph_error` → `node`
#![deny(missing_docs)]

mod bitset;
mod checksum;
mod dialect;
mod graph;
mod graph_error;
mod node;
mod parse;
mod plan;
mod resolve;
mod revision;
mod revision_file;
mod source;
pub mod split;
mod squash;
mod squash_layout;
mod target;
mod track;
mod tx_control;
mod validate;

#[cfg(test)]
mod tests;

pub use bitset::Applied;
pub use checksum::{normalize, Checksum};
pub use dialect::Dialect;
pub use graph::Graph;
pub use graph_error::GraphError;
pub use node::{Node, Relation};
pub use parse::{decode, parse_file, ParseError, ParseErrorKind};
pub use plan::StampPlan;
pub use revision::{Down, HeaderLines, Revision, Section};
pub use revision_file::{DownText, RevisionFile, SectionText};
pub use source::{read_dir, SourceError, SourceFile};
pub use squash::SquashPointError;
pub use target::{Anchor, Range, Spec, Target, TargetError, ToSpec};
pub use track::{clean_dir, tracks_dir, BuildScript};
pub use validate::{load, load_unmerged, MigrationSet, ValidationError, ValidationErrors};

/// Target keywords that can never be revision ids or branch labels, because the
/// target grammar would read them as keywords.
pub const RESERVED_IDS: [&str; 3] = ["head", "heads", "base"];

/// The longest revision id, in characters: the width of the version table's
/// `revision` column. A longer id would be cut short (or refused) by the
/// database, so validation refuses it first.
pub const MAX_ID_LEN: usize = 128;

/// Whether `id` is a well-formed revision id: ASCII letters, digits and `_`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}
