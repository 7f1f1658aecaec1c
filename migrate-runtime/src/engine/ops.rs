//! The operations, one function each: upgrade (with its backup step),
//! downgrade, stamp, status, accept a checksum, resolve a failed step; and
//! `with_run!`, which opens the run an operation is given.

use super::run::Run;
use super::state::State;
use crate::backup::{self, Backup, BackupError};
use crate::error::{Action, Error};
use crate::protocol::Values;
use crate::session::{sql_str, Backend};
use crate::types::{Direction, Report, RowState, Status};
use migrate_graph::{Anchor, Applied, Spec};
use std::path::{Path, PathBuf};

/// Runs `$body` (an expression using `$run`, a `&mut Run` of whichever
/// backend `$db` is) and ends the run on every path: one arm per enabled
/// backend, each monomorphized, with nothing to convert on the way back.
macro_rules! with_run {
    ($set:expr, $options:expr, $hooks:expr, $db:expr, |$run:ident| $body:expr) => {{
        match $crate::db::Database::backend($db) {
            #[cfg(feature = "sqlite")]
            $crate::db::BackendRef::Sqlite(pool) => {
                #[allow(unused_mut)]
                let mut $run = $crate::engine::Run::<$crate::backend::sqlite::Lite>::open(
                    $set, $options, $hooks, pool,
                )
                .await?;
                let result = $body.await;
                $run.finish(result).await
            }
            #[cfg(feature = "postgres")]
            $crate::db::BackendRef::Postgres(pool) => {
                #[allow(unused_mut)]
                let mut $run = $crate::engine::Run::<$crate::backend::postgres::Pg>::open(
                    $set, $options, $hooks, pool,
                )
                .await?;
                let result = $body.await;
                $run.finish(result).await
            }
            #[cfg(feature = "mysql")]
            $crate::db::BackendRef::MySql(pool) => {
                #[allow(unused_mut)]
                let mut $run = $crate::engine::Run::<$crate::backend::mysql::My>::open(
                    $set, $options, $hooks, pool,
                )
                .await?;
                let result = $body.await;
                $run.finish(result).await
            }
        }
    }};
}
pub(crate) use with_run;

/// Applies the missing revisions up to `target`.
pub(crate) async fn upgrade<B: Backend>(
    run: &mut Run<'_, B>,
    target: &Spec,
) -> Result<Report, Error> {
    let mut st = run.start().await?;
    run.check(&st)?;
    let graph = run.graph();
    let plan = graph.squash_upgrade(graph.plan_upgrade(target, &st.applied)?, &st.applied);
    let backup = match run.opts.backup.clone() {
        Some(dir) if !plan.is_empty() => {
            let at = run.heads(&st.applied);
            Some(take_backup(run, &dir, &at).await?)
        }
        _ => None,
    };
    // Rows a squash stands for are collapsed first, even with nothing to
    // run: then the replaced files can be deleted.
    for s in st.pending.clone() {
        run.collapse(&mut st, s).await?;
        run.commit().await?;
    }
    let mut report = run.apply(&mut st, &plan, Direction::Up).await?;
    report.backup = backup;
    Ok(report)
}

/// Backs the database up into `dir` before the first step, named after
/// `heads`: a failed backup leaves the database untouched.
async fn take_backup<B: Backend>(
    run: &mut Run<'_, B>,
    dir: &Path,
    heads: &[String],
) -> Result<PathBuf, Error> {
    use sqlx::ConnectOptions;
    let url = run.pool.connect_options().to_url_lossy().to_string();
    let backup = backup::prepare(B::DIALECT, &url, dir, heads)?;
    if let Backup::Vacuum { file, sql } = &backup {
        run.s.exec(sql_str(sql)).await.map_err(|e| {
            // The empty private file made for it must not look like a backup.
            let _ = std::fs::remove_file(file);
            BackupError::Sqlite {
                file: file.clone(),
                source: Box::new(e),
            }
        })?;
    }
    backup.dump().await?;
    tracing::info!(target: "migrate", file = %backup.file().display(), "backup taken before migrating");
    Ok(backup.file().to_owned())
}

