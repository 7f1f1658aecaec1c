//! Running one operation over a fleet: tenants pulled from a stream, at most
//! `jobs` at once per server, each on its own connection and under its own
//! migration lock (the operation is the single-database one), results
//! counted as they come.
//!
//! Each server has its own queue: when one server is slow, its tenants wait
//! for its slots while the others' keep going, and the stream is read ahead
//! (up to a bound) to find them.

use super::report::{FleetReport, Outcome, Progress, TenantResult};
use super::tenant::{Tenant, TenantDb};
use crate::db::Db;
use futures_util::stream::{FuturesUnordered, Stream, StreamExt};
use std::collections::{HashMap, VecDeque};
use std::fmt::Display;
use std::future::Future;
use std::time::{Duration, Instant};

/// How many tenants may wait in the servers' queues, read ahead of the
/// running ones: enough to find another server's tenants behind a slow
/// one's, bounded so that memory stays flat however long the stream.
const READ_AHEAD: usize = 1024;

/// A fleet operation's settings: concurrency, stopping rules.
///
/// ```no_run
/// # #[cfg(feature = "postgres")]
/// # async fn run(migrations: &migrate_runtime::Migrations, urls: Vec<migrate_runtime::DatabaseUrl>) {
/// use migrate_runtime::fleet::{Fleet, Tenant};
/// let tenants = futures_util::stream::iter(urls.into_iter().map(Tenant::url));
/// let m = migrations.migrator();
/// let report = Fleet::new()
///     .jobs(8)
///     .run(tenants, |_tenant, db| {
///         let m = &m;
///         async move { m.upgrade(&db, "heads").await.map(|r| r.heads) }
///     })
///     .await;
/// println!("{} done, {} failed", report.done, report.failed.len());
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Fleet {
    jobs: usize,
    fail_fast: bool,
    canary: usize,
    total: Option<usize>,
}

impl Default for Fleet {
    fn default() -> Self {
        Fleet::new()
    }
}

/// What the run loop holds besides the running futures.
struct Queues {
    waiting: HashMap<String, VecDeque<Tenant>>,
    active: HashMap<String, usize>,
    queued: usize,
}

impl Fleet {
    /// Four tenants at once per server, no early stop.
    pub fn new() -> Fleet {
        Fleet {
            jobs: 4,
            fail_fast: false,
            canary: 0,
            total: None,
        }
    }

    /// At most `jobs` tenants at once on each server (at least one).
    pub fn jobs(mut self, jobs: usize) -> Self {
        self.jobs = jobs.max(1);
        self
    }

    /// Stop starting tenants after the first failure; the rest are skipped.
    pub fn fail_fast(mut self, yes: bool) -> Self {
        self.fail_fast = yes;
        self
    }

    /// Run the first `n` tenants alone first, and stop if any of them fails.
    pub fn canary(mut self, n: usize) -> Self {
        self.canary = n;
        self
    }

    /// The fleet's size, when known, for [`Progress::remaining`].
    pub fn total(mut self, total: usize) -> Self {
        self.total = Some(total);
        self
    }

    /// Runs `op` on every tenant of `tenants` and reports. `op` gets the
    /// tenant and its database (connected here from its URL and closed
    /// after, or the caller's pool) and returns the tenant's heads after.
    pub async fn run<S, F, Fut, E>(&self, tenants: S, op: F) -> FleetReport
    where
        S: Stream<Item = Tenant>,
        F: Fn(Tenant, Db) -> Fut,
        Fut: Future<Output = Result<Vec<String>, E>>,
        E: Display,
    {
        self.run_with(tenants, op, |_| {}, |_| {}).await
    }

