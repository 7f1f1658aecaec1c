//! Running the pending revisions on the copy, one step at a time: each
//! statement timed and probed at its end, the sampler alongside where a
//! statement's locks end with it; then the rollback, then the locks held
//! past `--max-lock`.

use super::attribute::{sizes, Section};
use super::copy::Copy;
use super::error::RehearseError;
use super::locks::{self, Sampler, Span};
use super::probe::Probe;
use super::report::*;
use super::tables::{contents, layout};
use super::walk::Rehearsal;
use crate::catalog::read_schema;
use migrate_runtime::{Direction, Migration, Migrator, StatementEvent};
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// What the migrator's hooks heard.
#[derive(Default)]
pub(super) struct Heard {
    /// Each statement finished.
    pub(super) statements: Vec<StatementEvent>,
    /// Each step committed: its revision, direction, the instant, and its
    /// wall time.
    pub(super) steps: Vec<(String, Direction, Instant, std::time::Duration)>,
}

impl Heard {
    /// Takes what was heard so far.
    pub(super) fn take(heard: &Mutex<Heard>) -> Heard {
        std::mem::take(&mut *heard.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// Runs `work` with `sampler` sampling alongside (in this task), until it
/// is done; `probe` tells the sampler when each statement ends.
pub(super) async fn sampled<T>(
    sampler: Option<&Sampler>,
    probe: Option<&Probe>,
    work: impl Future<Output = T>,
) -> (T, (Vec<Span>, LockSampling)) {
    let Some(sampler) = sampler else {
        return (work.await, Default::default());
    };
    let stop = tokio::sync::Notify::new();
    let work = async {
        let out = work.await;
        stop.notify_one();
        out
    };
    let ends = probe.map(Probe::statement_ends);
    tokio::join!(work, sampler.run(&stop, ends.as_deref()))
}

/// Whether a section needs the sampler: the probe at each statement's end
/// sees what a transaction still holds; a statement that commits by
/// itself (outside a transaction, or MariaDB's DDL) has let go by then.
pub(super) fn needs_sampler(source: LockSource, in_transaction: bool) -> bool {
    match source {
        LockSource::PgLocks => !in_transaction,
        LockSource::MetadataLocks => true,
        _ => false,
    }
}

impl<'m> Rehearsal<'m> {
    fn migrator(&self, heard: &Arc<Mutex<Heard>>, probe: Option<&Probe>) -> Migrator<'m> {
        let (a, b) = (heard.clone(), heard.clone());
        let migrator = self
            .migrations
            .migrator()
            .table(self.table.clone())
            .on_statement(move |e| {
                a.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .statements
                    .push(e.clone())
            })
            .on_step(move |e| {
                b.lock().unwrap_or_else(|p| p.into_inner()).steps.push((
                    e.revision.clone(),
                    e.direction,
                    Instant::now(),
                    e.duration,
                ))
            });
        match probe {
            Some(p) => migrator.after_statement(p.hook()),
            None => migrator,
        }
    }

    /// The rehearsal on the copy: the probe's connection is closed on
    /// every path, before the copy is dropped.
    pub(super) async fn rehearse(&self, copy: &Copy) -> Result<RehearsalReport, RehearseError> {
        let lock_source = locks::source(&copy.db).await;
        let probe = Probe::connect(lock_source, &copy.url, &self.table).await?;
        let result = self.steps(copy, lock_source, probe.as_ref()).await;
        if let Some(p) = probe {
            p.close().await;
        }
        result
    }

    async fn steps(
        &self,
        copy: &Copy,
        lock_source: LockSource,
        probe: Option<&Probe>,
    ) -> Result<RehearsalReport, RehearseError> {
        let db = &copy.db;
        let heard = Arc::new(Mutex::new(Heard::default()));
        let migrator = self.migrator(&heard, probe);
        let status = migrator.status(db).await?;
        let pending = self.pending(&status.pending)?;
        let exclude = [self.table.as_str()];
        let start_schema = read_schema(db, &exclude).await?;
        let start_rows = if self.down {
            contents(db, &self.table).await?
        } else {
            BTreeMap::new()
        };
        let mut report = RehearsalReport {
            dialect: db.dialect(),
            source: self.source.to_string(),
            copy: copy.report.clone(),
            lock_source,
            started_at: status.heads.clone(),
            revisions: Vec::new(),
            rollback: None,
            long_locks: Vec::new(),
            max_lock: self.max_lock,
            sampling: LockSampling::default(),
        };
        let total = pending.len();
        for (k, m) in pending.iter().enumerate() {
            self.say(&format!(
                "[{}/{total}] upgrading {} ({})",
                k + 1,
                m.id(),
                m.file_name()
            ));
            let before = layout(db, &self.table).await?;
            let sampler = match needs_sampler(lock_source, m.up_transaction()) {
                true => Sampler::connect(lock_source, &copy.url, &self.table).await?,
                false => None,
            };
            let begun = Instant::now();
            let (result, (spans, cost)) =
                sampled(sampler.as_ref(), probe, migrator.upgrade(db, m.id())).await;
            report.sampling.add(cost);
            let returned = Instant::now();
            let duration = returned - begun;
            if let Some(s) = sampler {
                s.close().await;
            }
            let after = layout(db, &self.table).await?;
            let h = Heard::take(&heard);
            let boundaries = match probe {
                Some(p) => p.take().await,
                None => Vec::new(),
            };
            let ended = h
                .steps
                .iter()
                .find(|s| s.0 == m.id())
                .map_or(returned, |s| s.2);
            let section = Section::of(
                m,
                Direction::Up,
                &h.statements,
                &boundaries,
                &spans,
                (lock_source, db.dialect()),
                (ended, duration),
                &before,
            );
            let (statements, rewrites) = (section.statements(), section.rewrites(&after));
            report.revisions.push(RevisionRun {
                id: m.id().to_owned(),
                file: m.file_name().to_owned(),
                message: m.message().to_owned(),
                duration,
                statements,
                error: result.err().map(|e| e.to_string()),
                rewrites,
                sizes: sizes(&before, &after),
                down: None,
            });
            if report.revisions.last().is_some_and(|r| r.error.is_some()) {
                break;
            }
        }
        let failed = report.revisions.iter().any(|r| r.error.is_some());
        if self.down && !failed && !pending.is_empty() {
            let rb = self
                .rollback(
                    copy,
                    (&migrator, &heard, probe),
                    &pending,
                    &mut report,
                    start_schema,
                    start_rows,
                )
                .await?;
            report.rollback = Some(rb);
        }
        report.long_locks = long_locks(&report, self.max_lock);
        Ok(report)
    }

    /// The pending revisions up to the target, in apply order.
    fn pending(&self, pending: &[String]) -> Result<Vec<&'m Migration>, RehearseError> {
        let graph = self.migrations.graph();
        let wanted = match self.target.as_deref() {
            None | Some("heads") => None,
            Some("head") if graph.heads().len() == 1 => None,
            Some(t) => {
                let found = graph
                    .index_of(t)
                    .or_else(|| graph.label_revision(t))
                    .or_else(|| match graph.with_prefix(t) {
                        [one] => Some(*one),
                        _ => None,
                    })
                    .ok_or_else(|| RehearseError::Target {
                        target: t.to_owned(),
                    })?;
                Some(graph.ancestors([found]))
            }
        };
        Ok(pending
            .iter()
            .filter(|id| {
                wanted
                    .as_ref()
                    .is_none_or(|set| graph.index_of(id).is_some_and(|i| set.contains(i)))
            })
            .filter_map(|id| self.migrations.get(id))
            .collect())
    }
}

/// Locks stronger than row-level held past `max`, in the ups and downs.
fn long_locks(report: &RehearsalReport, max: Option<std::time::Duration>) -> Vec<LongLock> {
    let Some(max) = max else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for r in &report.revisions {
        let ups = r.statements.iter().map(|s| (Direction::Up, s));
        let downs = r
            .down
            .iter()
            .flat_map(|d| d.statements.iter().map(|s| (Direction::Down, s)));
        for (direction, s) in ups.chain(downs) {
            for l in s.locks.iter().filter(|l| l.strong && l.held > max) {
                out.push(LongLock {
                    revision: r.id.clone(),
                    direction,
                    statement: s.number,
                    lock: l.clone(),
                });
            }
        }
    }
    out
}
