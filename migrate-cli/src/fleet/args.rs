//! The fleet command line, shared by `cargo migrate fleet` and an
//! application's `migrate fleet`: which tenants, which operation, how many
//! at once, what to do on failure, where the resumable state goes.

use crate::options::LockArgs;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// `fleet upgrade|downgrade|current|check|rehearse [TARGET]`: one command over many
/// tenant databases or schemas, each under its own lock exactly as a single
/// database. Exits 1 when any tenant failed.
#[derive(Debug, Clone, Args)]
pub struct FleetCommand {
    /// The operation on each tenant.
    #[arg(value_name = "OPERATION", value_enum)]
    pub op: FleetOp,

    /// Where `upgrade` (default `head`) and `downgrade` (required) go:
    /// `head`, `heads`, `+1`, `-1`, `base`, an id or prefix.
    #[arg(value_name = "TARGET", allow_hyphen_values = true)]
    pub target: Option<String>,

    /// Each tenant's revisions in one transaction (PostgreSQL, SQLite).
    #[arg(long)]
    pub single_transaction: bool,

    /// Lock options, per tenant.
    #[command(flatten)]
    pub lock: LockArgs,

    /// Which tenants.
    #[command(flatten)]
    pub targets: FleetTargets,

    /// How the run goes.
    #[command(flatten)]
    pub run: FleetRun,

    /// `rehearse`'s options.
    #[cfg(feature = "rehearse")]
    #[command(flatten)]
    pub rehearse: FleetRehearse,
}

/// `fleet rehearse`: each tenant database copied to one scratch server,
/// its pending revisions run, rolled back and run again there.
#[cfg(feature = "rehearse")]
#[derive(Debug, Clone, Args)]
pub struct FleetRehearse {
    /// The server the copies go to (a user there may CREATE DATABASE;
    /// never a tenant's own server). Default: one private server started
    /// from the installed server binaries, shared by the fleet.
    #[arg(
        long,
        value_name = "URL",
        env = "MIGRATE_DEV_URL",
        hide_env_values = true
    )]
    pub dev_url: Option<String>,

    /// Do not roll back on the copies.
    #[arg(long)]
    pub no_down: bool,

    /// Fail a tenant whose copy held a lock that blocks writes longer than
    /// SECONDS.
    #[arg(long, value_name = "SECONDS")]
    pub max_lock: Option<f64>,

    /// Copy the schema and about PERCENT of each table's rows.
    #[arg(long, value_name = "PERCENT")]
    pub sample: Option<f64>,
}

/// What to do on each tenant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FleetOp {
    /// Upgrade every tenant to TARGET (default `head`).
    Upgrade,
    /// Downgrade every tenant to TARGET.
    Downgrade,
    /// How many tenants are at each revision.
    Current,
    /// Check every tenant: pending, edited, unknown or failed revisions fail it.
    Check,
    /// Rehearse every tenant's pending revisions on a copy of it (the
    /// tenants are only read): a failing revision, down or long lock
    /// fails the tenant. Whole databases only, not `--schemas`.
    #[cfg(feature = "rehearse")]
    Rehearse,
}

/// Where the tenants come from (one of them) and which share of them.
#[derive(Debug, Clone, Args)]
pub struct FleetTargets {
    /// A file of tenant database URLs, one a line; `#` starts a comment line.
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present_any = ["fleet_query", "schemas"],
        conflicts_with_all = ["fleet_query", "schemas"]
    )]
    pub fleet: Option<PathBuf>,

    /// SQL run on the database URL whose first column names the tenants:
    /// databases on its server (SQLite: file paths), or schemas with
    /// `--names schema`.
    #[arg(long, value_name = "SQL", conflicts_with = "schemas")]
    pub fleet_query: Option<String>,

    /// What `--fleet-query` returns.
    #[arg(long, value_name = "KIND", value_enum, default_value_t = Names::Database)]
    pub names: Names,

    /// PostgreSQL schema per tenant: every schema of the database URL whose
    /// name matches this SQL LIKE pattern (`tenant_%`), each with its own
    /// version table, `search_path` set to it alone for its migrations.
    #[arg(long, value_name = "PATTERN")]
    pub schemas: Option<String>,

    /// Only shard K of N (`2/4`): a fixed hash of each tenant's id decides,
    /// so N machines given 1/N..N/N split the fleet exactly.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<(u32, u32)>,
}

/// What `--fleet-query` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Names {
    /// Databases on the URL's server.
    Database,
    /// PostgreSQL schemas in the URL's database.
    Schema,
}

/// Concurrency, stopping rules, output and resumable state.
#[derive(Debug, Clone, Args)]
pub struct FleetRun {
    /// Tenants at once per server (one connection each): a slow server
    /// holds only its own tenants back.
    #[arg(long, short = 'j', value_name = "N", default_value_t = 4)]
    pub jobs: usize,

    /// Stop starting tenants after the first failure.
    #[arg(long)]
    pub fail_fast: bool,

    /// Run N tenants first, and stop if any of them fails.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub canary: usize,

    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,

    /// Where `upgrade` and `downgrade` record which tenants are done, so
    /// that a run after a crash or Ctrl-C does only the rest. Default:
    /// `<FILE>.state` beside `--fleet FILE`, else `migrate-fleet.state`.
    #[arg(long, value_name = "FILE", conflicts_with = "state_table")]
    pub state: Option<PathBuf>,

    /// Keep the state in this table of the database URL instead (shared by
    /// the shards of a fleet run on several machines).
    #[arg(long, value_name = "NAME")]
    pub state_table: Option<String>,

    /// Rerun only the tenants the state records as failed.
    #[arg(long)]
    pub only_failed: bool,

    /// Ignore the recorded state: run every tenant.
    #[arg(long, conflicts_with = "only_failed")]
    pub restart: bool,
}

/// `K/N` with 1 <= K <= N.
fn parse_shard(text: &str) -> Result<(u32, u32), String> {
    let bad = || format!("`{text}` is not a shard: write K/N, 1 <= K <= N (`2/4`)");
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let (k, n): (u32, u32) = (k.parse().map_err(|_| bad())?, n.parse().map_err(|_| bad())?);
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse() {
        assert_eq!(parse_shard("2/4"), Ok((2, 4)));
        for bad in ["0/4", "5/4", "4", "a/b", "1/0"] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }
}
