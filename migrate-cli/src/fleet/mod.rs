//! Fleets on the command line: `upgrade`, `downgrade`, `current` and
//! `check` over many tenant databases or PostgreSQL schemas, for both
//! command lines (`cargo migrate fleet ...`, `myapp migrate fleet ...`),
//! over the runtime's [`Fleet`](migrate_runtime::fleet::Fleet).
//!
//! # Imports
//!
//! `run` → `args`, `state`, `summary`

mod args;
mod run;
mod state;
mod summary;

pub use args::{FleetCommand, FleetOp, FleetRun, FleetTargets, Names};
pub use run::fleet;
