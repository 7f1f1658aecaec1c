//! Running a fleet command: the tenants listed, sharded and filtered by the
//! recorded state, the operation run on each through the runtime's
//! [`Fleet`], each tenant's end recorded, then the summary.

use super::args::{FleetCommand, FleetOp, FleetTargets, Names};
use super::state::{run_key, Recorded, StateFile};
use super::summary::{self, Bar, Extra};
use super::table::{StateTable, TableError};
use crate::context::Database;
use crate::context::{status, Context, Load};
use crate::error::CmdError;
use migrate_graph::Spec;
use migrate_runtime::fleet::{targets, Fleet, Outcome, Tenant, TenantDb};
use migrate_runtime::{DatabaseUrl, Db, Migrations, Status};
use std::io::Write;
use std::path::PathBuf;

/// `fleet upgrade|downgrade|current|check|rehearse`: runs the operation on every
/// tenant, prints the summary, and fails with [`CmdError::FleetFailed`]
/// when any tenant failed or was skipped.
pub async fn fleet<L: Load + ?Sized, W: Write + ?Sized>(
    cx: &Context<'_, L>,
    cmd: &FleetCommand,
    out: &mut W,
) -> Result<(), L::Error> {
    #[cfg(feature = "rehearse")]
    let servers = match cmd.op {
        FleetOp::Rehearse => Some(super::rehearse::Servers::new(cmd)?),
        _ => {
            super::rehearse::refuse_options(cmd)?;
            None
        }
    };
    #[cfg(feature = "rehearse")]
    let servers = servers.as_ref();
    let control = control_url(&cx.database)?;
    let mut tenants = list(&cmd.targets, control).await?;
    if let Some((k, n)) = cmd.targets.shard {
        tenants.retain(|t| t.in_shard(k, n));
    }
    let set = cx.migrations.load()?;
    let (op_name, target) = match (cmd.op, cmd.target.as_deref()) {
        (FleetOp::Upgrade, t) => ("upgrade", Some(t.unwrap_or("head"))),
        (FleetOp::Downgrade, Some(t)) => ("downgrade", Some(t)),
        (FleetOp::Downgrade, None) => {
            return Err(CmdError::NotARevision {
                input: "fleet downgrade".to_owned(),
                reason: "needs a TARGET: `-1`, `base` or a revision id",
            }
            .into())
        }
        (FleetOp::Current, _) => ("current", None),
        (FleetOp::Check, _) => ("check", None),
        // The tenants are only read: nothing to resume, the target is the
        // rehearsal's own (`cmd.target`).
        #[cfg(feature = "rehearse")]
        (FleetOp::Rehearse, _) => ("rehearse", None),
    };
    let spec = match target {
        Some(t) => Some(Spec::parse(t).map_err(CmdError::from)?),
        None => None,
    };
    // Only the operations that change tenants resume: a read is cheap to redo.
    let mut store = None;
    let mut already_done = 0;
    if let Some(spec) = &spec {
        let heads: Vec<&str> = set
            .graph()
            .heads()
            .iter()
            .map(|&h| set.graph().id(h))
            .collect();
        let key = run_key(&[
            op_name,
            &spec.to_string(),
            &heads.join(","),
            cx.table.unwrap_or(migrate_runtime::DEFAULT_TABLE),
        ]);
        let (opened, recorded) = Store::open(cmd, control, &key).await?;
        if !cmd.run.restart {
            let before = tenants.len();
            if cmd.run.only_failed {
                tenants.retain(|t| recorded.failed(t.id()));
            } else {
                tenants.retain(|t| !recorded.is_done(t.id()));
            }
            already_done = before - tenants.len();
        }
        store = Some(opened);
    }
    let ids: Vec<String> = match &store {
        Some(Store::Table(_)) => tenants.iter().map(|t| t.id().to_owned()).collect(),
        _ => Vec::new(),
    };
    let fleet = Fleet::new()
        .jobs(cmd.run.jobs)
        .fail_fast(cmd.run.fail_fast)
        .canary(cmd.run.canary)
        .total(tenants.len());
    let mut bar = Bar::new(!cmd.run.json);
    let mut state_error: Option<String> = None;
    let set: &Migrations = &set;
    let (spec, table, reporter, policy) = (&spec, cx.table, cx.reporter, cx.policy);
    let op = move |t: Tenant, db: Db| async move {
        let tcx = Context {
            migrations: set,
            database: Database::Pool(&db),
            table,
            reporter,
            policy,
        };
        let mig = || {
            cmd.lock
                .apply(tcx.migrator(set))
                .grouped(cmd.single_transaction)
        };
        let result = match (cmd.op, spec) {
            (FleetOp::Upgrade, Some(spec)) => mig()
                .upgrade(&db, spec)
                .await
                .map(|r| r.heads)
                .map_err(CmdError::from),
            (FleetOp::Downgrade, Some(spec)) => mig()
                .downgrade(&db, spec)
                .await
                .map(|r| r.heads)
                .map_err(CmdError::from),
            (FleetOp::Check, _) => status(&tcx, "check").await.and_then(problems),
            #[cfg(feature = "rehearse")]
            (FleetOp::Rehearse, _) => match servers {
                Some(servers) => super::rehearse::tenant(&t, set, table, cmd, servers).await,
                None => unreachable!("servers are made for fleet rehearse"),
            },
            _ => status(&tcx, "current").await.map(|s| s.heads),
        };
        result.map_err(|e| message(&t, &e))
    };
    let work = fleet.run_with(
        migrate_runtime::fleet::stream(tenants),
        op,
        |r| {
            if let Some(store) = store.as_mut() {
                if !matches!(r.outcome, Outcome::Skipped) {
                    let done = matches!(r.outcome, Outcome::Done(_));
                    if let Err(e) = store.record(&r.id, done) {
                        state_error.get_or_insert(e);
                    }
                }
            }
        },
        |p| bar.show(p),
    );
    // Rehearsals make copies: Ctrl-C and SIGTERM drop them before exiting.
    #[cfg(feature = "rehearse")]
    let report = match cmd.op {
        FleetOp::Rehearse => {
            let work = async { Ok::<_, migrate_devtools::rehearse::RehearseError>(work.await) };
            crate::signal::until_signal(work).await?
        }
        _ => work.await,
    };
    #[cfg(not(feature = "rehearse"))]
    let report = work.await;
    bar.clear();
    let mut kept = None;
    if let Some(store) = store {
        kept = (!report.succeeded()).then(|| store.name());
        // Nothing left to resume: the next run starts afresh.
        if let Err(e) = store.finish(report.succeeded(), &ids).await {
            state_error.get_or_insert(e);
        }
    }
    if let Some(e) = state_error {
        cx.reporter
            .eprint(&format!("warning: cannot record the fleet's state: {e}\n"));
    }
    let extra = Extra {
        op: op_name,
        already_done,
        state: kept,
    };
    summary::write(out, &report, &extra, cmd.run.json).map_err(CmdError::from)?;
    if report.succeeded() {
        Ok(())
    } else {
        Err(CmdError::FleetFailed {
            failed: report.failed.len(),
            skipped: report.skipped,
        }
        .into())
    }
}

