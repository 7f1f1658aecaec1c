//! The walk itself: scratch databases, each revision's check (in
//! `steps`), the rebuild after a failure, and the end checks.

use super::outcome::{EndCheck, Failure, Mismatch, Outcome, RevisionReport, Stage};
use super::state::{self, Snapshot, Target};
use super::steps::{Steps, Verdict};
use super::{Stairway, StairwayError, StairwayReport};
use crate::autogen::{differences, split, Pipeline};
use crate::catalog::read_schema;
use crate::scratch::ScratchDb;
use migrate_graph::Graph;
use migrate_runtime::{Db, LockStrategy, Migrator};
use migrate_schema::Schema;

/// The graph nodes to check, in apply order.
pub(super) fn selected(s: &Stairway<'_>) -> Result<Vec<usize>, StairwayError> {
    let graph = s.migrations.graph();
    let resolve = |given: &str| {
        graph
            .resolve_revision(given)
            .map_err(|source| StairwayError::Revision {
                given: given.to_owned(),
                source,
            })
    };
    if let Some(only) = &s.only {
        return Ok(vec![resolve(only)?]);
    }
    let first = match &s.from {
        Some(from) => graph.position(resolve(from)?),
        None => 0,
    };
    Ok(graph.order()[first..].to_vec())
}

pub(super) async fn run(s: Stairway<'_>) -> Result<StairwayReport, StairwayError> {
    let checked = selected(&s)?;
    s.server.clean_leftovers().await?;
    let mut live = Vec::new();
    let result = walk(&s, &checked, &mut live).await;
    // Every scratch database goes, whatever happened; the run's own error
    // comes first.
    let mut dropped = Ok(());
    for scratch in live {
        if let Err(e) = s.server.drop(scratch).await {
            if dropped.is_ok() {
                dropped = Err(e);
            }
        }
    }
    let report = result?;
    dropped?;
    Ok(report)
}

async fn scratch(s: &Stairway<'_>, live: &mut Vec<ScratchDb>) -> Result<Target, StairwayError> {
    live.push(s.server.create().await?);
    let made = live.last().expect("just pushed");
    let print = match s.fingerprints {
        true => crate::proof::fingerprint::query(&made.db)
            .await
            .map(std::sync::Arc::new),
        false => None,
    };
    Ok(Target {
        print,
        db: made.db.clone(),
        url: made.name.as_deref().and_then(|n| s.server.url(n)),
    })
}

/// Drops the scratch database `t` (a walk database replaced by a rebuilt
/// one). In memory it stays open until the run ends.
async fn retire(
    s: &Stairway<'_>,
    live: &mut Vec<ScratchDb>,
    t: &Target,
) -> Result<(), StairwayError> {
    let Some(url) = t.url.as_ref().map(ToString::to_string) else {
        return Ok(());
    };
    let at = live.iter().position(|l| {
        l.name
            .as_deref()
            .and_then(|n| s.server.url(n))
            .is_some_and(|u| u.to_string() == url)
    });
    if let Some(at) = at {
        s.server.drop(live.remove(at)).await?;
    }
    Ok(())
}

/// What this walk leaves out of its comparisons on purpose.
fn unchecked(s: &Stairway<'_>) -> Vec<String> {
    if s.privileges || dialect_has_no_privileges(s) {
        return Vec::new();
    }
    vec!["grants, owners and default privileges (--privileges compares them)".to_owned()]
}

/// SQLite has no grants or owners: nothing to leave out.
fn dialect_has_no_privileges(s: &Stairway<'_>) -> bool {
    s.server.dialect() == migrate_runtime::Dialect::Sqlite
}

fn migrator<'m>(s: &Stairway<'m>) -> Migrator<'m> {
    // A scratch database is this run's alone: no lock to take.
    s.migrations
        .migrator()
        .table(s.table.clone())
        .lock(LockStrategy::None)
}

async fn read(s: &Stairway<'_>, db: &Db) -> Result<Schema, StairwayError> {
    Ok(read_schema(db, &[s.table.as_str()]).await?)
}

fn replay(e: migrate_runtime::Error) -> StairwayError {
    let (failed, source) = split(e, None);
    StairwayError::Replay { failed, source }
}

