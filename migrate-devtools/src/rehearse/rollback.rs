//! The rollback on the copy: downgrade to where it started (timed and
//! probed like the upgrade), compare the schema and each table's rows with
//! the start, then upgrade again and compare with the first upgrade's end.

use super::attribute::Section;
use super::copy::Copy;
use super::error::RehearseError;
use super::locks::Sampler;
use super::probe::Probe;
use super::report::*;
use super::steps::{needs_sampler, sampled, Heard};
use super::tables::{contents, layout, Layout};
use super::walk::Rehearsal;
use crate::autogen::differences;
use crate::catalog::read_schema;
use migrate_runtime::{Direction, Error, Migration, Migrator};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The migrator and what listens to it.
pub(super) type Listening<'a, 'm> = (&'a Migrator<'m>, &'a Arc<Mutex<Heard>>, Option<&'a Probe>);

impl<'m> Rehearsal<'m> {
    /// Downgrades the copy to where it started, checks, upgrades again.
    pub(super) async fn rollback(
        &self,
        copy: &Copy,
        (migrator, heard, probe): Listening<'_, 'm>,
        pending: &[&'m Migration],
        report: &mut RehearsalReport,
        start_schema: migrate_schema::Schema,
        start_rows: BTreeMap<String, (i64, String)>,
    ) -> Result<Rollback, RehearseError> {
        let db = &copy.db;
        let dialect = db.dialect();
        let exclude = [self.table.as_str()];
        let mut rb = Rollback {
            skipped: None,
            duration: Duration::ZERO,
            error: None,
            schema_differences: Vec::new(),
            lost: Vec::new(),
            again: None,
            again_error: None,
            again_differences: Vec::new(),
        };
        if let Some(m) = pending.iter().find(|m| m.is_irreversible()) {
            rb.skipped = Some(format!("{} ({}) is irreversible", m.id(), m.file_name()));
            return Ok(rb);
        }
        let target = match report.started_at.as_slice() {
            [] => "base".to_owned(),
            [one] => one.clone(),
            _ => {
                rb.skipped = Some("the copy started at several heads".to_owned());
                return Ok(rb);
            }
        };
        let end_schema = read_schema(db, &exclude).await?;
        self.say(&format!("downgrading to {target}"));
        let before = layout(db, &self.table).await?;
        let sample = pending
            .iter()
            .any(|m| needs_sampler(report.lock_source, m.down_transaction()));
        let sampler = match sample {
            true => Sampler::connect(report.lock_source, &copy.url, &self.table).await?,
            false => None,
        };
        let begun = Instant::now();
        let (result, (spans, cost)) = sampled(
            sampler.as_ref(),
            probe,
            migrator.downgrade(db, target.as_str()),
        )
        .await;
        report.sampling.add(cost);
        let returned = Instant::now();
        rb.duration = returned - begun;
        if let Some(s) = sampler {
            s.close().await;
        }
        let h = Heard::take(heard);
        let boundaries = match probe {
            Some(p) => p.take().await,
            None => Vec::new(),
        };
        let failed_rev = match &result {
            Err(Error::Migration { revision, .. }) => Some(revision.clone()),
            _ => None,
        };
        // The downs ran last revision first; each starts from the storage
        // the previous one's last statement left (for MariaDB's algorithm).
        let mut storage = before;
        for r in report.revisions.iter_mut().rev() {
            let m = pending
                .iter()
                .find(|m| m.id() == r.id)
                .expect("a pending revision");
            let step = h.steps.iter().find(|s| s.0 == r.id);
            let failed_here = failed_rev.as_deref() == Some(r.id.as_str());
            if step.is_none() && !failed_here {
                continue;
            }
            // The failed step has no step event: it took what the
            // downgrade took beyond the steps that finished.
            let finished: Duration = h.steps.iter().map(|s| s.3).sum();
            let duration = step.map_or(rb.duration.saturating_sub(finished), |s| s.3);
            let section = Section::of(
                m,
                Direction::Down,
                &h.statements,
                &boundaries,
                &spans,
                (report.lock_source, dialect),
                (step.map_or(returned, |s| s.2), duration),
                &storage,
            );
            let left = section
                .boundaries
                .last()
                .filter(|b| b.error.is_none())
                .map(|b| {
                    b.storage
                        .iter()
                        .map(|(t, s)| {
                            (
                                t.clone(),
                                Layout {
                                    size: None,
                                    storage: *s,
                                },
                            )
                        })
                        .collect::<BTreeMap<_, _>>()
                });
            r.down = Some(DownRun {
                duration,
                statements: section.statements(),
                error: failed_here
                    .then(|| result.as_ref().err().map(|e| e.to_string()))
                    .flatten(),
            });
            if let Some(left) = left {
                storage = left;
            }
        }
        if let Err(e) = result {
            rb.error = Some(e.to_string());
            return Ok(rb);
        }
        let down_schema = read_schema(db, &exclude).await?;
        rb.schema_differences =
            differences(&start_schema, &down_schema, dialect).unwrap_or_default();
        let down_rows = contents(db, &self.table).await?;
        for (table, (rows, hash)) in &start_rows {
            match down_rows.get(table) {
                Some((r, h)) if r == rows && h == hash => {}
                other => rb.lost.push(TableLoss {
                    table: table.clone(),
                    rows_before: *rows,
                    rows_after: other.map(|(r, _)| *r),
                }),
            }
        }
        self.say("upgrading again");
        let target = self.target.clone().unwrap_or_else(|| "heads".to_owned());
        let begun = Instant::now();
        let again = migrator.upgrade(db, target.as_str()).await;
        rb.again = Some(begun.elapsed());
        Heard::take(heard);
        if let Some(p) = probe {
            p.take().await;
        }
        match again {
            Err(e) => rb.again_error = Some(e.to_string()),
            Ok(_) => {
                let again_schema = read_schema(db, &exclude).await?;
                rb.again_differences =
                    differences(&end_schema, &again_schema, dialect).unwrap_or_default();
            }
        }
        Ok(rb)
    }
}
