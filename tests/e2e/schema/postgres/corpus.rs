//! The corpus: `tests/schema-corpus/postgres/<case>/{current,desired}.sql`,
//! optionally `expected.up.sql` (the exact up statements, one per line group,
//! as the draft prints them) and `rows.sql` (the rows to insert into current
//! instead of generated ones).
//!
//! Each case runs on three databases: A (current), B (desired) and R
//! (current with a row in every table). Both sides are read, then
//! 1. draft(A→B) applied to A makes A read like B;
//! 2. draft(B→B) is empty;
//! 3. draft(B→A) applied to B makes B read like A;
//! 4. draft(A→A) is empty;
//! 5. draft(A→B) applied to R succeeds, and the tables kept keep their rows.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use migrate_runtime::Db;
use migrate_schema::{draft, rename_hints, Dialect, Hints, QualifiedName, Schema};

use super::{read, rows, run, scratch};
use crate::support::{int, workspace_root, Scratch};

const D: Dialect = Dialect::Postgres;
/// Cases run at once, each worker on three databases of its own.
const WORKERS: usize = 3;

/// Cases that fail today, with the reason (a defect of the diff or the
/// renderer, which this reader's branch does not touch). A failure of such a
/// case is listed, not fatal; a pass is an error, so that the entry goes.
const KNOWN_GAPS: &[(&str, &str)] = &[];

struct Case {
    name: String,
    current: String,
    desired: String,
    expected_up: Option<String>,
    rows: Option<String>,
}

