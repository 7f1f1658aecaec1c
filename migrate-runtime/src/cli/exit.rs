//! The process exit codes, the same as `cargo migrate`'s.

/// Success (output cut short by a closed pipe counts as success).
pub const SUCCESS: u8 = 0;
/// A user error or a failed check: the reason is on stderr.
pub const FAILURE: u8 = 1;
/// The command line itself is wrong (clap's usage errors; `stamp` or
/// `resolve` without `--yes` when stdin is not a terminal).
pub const USAGE: u8 = 2;
