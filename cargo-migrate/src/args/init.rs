//! `init`'s options.

use clap::Args as ClapArgs;

/// `init` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct InitArgs {
    /// Do not create or edit build.rs; only print the line it needs.
    #[arg(long)]
    pub no_build_script: bool,
}
