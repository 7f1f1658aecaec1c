//! `cargo migrate` end to end: the built binary, run as cargo runs it
//! (`cargo-migrate migrate ARGS`), in temporary project directories, against
//! SQLite always and PostgreSQL / MariaDB when `MIGRATE_TEST_POSTGRES_URL` /
//! `MIGRATE_TEST_MYSQL_URL` are set (`scripts/test` sets them).

mod autogen;
mod autogen_errors;
mod both_command_lines;
mod branches;
mod drafts;
mod errors;
mod harness;
mod offline;
mod scripting;
mod session;
mod squash;
