//! The process exit codes of both command lines: the application's own
//! `migrate` and `cargo migrate` name them from here, so that scripts and
//! the `--help` texts agree.

/// The command did what it was asked, or its output went to a closed pipe
/// (`migrate history | head`): the reader had all it wanted.
pub const SUCCESS: u8 = 0;

/// A user error (bad target, unreachable database, invalid migration file,
/// ...) or a failed check (`check`, `current --check-heads`): the reason is
/// on stderr.
pub const FAILURE: u8 = 1;

/// The command line itself is wrong: an unknown option, a missing argument
/// (clap reports these, with this code); in the application's `migrate`,
/// also `stamp` or `resolve` without `--yes` when stdin is not a terminal.
pub const USAGE: u8 = 2;
