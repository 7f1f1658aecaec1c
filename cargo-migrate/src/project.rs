//! The migrations directory as commands see it: read from disk with
//! migrate-graph, plus the small lookups the CLI needs on top of the graph.

use crate::error::CliError;
use migrate_cli::show::Revisions;
use migrate_graph::{Graph, MigrationSet, Revision};
use std::path::{Path, PathBuf};

/// A loaded migrations directory.
pub(crate) struct Project {
    /// The directory, as the user named it (for messages).
    pub dir: PathBuf,
    /// The validated revisions and graph.
    pub set: MigrationSet,
}

impl Project {
    /// Reads and validates `dir` by every rule but one: several unlabelled
    /// heads are allowed, because `heads`, `merge`, `history` and `upgrade
    /// heads` must work on exactly such a directory. (`check` applies that
    /// rule too, as the macro does.)
    pub(crate) fn load(dir: &Path) -> Result<Project, CliError> {
        let files = migrate_graph::read_dir(dir)?;
        match migrate_graph::load_unmerged(&files) {
            Ok(set) => Ok(Project {
                dir: dir.to_owned(),
                set,
            }),
            Err(errors) => Err(CliError::Invalid {
                dir: dir.to_owned(),
                errors: errors.0,
                files,
            }),
        }
    }

    /// The graph.
    pub(crate) fn graph(&self) -> &Graph {
        self.set.graph()
    }

    /// The revisions as the read commands show them: by path.
    pub(crate) fn revisions(&self) -> Revisions<'_> {
        Revisions::in_dir(&self.dir, &self.set)
    }

    /// Revision `i`.
    pub(crate) fn revision(&self, i: usize) -> &Revision {
        self.set.revision(i)
    }

    /// Resolves a target that must name exactly one revision: an id, prefix,
    /// label, `head`, `heads` with one head, `<label>@head`, `<rev>+N`.
    pub(crate) fn resolve_one(&self, text: &str) -> Result<usize, CliError> {
        Ok(migrate_cli::resolve_one(self.graph(), text)?)
    }
}
