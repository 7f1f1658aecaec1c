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
//! let plan = graph.plan_upgrade("head", &applied).unwrap();
//! assert_eq!(plan.iter().map(|&i| graph.id(i)).collect::<Vec<_>>(), ["b2"]);
//! ```
#![deny(missing_docs)]

mod bitset;
mod checksum;
mod graph;
mod parse;
mod revision;
mod source;
mod target;
mod track;
mod validate;

#[cfg(test)]
mod tests;

pub use bitset::Applied;
pub use checksum::{normalize, Checksum};
pub use graph::{Graph, GraphError, Node, Relation};
pub use parse::{decode, parse_file, ParseError, ParseErrorKind};
pub use revision::{Down, HeaderLines, Revision, Section};
pub use source::{read_dir, SourceError, SourceFile};
pub use target::{Anchor, Spec, StampPlan, Target, TargetError};
pub use track::{clean_dir, tracks_dir, BuildScript};
pub use validate::{load, load_unmerged, MigrationSet, ValidationError, ValidationErrors};

/// Target keywords that can never be revision ids or branch labels, because the
/// target grammar would read them as keywords.
pub const RESERVED_IDS: [&str; 3] = ["head", "heads", "base"];

/// Whether `id` is a well-formed revision id: ASCII letters, digits and `_`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}
