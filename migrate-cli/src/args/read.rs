//! The options of the commands that only read: `current`, `history`,
//! `heads` and `check`.

use clap::Args;

/// `current` options.
#[derive(Debug, Clone, Args)]
pub(crate) struct CurrentArgs {
    /// Show each applied head's file and when it was applied.
    #[arg(short, long)]
    pub verbose: bool,

    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
}

/// `history` options.
#[derive(Debug, Clone, Args)]
pub(crate) struct HistoryArgs {
    /// Only revisions in `FROM:TO` (either end may be left out; `-3:`
    /// counts from the database's current revision).
    #[arg(short, long, value_name = "RANGE", allow_hyphen_values = true)]
    pub rev_range: Option<String>,

    /// Show each revision's header and file.
    #[arg(short, long)]
    pub verbose: bool,

    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
}

/// `heads` options.
#[derive(Debug, Clone, Args)]
pub(crate) struct HeadsArgs {
    /// Show each head's header and file.
    #[arg(short, long)]
    pub verbose: bool,

    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
}

/// `check` options.
#[derive(Debug, Clone, Args)]
pub(crate) struct CheckArgs {
    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
}
