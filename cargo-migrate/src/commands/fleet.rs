//! `fleet`: migrate-cli's fleet command over the migrations directory, read
//! once for the whole fleet.

use super::Env;
use crate::args::FleetArgs;
use crate::db::{self, Dir};
use crate::error::CliError;
use std::io::Write;

/// `fleet upgrade|downgrade|current|check [TARGET]`.
pub(crate) fn run(args: &FleetArgs, env: &Env<'_>, out: &mut dyn Write) -> Result<(), CliError> {
    let dir = Dir::new(&env.settings.source);
    let table = env.settings.table(args.db.table.as_deref());
    db::block_on(migrate_cli::fleet::fleet(
        &env.context(&dir, &table),
        &args.fleet,
        out,
    ))
}
