//! Autogenerate's drafts pass their own lint: every pair of the schema
//! corpus (`tests/schema-corpus/<dialect>/`) is read from real databases,
//! drafted, and the draft linted as the revision after `current.sql`. An
//! error-level finding is allowed only where the draft itself says the
//! change is dangerous: a drop it warns loses data, a rename the hints
//! asked for, a NOT NULL column it warns fails on rows. Anything else, such
//! as the SQLite rebuild flagged as a `drop-table`, fails the test.

use migrate_devtools::catalog::read_schema;
use migrate_graph::{load, SourceFile};
use migrate_lint::{lint, Finding, Severity};
use migrate_schema::{draft, rename_hints, Change, Draft, Schema, WarningKind};

use crate::support::{exec, workspace_root, Backend, Scratch};

/// A database holding `sql`, read into a schema.
async fn schema(backend: Backend, sql: &str) -> Result<(Scratch, Schema), String> {
    let scratch = Scratch::new(backend).await.ok_or("no server")?;
    let db = scratch.db().await;
    exec(&db, sql).await.map_err(|e| e.to_string())?;
    let schema = read_schema(&db, &[]).await.map_err(|e| e.to_string());
    db.close().await;
    Ok((scratch, schema?))
}

/// The error-level findings the draft does not itself warn about.
fn unexplained(up: &Draft, findings: Vec<Finding>) -> Vec<Finding> {
    let warns = |k: WarningKind| up.warnings.iter().any(|w| w.kind == k);
    let renames = up
        .changes
        .iter()
        .any(|c| matches!(c, Change::RenameTable { .. } | Change::RenameColumn { .. }));
    findings
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .filter(|f| match f.rule.id() {
            "drop-table" | "drop-column" => !warns(WarningKind::DataLoss),
            "rename-table" | "rename-column" => !renames,
            "add-column-not-null" => !warns(WarningKind::NotNull),
            _ => true,
        })
        .collect()
}

/// The lint of `up` as the revision after `current`.
fn lint_draft(backend: Backend, current: &str, up: &Draft) -> Vec<Finding> {
    let current = if current.trim().is_empty() {
        "SELECT 1;"
    } else {
        current
    };
    let tx = if up.transaction {
        ""
    } else {
        " transaction:false"
    };
    let a = format!(
        "-- Revision ID: a\n-- Revises:\n-- migrate:up\n{current}\n-- migrate:down\nSELECT 1;\n"
    );
    let b = format!(
        "-- Revision ID: b\n-- Revises: a\n-- migrate:up{tx}\n{}\n-- migrate:down\nSELECT 1;\n",
        up.sql().join("\n")
    );
    let files = [SourceFile::new("a.sql", a), SourceFile::new("b.sql", b)];
    let set = load(&files).expect("a valid set");
    lint(&set, backend.dialect())
        .into_iter()
        .filter(|f| f.file == "b.sql")
        .collect()
}

async fn drafts_pass_their_own_lint(backend: Backend, folder: &str) {
    if Scratch::new(backend).await.is_none() {
        return;
    }
    let root = workspace_root().join("tests/schema-corpus").join(folder);
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let (mut linted, mut failures, mut losses) = (0, Vec::new(), 0);
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap_or_default();
        let (current, desired) = (read("current.sql"), read("desired.sql"));
        let d = backend.dialect();
        let Ok(hints) = rename_hints(d, "desired.sql", &desired) else {
            continue;
        };
        let (Ok((_a, cur)), Ok((_b, des))) = (
            schema(backend, &current).await,
            schema(backend, &desired).await,
        ) else {
            // A case whose SQL the server refuses is the schema corpus's
            // to report; here there is no draft to lint.
            continue;
        };
        let up = draft(&cur, &des, &hints, d);
        if up.is_empty() {
            continue;
        }
        linted += 1;
        let findings = lint_draft(backend, &current, &up);
        if findings.iter().any(|f| f.severity == Severity::Error) {
            losses += 1;
        }
        for f in unexplained(&up, findings) {
            failures.push(format!(
                "{name}: {} at line {}: {} ({})\n  warnings: {:?}",
                f.rule, f.line, f.message, f.statement, up.warnings
            ));
        }
    }
    eprintln!(
        "{folder}: {linted} drafts linted, {losses} with error findings the draft warns about"
    );
    assert!(linted >= 50, "only {linted} {folder} drafts were linted");
    assert!(
        failures.is_empty(),
        "{} error finding(s) the draft does not warn about:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_drafts_pass_their_own_lint() {
    drafts_pass_their_own_lint(Backend::Sqlite, "sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_drafts_pass_their_own_lint() {
    drafts_pass_their_own_lint(Backend::Postgres, "postgres").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysql_drafts_pass_their_own_lint() {
    drafts_pass_their_own_lint(Backend::MySql, "mysql").await;
}
