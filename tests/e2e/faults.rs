//! Faults, load and hostile input (issue 5): what a migration run survives.
//!
//! - `version_write`: the migration's SQL succeeds, then its version-table
//!   write fails (a trigger refuses it, at once or at commit; the migration
//!   renames the table).
//! - `restart`: the database server is stopped (immediate shutdown) in the
//!   middle of a run and restarted; on SQLite, the process is killed in the
//!   middle of a write.
//! - `pressure`: 32 migrator processes at once, and a waiting process taking
//!   over the lock of a SIGKILLed holder.
//! - `hand_edited`: a version table edited by hand (duplicate rows, garbage
//!   or NULL values).
//! - `hostile`: 10,000 revisions, a 50 MB migration, bad bytes, symlinks.
//! - `secrets`: unreachable servers and wrong passwords, through the CLI and
//!   the runtime: the password is never shown.
//!
//! Every test checks the database's state and the message, not only that
//! nothing panicked. The README's "Reliability" section maps each scenario to
//! its test.

mod hand_edited;
mod hostile;
mod isolation;
mod pressure;
mod restart;
mod secrets;
mod server;
mod version_write;
