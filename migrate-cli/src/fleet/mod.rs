//! Fleets on the command line: `upgrade`, `downgrade`, `current`, `check`
//! and `rehearse` over many tenant databases or PostgreSQL schemas, for both
//! command lines (`cargo migrate fleet ...`, `myapp migrate fleet ...`),
//! over the runtime's [`Fleet`](migrate_runtime::fleet::Fleet).
//!
//! # Imports
//!
//! `run` → `rehearse` → `args`, `summary`, `table` → `state`

mod args;
#[cfg(feature = "rehearse")]
mod rehearse;
mod run;
mod state;
mod summary;
mod table;

#[cfg(feature = "rehearse")]
pub use args::FleetRehearse;
pub use args::{FleetCommand, FleetOp, FleetRun, FleetTargets, Names};
pub use run::fleet;
pub use table::TableError;
