//! What a fleet run reports: counts, the distribution of tenants over
//! revisions, and each failure with its error. It grows with the failures
//! and the number of distinct revisions, not with the fleet, so a fleet of
//! ten thousand healthy tenants costs what a fleet of ten does.

use std::collections::BTreeMap;
use std::time::Duration;

/// How one tenant's run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// Done: the tenant's heads afterwards (empty at base).
    Done(Vec<String>),
    /// Failed with this message (passwords already redacted by the runtime).
    Failed(String),
    /// Not run: `fail_fast` or a failed canary stopped the fleet first.
    Skipped,
}

/// One tenant's result, as [`Fleet::run`](super::Fleet::run) hands it to
/// its `on_tenant` callback (to save resumable state, say).
#[derive(Clone, Debug)]
pub struct TenantResult {
    /// The tenant's id.
    pub id: String,
    /// How it ended.
    pub outcome: Outcome,
}

/// Where a run is, for a progress bar.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    /// Tenants finished successfully.
    pub done: usize,
    /// Tenants that failed.
    pub failed: usize,
    /// Tenants still queued or running, when the fleet's size is known.
    pub remaining: Option<usize>,
    /// Time since the run started.
    pub elapsed: Duration,
}

impl Progress {
    /// Tenants finished (either way) per second.
    pub fn rate(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs <= 0.0 {
            0.0
        } else {
            (self.done + self.failed) as f64 / secs
        }
    }

    /// The time left at the current rate, when it can be told.
    pub fn eta(&self) -> Option<Duration> {
        let rate = self.rate();
        let remaining = self.remaining?;
        (rate > 0.0).then(|| Duration::from_secs_f64(remaining as f64 / rate))
    }
}

/// A fleet run's summary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FleetReport {
    /// Tenants finished successfully.
    pub done: usize,
    /// Failed tenants, `(id, message)`, in the order they failed.
    pub failed: Vec<(String, String)>,
    /// Tenants not run because the fleet stopped first.
    pub skipped: usize,
    /// Per revision (the tenant's heads joined by `,`, or `base`), how many
    /// of the successful tenants are at it.
    pub revisions: BTreeMap<String, usize>,
    /// How long the run took.
    pub elapsed: Duration,
}

impl FleetReport {
    /// Whether every tenant ran and none failed.
    pub fn succeeded(&self) -> bool {
        self.failed.is_empty() && self.skipped == 0
    }

    /// Tenants seen in all.
    pub fn total(&self) -> usize {
        self.done + self.failed.len() + self.skipped
    }

    /// Counts one tenant's result.
    pub(crate) fn add(&mut self, result: &TenantResult) {
        match &result.outcome {
            Outcome::Done(heads) => {
                self.done += 1;
                *self.revisions.entry(revision_key(heads)).or_default() += 1;
            }
            Outcome::Failed(message) => self.failed.push((result.id.clone(), message.clone())),
            Outcome::Skipped => self.skipped += 1,
        }
    }
}

/// How a tenant's heads appear in the distribution: `base` when none.
pub fn revision_key(heads: &[String]) -> String {
    if heads.is_empty() {
        "base".to_owned()
    } else {
        heads.join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_counts_tenants_per_revision() {
        let mut r = FleetReport::default();
        let done = |id: &str, heads: &[&str]| TenantResult {
            id: id.into(),
            outcome: Outcome::Done(heads.iter().map(|h| h.to_string()).collect()),
        };
        r.add(&done("a", &["r2"]));
        r.add(&done("b", &["r2"]));
        r.add(&done("c", &[]));
        r.add(&TenantResult {
            id: "d".into(),
            outcome: Outcome::Failed("boom".into()),
        });
        assert_eq!(r.revisions.get("r2"), Some(&2));
        assert_eq!(r.revisions.get("base"), Some(&1));
        assert_eq!(r.failed, vec![("d".to_owned(), "boom".to_owned())]);
        assert_eq!(r.total(), 4);
        assert!(!r.succeeded());
        let p = Progress {
            done: 10,
            failed: 0,
            remaining: Some(20),
            elapsed: Duration::from_secs(5),
        };
        assert_eq!(p.rate(), 2.0);
        assert_eq!(p.eta(), Some(Duration::from_secs(10)));
    }
}
