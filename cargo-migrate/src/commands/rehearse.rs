//! `rehearse`: `cargo migrate`'s options over migrate-cli's rehearsal
//! (the same report and exit codes as an application's `migrate
//! rehearse`), on the migrations directory, with `dev_url` from
//! migrate.toml.

use super::Env;
use crate::args::RehearseArgs;
use crate::error::CliError;
use crate::project::Project;
use migrate_cli::rehearse::{rehearse, Settings};
use migrate_runtime::{DatabaseUrl, Migrations};
use std::io::Write;

/// Runs `rehearse`.
pub(crate) fn run(args: &RehearseArgs, env: &Env<'_>, out: &mut dyn Write) -> Result<(), CliError> {
    let project = Project::load(&env.settings.source)?;
    let migrations = Migrations::from_set(&project.set);
    let source = match args.settings.from_url.as_deref().or(env.url) {
        Some(u) => DatabaseUrl::parse(u)?,
        None => {
            return Err(CliError::NoSchemaDialect {
                command: "rehearse",
                env: env.settings.url_env().to_owned(),
            })
        }
    };
    let dev = args
        .dev
        .dev_url
        .clone()
        .or_else(|| env.settings.dev_url.clone())
        .map(|d| DatabaseUrl::parse(&d))
        .transpose()?;
    let table = env.settings.table(args.db.table.as_deref());
    let settings = Settings {
        same_server_allowed: matches!(
            (source.database(), &env.settings.dev_url_same_server),
            (Some(db), Some(name)) if db == name
        ),
        ..args.settings.clone()
    };
    let rt = crate::db::runtime()?;
    let result = rt.block_on(rehearse(
        &migrations,
        source,
        dev,
        table.as_deref(),
        &settings,
        out,
    ));
    rt.shutdown_background();
    Ok(result?)
}
