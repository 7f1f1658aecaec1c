//! The stairway test: every revision applied, reverted and applied again
//! on a scratch database, the schema read back after each step and
//! compared, so that a down that forgets an index or drops too much fails
//! before it ships, naming the revision and what differs, as SQL.
//!
//! For every revision, in apply order: upgrade it and read the schema;
//! downgrade it (the schema must be the one before it); upgrade it again
//! (the schema must be the one after it). An irreversible revision is
//! applied and stepped over ([`Outcome::Irreversible`]).
//!
//! Each step is compared by the server's own schema dump (the
//! [`crate::proof`] net: every object, column positions included); only
//! where two dumps differ is the schema model read, on a scratch database
//! rebuilt at the revision, to write the difference as SQL. So a step costs
//! a dump, not three catalog reads, whatever the size of the schema. On a
//! server without the dump program the model alone compares
//! ([`StairwayReport::not_compared`] says why).
//!
//! On PostgreSQL a step first takes a catalog fingerprint (one query, see
//! [`crate::proof::fingerprint`]); when it equals the fingerprint of the
//! state the step must return to, that state's dump is reused, so a
//! revision whose down removes exactly what its up added costs one
//! `pg_dump` less, and one that only moves rows costs one dump, not three.
//!
//! The rows of the tables a revision's SQL names (when it has an INSERT,
//! UPDATE, DELETE...) are fingerprinted before it (count and content hash)
//! and again after its down: seed rows a down does not remove fail it.
//!
//! A failing revision does not stop the walk: it goes on from a scratch
//! database rebuilt at that revision (upgraded from base), so every
//! revision is judged. It stops only at a revision whose up does not apply.
//! A revision accepts a known difference with a line in its SQL:
//! `-- migrate:allow stairway <object> <reason>` (the object by name, a
//! table's name covering its columns, constraints and rows), giving
//! [`Outcome::Accepted`].
//!
//! After a whole walk (without [`Stairway::only`]):
//!
//! - **Several heads**: on two more scratch databases the heads are applied
//!   one after the other, each with its ancestors, in file-name order (`heads
//!   in order`) and in reverse (`heads reversed`); these and the walk (the
//!   graph's apply order) must end in the same schema; an order in which
//!   a revision does not apply is a mismatch too. Two orders always differ
//!   there, since no head is an ancestor of another.
//! - **A desired schema** ([`Stairway::schema`], `schema.sql`): the end of
//!   the walk must equal it.
//!
//! A service can run it from its own test suite:
//!
//! ```no_run
//! use migrate_devtools::scratch::ScratchServer;
//! use migrate_devtools::stairway::Stairway;
//! use migrate_runtime::Migrations;
//!
//! // In the service: `static MIGRATIONS: Migrations = migrations!("migrations");`
//! # async fn stairway(migrations: &Migrations) {
//! let report = Stairway::new(migrations, ScratchServer::sqlite())
//!     .run()
//!     .await
//!     .expect("scratch database");
//! for failure in report.failures() {
//!     eprintln!("{} ({}): {:?}", failure.id, failure.file, failure.outcome);
//! }
//! assert!(report.passed());
//! # }
//! ```
//!
//! On PostgreSQL or MariaDB pass `ScratchServer::new(dialect, &dev_url)`: a
//! temporary database is created there and always dropped.
//!
//! # Imports
//!
//! `walk` → `steps` → `state` → `error`, `outcome`

mod error;
mod outcome;
mod state;
mod steps;
mod walk;

pub use error::StairwayError;
pub use outcome::{EndCheck, Failure, Mismatch, Outcome, RevisionReport, Stage, StairwayReport};

use crate::autogen::SchemaFile;
use crate::scratch::ScratchServer;
use migrate_runtime::Migrations;
use std::sync::Arc;

type Hook = Arc<dyn Fn(&RevisionReport) + Send + Sync>;

/// A stairway run over a migration set, on scratch databases of one server.
pub struct Stairway<'m> {
    migrations: &'m Migrations,
    server: ScratchServer,
    table: String,
    from: Option<String>,
    only: Option<String>,
    desired: Option<Vec<SchemaFile>>,
    hook: Option<Hook>,
    privileges: bool,
    fingerprints: bool,
}

impl std::fmt::Debug for Stairway<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stairway")
            .field("revisions", &self.migrations.len())
            .field("server", &self.server)
            .field("table", &self.table)
            .field("from", &self.from)
            .field("only", &self.only)
            .finish_non_exhaustive()
    }
}

impl<'m> Stairway<'m> {
    /// A run over every revision of `migrations` on scratch databases of
    /// `server` (in memory for SQLite).
    pub fn new(migrations: &'m Migrations, server: ScratchServer) -> Stairway<'m> {
        Stairway {
            migrations,
            server,
            table: migrate_runtime::DEFAULT_TABLE.to_owned(),
            from: None,
            only: None,
            desired: None,
            hook: None,
            privileges: false,
            fingerprints: true,
        }
    }

    /// The version table's name (left out of every schema read).
    pub fn table(mut self, table: impl Into<String>) -> Self {
        self.table = table.into();
        self
    }

    /// Checks `revision` (an id or a unique prefix) and every revision after
    /// it in apply order; the revisions they stand on are applied unchecked.
    pub fn from(mut self, revision: impl Into<String>) -> Self {
        self.from = Some(revision.into());
        self
    }

    /// Checks `revision` alone, on its ancestors applied unchecked. The end
    /// checks (heads, desired schema) are not made.
    pub fn only(mut self, revision: impl Into<String>) -> Self {
        self.only = Some(revision.into());
        self
    }

    /// The desired schema (the files of `schema.sql`): the end of the walk
    /// must equal the schema they create on a scratch database.
    pub fn schema(mut self, files: Vec<SchemaFile>) -> Self {
        self.desired = Some(files);
        self
    }

    /// Compare owners, grants and definers too (`--privileges`).
    pub fn privileges(mut self, yes: bool) -> Self {
        self.privileges = yes;
        self
    }

    /// Whether a step whose PostgreSQL catalog fingerprint equals the state
    /// it must equal reuses that state's dump instead of running `pg_dump`
    /// (on by default; off runs the dump program after every step, to
    /// measure or to rule the fingerprint out).
    pub fn fingerprints(mut self, yes: bool) -> Self {
        self.fingerprints = yes;
        self
    }

    /// Called after each revision's check, with its outcome (progress).
    pub fn on_revision(mut self, hook: impl Fn(&RevisionReport) + Send + Sync + 'static) -> Self {
        self.hook = Some(Arc::new(hook));
        self
    }

    /// How many revisions the run will check (for a progress display).
    pub fn planned(&self) -> Result<usize, StairwayError> {
        Ok(walk::selected(self)?.len())
    }

    /// Runs the checks. Every scratch database is dropped before this
    /// returns, on success and on error.
    pub async fn run(self) -> Result<StairwayReport, StairwayError> {
        walk::run(self).await
    }
}
