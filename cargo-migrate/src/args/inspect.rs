//! The options of the read-only commands: `current`, `history`, `heads`,
//! `branches`, `show`.

use super::DbOpts;
use clap::Args as ClapArgs;

/// `current` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct CurrentArgs {
    /// Show each applied head's file, message and when it was applied.
    #[arg(short, long)]
    pub verbose: bool,

    /// Exit 1 unless the database is at every head of the directory.
    #[arg(long)]
    pub check_heads: bool,

    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub db: DbOpts,
}

/// `history` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct HistoryArgs {
    /// Only revisions in `FROM:TO` (either end may be left out; `-3:` counts
    /// from the database's current revision).
    #[arg(short, long, value_name = "RANGE", allow_hyphen_values = true)]
    pub rev_range: Option<String>,

    /// Show each revision's header and file.
    #[arg(short, long)]
    pub verbose: bool,

    /// Mark the revisions the database is at (needs a database URL).
    #[arg(short, long)]
    pub indicate_current: bool,

    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub db: DbOpts,
}

/// `heads` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct HeadsArgs {
    /// Show each head's header and file.
    #[arg(short, long)]
    pub verbose: bool,

    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
}

/// `branches` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct BranchesArgs {
    /// Show the header and file of each branch point.
    #[arg(short, long)]
    pub verbose: bool,

    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
}

/// `show` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct ShowArgs {
    /// The revision: an id, unique prefix, branch label, `head` or `<label>@head`.
    #[arg(value_name = "REV", allow_hyphen_values = true)]
    pub revision: String,

    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
}