fn cases() -> Vec<Case> {
    let root = workspace_root().join("tests/schema-corpus/postgres");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", root.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let read = |dir: &Path, file: &str| std::fs::read_to_string(dir.join(file)).ok();
    dirs.iter()
        .map(|dir| Case {
            name: dir.file_name().unwrap().to_string_lossy().into_owned(),
            current: read(dir, "current.sql").unwrap_or_default(),
            desired: read(dir, "desired.sql")
                .unwrap_or_else(|| panic!("{} has no desired.sql", dir.display())),
            expected_up: read(dir, "expected.up.sql"),
            rows: read(dir, "rows.sql"),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corpus() {
    if scratch().await.is_none() {
        return;
    }
    let cases = cases();
    assert!(cases.len() >= 50, "the corpus has {} cases", cases.len());
    for (gap, _) in KNOWN_GAPS {
        assert!(
            cases.iter().any(|c| c.name == *gap),
            "KNOWN_GAPS names {gap}, which is not a corpus case"
        );
    }
    let only = std::env::var("SCHEMA_CORPUS_CASE").ok();
    let selected: Vec<Case> = cases
        .into_iter()
        .filter(|c| only.as_ref().is_none_or(|o| c.name.contains(o.as_str())))
        .collect();
    let total = selected.len();
    let queue = Arc::new(Mutex::new(selected));
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let queue = Arc::clone(&queue);
            tokio::spawn(async move {
                let mut outcomes = Vec::new();
                let Some(dbs) = Dbs::new().await else {
                    return outcomes;
                };
                loop {
                    let Some(case) = queue.lock().unwrap().pop() else {
                        break;
                    };
                    let outcome = run_case(&case, &dbs).await;
                    outcomes.push((case.name, outcome));
                }
                outcomes
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for worker in workers {
        outcomes.extend(worker.await.expect("a corpus worker panicked"));
    }
    assert_eq!(outcomes.len(), total, "every case ran");
    outcomes.sort_by(|a, b| a.0.cmp(&b.0));
    let mut failures = Vec::new();
    let mut gaps = Vec::new();
    for (name, outcome) in outcomes {
        let gap = KNOWN_GAPS.iter().find(|(gap, _)| *gap == name);
        match (outcome, gap) {
            (Ok(()), None) => {}
            (Ok(()), Some(_)) => failures.push(format!(
                "{name}: passes although listed in KNOWN_GAPS: remove it"
            )),
            (Err(e), None) => failures.push(format!("{name}: {e}")),
            (Err(e), Some((_, why))) => gaps.push(format!("{name} ({why}): {e}")),
        }
    }
    for gap in &gaps {
        eprintln!("known gap: {gap}\n");
    }
    eprintln!(
        "postgres corpus: {total} cases, {} failing, {} known gaps",
        failures.len(),
        gaps.len()
    );
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

/// The three databases a worker runs its cases on: creating databases is
/// slow (a copy of the template each), emptying one is not.
struct Dbs {
    a: Db,
    b: Db,
    r: Db,
    _scratches: [Scratch; 3],
}

impl Dbs {
    async fn new() -> Option<Dbs> {
        let (a, b, r) = (scratch().await?, scratch().await?, scratch().await?);
        Some(Dbs {
            a: a.db().await,
            b: b.db().await,
            r: r.db().await,
            _scratches: [a, b, r],
        })
    }
}

/// Drops every user schema (and so whatever is in it) and gives the database
/// an empty `public` again.
const RESET: &str = "DO $$
DECLARE s text;
BEGIN
    FOR s IN SELECT nspname FROM pg_namespace
             WHERE nspname <> 'information_schema' AND nspname !~ '^pg_'
    LOOP
        EXECUTE format('DROP SCHEMA %I CASCADE', s);
    END LOOP;
END $$;
CREATE SCHEMA public;";

async fn run_case(case: &Case, dbs: &Dbs) -> Result<(), String> {
    let hints = rename_hints(D, "desired.sql", &case.desired).map_err(|e| e.to_string())?;
    for db in [&dbs.a, &dbs.b, &dbs.r] {
        run(db, RESET, "emptying the scratch database").await?;
    }
    run(&dbs.a, &case.current, "current.sql").await?;
    run(&dbs.b, &case.desired, "desired.sql").await?;
    let current = read(&dbs.a, &[]).await?;
    let desired = read(&dbs.b, &[]).await?;
    let mut errors = Vec::new();

    let up = draft(&current, &desired, &hints, D);
    if std::env::var_os("SCHEMA_CORPUS_PRINT").is_some() {
        eprintln!("== {}\n{}", case.name, up.sql().join("\n"));
    }
    if let Some(expected) = &case.expected_up {
        let got = up.sql().join("\n");
        if got.trim() != expected.trim() {
            errors.push(format!("up statements differ from expected.up.sql:\n{got}"));
        }
    }
    if let Err(e) = reach(&dbs.a, &up.sql(), &desired, &hints).await {
        errors.push(format!("phase 1 (current → desired): {e}"));
    }
    let same = draft(&desired, &desired, &Hints::new(), D);
    if !same.is_empty() {
        errors.push(format!("phase 2 (desired → desired): {:#?}", same.sql()));
    }
    let reversed = hints.reversed();
    let down = draft(&desired, &current, &reversed, D);
    if let Err(e) = reach(&dbs.b, &down.sql(), &current, &reversed).await {
        errors.push(format!("phase 3 (desired → current): {e}"));
    }
    let same = draft(&current, &current, &Hints::new(), D);
    if !same.is_empty() {
        errors.push(format!("phase 4 (current → current): {:#?}", same.sql()));
    }
    if let Err(e) = with_rows(&dbs.r, case, &current, &desired, &hints, &up.sql()).await {
        errors.push(format!("phase 1 with rows: {e}"));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\n"))
    }
}

/// Applies `statements` to `db` (in one transaction, as the runtime would)
/// and checks that `db` then reads as `target`.
async fn reach(db: &Db, statements: &[&str], target: &Schema, hints: &Hints) -> Result<(), String> {
    let script = statements.join("\n");
    if !statements.is_empty() {
        run(db, &script, &format!("applying\n{script}\n")).await?;
    }
    let after = read(db, &[]).await?;
    let left = draft(&after, target, hints, D);
    if !left.is_empty() {
        return Err(format!(
            "after\n{script}\nthe draft to the target is still {:#?}",
            left.sql()
        ));
    }
    if comparable(&after) != comparable(target) {
        return Err(format!(
            "after\n{script}\nthe database reads\n{:#?}\ninstead of\n{:#?}",
            comparable(&after),
            comparable(target)
        ));
    }
    Ok(())
}

/// What up must reproduce: everything but the objects it does not generate,
/// with columns in name order (a column added at the end of a table is the
/// same column as one declared in the middle) and primary keys by columns
/// only, as the diff compares them (a renamed table keeps `old_pkey`).
fn comparable(schema: &Schema) -> Schema {
    let mut out = schema.clone();
    out.other_objects.clear();
    for table in &mut out.tables {
        table.columns.sort_by(|a, b| a.name.cmp(&b.name));
        if let Some(pk) = &mut table.primary_key {
            pk.name = None;
        }
    }
    out
}

/// Phase 1 on a copy of current holding a row in every table.
async fn with_rows(
    db: &Db,
    case: &Case,
    current: &Schema,
    desired: &Schema,
    hints: &Hints,
    statements: &[&str],
) -> Result<(), String> {
    run(db, &case.current, "current.sql").await?;
    let inserts = match &case.rows {
        Some(sql) => sql.clone(),
        None => rows::inserts(current).join("\n"),
    };
    run(db, &inserts, &format!("inserting rows\n{inserts}\n")).await?;
    let script = statements.join("\n");
    if !statements.is_empty() {
        run(db, &script, &format!("applying\n{script}\n")).await?;
    }
    // Tables kept, under their desired names (a renamed table keeps its rows).
    let kept: Vec<QualifiedName> = current
        .tables
        .iter()
        .map(|t| hints.tables.get(&t.name).unwrap_or(&t.name).clone())
        .filter(|name| desired.table(name).is_some())
        .collect();
    if !kept.is_empty() {
        let count = int(db, &rows::count_all(&kept))
            .await
            .map_err(|e| format!("counting rows: {e}"))?;
        if count != kept.len() as i64 {
            return Err(format!(
                "{count} rows left in the {} tables kept, one each expected",
                kept.len()
            ));
        }
    }
    Ok(())
}
