//! Taking the migration lock: a try-lock polled with back-off.
//!
//! Polling (rather than a blocking lock call) bounds every wait by the lock
//! timeout and keeps a waiter out of the holder's way: a waiter blocked
//! inside a transaction would hold up a holder's `CREATE INDEX
//! CONCURRENTLY`, which waits for every older transaction.

use super::run::Run;
use crate::error::{Action, Error};
use crate::session::Backend;
use std::time::{Duration, Instant};

/// Shortest and longest pause between two attempts.
const FIRST_BACKOFF: Duration = Duration::from_millis(10);
const MAX_BACKOFF: Duration = Duration::from_millis(500);

/// Which lock to poll.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Held until released or the connection ends.
    Session,
    /// Held until the open transaction ends.
    Transaction,
}

impl<B: Backend> Run<'_, B> {
    /// Polls `kind` until it is taken or the lock timeout runs out.
    pub(crate) async fn poll_lock(&mut self, kind: Kind) -> Result<(), Error> {
        let begun = Instant::now();
        let timeout = self.opts.lock_timeout;
        let mut pause = FIRST_BACKOFF;
        let mut said = false;
        loop {
            let got = match kind {
                Kind::Session => self.s.try_lock().await,
                Kind::Transaction => self.s.try_xact_lock().await,
            };
            if got.map_err(|e| self.error(Action::Lock, e))? {
                if said {
                    tracing::info!(target: "migrate", waited_ms = begun.elapsed().as_millis() as u64, "took the migration lock");
                }
                return Ok(());
            }
            let waited = begun.elapsed();
            if waited >= timeout {
                return Err(Error::LockTimeout {
                    waited,
                    hint: B::LOCK_HINT,
                });
            }
            if !said {
                tracing::info!(target: "migrate", table = %self.table_name(), "another migrator holds the migration lock; waiting");
                said = true;
            }
            tokio::time::sleep(pause.min(timeout - waited)).await;
            pause = (pause * 2).min(MAX_BACKOFF);
        }
    }

    /// Takes the session lock unless it is held, then sets the statement
    /// lock timeout, if one is configured, for the migration SQL to come.
    pub(crate) async fn acquire(&mut self) -> Result<(), Error> {
        if self.s.locked() {
            return Ok(());
        }
        self.poll_lock(Kind::Session).await?;
        Ok(())
    }

    /// Releases the session lock if held. A failure is logged: the session
    /// then closes the connection, which releases it on the server.
    pub(crate) async fn release(&mut self) {
        if !self.s.locked() {
            return;
        }
        if let Err(e) = self.s.unlock().await {
            tracing::warn!(target: "migrate", error = %e, "releasing the migration lock failed; closing the connection, which releases it");
        }
    }
}
