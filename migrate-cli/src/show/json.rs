//! The JSON shape of one revision, the same in every `--json` output.

use super::Revisions;
use serde::Serialize;
use std::io::{self, Write};

/// One revision, as every `--json` output shows it. Flatten it into a
/// larger object with `#[serde(flatten)]`.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct RevisionJson {
    /// The revision id.
    pub id: String,
    /// The file: its name in the binary, or its path as the user names the
    /// directory.
    pub file: String,
    /// The `Message:` header, or empty.
    pub message: String,
    /// `Revises:` ids.
    pub parents: Vec<String>,
    /// `Depends On:` ids.
    pub depends_on: Vec<String>,
    /// Revisions that revise this one.
    pub children: Vec<String>,
    /// Branch labels declared on this revision.
    pub branch_labels: Vec<String>,
    /// `Replaces:` ids of a squash revision (absent for other revisions).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub replaces: Vec<String>,
    /// `Create Date:` as written (not embedded in a binary: `null` there).
    pub create_date: Option<String>,
    /// No revision revises or depends on it.
    pub is_head: bool,
    /// More than one parent.
    pub is_merge: bool,
    /// More than one child.
    pub is_branch_point: bool,
    /// `-- migrate:down irreversible`.
    pub irreversible: bool,
    /// Whether the database is at it (`history --indicate-current`);
    /// absent when the database was not asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<bool>,
}

impl RevisionJson {
    /// Revision `i` of `revs`.
    pub fn new(revs: &Revisions<'_>, i: usize) -> RevisionJson {
        let graph = revs.graph();
        let owned = |ids: &[&str]| ids.iter().map(|&s| s.to_owned()).collect();
        RevisionJson {
            id: revs.id(i).to_owned(),
            file: revs.file(i),
            message: revs.message(i).to_owned(),
            parents: owned(revs.parents(i)),
            depends_on: owned(revs.depends_on(i)),
            children: graph
                .children(i)
                .iter()
                .map(|&c| graph.id(c).to_owned())
                .collect(),
            branch_labels: owned(revs.declared_labels(i)),
            replaces: graph.replaces(i).to_vec(),
            create_date: revs.create_date(i).map(str::to_owned),
            is_head: graph.heads().contains(&i),
            is_merge: revs.parents(i).len() > 1,
            is_branch_point: graph.is_branch_point(i),
            irreversible: revs.irreversible(i),
            current: None,
        }
    }
}

/// Writes `value` as pretty JSON and a newline.
pub fn write_json(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    out.write_all(b"\n")
}
