//! What every command may use besides its own arguments ([`Env`]), and the
//! bridge to migrate-cli's database commands: their [`Context`], one async
//! runtime per invocation, and the migrations directory as the commands'
//! source ([`Dir`]), read when a command needs it. Kept apart from
//! `commands/dispatch.rs`, which calls every command, so that no command
//! imports it.

use crate::error::CliError;
use crate::project::Project;
use crate::settings::Settings;
use migrate_cli::show::Revisions;
use migrate_cli::{Context, Database, Policy, Reporter};
use migrate_runtime::Migrations;
use std::borrow::Cow;
use std::future::Future;
use std::path::Path;
use std::sync::OnceLock;

/// What every command may use besides its own arguments.
pub(crate) struct Env<'a> {
    /// Resolved settings.
    pub settings: &'a Settings,
    /// The database URL, when the command takes one and one is set.
    pub url: Option<&'a str>,
    /// Prints warnings and diagnostics without passwords.
    pub reporter: &'a Reporter,
}

impl<'a> Env<'a> {
    /// The context of migrate-cli's database commands: the directory read
    /// when needed, the URL (a missing one names the variable migrate.toml
    /// says), `table`, and `cargo migrate`'s [`Policy`].
    pub(crate) fn context<'c, L>(
        &self,
        migrations: &'c L,
        table: &'c Option<String>,
    ) -> Context<'c, L>
    where
        'a: 'c,
    {
        Context {
            migrations,
            database: Database::url(self.url, self.settings.url_env()),
            table: table.as_deref(),
            reporter: self.reporter,
            policy: Policy::CARGO,
        }
    }
}

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
