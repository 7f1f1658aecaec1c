//! One parsed migration file.

use crate::Checksum;

/// One revision: the parsed header and body of a migration file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    /// `Revision ID:`, unique in the directory.
    pub id: String,
    /// `Revises:`; empty for a base, several for a merge point.
    pub parents: Vec<String>,
    /// `Depends On:`: revisions applied first without being parents.
    pub depends_on: Vec<String>,
    /// `Branch Labels:` declared on this revision.
    pub branch_labels: Vec<String>,
    /// `Replaces:`: the revisions this squash revision stands for (a closed
    /// prefix of the graph ending at its `Revises:` point); empty for an
    /// ordinary revision.
    pub replaces: Vec<String>,
    /// `Create Date:`, kept as written.
    pub create_date: Option<String>,
    /// `Message:`, kept as written.
    pub message: Option<String>,
    /// The `-- migrate:up` section.
    pub up: Section,
    /// The `-- migrate:down` section, or irreversible.
    pub down: Down,
    /// The file name, relative to the migrations directory.
    pub file_name: String,
    /// Checksum of the normalized file text.
    pub checksum: Checksum,
    /// 1-based line numbers of the header fields, for diagnostics.
    pub lines: HeaderLines,
    /// `-- migrate:unchecked` in the header: the build-time SQL check (and
    /// the lint's parser) skip this file.
    pub unchecked: bool,
}

/// 1-based line numbers of a revision's header fields and markers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HeaderLines {
    /// The `Revision ID:` line.
    pub id: usize,
    /// The `Revises:` line.
    pub revises: usize,
    /// The `Depends On:` line, or 0 when absent.
    pub depends_on: usize,
    /// The `Branch Labels:` line, or 0 when absent.
    pub branch_labels: usize,
    /// The `Replaces:` line, or 0 when absent.
    pub replaces: usize,
    /// The `-- migrate:up` line.
    pub up: usize,
    /// The `-- migrate:down` line.
    pub down: usize,
}

/// The SQL of one direction and how to run it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// The SQL text between this marker and the next, trimmed.
    pub sql: String,
    /// `false` when the marker says `transaction:false`: run outside a transaction.
    pub transaction: bool,
    /// The 1-based line of the file that `sql` starts on, so a statement's
    /// line in the section maps to its line in the file.
    pub line: usize,
}

impl Section {
    /// Whether the section holds anything but blank lines and `--` comments.
    pub fn has_sql(&self) -> bool {
        has_sql(&self.sql)
    }
}

/// What `downgrade` does for a revision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Down {
    /// Run this SQL.
    Sql(Section),
    /// `-- migrate:down irreversible`: a downgrade past this revision fails.
    Irreversible,
}

impl Down {
    /// The section, unless irreversible.
    pub fn section(&self) -> Option<&Section> {
        match self {
            Down::Sql(s) => Some(s),
            Down::Irreversible => None,
        }
    }
}

impl Revision {
    /// The `Message:` header, or an empty string.
    pub fn message(&self) -> &str {
        self.message.as_deref().unwrap_or("")
    }

    /// A merge point has several parents.
    pub fn is_merge(&self) -> bool {
        self.parents.len() > 1
    }
}

/// Whether SQL text holds a statement: anything beyond blank lines and `--` comments.
pub(crate) fn has_sql(sql: &str) -> bool {
    sql.lines().any(|l| {
        let l = l.trim();
        !l.is_empty() && !l.starts_with("--")
    })
}
