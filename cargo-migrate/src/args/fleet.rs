//! `fleet` options: migrate-cli's fleet command, with the database URL
//! (the control database of `--fleet-query` and `--schemas`) and table.

use super::DbOpts;
use clap::Args as ClapArgs;

/// `fleet OPERATION [TARGET]` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct FleetArgs {
    #[command(flatten)]
    pub fleet: migrate_cli::fleet::FleetCommand,

    #[command(flatten)]
    pub db: DbOpts,
}