/// The downgrade target that reverts revision `i` alone: on its own line
/// (`<id>@...`, so that sibling branches applied before it stay), down to
/// its newest parent, or to base for a root.
fn down_target(graph: &Graph, i: usize) -> String {
    let id = graph.id(i);
    match graph.parents(i).iter().max_by_key(|&&p| graph.position(p)) {
        Some(&p) => format!("{id}@{}", graph.id(p)),
        None => format!("{id}@base"),
    }
}

/// What the walk has applied, in order: replayed on a fresh scratch
/// database, it rebuilds the walk's state.
#[derive(Default)]
struct Applied(Vec<usize>);

impl Applied {
    fn push(&mut self, i: usize) {
        if !self.0.contains(&i) {
            self.0.push(i);
        }
    }

    /// Upgrades `t` through every applied revision: one upgrade per
    /// revision no later one stands on.
    async fn replay(
        &self,
        graph: &Graph,
        migrator: &Migrator<'_>,
        t: &Target,
    ) -> Result<(), StairwayError> {
        let mut under = std::collections::HashSet::new();
        for &i in &self.0 {
            under.extend(graph.parents(i).iter().copied());
            under.extend(graph.depends_on(i).iter().copied());
        }
        for &i in &self.0 {
            if !under.contains(&i) {
                migrator.upgrade(&t.db, graph.id(i)).await.map_err(replay)?;
            }
        }
        Ok(())
    }
}

async fn walk(
    s: &Stairway<'_>,
    checked: &[usize],
    live: &mut Vec<ScratchDb>,
) -> Result<StairwayReport, StairwayError> {
    let dialect = s.server.dialect();
    let graph = s.migrations.graph();
    let list = s.migrations.as_slice();
    let migrator = migrator(s);
    let mut t = scratch(s, live).await?;
    let not_compared = state::probe(s, &t).await.err();
    let model = not_compared.is_some();
    let mut report = StairwayReport {
        dialect,
        revisions: Vec::new(),
        not_compared,
        unchecked: unchecked(s),
        orders: None,
        desired: None,
    };
    let mut applied = Applied::default();
    // The snapshot as it stands, when known without taking it again.
    let mut known: Option<Snapshot> = None;
    for &i in checked {
        let m = &list[i];
        // What it stands on, unchecked: revisions before `from`, the
        // ancestors of `only`. A no-op in a plain walk.
        let mut applied_more = false;
        for &p in graph.parents(i).iter().chain(graph.depends_on(i)) {
            if applied.0.contains(&p) {
                // The walk applied it (a plain walk): no call needed.
                continue;
            }
            let r = migrator.upgrade(&t.db, graph.id(p)).await.map_err(replay)?;
            applied_more |= !r.steps.is_empty();
            applied.push(p);
        }
        let before = match known.take() {
            Some(snapshot) if !applied_more => snapshot,
            _ => t.snapshot(s, model).await?,
        };
        let squash = graph.replaced_nodes(i).next().is_some();
        let verdict = if squash {
            check_squash(s, &migrator, &t, live, i, &before, model).await?
        } else {
            Steps::of(m, down_target(graph, i))
                .round_trip(s, &migrator, &t, &before, None, model)
                .await?
        };
        let (outcome, stop) = match verdict {
            Verdict::Passed(now) => {
                known = Some(now);
                (Outcome::Passed, false)
            }
            Verdict::Irreversible(now) => {
                known = Some(now);
                (Outcome::Irreversible, false)
            }
            Verdict::Accepted(differences, now) => {
                known = Some(now);
                (Outcome::Accepted { differences }, false)
            }
            Verdict::Failed {
                stage: Stage::Up,
                error,
                found,
            } => {
                // Nothing after it applies: the walk ends here. A squash's
                // own SQL ran on a database of its own: the walk's is intact.
                let stop = !squash;
                if squash {
                    known = Some(before.clone());
                }
                let failure = match error {
                    Some(error) => Failure::Step {
                        stage: Stage::Up,
                        error,
                    },
                    None => Failure::Differs {
                        stage: Stage::Up,
                        differences: found.into_iter().map(|f| f.text).collect(),
                    },
                };
                (Outcome::Failed(failure), stop)
            }
            Verdict::Failed {
                stage,
                error,
                found,
            } => {
                // Rebuild: a fresh scratch database brought to the state
                // before the revision, where the model can say what the
                // dumps saw as SQL, then upgraded through it; the walk goes
                // on there.
                let fresh = scratch(s, live).await?;
                applied.replay(graph, &migrator, &fresh).await?;
                let mut differences = Vec::new();
                if error.is_none() && !model && stage == Stage::Down {
                    let expected = read(s, &fresh.db).await?;
                    let now = read(s, &t.db).await?;
                    differences = explain(&expected, &now, dialect);
                }
                migrator
                    .upgrade(&fresh.db, graph.id(i))
                    .await
                    .map_err(replay)?;
                if error.is_none() && !model && stage == Stage::UpAgain {
                    let expected = read(s, &fresh.db).await?;
                    let now = read(s, &t.db).await?;
                    differences = explain(&expected, &now, dialect);
                }
                let schema_sql = !differences.is_empty();
                let dumped: Vec<String> = found.into_iter().map(|f| f.text).collect();
                if !schema_sql && !model && !dumped.iter().all(|d| d.starts_with("rows of ")) {
                    differences.push("only the schema dump sees:".to_owned());
                }
                differences.extend(dumped);
                retire(s, live, &t).await?;
                t = fresh;
                let failure = match error {
                    Some(error) => Failure::Step { stage, error },
                    None => Failure::Differs { stage, differences },
                };
                (Outcome::Failed(failure), false)
            }
        };
        applied.push(i);
        let entry = RevisionReport {
            id: m.id().to_owned(),
            file: m.file_name().to_owned(),
            message: m.message().to_owned(),
            outcome,
        };
        if let Some(hook) = &s.hook {
            hook(&entry);
        }
        report.revisions.push(entry);
        if stop {
            return Ok(report);
        }
    }
    if s.only.is_some() || report.failures().next().is_some() {
        return Ok(report);
    }
    end_checks(s, &migrator, &t, live, &mut report).await?;
    Ok(report)
}