/// Reverts what was built on `target`, newest first.
pub(crate) async fn downgrade<B: Backend>(
    run: &mut Run<'_, B>,
    target: &Spec,
) -> Result<Report, Error> {
    let mut st = run.start().await?;
    run.check(&st)?;
    let graph = run.graph();
    // Rows of replaced revisions whose files are gone: only the squash's
    // down can revert them, so it is recorded in their place first.
    for s in st.pending.clone() {
        if graph.replaced_nodes(s).next().is_none() {
            run.collapse(&mut st, s).await?;
            run.commit().await?;
        }
    }
    let plan = graph.squash_downgrade(graph.plan_downgrade(target, &st.applied)?, st.recorded())?;
    // Refuse before running anything rather than stop half-way.
    let list = run.list();
    if let Some(&i) = plan.iter().find(|&&i| list[i].is_irreversible()) {
        return Err(Error::Irreversible {
            revision: list[i].id().to_owned(),
            file: list[i].file_name().to_owned(),
        });
    }
    // As upgrade's: only when something is to be reverted, before it is.
    let backup = match run.opts.backup.clone() {
        Some(dir) if !plan.is_empty() => {
            let at = run.heads(&st.applied);
            Some(take_backup(run, &dir, &at).await?)
        }
        _ => None,
    };
    let mut report = run.apply(&mut st, &plan, Direction::Down).await?;
    report.backup = backup;
    Ok(report)
}

/// Makes the version table say `targets` are applied, running no SQL.
pub(crate) async fn stamp<B: Backend>(
    run: &mut Run<'_, B>,
    targets: &[Spec],
    purge: bool,
) -> Result<Report, Error> {
    let mut st = run.start().await?;
    // The rows change together, in one transaction on every dialect: see
    // `VersionSql::stamp_in_transaction`, which offline scripts follow too.
    if run.s.sql().stamp_in_transaction() {
        if let Some(fresh) = run.begin(false).await? {
            st = fresh;
        }
    }
    // A purge rewrites the table from scratch: failed, unknown and drifted
    // rows are what it is for.
    if !purge {
        run.check(&st)?;
    }
    let graph = run.graph();
    let list = run.list();
    let empty = Applied::empty(graph.len());
    let before = if purge { &empty } else { &st.applied };
    let plan = graph.plan_stamp(targets, before, purge)?;
    let mut after = before.clone();
    for &i in &plan.delete {
        after.remove(i);
    }
    for &i in &plan.insert {
        after.insert(i);
    }
    // Rows, not revisions: a squash's row stands for what it replaces.
    let rows = if purge { &empty } else { st.recorded() };
    let plan = graph.rows_plan(rows, &graph.canonical_rows(&after));
    for stmt in run.s.sql().stamp(Values::Bind, purge, &plan, list) {
        run.write(&stmt, false, Action::Write).await?;
    }
    let gone: Vec<&str> = st.replaced.iter().map(String::as_str).collect();
    if !purge && !gone.is_empty() {
        let stmt = run.s.sql().delete_many(Values::Bind, &gone);
        run.write(&stmt, false, Action::Write).await?;
    }
    if run.s.in_tx() {
        run.commit().await?;
    }
    let ids = |set: &Applied| -> Vec<String> {
        graph
            .in_order(set)
            .into_iter()
            .map(|i| graph.id(i).to_owned())
            .collect()
    };
    let mut stamped = after.clone();
    stamped.subtract(&st.applied);
    let mut unstamped = st.applied.clone();
    unstamped.subtract(&after);
    let mut unstamped = ids(&unstamped);
    unstamped.reverse();
    Ok(Report {
        steps: Vec::new(),
        stamped: ids(&stamped),
        unstamped,
        heads: run.heads(&after),
        backup: None,
    })
}