/// The tenants the targets name.
async fn list(
    targets: &FleetTargets,
    control: Option<&DatabaseUrl>,
) -> Result<Vec<Tenant>, CmdError> {
    let need = |flag: &'static str| {
        control.ok_or(CmdError::NoDatabaseUrl {
            command: flag,
            env: "DATABASE_URL".to_owned(),
        })
    };
    Ok(if let Some(path) = &targets.fleet {
        targets::from_file(path)?
    } else if let Some(sql) = &targets.fleet_query {
        let kind = match targets.names {
            Names::Database => targets::NameKind::Database,
            Names::Schema => targets::NameKind::Schema,
        };
        targets::from_query(need("fleet --fleet-query")?, sql, kind).await?
    } else if let Some(pattern) = &targets.schemas {
        targets::schemas(need("fleet --schemas")?, pattern).await?
    } else {
        Vec::new()
    })
}

/// The database URL, when one is given (the control database of
/// `--fleet-query` and `--schemas`).
fn control_url<'a>(database: &'a Database<'_>) -> Result<Option<&'a DatabaseUrl>, CmdError> {
    match database {
        Database::Url { url: Some(url), .. } => {
            Ok(Some(url.as_ref().as_ref().map_err(Clone::clone)?))
        }
        _ => Ok(None),
    }
}

