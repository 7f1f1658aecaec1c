//! The walk itself: scratch databases, the three steps of each revision,
//! and the end checks.

use super::outcome::{EndCheck, Failure, Mismatch, Outcome, RevisionReport, Stage};
use super::{Stairway, StairwayError, StairwayReport};
use crate::autogen::{differences, split, Pipeline};
use crate::catalog::read_schema;
use crate::scratch::ScratchDb;
use migrate_graph::Graph;
use migrate_runtime::{Db, Dialect, LockStrategy, Migrator};
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

async fn scratch(s: &Stairway<'_>, live: &mut Vec<ScratchDb>) -> Result<Db, StairwayError> {
    live.push(s.server.create().await?);
    Ok(live.last().expect("just pushed").db.clone())
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

async fn walk(
    s: &Stairway<'_>,
    checked: &[usize],
    live: &mut Vec<ScratchDb>,
) -> Result<StairwayReport, StairwayError> {
    let dialect = s.server.dialect();
    let graph = s.migrations.graph();
    let list = s.migrations.as_slice();
    let migrator = migrator(s);
    let db = scratch(s, live).await?;
    let mut report = StairwayReport {
        dialect,
        revisions: Vec::new(),
        orders: None,
        desired: None,
    };
    // The schema as it stands, when known without reading it again.
    let mut known: Option<Schema> = None;
    for &i in checked {
        let m = &list[i];
        // What it stands on, unchecked: revisions before `from`, the
        // ancestors of `only`. A no-op in a plain walk.
        let mut applied_more = false;
        for &p in graph.parents(i).iter().chain(graph.depends_on(i)) {
            let r = migrator.upgrade(&db, graph.id(p)).await.map_err(replay)?;
            applied_more |= !r.steps.is_empty();
        }
        let before = match known.take() {
            Some(schema) if !applied_more => schema,
            _ => read(s, &db).await?,
        };
        let (outcome, now) = if graph.replaced_nodes(i).next().is_some() {
            check_squash(s, &migrator, &db, live, graph, i, &before).await?
        } else {
            check(s, &migrator, &db, graph, i, &before).await?
        };
        let failed = matches!(outcome, Outcome::Failed(_));
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
        if failed {
            // The database is in no known state: nothing after this is judged.
            return Ok(report);
        }
        known = now;
    }
    if s.only.is_some() {
        return Ok(report);
    }
    // The end of the walk (with `from`, revisions before it on other
    // branches may still be missing).
    let mut applied_more = false;
    if !s.migrations.is_empty() {
        let r = migrator.upgrade(&db, "heads").await.map_err(replay)?;
        applied_more = !r.steps.is_empty();
    }
    let end = match known.take() {
        Some(schema) if !applied_more => schema,
        _ => read(s, &db).await?,
    };
    let heads = graph.heads();
    if heads.len() > 1 {
        let ids: Vec<&str> = heads.iter().map(|&h| graph.id(h)).collect();
        let reversed: Vec<&str> = ids.iter().rev().copied().collect();
        let mut ends = vec![("the apply order".to_owned(), Ok(end.clone()))];
        for (label, order) in [("heads in order", &ids), ("heads reversed", &reversed)] {
            let db = scratch(s, live).await?;
            ends.push((
                format!("{label} ({})", order.join(", ")),
                in_order(s, &migrator, &db, order).await?,
            ));
        }
        let mismatch = ends[1..].iter().find_map(|(label, schema)| {
            let differences = match schema {
                Ok(schema) => differences(&end, schema, dialect)?,
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
    Ok(report)
}

/// The heads applied one after the other on `db`, each with its
/// ancestors, then the schema; `Err` with what failed when a revision does
/// not apply in that order.
async fn in_order(
    s: &Stairway<'_>,
    migrator: &Migrator<'_>,
    db: &Db,
    heads: &[&str],
) -> Result<Result<Schema, String>, StairwayError> {
    for head in heads {
        if let Err(e) = migrator.upgrade(db, head).await {
            let (what, source) = split(e, None);
            return Ok(Err(format!("{what}: {source}")));
        }
    }
    Ok(Ok(read(s, db).await?))
}

/// Up, down, up again for revision `i`; the outcome and, when it passed,
/// the schema it leaves.
async fn check(
    s: &Stairway<'_>,
    migrator: &Migrator<'_>,
    db: &Db,
    graph: &Graph,
    i: usize,
    before: &Schema,
) -> Result<(Outcome, Option<Schema>), StairwayError> {
    let steps = Steps {
        id: graph.id(i),
        down_to: down_target(graph, i),
        irreversible: s.migrations.as_slice()[i].is_irreversible(),
    };
    steps.round_trip(s, migrator, db, before, None).await
}

/// A squash whose replaced revisions are present: on the walk's database
/// it only records itself in their place (no schema change, and a
/// downgrade cannot stop inside it), so its SQL is checked where it runs,
/// on a fresh database: up alone must give the schema the replaced
/// revisions gave, down an empty database, up again the same.
async fn check_squash(
    s: &Stairway<'_>,
    migrator: &Migrator<'_>,
    db: &Db,
    live: &mut Vec<ScratchDb>,
    graph: &Graph,
    i: usize,
    before: &Schema,
) -> Result<(Outcome, Option<Schema>), StairwayError> {
    let steps = Steps {
        id: graph.id(i),
        down_to: "base".to_owned(),
        irreversible: s.migrations.as_slice()[i].is_irreversible(),
    };
    if let Err(e) = migrator.upgrade(db, steps.id).await {
        return Ok((steps.failed(Stage::Up, e), None));
    }
    let fresh = scratch(s, live).await?;
    let (outcome, _) = steps
        .round_trip(s, migrator, &fresh, &Schema::default(), Some(before))
        .await?;
    let passed = !matches!(outcome, Outcome::Failed(_));
    Ok((outcome, passed.then(|| before.clone())))
}

/// One revision's three steps.
struct Steps<'a> {
    id: &'a str,
    /// The downgrade target that reverts it alone.
    down_to: String,
    irreversible: bool,
}

impl Steps<'_> {
    fn failed(&self, stage: Stage, e: migrate_runtime::Error) -> Outcome {
        let (what, source) = split(e, Some(self.id));
        Outcome::Failed(Failure::Step {
            stage,
            error: format!("{what}: {source}"),
        })
    }

    /// Up (the result must be `expected` when given), down (back to
    /// `start`), up again (the same as after the first up), on `db`.
    async fn round_trip(
        &self,
        s: &Stairway<'_>,
        migrator: &Migrator<'_>,
        db: &Db,
        start: &Schema,
        expected: Option<&Schema>,
    ) -> Result<(Outcome, Option<Schema>), StairwayError> {
        let id = self.id;
        let differs = |stage: Stage, differences: Vec<String>| {
            Outcome::Failed(Failure::Differs { stage, differences })
        };
        if let Err(e) = migrator.upgrade(db, id).await {
            return Ok((self.failed(Stage::Up, e), None));
        }
        let after = read(s, db).await?;
        if let Some(d) = expected.and_then(|want| differences(want, &after, dialect(s))) {
            return Ok((differs(Stage::Up, d), None));
        }
        if self.irreversible {
            return Ok((Outcome::Irreversible, Some(after)));
        }
        match migrator.downgrade(db, &self.down_to).await {
            Err(e) => return Ok((self.failed(Stage::Down, e), None)),
            Ok(r) if r.steps.len() != 1 || r.steps[0].revision != id => {
                let reverted: Vec<&str> = r.steps.iter().map(|s| s.revision.as_str()).collect();
                let error = format!("reverting {id} alone also reverted {}", reverted.join(", "));
                return Ok((
                    Outcome::Failed(Failure::Step {
                        stage: Stage::Down,
                        error,
                    }),
                    None,
                ));
            }
            Ok(_) => {}
        }
        let down = read(s, db).await?;
        if let Some(d) = differences(start, &down, dialect(s)) {
            return Ok((differs(Stage::Down, d), None));
        }
        if let Err(e) = migrator.upgrade(db, id).await {
            return Ok((self.failed(Stage::UpAgain, e), None));
        }
        let again = read(s, db).await?;
        if let Some(d) = differences(&after, &again, dialect(s)) {
            return Ok((differs(Stage::UpAgain, d), None));
        }
        Ok((Outcome::Passed, Some(again)))
    }
}

fn dialect(s: &Stairway<'_>) -> Dialect {
    s.server.dialect()
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
