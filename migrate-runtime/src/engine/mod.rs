//! What a migrator does on a database: take the lock, read the version
//! table once, plan with the graph, run each step with its version-table
//! write, release. Generic over the session's [`Backend`](crate::session::Backend);
//! the dialect files and the protocol hold all SQL.
//!
//! The engine is given plain values (`Options`, `Hooks`, in `options.rs`) and a set; it
//! never imports the migrator that builds them. The session alone knows
//! whether the lock is held and a transaction is open.
//!
//! # Imports
//!
//! `ops` → `step`, `squash` → `watch` → `tx` → `run` → `state`
//!
//! `state` (rows in, state and policy errors out; pure), `run` (what a run
//! is told, its session, what it holds, polling the lock), `tx`
//! (transactions, reads under the lock, the end of a run), `squash` (what rows mean when a squash replaces
//! revisions, and the collapse), `watch` (what a long step waits for),
//! `step` (one revision: a plan and one executor per strategy), `ops` (one
//! function per operation, the backup step among upgrade's, and `with_run!`,
//! which picks the backend once and ends the run on every path).

pub(crate) mod ops;
mod run;
mod squash;
mod state;
mod step;
mod tx;
mod watch;

pub(crate) use run::Run;

pub(crate) use ops::with_run;
