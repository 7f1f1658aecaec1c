//! The `--json` shapes. Field names are a stable interface for scripts: add
//! fields, never rename or remove them.

use crate::project::Project;
use serde::Serialize;
use std::io::Write;

/// One revision, as every `--json` output shows it.
#[derive(Serialize)]
pub(crate) struct RevisionJson {
    /// The revision id.
    pub id: String,
    /// Path of the file, as the user names the directory.
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
    /// `Create Date:` as written.
    pub create_date: Option<String>,
    /// No revision revises or depends on it.
    pub is_head: bool,
    /// More than one parent.
    pub is_merge: bool,
    /// More than one child.
    pub is_branch_point: bool,
    /// `-- migrate:down irreversible`.
    pub irreversible: bool,
    /// Applied heads only: whether the database is at it (`history --indicate-current`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<bool>,
}

impl RevisionJson {
    /// Revision `i` of `project`.
    pub(crate) fn new(project: &Project, i: usize) -> RevisionJson {
        let graph = project.graph();
        let rev = project.revision(i);
        RevisionJson {
            id: rev.id.clone(),
            file: project.path_of(i).display().to_string(),
            message: rev.message().to_owned(),
            parents: rev.parents.clone(),
            depends_on: rev.depends_on.clone(),
            children: graph
                .children(i)
                .iter()
                .map(|&c| graph.id(c).to_owned())
                .collect(),
            branch_labels: rev.branch_labels.clone(),
            create_date: rev.create_date.clone(),
            is_head: graph.heads().contains(&i),
            is_merge: rev.is_merge(),
            is_branch_point: graph.is_branch_point(i),
            irreversible: rev.down.section().is_none(),
            current: None,
        }
    }
}

/// Writes `value` as pretty JSON and a newline.
pub(crate) fn write(out: &mut dyn Write, value: &impl Serialize) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    out.write_all(b"\n")
}
