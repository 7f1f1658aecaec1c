//! Adopting a database another tool migrated: reading its version table
//! (sqlx, diesel, refinery, dbmate, golang-migrate, Flyway, Alembic), mapping
//! its versions to the revisions `cargo migrate import` wrote, and recording
//! them in our table under our lock, without touching the other table.
//!
//! # Imports
//!
//! `op` → `plan` → `record`, `error` → `tool`

mod error;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
mod op;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
mod plan;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
mod record;
mod tool;

pub use error::AdoptError;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
pub use op::Adopted;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
pub(crate) use op::{adopt, adoption};
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
pub use plan::Adoption;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
pub use record::OtherRow;
pub use tool::{Tool, UnknownTool, TOOLS};
