//! Taking a database over: the other tool's rows are read and planned
//! (`record`, `plan`), then our rows are written under our lock, in one
//! transaction, only while our table records nothing. The other tool's
//! table is never written.

use super::error::AdoptError;
use super::plan::{plan, Adoption};
use super::record::{read, table_exists};
use super::tool::Tool;
use crate::db::Database;
use crate::embedded::Migrations;
use crate::engine::{with_run, Run};
use crate::error::{Action, Error};
use crate::options::{Hooks, Options};
use crate::protocol::Values;
use crate::session::Backend;
use migrate_graph::Applied;

/// What an adoption did.
#[derive(Clone, Debug)]
pub enum Adopted {
    /// Our table now records these revisions.
    Recorded(Adoption),
    /// Our table already recorded exactly these revisions: nothing written.
    AlreadyRecorded(Adoption),
    /// Our table already exists (an automatic adoption does nothing then).
    Skipped,
    /// The other tool's table does not exist (an automatic adoption does
    /// nothing then).
    NoRecord,
}

/// What our table held when the lock was taken.
enum Found {
    Written,
    Same,
    Existing(Vec<String>),
}

/// Under the lock: writes `applied` unless our table exists (`only_new`)
/// or records anything.
async fn write<B: Backend>(
    run: &mut Run<'_, B>,
    applied: &Applied,
    only_new: bool,
) -> Result<Found, Error> {
    if let Some(st) = run.start_existing().await? {
        if only_new {
            return Ok(Found::Existing(Vec::new()));
        }
        if !st.rows.is_empty() {
            if st.applied == *applied && st.failed.is_empty() && st.unknown.is_empty() {
                return Ok(Found::Same);
            }
            let mut current = run.heads(&st.applied);
            current.extend(st.unknown.iter().cloned());
            current.extend(st.failed.iter().map(|(r, _)| r.clone()));
            return Ok(Found::Existing(current));
        }
    }
    // Creates the table (or has it created by the transaction below).
    run.start().await?;
    run.begin(false).await?;
    let graph = run.graph();
    let list = run.list();
    let rows = graph.rows_plan(&Applied::empty(graph.len()), &graph.canonical_rows(applied));
    for stmt in run.s.sql().stamp(Values::Bind, false, &rows, list) {
        run.write(&stmt, false, Action::Write).await?;
    }
    run.commit().await?;
    Ok(Found::Written)
}

/// Reads `tool`'s version table (its default name unless `table`) and
/// plans the adoption, writing nothing.
pub(crate) async fn adoption<D: Database + ?Sized>(
    set: &Migrations,
    db: &D,
    tool: Tool,
    table: Option<&str>,
) -> Result<Adoption, AdoptError> {
    let name = table.unwrap_or(tool.table());
    let Some(rows) = read(db, tool, table).await? else {
        return Err(AdoptError::NoRecord {
            tool,
            table: name.to_owned(),
        });
    };
    plan(set, tool, name, &rows)
}

/// Plans and records the adoption. With `only_new`, the automatic
/// adoption: nothing happens unless our table is missing and `tool`'s is
/// there.
pub(crate) async fn adopt<D: Database + ?Sized>(
    set: &Migrations,
    opts: Options,
    hooks: Hooks,
    db: &D,
    tool: Tool,
    table: Option<&str>,
    only_new: bool,
) -> Result<Adopted, AdoptError> {
    let name = table.unwrap_or(tool.table());
    // Once our table exists an automatic adoption never acts: a service's
    // later starts pay this one query.
    let ours = opts.table.rsplit('.').next().unwrap_or(&opts.table);
    if only_new && table_exists(db, ours).await? {
        return Ok(Adopted::Skipped);
    }
    let Some(rows) = read(db, tool, table).await? else {
        if only_new {
            return Ok(Adopted::NoRecord);
        }
        return Err(AdoptError::NoRecord {
            tool,
            table: name.to_owned(),
        });
    };
    let adoption = plan(set, tool, name, &rows)?;
    let ours = opts.table.clone();
    let applied = &adoption.applied;
    let found = with_run!(set, opts, hooks, db, |run| {
        write(&mut run, applied, only_new)
    })?;
    match found {
        Found::Written => {
            tracing::info!(target: "migrate", tool = %tool, revisions = adoption.revisions.len(), "adopted the version table of {tool}");
            Ok(Adopted::Recorded(adoption))
        }
        Found::Same => Ok(Adopted::AlreadyRecorded(adoption)),
        Found::Existing(_) if only_new => Ok(Adopted::Skipped),
        Found::Existing(current) => Err(AdoptError::AlreadyRecorded {
            tool,
            table: ours,
            current: current.join(", "),
        }),
    }
}
