//! A new revision file: its parents, its id and branch labels checked
//! against the graph, its text (written by [`RevisionFile`]) validated with
//! the directory, then created. `revision`, `merge`, `revision
//! --autogenerate` and `squash` all write through here.

use super::Env;
use crate::args::RevisionArgs;
use crate::error::CliError;
use crate::naming::{self, Utc};
use crate::project::Project;
use crate::render;
use migrate_graph::{
    is_valid_id, DownText, RevisionFile, SectionText, SourceFile, ValidationError, RESERVED_IDS,
};
use std::io::Write;
use std::path::PathBuf;

/// The parents (`--head`, else the single head) and `--depends-on`
/// revisions of a new revision, as ids.
pub(super) fn parents(
    project: &Project,
    args: &RevisionArgs,
) -> Result<(Vec<String>, Vec<String>), CliError> {
    let graph = project.graph();
    let parents: Vec<usize> = match args.head.as_deref() {
        None => match graph.heads() {
            [] => Vec::new(),
            [one] => vec![*one],
            many => {
                return Err(CliError::SeveralHeads {
                    heads: many.iter().map(|&h| graph.describe(h)).collect(),
                    ids: many.iter().map(|&h| graph.id(h).to_owned()).collect(),
                })
            }
        },
        Some("base") => Vec::new(),
        Some(text) => {
            let i = project.resolve_one(text)?;
            if !graph.children(i).is_empty() && !args.splice {
                return Err(CliError::NotAHead {
                    revision: graph.describe(i),
                    children: graph
                        .children(i)
                        .iter()
                        .map(|&c| graph.describe(c))
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            vec![i]
        }
    };
    let mut depends_on: Vec<String> = Vec::new();
    for text in &args.depends_on {
        let i = project.resolve_one(text)?;
        let id = graph.id(i).to_owned();
        // A dependency that is also a parent adds nothing.
        if !parents.contains(&i) && !depends_on.contains(&id) {
            depends_on.push(id);
        }
    }
    let parents: Vec<String> = parents.iter().map(|&i| graph.id(i).to_owned()).collect();
    Ok((parents, depends_on))
}

/// A revision file to write: its header fields and, when given, the
/// sections that replace the empty ones of a fresh file.
pub(super) struct NewFile<'a> {
    pub message: &'a str,
    pub rev_id: Option<&'a str>,
    pub parents: &'a [String],
    pub depends_on: &'a [String],
    pub labels: &'a [String],
    /// `Replaces:` (a squash).
    pub replaces: &'a [String],
    pub sections: Option<Sections>,
}

/// What goes below a new file's header instead of empty sections.
pub(super) struct Sections {
    /// Comment lines above `-- migrate:up`.
    pub comments: Vec<String>,
    /// The up section.
    pub up: SectionText,
    /// The down section.
    pub down: DownText,
}

/// Checks the new revision's id and labels, writes its file, and makes sure
/// the directory still validates with it.
pub(super) fn write(
    project: &Project,
    env: &Env<'_>,
    new: &NewFile<'_>,
) -> Result<PathBuf, CliError> {
    let NewFile {
        message,
        rev_id,
        parents,
        depends_on,
        labels,
        replaces,
        ref sections,
    } = *new;
    let graph = project.graph();
    let taken = |id: &str| graph.index_of(id).is_some() || graph.label_revision(id).is_some();
    let id = match rev_id {
        Some(id) => {
            let reason = if !is_valid_id(id) || RESERVED_IDS.contains(&id) {
                Some("use letters, digits and `_`, and not `head`, `heads` or `base`".to_owned())
            } else if let Some(i) = graph.index_of(id) {
                Some(format!("{} already has it", graph.describe(i)))
            } else {
                graph
                    .label_revision(id)
                    .map(|i| format!("it is a branch label of {}", graph.describe(i)))
            };
            if let Some(reason) = reason {
                return Err(CliError::BadRevId {
                    id: id.to_owned(),
                    reason,
                });
            }
            id.to_owned()
        }
        None => std::iter::repeat_with(naming::random_id)
            .find(|id| !taken(id))
            .expect("an endless iterator"),
    };
    let mut seen: Vec<&str> = Vec::new();
    for label in labels {
        let reason = if !is_valid_id(label) || RESERVED_IDS.contains(&label.as_str()) {
            Some("use letters, digits and `_`, and not `head`, `heads` or `base`".to_owned())
        } else if let Some(i) = graph.label_revision(label) {
            Some(format!("{} already declares it", graph.describe(i)))
        } else if let Some(i) = graph.index_of(label) {
            Some(format!("it is the id of {}", graph.describe(i)))
        } else if *label == id || seen.contains(&label.as_str()) {
            Some("given twice, or equal to the new revision's id".to_owned())
        } else {
            None
        };
        if let Some(reason) = reason {
            return Err(CliError::BadLabel {
                label: label.clone(),
                reason,
            });
        }
        seen.push(label);
    }

    let now = Utc::now();
    let mut file = RevisionFile::new(id.as_str()).with_message(message);
    file.parents = parents.to_vec();
    file.depends_on = depends_on.to_vec();
    file.branch_labels = labels.to_vec();
    file.replaces = replaces.to_vec();
    file.create_date = Some(now.create_date());
    if let Some(s) = sections {
        file.comments = s.comments.clone();
        file.up = s.up.clone();
        file.down = s.down.clone();
    }
    let text = file.render();
    let slug = naming::slug(message, env.settings.slug_length);
    let name = naming::file_name(&env.settings.file_template, &id, &slug, &now);
    let path = project.dir.join(&name);

    // The directory with the new file must still load: this catches what the
    // checks above cannot (a dependency cycle, say) before anything is written.
    let mut files = migrate_graph::read_dir(&project.dir)?;
    files.push(SourceFile::new(name.clone(), text.clone()));
    match migrate_graph::load(&files) {
        Ok(_) => {}
        Err(errors) => match errors.0.as_slice() {
            [ValidationError::UnmergedHeads { heads, .. }] => render::warning(
                env.reporter,
                &format!(
                    "the directory will have {} heads ({}); `upgrade head` and the `migrations!` macro need them merged \
                     (`cargo migrate merge -m \"merge heads\" heads`) or each given its own `--branch-label`",
                    heads.len(),
                    heads.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>().join(", ")
                ),
            ),
            _ => {
                return Err(CliError::Invalid {
                    dir: project.dir.clone(),
                    errors: errors.0,
                    files,
                })
            }
        },
    }

    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::AlreadyExists => CliError::FileExists { path: path.clone() },
            _ => CliError::Io {
                path: path.clone(),
                action: "create",
                source,
            },
        })?;
    file.write_all(text.as_bytes())
        .map_err(|source| CliError::Io {
            path: path.clone(),
            action: "write",
            source,
        })?;
    Ok(path)
}
