//! `fleet rehearse`: every tenant database rehearsed on a copy, the copies
//! made on one scratch server per dialect that the whole fleet shares (a
//! private server is started once, not once per tenant).

use super::args::{FleetCommand, Names};
use crate::error::CmdError;
use migrate_devtools::rehearse::{Rehearsal, RehearseError};
use migrate_devtools::scratch::ScratchServer;
use migrate_runtime::fleet::{Tenant, TenantDb};
use migrate_runtime::{DatabaseUrl, Dialect, Migrations, DEFAULT_TABLE};
use std::collections::HashMap;
use std::sync::Mutex;

/// The scratch servers of a fleet's rehearsals, one per dialect, made
/// when the first tenant of that dialect comes.
pub(super) struct Servers {
    dev: Option<DatabaseUrl>,
    by_dialect: Mutex<HashMap<Dialect, ScratchServer>>,
}

impl Servers {
    /// Refuses schema tenants (a copy is of a whole database) and reads
    /// `--dev-url`.
    pub(super) fn new(cmd: &FleetCommand) -> Result<Servers, CmdError> {
        if cmd.targets.schemas.is_some() {
            return Err(CmdError::FleetRehearseWhole {
                what: "--schemas tenants",
            });
        }
        if cmd.targets.fleet_query.is_some() && cmd.targets.names == Names::Schema {
            return Err(CmdError::FleetRehearseWhole {
                what: "`--names schema` tenants",
            });
        }
        let dev = match cmd.rehearse.dev_url.as_deref() {
            Some(url) => Some(DatabaseUrl::parse(url)?),
            None => None,
        };
        Ok(Servers {
            dev,
            by_dialect: Mutex::default(),
        })
    }

    /// The server for copies of `source`: the dev server, else a private
    /// one shared by every tenant of its dialect.
    fn server(&self, source: &DatabaseUrl) -> Result<ScratchServer, RehearseError> {
        let mut servers = self
            .by_dialect
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(server) = servers.get(&source.dialect()) {
            return Ok(server.clone());
        }
        let server =
            ScratchServer::for_project(source.dialect(), Some(source), self.dev.as_ref(), false)?;
        servers.insert(source.dialect(), server.clone());
        Ok(server)
    }
}

/// Refuses `fleet rehearse`'s options on another operation, which would
/// take them silently. (`--dev-url` also comes from `MIGRATE_DEV_URL`, set
/// for other commands, so it is not refused.)
pub(super) fn refuse_options(cmd: &FleetCommand) -> Result<(), CmdError> {
    let options = &cmd.rehearse;
    let given = [
        ("--no-down", options.no_down),
        ("--max-lock", options.max_lock.is_some()),
        ("--sample", options.sample.is_some()),
    ];
    match given.iter().find(|(_, set)| *set) {
        Some((option, _)) => Err(CmdError::RehearseOnly { option }),
        None => Ok(()),
    }
}

/// Rehearses one tenant; its revisions (it is only read) when the
/// rehearsal passed, else what failed.
pub(super) async fn tenant(
    t: &Tenant,
    set: &Migrations,
    table: Option<&str>,
    cmd: &FleetCommand,
    servers: &Servers,
) -> Result<Vec<String>, CmdError> {
    let TenantDb::Url(source) = t.db() else {
        return Err(CmdError::FleetRehearseWhole {
            what: "tenants given as pools",
        });
    };
    let options = &cmd.rehearse;
    let mut rehearsal = Rehearsal::new(set, source.clone())
        .table(table.unwrap_or(DEFAULT_TABLE))
        .down(!options.no_down)
        .on_server(servers.server(source)?);
    if let Some(dev) = &servers.dev {
        rehearsal = rehearsal.dev(dev.clone());
    }
    rehearsal = crate::options::bounded(
        rehearsal,
        cmd.target.as_deref(),
        options.max_lock,
        options.sample,
    );
    let report = rehearsal.run().await?;
    if report.passed() {
        Ok(report.started_at)
    } else {
        Err(CmdError::RehearsalFailed {
            what: report.failures().join("; "),
        })
    }
}
