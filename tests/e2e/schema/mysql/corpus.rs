//! The corpus: `tests/schema-corpus/mysql/<case>/{current,desired}.sql`,
//! optionally `expected.up.sql` (the exact up statements), `rows.sql` (the
//! rows to insert into current instead of generated ones) and `known-gap`
//! (why the case fails today: a failure is then listed, not fatal, and a
//! pass is an error so the marker gets removed).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use migrate_runtime::Db;
use migrate_schema::{draft, rename_hints, Change, Dialect, Hints, Schema, Table};

use super::{apply, read, run, scratch};
use crate::support::{int, workspace_root, Scratch};

const D: Dialect = Dialect::MySql;
/// Cases run at once: each holds a few scratch databases for a few seconds.
const PARALLEL: usize = 4;

struct Case {
    name: String,
    current: String,
    desired: String,
    expected_up: Option<String>,
    rows: Option<String>,
    known_gap: Option<String>,
}

fn cases() -> Vec<Case> {
    let root = workspace_root().join("tests/schema-corpus/mysql");
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
            known_gap: read(dir, "known-gap").map(|r| r.trim().to_string()),
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
    let mut failures = Vec::new();
    let mut gaps = Vec::new();
    for chunk in cases.chunks(PARALLEL) {
        let handles: Vec<_> = chunk
            .iter()
            .map(|case| {
                let (name, current, desired) = (
                    case.name.clone(),
                    case.current.clone(),
                    case.desired.clone(),
                );
                let (expected, rows) = (case.expected_up.clone(), case.rows.clone());
                tokio::spawn(async move {
                    run_case(
                        &name,
                        &current,
                        &desired,
                        expected.as_deref(),
                        rows.as_deref(),
                    )
                    .await
                })
            })
            .collect();
        for (case, handle) in chunk.iter().zip(handles) {
            let outcome = handle
                .await
                .unwrap_or_else(|e| Err(format!("panicked: {e}")));
            match (outcome, &case.known_gap) {
                (Ok(()), None) => {}
                (Ok(()), Some(_)) => failures.push(format!(
                    "{}: passes although marked as a known gap: remove its `known-gap` file",
                    case.name
                )),
                (Err(e), None) => failures.push(format!("{}: {e}", case.name)),
                (Err(e), Some(reason)) => gaps.push(format!("{} ({reason}): {e}", case.name)),
            }
        }
    }
    for gap in &gaps {
        eprintln!("KNOWN GAP {gap}\n");
    }
    eprintln!(
        "mysql corpus: {} cases, {} known gaps, {} failures",
        cases.len(),
        gaps.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// The four phases and the run with rows, on fresh scratch databases.
async fn run_case(
    name: &str,
    current: &str,
    desired: &str,
    expected_up: Option<&str>,
    rows: Option<&str>,
) -> Result<(), String> {
    let hints = rename_hints(D, &format!("{name}/desired.sql"), desired)
        .map_err(|e| format!("rename hints: {e}"))?;
    let (_sa_db, a, sa) = fresh(current, "current.sql").await?;
    let (_sb_db, _b, sb) = fresh(desired, "desired.sql").await?;

    // (1) current -> desired
    let up = draft(&sa, &sb, &hints, D);
    apply(&a, &up.sql(), "phase 1 (up)").await?;
    same(&read(&a).await?, &sb, "phase 1: up does not reach desired")?;
    if let Some(expected) = expected_up {
        let got = up.sql().join("\n");
        if got.trim() != expected.trim() {
            return Err(format!(
                "phase 1: the up statements differ from expected.up.sql:\n{got}"
            ));
        }
    }
    // (2) desired -> desired
    empty(&sb, "phase 2: desired -> desired")?;
    // (3) desired -> current, on a copy of desired
    let down = draft(&sb, &sa, &hints.reversed(), D);
    let (_b2_db, b2, _) = fresh(desired, "desired.sql").await?;
    apply(&b2, &down.sql(), "phase 3 (down)").await?;
    same(
        &read(&b2).await?,
        &sa,
        "phase 3: down does not return to current",
    )?;
    // (4) current -> current
    empty(&sa, "phase 4: current -> current")?;

    // Phase 1 again with a row in every table of current.
    let (_a2_db, a2, _) = fresh(current, "current.sql").await?;
    let fill = match rows {
        Some(rows) => rows.to_string(),
        None => filler_rows(&sa),
    };
    run(&a2, &fill, "inserting a row in every table").await?;
    apply(&a2, &up.sql(), "phase 1 with rows").await?;
    let renamed: BTreeMap<String, String> = up
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::RenameTable { from, to } => Some((to.name.clone(), from.name.clone())),
            _ => None,
        })
        .collect();
    let renamed_columns: Vec<(String, String)> = up
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::RenameColumn { table, to, .. } => Some((table.name.clone(), to.clone())),
            _ => None,
        })
        .collect();
    for table in &sb.tables {
        let name = &table.name.name;
        let old_name = renamed.get(name).unwrap_or(name);
        let Some(old) = sa.tables.iter().find(|t| &t.name.name == old_name) else {
            continue;
        };
        let count = int(&a2, &format!("SELECT COUNT(*) FROM `{name}`"))
            .await
            .map_err(|e| format!("phase 1 with rows: counting `{name}`: {e}"))?;
        if count != 1 {
            return Err(format!(
                "phase 1 with rows: `{name}` has {count} rows after up, not 1"
            ));
        }
        if rows.is_some() {
            continue;
        }
        // Generated rows fill every column: a kept (or renamed) column
        // must still hold its value.
        for column in table.columns.iter().filter(|c| c.generated.is_none()) {
            let kept = old
                .column(&column.name)
                .is_some_and(|c| c.generated.is_none())
                || renamed_columns
                    .iter()
                    .any(|(t, c)| (t == name || t == old_name) && c == &column.name);
            if !kept {
                continue;
            }
            let sql = format!(
                "SELECT COUNT(*) FROM `{name}` WHERE `{}` IS NOT NULL",
                column.name
            );
            let filled = int(&a2, &sql)
                .await
                .map_err(|e| format!("phase 1 with rows: `{sql}`: {e}"))?;
            if filled != 1 {
                return Err(format!(
                    "phase 1 with rows: `{name}`.`{}` lost its value",
                    column.name
                ));
            }
        }
    }
    Ok(())
}

