//! The process exit codes, named so that scripts and the `--help` text agree.

/// The command did what it was asked, or its output went to a closed pipe
/// (`cargo migrate history | head`): the reader had all it wanted.
pub const SUCCESS: u8 = 0;

/// A user error (bad target, unreachable database, invalid migration file, ...)
/// or a failed check (`check`, `current --check-heads`).
pub const FAILURE: u8 = 1;

/// The command line itself is wrong: an unknown option, a missing argument.
/// clap reports these, with this code.
pub const USAGE: u8 = 2;

/// The exit-code table shown at the end of `cargo migrate --help`.
pub(crate) const HELP: &str = "\
Exit codes:
  0  success (output cut short by a closed pipe counts as success)
  1  user error or failed check: the reason is on stderr
  2  usage error: the command line itself is wrong";