/// The database's state against the migration set; takes no lock.
pub(crate) async fn status<B: Backend>(run: &mut Run<'_, B>) -> Result<Status, Error> {
    let graph = run.graph();
    let pending = |applied: &Applied| -> Result<Vec<String>, Error> {
        let plan = graph.plan_upgrade(&Anchor::Heads.into(), applied)?;
        Ok(graph
            .squash_upgrade(plan, applied)
            .into_iter()
            .map(|i| graph.id(i).to_owned())
            .collect())
    };
    let Some(st) = run.read_full().await? else {
        return Ok(Status {
            pending: pending(&Applied::empty(graph.len()))?,
            ..Status::default()
        });
    };
    let list = run.list();
    Ok(Status {
        heads: run.heads(&st.applied),
        pending: pending(&st.applied)?,
        drifted: st
            .drifted
            .iter()
            .map(|&(i, _)| (list[i].id().to_owned(), list[i].file_name().to_owned()))
            .collect(),
        unknown: st.unknown.clone(),
        failed: st.failed.iter().map(|(r, _)| r.clone()).collect(),
        rows: st.rows,
    })
}

/// Reads under the lock and in a transaction, for the small writes of
/// `accept_checksum` and `resolve`; fails when `revision` has no row.
async fn start_small_write<B: Backend>(
    run: &mut Run<'_, B>,
    revision: &str,
) -> Result<State, Error> {
    let not_recorded = |run: &Run<'_, B>| Error::NotRecorded {
        revision: revision.to_owned(),
        table: run.table_name(),
    };
    let Some(mut st) = run.start_existing().await? else {
        return Err(not_recorded(run));
    };
    if run.begin(false).await?.is_some() {
        // Read again, every column, under the transaction's lock.
        st = run.read_full().await?.ok_or_else(|| not_recorded(run))?;
    }
    if !st.rows.iter().any(|r| r.revision == revision) {
        return Err(not_recorded(run));
    }
    Ok(st)
}

/// Records the current file's checksum for an applied revision.
pub(crate) async fn accept_checksum<B: Backend>(
    run: &mut Run<'_, B>,
    revision: &str,
) -> Result<(), Error> {
    let i = run.graph().resolve_revision(revision)?;
    let m = &run.list()[i];
    start_small_write(run, m.id()).await?;
    let stmt = run
        .s
        .sql()
        .set_checksum(Values::Bind, m.id(), &m.checksum().to_hex());
    run.write(&stmt, false, Action::Write).await?;
    run.commit().await?;
    tracing::info!(target: "migrate", revision = m.id(), "accepted the current checksum");
    Ok(())
}

/// Settles a revision a failed or interrupted step left started or failed.
pub(crate) async fn resolve<B: Backend>(
    run: &mut Run<'_, B>,
    revision: &str,
    applied: bool,
) -> Result<(), Error> {
    // A revision this build knows may be given by prefix; an unknown one
    // (a row left by another build) only by its exact id.
    let id = match run.graph().resolve_revision(revision) {
        Ok(i) => run.list()[i].id().to_owned(),
        Err(e) => {
            if !migrate_graph::is_valid_id(revision) {
                return Err(e.into());
            }
            revision.to_owned()
        }
    };
    let st = start_small_write(run, &id).await?;
    let state = st
        .rows
        .iter()
        .find(|r| r.revision == id)
        .map(|r| r.state)
        .unwrap_or(RowState::Applied);
    if state == RowState::Applied {
        return Err(Error::NotFailed { revision: id });
    }
    if applied {
        let stmt = run
            .s
            .sql()
            .set_state(Values::Bind, &id, state, RowState::Applied);
        run.write(&stmt, false, Action::Write).await?;
        if let Some(i) = run.graph().index_of(&id) {
            let sum = run.list()[i].checksum().to_hex();
            let stmt = run.s.sql().set_checksum(Values::Bind, &id, &sum);
            run.write(&stmt, false, Action::Write).await?;
        }
    } else {
        let stmt = run.s.sql().delete(Values::Bind, &id);
        run.write(&stmt, false, Action::Write).await?;
    }
    run.commit().await?;
    tracing::info!(target: "migrate", revision = %id, applied, "resolved");
    Ok(())
}
