//! The process exit codes, named so that scripts and the `--help` text
//! agree: the runtime's, which the application's own `migrate` shares.

pub use migrate_cli::exit::{FAILURE, SUCCESS, USAGE};

/// The exit-code table shown at the end of `cargo migrate --help`.
pub(crate) const HELP: &str = "\
Exit codes:
  0  success (output cut short by a closed pipe counts as success)
  1  user error or failed check: the reason is on stderr
  2  usage error: the command line itself is wrong";
