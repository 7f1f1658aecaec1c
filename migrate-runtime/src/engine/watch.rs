//! Saying what a long step waits for, while it runs.

use super::run::Run;
use crate::session::{Backend, SqlFailure};
use crate::types::{Direction, StatementEvent, StatementWait, WaitEvent};
use std::time::{Duration, Instant};

/// When the first notice comes; later ones double the gap, up to
/// [`MAX_GAP`].
const FIRST_NOTICE: Duration = Duration::from_secs(5);
const MAX_GAP: Duration = Duration::from_secs(60);

impl<B: Backend> Run<'_, B> {
    /// Runs a migration section; while it runs long, asks the database (on
    /// another connection of the pool) what it waits for, and tells the
    /// log and the wait hooks.
    pub(crate) async fn run_watched(
        &mut self,
        revision: &str,
        file_name: &str,
        direction: Direction,
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
                revision: revision.to_owned(),
                direction,
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
        tokio::pin!(section);
        let mut gap = FIRST_NOTICE;
        let mut next = begun + gap;
        loop {
            tokio::select! {
                result = &mut section => return result,
                () = tokio::time::sleep_until(next.into()) => {
                    let waiting_for = match id {
                        Some(id) => B::waiting_for(&self.pool, id).await.unwrap_or(None),
                        None => None,
                    };
                    let event = WaitEvent {
                        revision: revision.to_owned(),
                        file_name: file_name.to_owned(),
                        direction,
                        waited: begun.elapsed(),
                        waiting_for,
                    };
                    tracing::warn!(
                        target: "migrate",
                        revision,
                        %direction,
                        waited_s = event.waited.as_secs(),
                        waiting_for = event.waiting_for.as_deref().unwrap_or("nothing the database reports"),
                        "a migration step is still running"
                    );
                    for hook in &self.hooks.on_wait {
                        hook(&event);
                    }
                    gap = (gap * 2).min(MAX_GAP);
                    next += gap;
                }
            }
        }
    }
}
