//! Fleets on the command line: `upgrade`, `downgrade`, `current` and
//! `check` over many tenant databases or PostgreSQL schemas, for both
//! command lines (`cargo migrate fleet ...`, `myapp migrate fleet ...`),
//! over the runtime's [`Fleet`](migrate_runtime::fleet::Fleet).
//!
//! # Imports
//!
//! `run` → `args`, `summary`, `table` → `state`

mod args;
mod run;
mod state;
mod summary;
mod table;

pub use args::{FleetCommand, FleetOp, FleetRun, FleetTargets, Names};
pub use run::fleet;
pub use table::TableError;