/// The model's SQL for what differs (what it does not render: a comment).
fn explain(expected: &Schema, now: &Schema, dialect: migrate_runtime::Dialect) -> Vec<String> {
    differences(expected, now, dialect).unwrap_or_default()
}

/// The end of the walk: the heads in different orders, and the desired
/// schema.
async fn end_checks(
    s: &Stairway<'_>,
    migrator: &Migrator<'_>,
    t: &Target,
    live: &mut Vec<ScratchDb>,
    report: &mut StairwayReport,
) -> Result<(), StairwayError> {
    let dialect = s.server.dialect();
    let graph = s.migrations.graph();
    // The end of the walk (with `from`, revisions before it on other
    // branches may still be missing).
    if !s.migrations.is_empty() {
        migrator.upgrade(&t.db, "heads").await.map_err(replay)?;
    }
    let end = read(s, &t.db).await?;
    let end_dump = match report.not_compared {
        None => Some(t.snapshot(s, false).await?),
        Some(_) => None,
    };
    let heads = graph.heads();
    if heads.len() > 1 {
        let ids: Vec<&str> = heads.iter().map(|&h| graph.id(h)).collect();
        let reversed: Vec<&str> = ids.iter().rev().copied().collect();
        let mut ends = vec![(
            "the apply order".to_owned(),
            Ok((end.clone(), end_dump.clone())),
        )];
        for (label, order) in [("heads in order", &ids), ("heads reversed", &reversed)] {
            let other = scratch(s, live).await?;
            ends.push((
                format!("{label} ({})", order.join(", ")),
                in_order(s, migrator, &other, order, end_dump.is_some()).await?,
            ));
        }
        let mismatch = ends[1..].iter().find_map(|(label, state)| {
            let differences = match state {
                Ok((schema, dump)) => differences(&end, schema, dialect).or_else(|| {
                    let found = match (&end_dump, dump) {
                        (Some(a), Some(b)) => state::compare(a, b, s),
                        _ => Vec::new(),
                    };
                    (!found.is_empty()).then(|| {
                        std::iter::once("only the schema dump sees:".to_owned())
                            .chain(found.into_iter().map(|f| f.text))
                            .collect()
                    })
                })?,
                // An order in which the migrations do not even apply.
                Err(failed) => vec![format!("-- does not apply: {failed}")],
            };
            Some(Mismatch {
                expected: ends[0].0.clone(),
                actual: label.clone(),
                differences,
            })
        });
        report.orders = Some(EndCheck {
            compared: ends.into_iter().map(|(label, _)| label).collect(),
            mismatch,
        });
    }
    if let Some(files) = &s.desired {
        let mut pipeline = Pipeline::new(s.migrations, s.server.clone()).table(s.table.clone());
        let desired = pipeline.desired(files).await;
        pipeline.finish().await.map_err(StairwayError::Desired)?;
        let desired = desired.map_err(StairwayError::Desired)?;
        let name = files
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let expected = "the migrations".to_owned();
        report.desired = Some(EndCheck {
            compared: vec![expected.clone(), name.clone()],
            mismatch: differences(&end, &desired, dialect).map(|differences| Mismatch {
                expected,
                actual: name,
                differences,
            }),
        });
    }
    Ok(())
}