    /// [`Fleet::run`], calling `on_tenant` with each result as it comes (to
    /// record resumable state) and `on_progress` after each.
    ///
    /// `op` takes the tenant and a handle to its pool (owned: a clone of the
    /// pool is a pointer), so that its future borrows nothing of the
    /// runner's and the whole run stays `Send` when `op`'s future is.
    pub async fn run_with<S, F, Fut, E>(
        &self,
        tenants: S,
        op: F,
        mut on_tenant: impl FnMut(&TenantResult),
        mut on_progress: impl FnMut(&Progress),
    ) -> FleetReport
    where
        S: Stream<Item = Tenant>,
        F: Fn(Tenant, Db) -> Fut,
        Fut: Future<Output = Result<Vec<String>, E>>,
        E: Display,
    {
        let started = Instant::now();
        let mut report = FleetReport::default();
        let mut tenants = std::pin::pin!(tenants);
        let mut q = Queues {
            waiting: HashMap::new(),
            active: HashMap::new(),
            queued: 0,
        };
        let mut running = FuturesUnordered::new();
        let (mut pulled, mut finished) = (0usize, 0usize);
        let (mut exhausted, mut stopping) = (false, false);
        let op = &op;
        let start = |t: Tenant| async move {
            let outcome = match one(&t, op).await {
                Ok(heads) => Outcome::Done(heads),
                Err(message) => Outcome::Failed(message),
            };
            (t.server().to_owned(), t.id().to_owned(), outcome)
        };
        loop {
            // Canaries run alone: nothing more is read until they are all done.
            let gate = pulled < self.canary || finished >= self.canary;
            let can_pull = !exhausted && !stopping && gate && q.queued < READ_AHEAD;
            if !can_pull && running.is_empty() {
                break;
            }
            tokio::select! {
                biased;
                Some(item) = running.next(), if !running.is_empty() => {
                    let (server, id, outcome): (String, String, Outcome) = item;
                    finished += 1;
                    let failed = matches!(outcome, Outcome::Failed(_));
                    let result = TenantResult { id, outcome };
                    report.add(&result);
                    on_tenant(&result);
                    if failed && (self.fail_fast || finished <= self.canary) {
                        stopping = true;
                    }
                    *q.active.entry(server.clone()).or_default() -= 1;
                    if !stopping {
                        if let Some(next) = q.waiting.get_mut(&server).and_then(VecDeque::pop_front) {
                            q.queued -= 1;
                            *q.active.entry(server).or_default() += 1;
                            running.push(start(next));
                        }
                    }
                    on_progress(&Progress {
                        done: report.done,
                        failed: report.failed.len(),
                        remaining: self.total.map(|t| t.saturating_sub(finished)),
                        elapsed: started.elapsed(),
                    });
                }
                next = tenants.next(), if can_pull => match next {
                    None => exhausted = true,
                    Some(t) => {
                        pulled += 1;
                        let active = q.active.entry(t.server().to_owned()).or_default();
                        if *active < self.jobs {
                            *active += 1;
                            running.push(start(t));
                        } else {
                            q.queued += 1;
                            q.waiting.entry(t.server().to_owned()).or_default().push_back(t);
                        }
                    }
                },
            }
        }
        // Stopped early: whatever was queued or never read is skipped.
        for t in q.waiting.into_values().flatten() {
            skip(&mut report, &mut on_tenant, t.id());
        }
        if stopping {
            while let Some(t) = tenants.next().await {
                skip(&mut report, &mut on_tenant, t.id());
            }
        }
        report.elapsed = started.elapsed();
        report
    }
}

fn skip(report: &mut FleetReport, on_tenant: &mut impl FnMut(&TenantResult), id: &str) {
    let result = TenantResult {
        id: id.to_owned(),
        outcome: Outcome::Skipped,
    };
    report.add(&result);
    on_tenant(&result);
}

/// One tenant: connect (from a URL), run, close.
async fn one<F, Fut, E>(t: &Tenant, op: &F) -> Result<Vec<String>, String>
where
    F: Fn(Tenant, Db) -> Fut,
    Fut: Future<Output = Result<Vec<String>, E>>,
    E: Display,
{
    match t.db() {
        TenantDb::Pool(db) => op(t.clone(), db.clone()).await.map_err(|e| e.to_string()),
        TenantDb::Url(url) => {
            let db = Db::connect_url(url).await.map_err(|e| e.to_string())?;
            let result = op(t.clone(), db.clone()).await.map_err(|e| e.to_string());
            db.close().await;
            result
        }
    }
}

/// A list of tenants as the stream [`Fleet::run`] takes.
pub fn stream(tenants: impl IntoIterator<Item = Tenant>) -> impl Stream<Item = Tenant> {
    futures_util::stream::iter(tenants)
}

/// How long a progress bar waits between redraws; callers may use it.
pub const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);
