//! The options of the commands that write revision files: `revision` and
//! `merge`.

use super::AutogenOpts;
use clap::{ArgAction, Args as ClapArgs};

/// `revision` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct RevisionArgs {
    /// The message: goes into the `-- Message:` header and the file name.
    #[arg(short, long, value_name = "MESSAGE")]
    pub message: String,

    /// Use this revision id instead of a random one.
    #[arg(long, value_name = "ID")]
    pub rev_id: Option<String>,

    /// The revision to build on: a head, `<label>@head`, or `base` for a new root.
    ///
    /// Default: the single head. Building on a revision that is not a head
    /// needs `--splice`.
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,

    /// Allow `--head` to name a revision that is not a head, starting a branch.
    #[arg(long, requires = "head")]
    pub splice: bool,

    /// Branch label(s) for the new revision (repeat or separate with commas).
    #[arg(long, value_name = "LABEL", value_delimiter = ',', action = ArgAction::Append)]
    pub branch_label: Vec<String>,

    /// Revision(s) that must be applied first without being parents.
    #[arg(long, value_name = "REV", value_delimiter = ',', action = ArgAction::Append)]
    pub depends_on: Vec<String>,

    #[command(flatten)]
    pub auto: AutogenOpts,
}

/// `merge` options.
#[derive(Debug, ClapArgs)]
pub(crate) struct MergeArgs {
    /// The message of the merge revision.
    #[arg(short, long, value_name = "MESSAGE")]
    pub message: String,

    /// The revisions to merge, or `heads` for every head.
    #[arg(value_name = "REV", required = true)]
    pub revisions: Vec<String>,

    /// Use this revision id instead of a random one.
    #[arg(long, value_name = "ID")]
    pub rev_id: Option<String>,

    /// Branch label(s) for the merge revision.
    #[arg(long, value_name = "LABEL", value_delimiter = ',', action = ArgAction::Append)]
    pub branch_label: Vec<String>,
}
