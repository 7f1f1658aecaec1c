//! Fleets: one operation over many tenant databases or schemas, for a
//! service (or a command line) that keeps a database or a schema per
//! customer.
//!
//! [`Fleet::run`] takes a stream of [`Tenant`]s (URLs, PostgreSQL schemas,
//! or pools the caller holds) and an operation (the single-database one:
//! `migrator.upgrade(db, "heads")`, say, each under its own lock), runs at
//! most `jobs` tenants at once per server, and returns a [`FleetReport`]:
//! how many tenants are at each revision, and each failure with its error.
//! [`Lazy`] migrates a tenant's pool on its first use instead.
//! [`targets`] reads tenant lists: a file, a query, a schema pattern.
//!
//! # Imports
//!
//! `lazy`, `runner`, `targets` → `report`, `tenant`

mod lazy;
mod report;
mod runner;
pub mod targets;
mod tenant;

pub use lazy::Lazy;
pub use report::{revision_key, FleetReport, Outcome, Progress, TenantResult};
pub use runner::{stream, Fleet, PROGRESS_INTERVAL};
pub use tenant::{shard_of, Tenant, TenantDb};