/// A scratch database (dropped with the [`Scratch`]) with `sql` executed,
/// and its schema.
async fn fresh(sql: &str, what: &str) -> Result<(Scratch, Db, Schema), String> {
    let scratch = scratch().await.ok_or("no MySQL server")?;
    let db = scratch.db().await;
    if !sql.trim().is_empty() {
        run(&db, sql, what).await?;
    }
    let schema = read(&db).await?;
    Ok((scratch, db, schema))
}

fn same(got: &Schema, want: &Schema, what: &str) -> Result<(), String> {
    if got.tables == want.tables {
        return Ok(());
    }
    let fix = draft(got, want, &Hints::new(), D);
    let tables = |s: &Schema| -> Vec<Table> { s.tables.clone() };
    Err(format!(
        "{what}; still to do: {:?}{}",
        fix.sql(),
        if fix.sql().is_empty() {
            format!("\n  got:  {:?}\n  want: {:?}", tables(got), tables(want))
        } else {
            String::new()
        }
    ))
}

fn empty(schema: &Schema, what: &str) -> Result<(), String> {
    let d = draft(schema, schema, &Hints::new(), D);
    if d.sql().is_empty() && d.changes.is_empty() {
        Ok(())
    } else {
        Err(format!("{what} is not empty: {:?}", d.sql()))
    }
}

/// One `INSERT` per table with a value in every column that takes one
/// (`1`, `'1'`, a date...): values that survive most type changes, and that
/// make every foreign key point at the row with key 1.
fn filler_rows(schema: &Schema) -> String {
    let mut sql = String::from("SET FOREIGN_KEY_CHECKS = 0;\n");
    for table in &schema.tables {
        let columns: Vec<_> = table
            .columns
            .iter()
            .filter(|c| c.generated.is_none())
            .collect();
        let names: Vec<String> = columns.iter().map(|c| format!("`{}`", c.name)).collect();
        let values: Vec<String> = columns
            .iter()
            .map(|c| filler(&c.data_type.normalized))
            .collect();
        sql.push_str(&format!(
            "INSERT INTO `{}` ({}) VALUES ({});\n",
            table.name.name,
            names.join(", "),
            values.join(", ")
        ));
    }
    sql.push_str("SET FOREIGN_KEY_CHECKS = 1;\n");
    sql
}

fn filler(ty: &str) -> String {
    let base = ty.split(['(', ' ']).next().unwrap_or_default();
    match base {
        "tinyint" | "smallint" | "mediumint" | "int" | "bigint" | "decimal" | "float"
        | "double" | "bit" => "1".into(),
        "year" => "2020".into(),
        "date" => "'2020-01-01'".into(),
        "datetime" | "timestamp" => "'2020-01-01 00:00:00'".into(),
        "time" => "'01:00:00'".into(),
        "json" => "'{}'".into(),
        "point" | "geometry" => "ST_GeomFromText('POINT(1 1)')".into(),
        "uuid" => "'00000000-0000-0000-0000-000000000001'".into(),
        "inet6" => "'::1'".into(),
        "inet4" => "'127.0.0.1'".into(),
        "enum" | "set" => {
            // The first label: enum('a','b') -> 'a'.
            let start = ty.find('\'').unwrap_or(0);
            let end = ty[start + 1..]
                .find('\'')
                .map_or(ty.len(), |e| start + 2 + e);
            ty[start..end].to_string()
        }
        _ => "'1'".into(),
    }
}
