//! Running a section watched: saying what a long step waits for while it
//! runs; and, where nothing can tell the difference, sending a step's
//! section with the previous step's commit and its own `BEGIN`.

use super::run::Run;
use super::run::Table;
use crate::error::{Action, Error};
use crate::session::{Backend, ChainFailure, Chained, SqlFailure};
use crate::types::{Direction, StatementEvent, StatementWait, WaitEvent, WaitHook};
use std::future::Future;
use std::time::{Duration, Instant};

/// When the first notice comes; later ones double the gap, up to
/// [`MAX_GAP`].
const FIRST_NOTICE: Duration = Duration::from_secs(5);
const MAX_GAP: Duration = Duration::from_secs(60);

/// The step a watched section belongs to, as notices name it.
#[derive(Clone, Copy)]
pub(crate) struct Subject<'a> {
    pub(crate) revision: &'a str,
    pub(crate) file_name: &'a str,
    pub(crate) direction: Direction,
}

impl<B: Backend> Run<'_, B> {
    /// Runs a migration section; while it runs long, asks the database (on
    /// another connection of the pool) what it waits for, and tells the
    /// log and the wait hooks.
    pub(crate) async fn run_watched(
        &mut self,
        step: Subject<'_>,
        sql: &str,
        in_tx: bool,
    ) -> Result<(), SqlFailure> {
        let begun = Instant::now();
        let id = self.s.session_id();
        let hooks = &self.hooks.on_statement;
        let pauses = &self.hooks.after_statement;
        // Shared with the pause futures: the next statement's time starts
        // when the pauses are over, so waiting counts in no statement.
        let last = std::sync::Arc::new(std::sync::Mutex::new(begun));
        let done = |index: usize, rows_affected: u64| -> StatementWait {
            let finished = Instant::now();
            let previous = *last.lock().unwrap_or_else(|e| e.into_inner());
            let event = StatementEvent {
                revision: step.revision.to_owned(),
                direction: step.direction,
                index,
                rows_affected,
                finished,
                duration: finished - previous,
            };
            for hook in hooks {
                hook(&event);
            }
            let waits: Vec<StatementWait> = pauses.iter().map(|p| p(&event)).collect();
            let last = last.clone();
            Box::pin(async move {
                for wait in waits {
                    wait.await;
                }
                *last.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
            })
        };
        let listen: &(dyn Fn(usize, u64) -> StatementWait + Send + Sync) = &done;
        let heard = !hooks.is_empty() || !pauses.is_empty();
        let section = self.s.run_section(sql, in_tx, heard.then_some(listen));
        watch::<B, _>(&self.pool, &self.hooks.on_wait, id, step, section).await
    }

    /// The previous step's commit, this step's transaction and its section
    /// in one call ([`Session::commit_begin_and_run`](crate::session::Session::commit_begin_and_run)),
    /// watched like [`Run::run_watched`], when [`Run::chains`] says so.
    /// `Err` when the commit or the start failed (the step did not begin);
    /// `Ok(Err(..))` when the section failed in its transaction, which is
    /// then to be rolled back.
    pub(crate) async fn chain_watched(
        &mut self,
        step: Subject<'_>,
        sql: &str,
    ) -> Result<Result<(), SqlFailure>, Error> {
        let action = self.commit_action();
        let id = self.s.session_id();
        let section = self.s.commit_begin_and_run(sql);
        let result = watch::<B, _>(&self.pool, &self.hooks.on_wait, id, step, section).await;
        match result {
            Err(ChainFailure::Chained(Chained::Commit(e))) => Err(self.error(action, e)),
            Err(ChainFailure::Chained(Chained::Begin(e))) => {
                self.committed();
                Err(self.error(Action::Begin, e))
            }
            Err(ChainFailure::Section(failure)) => {
                self.committed();
                Ok(Err(failure))
            }
            Ok(()) => {
                self.committed();
                Ok(Ok(()))
            }
        }
    }

    /// Whether a transactional step's section (`sql`) can go out with the previous
    /// step's commit and its own `BEGIN` ([`Run::chain_watched`]): one call
    /// instead of two, where nothing observable lies between them. That
    /// needs a dialect that runs a text statement by statement
    /// ([`Backend::CHAINS_SECTIONS`]), a commit due with nothing to do after
    /// the `BEGIN` (no table to create, no re-read under a transaction
    /// lock), no hook that hears a step's commit before the next one's SQL
    /// or a section's statements, and a section short enough to go as one
    /// text.
    pub(crate) fn chains(&self, sql: &str) -> bool {
        B::CHAINS_SECTIONS
            && self.s.in_tx()
            && self.tx.commit_due
            && !self.opts.grouped
            && !self.locks.xact
            && self.table != Table::Pending
            && self.hooks.on_step.is_empty()
            && self.hooks.on_statement.is_empty()
            && self.hooks.after_statement.is_empty()
            && sql.len() <= CHAINED_SECTION
    }
}

/// The longest section [`Run::chains`] sends with a commit: SQLite's backend
/// runs longer ones in pieces.
const CHAINED_SECTION: usize = 16 << 10;

/// Awaits `section`; past [`FIRST_NOTICE`], and then at doubling gaps, says
/// what the session `id` waits for to the log and `on_wait`.
async fn watch<B: Backend, T>(
    pool: &sqlx::Pool<B::Db>,
    on_wait: &[WaitHook],
    id: Option<i64>,
    step: Subject<'_>,
    section: impl Future<Output = T>,
) -> T {
    let begun = Instant::now();
    tokio::pin!(section);
    let mut gap = FIRST_NOTICE;
    let mut next = begun + gap;
    loop {
        tokio::select! {
            result = &mut section => return result,
            () = tokio::time::sleep_until(next.into()) => {
                let waiting_for = match id {
                    Some(id) => B::waiting_for(pool, id).await.unwrap_or(None),
                    None => None,
                };
                let event = WaitEvent {
                    revision: step.revision.to_owned(),
                    file_name: step.file_name.to_owned(),
                    direction: step.direction,
                    waited: begun.elapsed(),
                    waiting_for,
                };
                tracing::warn!(
                    target: "migrate",
                    revision = step.revision,
                    direction = %step.direction,
                    waited_s = event.waited.as_secs(),
                    waiting_for = event.waiting_for.as_deref().unwrap_or("nothing the database reports"),
                    "a migration step is still running"
                );
                for hook in on_wait {
                    hook(&event);
                }
                gap = (gap * 2).min(MAX_GAP);
                next += gap;
            }
        }
    }
}
