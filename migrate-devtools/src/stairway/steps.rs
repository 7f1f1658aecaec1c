//! One revision's three steps (up, down, up again) on a walk database,
//! each compared with the snapshot it must equal, the rows its SQL names
//! fingerprinted, and the differences its allow lines accept set apart.

use super::outcome::Stage;
use super::state::{accepted, allows, row_prints, rows_after, Allow, Found, Snapshot, Target};
use super::{Stairway, StairwayError};
use crate::autogen::split;
use migrate_runtime::{Migration, Migrator};

/// What one revision's check found, before the walk words it.
pub(super) enum Verdict {
    /// Every step matched; the snapshot after the second upgrade.
    Passed(Snapshot),
    /// Irreversible: applied, the snapshot after it.
    Irreversible(Snapshot),
    /// Every difference was accepted (each with its reason).
    Accepted(Vec<String>, Snapshot),
    /// A step failed (`error`) or its schema differs (`found`).
    Failed {
        stage: Stage,
        error: Option<String>,
        found: Vec<Found>,
    },
}

/// One revision's steps.
pub(super) struct Steps<'a> {
    pub id: &'a str,
    /// The downgrade target that reverts it alone.
    pub down_to: String,
    pub irreversible: bool,
    pub up_sql: &'a str,
    pub allows: Vec<Allow>,
}

impl<'a> Steps<'a> {
    pub fn of(m: &'a Migration, down_to: String) -> Steps<'a> {
        Steps {
            id: m.id(),
            down_to,
            irreversible: m.is_irreversible(),
            up_sql: m.up_sql(),
            allows: allows(m.up_sql(), m.down_sql()),
        }
    }

    fn failed(&self, stage: Stage, e: migrate_runtime::Error) -> Verdict {
        let (what, source) = split(e, Some(self.id));
        Verdict::Failed {
            stage,
            error: Some(format!("{what}: {source}")),
            found: Vec::new(),
        }
    }

    /// Sets accepted differences apart; `Err` with the rest when any is not.
    fn judge(&self, found: Vec<Found>, kept: &mut Vec<String>) -> Result<(), Vec<Found>> {
        let mut rest = Vec::new();
        for f in found {
            match accepted(&f, &self.allows) {
                Some(a) => kept.push(format!("{} (accepted: {})", f.text, a.reason)),
                None => rest.push(f),
            }
        }
        if rest.is_empty() {
            Ok(())
        } else {
            Err(rest)
        }
    }

    /// Up (the result must be `expected` when given), down (back to
    /// `start`), up again (the same as after the first up), on `t`.
    pub async fn round_trip(
        &self,
        s: &Stairway<'_>,
        migrator: &Migrator<'_>,
        t: &Target,
        start: &Snapshot,
        expected: Option<&Snapshot>,
        model: bool,
    ) -> Result<Verdict, StairwayError> {
        let id = self.id;
        let differs = |stage: Stage, found: Vec<Found>| Verdict::Failed {
            stage,
            error: None,
            found,
        };
        let mut kept = Vec::new();
        let rows = row_prints(&t.db, self.up_sql, &s.table).await?;
        if let Err(e) = migrator.upgrade(&t.db, id).await {
            return Ok(self.failed(Stage::Up, e));
        }
        let after = t.snapshot(s, model).await?;
        if let Some(want) = expected {
            if let Err(rest) = self.judge(super::state::compare(want, &after, s), &mut kept) {
                return Ok(differs(Stage::Up, rest));
            }
        }
        if self.irreversible {
            return Ok(Verdict::Irreversible(after));
        }
        match migrator.downgrade(&t.db, &self.down_to).await {
            Err(e) => return Ok(self.failed(Stage::Down, e)),
            Ok(r) if r.steps.len() != 1 || r.steps[0].revision != id => {
                let reverted: Vec<&str> = r.steps.iter().map(|s| s.revision.as_str()).collect();
                return Ok(Verdict::Failed {
                    stage: Stage::Down,
                    error: Some(format!(
                        "reverting {id} alone also reverted {}",
                        reverted.join(", ")
                    )),
                    found: Vec::new(),
                });
            }
            Ok(_) => {}
        }
        let down = t.snapshot_like(s, model, start).await?;
        let mut found = super::state::compare(start, &down, s);
        found.extend(rows_after(&t.db, &rows).await?);
        if let Err(rest) = self.judge(found, &mut kept) {
            return Ok(differs(Stage::Down, rest));
        }
        if let Err(e) = migrator.upgrade(&t.db, id).await {
            return Ok(self.failed(Stage::UpAgain, e));
        }
        let again = t.snapshot_like(s, model, &after).await?;
        if let Err(rest) = self.judge(super::state::compare(&after, &again, s), &mut kept) {
            return Ok(differs(Stage::UpAgain, rest));
        }
        Ok(if kept.is_empty() {
            Verdict::Passed(again)
        } else {
            Verdict::Accepted(kept, again)
        })
    }
}
