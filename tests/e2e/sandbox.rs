//! Scratch work never touches anything but its own throw-away database
//! (issue 17): on PostgreSQL and MariaDB, with production-like objects
//! beside the database (another database with a table and rows, a role or
//! user with a password), `cargo migrate test`, `check`, autogenerate and
//! squash leave them as they were, whatever the migrations and the desired
//! schema say; a dev server that is the database's own server is refused;
//! the cleaner spares a live run's scratch database; SIGTERM and SIGHUP
//! leave nothing behind; the test helper never uses `DATABASE_URL`'s
//! server and drops a passing `#[should_panic]` test's database.

mod confined;
pub(crate) mod harness;
mod helper;
mod liveness;
mod outside;