type EndState = (Schema, Option<Snapshot>);

/// The heads applied one after the other on `t`, each with its
/// ancestors, then the schema (and its dump when `dump`); `Err` with what
/// failed when a revision does not apply in that order.
async fn in_order(
    s: &Stairway<'_>,
    migrator: &Migrator<'_>,
    t: &Target,
    heads: &[&str],
    dump: bool,
) -> Result<Result<EndState, String>, StairwayError> {
    for head in heads {
        if let Err(e) = migrator.upgrade(&t.db, head).await {
            let (what, source) = split(e, None);
            return Ok(Err(format!("{what}: {source}")));
        }
    }
    let snapshot = match dump {
        true => Some(t.snapshot(s, false).await?),
        false => None,
    };
    Ok(Ok((read(s, &t.db).await?, snapshot)))
}

/// A squash whose replaced revisions are present: on the walk's database
/// it only records itself in their place (no schema change, and a
/// downgrade cannot stop inside it), so its SQL is checked where it runs,
/// on a fresh database: up alone must give the schema the replaced
/// revisions gave, down an empty database, up again the same.
#[allow(clippy::too_many_arguments)]
async fn check_squash(
    s: &Stairway<'_>,
    migrator: &Migrator<'_>,
    t: &Target,
    live: &mut Vec<ScratchDb>,
    i: usize,
    before: &Snapshot,
    model: bool,
) -> Result<Verdict, StairwayError> {
    let m = &s.migrations.as_slice()[i];
    let steps = Steps::of(m, "base".to_owned());
    if let Err(e) = migrator.upgrade(&t.db, steps.id).await {
        let (what, source) = split(e, Some(steps.id));
        return Ok(Verdict::Failed {
            stage: Stage::Up,
            error: Some(format!("{what}: {source}")),
            found: Vec::new(),
        });
    }
    let fresh = scratch(s, live).await?;
    let empty = fresh.snapshot(s, model).await?;
    Ok(
        match steps
            .round_trip(s, migrator, &fresh, &empty, Some(before), model)
            .await?
        {
            Verdict::Passed(_) => Verdict::Passed(before.clone()),
            Verdict::Irreversible(_) => Verdict::Irreversible(before.clone()),
            Verdict::Accepted(d, _) => Verdict::Accepted(d, before.clone()),
            failed => failed,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::down_target;
    use migrate_graph::{Graph, Node};

    fn node<'a>(id: &'a str, parents: &[&'a str]) -> Node<'a> {
        Node {
            id,
            file_name: id,
            parents: parents.to_vec(),
            depends_on: Vec::new(),
            branch_labels: Vec::new(),
            replaces: Vec::new(),
        }
    }

    #[test]
    fn each_revision_is_reverted_alone_on_its_own_line() {
        // a -> b -> d (merge of b and c), a -> c; and a second root r.
        let graph = Graph::build([
            node("a", &[]),
            node("b", &["a"]),
            node("c", &["a"]),
            node("d", &["b", "c"]),
            node("r", &[]),
        ])
        .unwrap();
        let target = |id: &str| down_target(&graph, graph.index_of(id).unwrap());
        assert_eq!(target("a"), "a@base");
        assert_eq!(target("r"), "r@base");
        assert_eq!(target("b"), "b@a");
        assert_eq!(target("c"), "c@a");
        // A merge goes down to the parent applied last.
        assert_eq!(target("d"), "d@c");
    }
}
