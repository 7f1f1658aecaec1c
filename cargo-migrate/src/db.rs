//! The bridge to migrate-cli's database commands: one async runtime per
//! invocation, and the migrations directory as the commands' source
//! ([`Dir`]), read when a command needs it.

use crate::error::CliError;
use crate::project::Project;
use migrate_cli::show::Revisions;
use migrate_runtime::Migrations;
use std::borrow::Cow;
use std::future::Future;
use std::path::Path;
use std::sync::OnceLock;

/// The migrations directory, loaded on first use and kept, so that a
/// command reads its paths and revisions after the shared code ran.
pub(crate) struct Dir<'a> {
    path: &'a Path,
    project: OnceLock<Project>,
}

impl<'a> Dir<'a> {
    /// `path`, not read yet.
    pub(crate) fn new(path: &'a Path) -> Dir<'a> {
        Dir {
            path,
            project: OnceLock::new(),
        }
    }

    /// The project, reading it if no command has.
    pub(crate) fn project(&self) -> Result<&Project, CliError> {
        if let Some(p) = self.project.get() {
            return Ok(p);
        }
        let loaded = Project::load(self.path)?;
        Ok(self.project.get_or_init(|| loaded))
    }
}

impl migrate_cli::Load for Dir<'_> {
    type Error = CliError;

    fn load(&self) -> Result<Cow<'_, Migrations>, CliError> {
        Ok(Cow::Owned(Migrations::from_set(&self.project()?.set)))
    }

    fn revisions(&self) -> Result<Revisions<'_>, CliError> {
        Ok(self.project()?.revisions())
    }
}

impl migrate_cli::Load for Project {
    type Error = CliError;

    fn load(&self) -> Result<Cow<'_, Migrations>, CliError> {
        Ok(Cow::Owned(Migrations::from_set(&self.set)))
    }

    fn revisions(&self) -> Result<Revisions<'_>, CliError> {
        Ok(Project::revisions(self))
    }
}

/// Runs one command's future on a one-worker runtime: one worker is enough
/// for a command that talks to a database or two, and leaves the machine's
/// other cores alone. A connect still under way when the command fails (the
/// directory did not load, say) is not waited for.
pub(crate) fn block_on<T>(work: impl Future<Output = Result<T, CliError>>) -> Result<T, CliError> {
    let rt = runtime()?;
    let result = rt.block_on(work);
    rt.shutdown_background();
    result
}

/// The async runtime of one invocation.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|source| CliError::Io {
            path: "tokio runtime".into(),
            action: "start",
            source,
        })
}
