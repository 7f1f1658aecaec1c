//! The runner the three schema corpora share: a case is a directory
//! `tests/schema-corpus/<dialect>/<case>/` with `current.sql` and
//! `desired.sql`, and optionally `expected.up.sql` (the exact up statements),
//! `rows.sql` (the rows to insert into current instead of generated ones),
//! `known-gap` (why the case fails today: a failure is then listed, not
//! fatal, and a pass is an error so that the marker goes) and `rows-fail`
//! (why up must fail once the tables have rows).
//!
//! What a case plays (the four phases and the run with rows) is each
//! dialect's own [`Corpus::run_case`]; this module loads the cases, runs them
//! on [`Corpus::WORKERS`] workers and judges the outcomes.
//!
//! `SCHEMA_CORPUS_CASE=part` runs only the cases whose name contains `part`;
//! `SCHEMA_CORPUS_PRINT` (or `MIGRATE_CORPUS_PRINT`) prints each up draft, to
//! write an `expected.up.sql`.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use migrate_schema::{draft, Dialect, Draft, Hints, Schema};

use crate::support::workspace_root;

/// One corpus case, its files read.
pub(super) struct Case {
    pub(super) name: String,
    pub(super) current: String,
    pub(super) desired: String,
    pub(super) expected_up: Option<String>,
    pub(super) rows: Option<String>,
    pub(super) known_gap: Option<String>,
    pub(super) rows_fail: Option<String>,
}

/// A dialect's part of the runner.
pub(super) trait Corpus: 'static {
    /// The folder under `tests/schema-corpus/`, and the name in the summary.
    const NAME: &'static str;
    /// Cases run at once.
    const WORKERS: usize;
    /// What a worker runs its cases on (`()` when each case makes its own
    /// databases).
    type Worker: Send + Sync + 'static;
    /// A worker's databases; `None` (after a `SKIP` line) when the server is
    /// not configured, which skips the corpus.
    fn worker() -> impl Future<Output = Option<Self::Worker>> + Send;
    /// Plays one case; returns what went wrong.
    fn run_case(
        case: &Case,
        worker: &Self::Worker,
    ) -> impl Future<Output = Result<(), String>> + Send;
}

/// Runs every case of `C`'s corpus and fails with the list of those that
/// failed (known gaps are listed, not fatal).
pub(super) async fn run<C: Corpus>() {
    let cases = cases(C::NAME);
    assert!(
        cases.len() >= 50,
        "the {} corpus has {} cases, fewer than 50",
        C::NAME,
        cases.len()
    );
    let only = std::env::var("SCHEMA_CORPUS_CASE").ok();
    let selected: Vec<Case> = cases
        .into_iter()
        .filter(|c| only.as_ref().is_none_or(|o| c.name.contains(o.as_str())))
        .collect();
    let total = selected.len();
    // No more workers than cases: an idle worker's databases, dropped while
    // the others run, made a one-case run wait on the server.
    let mut workers = Vec::new();
    for _ in 0..C::WORKERS.min(total.max(1)) {
        let Some(worker) = C::worker().await else {
            return;
        };
        workers.push(Arc::new(worker));
    }
    let queue = Arc::new(Mutex::new(selected));
    let tasks: Vec<_> = workers
        .into_iter()
        .map(|worker| tokio::spawn(work::<C>(Arc::clone(&queue), worker)))
        .collect();
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.extend(task.await.expect("a corpus worker panicked"));
    }
    assert_eq!(outcomes.len(), total, "every case ran");
    outcomes.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    let mut failures = Vec::new();
    let mut gaps = Vec::new();
    for (case, outcome) in outcomes {
        let name = &case.name;
        match (outcome, &case.known_gap) {
            (Ok(()), None) => {}
            (Ok(()), Some(_)) => failures.push(format!(
                "{name}: passes although marked as a known gap: remove its `known-gap` file"
            )),
            (Err(e), None) => failures.push(format!("{name}: {e}")),
            (Err(e), Some(why)) => gaps.push(format!("{name} ({why}): {e}")),
        }
    }
    for gap in &gaps {
        eprintln!("KNOWN GAP {gap}\n");
    }
    eprintln!(
        "{} corpus: {total} cases, {} failing, {} known gaps",
        C::NAME,
        failures.len(),
        gaps.len()
    );
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// One worker: takes cases off the queue until it is empty. Each case runs
/// in a task of its own, so that a panic fails that case, not the corpus.
async fn work<C: Corpus>(
    queue: Arc<Mutex<Vec<Case>>>,
    worker: Arc<C::Worker>,
) -> Vec<(Arc<Case>, Result<(), String>)> {
    let mut outcomes = Vec::new();
    loop {
        let Some(case) = queue.lock().unwrap().pop() else {
            break;
        };
        let case = Arc::new(case);
        let (c, w) = (Arc::clone(&case), Arc::clone(&worker));
        let outcome = tokio::spawn(async move { C::run_case(&c, &w).await })
            .await
            .unwrap_or_else(|e| Err(format!("panicked: {e}")));
        outcomes.push((case, outcome));
    }
    outcomes
}

/// The cases under `tests/schema-corpus/<dialect>`, in name order.
fn cases(dialect: &str) -> Vec<Case> {
    let root = workspace_root().join("tests/schema-corpus").join(dialect);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", root.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let read = |dir: &Path, file: &str| std::fs::read_to_string(dir.join(file)).ok();
    let reason = |dir: &Path, file: &str| read(dir, file).map(|r| r.trim().to_string());
    dirs.iter()
        .map(|dir| Case {
            name: dir.file_name().unwrap().to_string_lossy().into_owned(),
            current: read(dir, "current.sql").unwrap_or_default(),
            desired: read(dir, "desired.sql")
                .unwrap_or_else(|| panic!("{} has no desired.sql", dir.display())),
            expected_up: read(dir, "expected.up.sql"),
            rows: read(dir, "rows.sql"),
            known_gap: reason(dir, "known-gap"),
            rows_fail: reason(dir, "rows-fail"),
        })
        .collect()
}

/// Prints the up draft when asked to, and compares it with the case's
/// `expected.up.sql`, if it has one.
pub(super) fn check_up(case: &Case, up: &Draft) -> Result<(), String> {
    let got = up.sql().join("\n");
    if ["SCHEMA_CORPUS_PRINT", "MIGRATE_CORPUS_PRINT"]
        .iter()
        .any(|v| std::env::var_os(v).is_some())
    {
        eprintln!("=== {}\n{got}", case.name);
    }
    match &case.expected_up {
        Some(expected) if got.trim() != expected.trim() => Err(format!(
            "phase 1: up differs from expected.up.sql\n--- got:\n{got}\n--- expected:\n{expected}"
        )),
        _ => Ok(()),
    }
}

/// Phases 2 and 4: the draft from `schema` to itself is empty.
pub(super) fn nothing_to_do(schema: &Schema, dialect: Dialect, what: &str) -> Result<(), String> {
    let same = draft(schema, schema, &Hints::new(), dialect);
    if same.is_empty() {
        Ok(())
    } else {
        Err(format!("{what} is not empty: {:#?}", same.sql()))
    }
}
