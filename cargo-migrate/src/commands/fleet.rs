//! `fleet`: migrate-cli's fleet command over the migrations directory, read
//! once for the whole fleet.

use super::Env;
use crate::args::FleetArgs;
use crate::db::{self, Dir};
use crate::error::CliError;
use std::io::Write;

/// `fleet upgrade|downgrade|current|check|rehearse [TARGET]`; `rehearse`
/// takes migrate.toml's `dev_url` when `--dev-url` and `MIGRATE_DEV_URL`
/// give none, as `cargo migrate rehearse` does.
pub(crate) fn run(args: &FleetArgs, env: &Env<'_>, out: &mut dyn Write) -> Result<(), CliError> {
    let dir = Dir::new(&env.settings.source);
    let table = env.settings.table(args.db.table.as_deref());
    let mut fleet = args.fleet.clone();
    if fleet.rehearse.dev_url.is_none() {
        fleet.rehearse.dev_url = env.settings.dev_url.clone();
    }
    db::block_on(migrate_cli::fleet::fleet(
        &env.context(&dir, &table),
        &fleet,
        out,
    ))
}