/// `--state`, else `<FILE>.state` beside `--fleet FILE`, else
/// `migrate-fleet.state` in the current directory.
fn state_path(cmd: &FleetCommand) -> PathBuf {
    if let Some(p) = &cmd.run.state {
        return p.clone();
    }
    match &cmd.targets.fleet {
        Some(f) => {
            let mut name = f.as_os_str().to_owned();
            name.push(".state");
            PathBuf::from(name)
        }
        None => PathBuf::from("migrate-fleet.state"),
    }
}

/// Where the run's state is kept.
enum Store {
    /// A file, and its path.
    File(StateFile, PathBuf),
    /// A table of the database URL's database.
    Table(Box<StateTable>),
}

impl Store {
    /// The file or table of `cmd`, and what it recorded for `key`.
    async fn open(
        cmd: &FleetCommand,
        control: Option<&DatabaseUrl>,
        key: &str,
    ) -> Result<(Store, Recorded), CmdError> {
        if let Some(table) = &cmd.run.state_table {
            let url =
                control.ok_or_else(|| CmdError::FleetStateTable(TableError::NoUrl.to_string()))?;
            let (t, recorded) = StateTable::open(url, table, key)
                .await
                .map_err(|e| CmdError::FleetStateTable(e.to_string()))?;
            return Ok((Store::Table(Box::new(t)), recorded));
        }
        let path = state_path(cmd);
        let (file, recorded) =
            StateFile::open(&path, key).map_err(|source| CmdError::FleetState {
                path: path.clone(),
                source,
            })?;
        Ok((Store::File(file, path), recorded))
    }

    /// Records one tenant's end.
    fn record(&mut self, id: &str, done: bool) -> Result<(), String> {
        match self {
            Store::File(f, _) => f.record(id, done).map_err(|e| e.to_string()),
            Store::Table(t) => {
                t.record(id, done);
                Ok(())
            }
        }
    }

    /// How the summary names it.
    fn name(&self) -> String {
        match self {
            Store::File(_, path) => path.display().to_string(),
            Store::Table(t) => format!("the table {}", t.name()),
        }
    }

    /// Ends the run: with `succeeded`, forgets this run's tenants.
    async fn finish(self, succeeded: bool, ids: &[String]) -> Result<(), String> {
        match self {
            Store::File(f, _) if succeeded => f.finish().map_err(|e| e.to_string()),
            Store::File(..) => Ok(()),
            Store::Table(t) => t
                .finish(succeeded.then_some(ids))
                .await
                .map_err(|e| e.to_string()),
        }
    }
}

/// `check`'s verdict on one tenant: its heads, or what is wrong.
fn problems(s: Status) -> Result<Vec<String>, CmdError> {
    let mut wrong = Vec::new();
    if !s.pending.is_empty() {
        wrong.push(format!(
            "{} pending ({})",
            s.pending.len(),
            s.pending.join(", ")
        ));
    }
    if !s.drifted.is_empty() {
        let ids: Vec<&str> = s.drifted.iter().map(|(id, _)| id.as_str()).collect();
        wrong.push(format!("edited since applied: {}", ids.join(", ")));
    }
    if !s.unknown.is_empty() {
        wrong.push(format!(
            "unknown to these migrations: {}",
            s.unknown.join(", ")
        ));
    }
    if !s.failed.is_empty() {
        wrong.push(format!("failed or interrupted: {}", s.failed.join(", ")));
    }
    if wrong.is_empty() {
        Ok(s.heads)
    } else {
        Err(CmdError::TenantCheck {
            problems: wrong.join("; "),
        })
    }
}

/// A tenant's error on one line, causes included, without its password.
fn message(t: &Tenant, e: &CmdError) -> String {
    let text = crate::report::lines(e, None);
    let text = text
        .lines()
        .map(|l| l.strip_prefix("error: ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("; ");
    match t.db() {
        TenantDb::Url(url) => url.scrub(&text),
        _ => text,
    }
}
