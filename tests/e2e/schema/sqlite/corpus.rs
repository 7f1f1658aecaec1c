//! The SQLite corpus, `tests/schema-corpus/sqlite/` (see
//! [`super::super::corpus`] for its files), each case played in four phases
//! on scratch databases, then once more with rows, whose values must survive.

use std::collections::{HashMap, HashSet};

use migrate_devtools::catalog::read_schema;
use migrate_runtime::Db;
use migrate_schema::{draft, rename_hints, Hints, Schema, Table};

use super::super::corpus::{self, check_up, nothing_to_do, Case, Corpus};
use super::{database, D};
use crate::support::{exec, int, strings};

/// The SQLite part of the corpus runner.
struct Sqlite;

impl Corpus for Sqlite {
    const NAME: &'static str = "sqlite";
    const WORKERS: usize = 1;
    /// Each case makes its own databases.
    type Worker = ();

    async fn worker() -> Option<()> {
        Some(())
    }

    async fn run_case(case: &Case, _: &()) -> Result<(), String> {
        run_case(case).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corpus() {
    corpus::run::<Sqlite>().await;
}

async fn read(db: &Db) -> Result<Schema, String> {
    read_schema(db, &[])
        .await
        .map_err(|e| format!("reading the catalog: {e}"))
}

async fn apply(db: &Db, sql: &[&str]) -> Result<(), String> {
    exec(db, &sql.join("\n"))
        .await
        .map_err(|e| format!("{e}\n--- SQL:\n{}", sql.join("\n")))
}

/// Where the tables differ, table by table, for a readable failure.
/// Column order counts: SQLite drafts move a column by rebuilding the table.
fn differences(got: &[Table], want: &[Table]) -> Option<String> {
    if got == want {
        return None;
    }
    let mut out = String::new();
    let wanted: HashMap<_, _> = want.iter().map(|t| (&t.name, t)).collect();
    for t in got {
        match wanted.get(&t.name) {
            None => out.push_str(&format!("  unexpected table {}\n", t.name)),
            Some(w) if *w != t => out.push_str(&format!(
                "  table {} differs:\n    got  {t:?}\n    want {w:?}\n",
                t.name
            )),
            _ => {}
        }
    }
    let got: HashSet<_> = got.iter().map(|t| &t.name).collect();
    for t in want.iter().filter(|t| !got.contains(&t.name)) {
        out.push_str(&format!("  missing table {}\n", t.name));
    }
    Some(out)
}

/// One row in every table of `schema`, parents before children; `1` fits
/// every column of the corpus's tables unless a case brings `rows.sql`.
fn generated_rows(schema: &Schema) -> String {
    let mut done: HashSet<&str> = HashSet::new();
    let mut out = String::new();
    while done.len() < schema.tables.len() {
        let before = done.len();
        for t in &schema.tables {
            let ready = t.foreign_keys.iter().all(|fk| {
                fk.referenced_table == t.name
                    || done.contains(fk.referenced_table.name.as_str())
                    || schema.table(&fk.referenced_table).is_none()
            });
            if done.contains(t.name.name.as_str()) || !ready {
                continue;
            }
            let columns: Vec<String> = t
                .columns
                .iter()
                .filter(|c| c.generated.is_none())
                .map(|c| format!("\"{}\"", c.name))
                .collect();
            let values = vec!["1"; columns.len()].join(", ");
            out.push_str(&format!(
                "INSERT INTO \"{}\" ({}) VALUES ({values});\n",
                t.name.name,
                columns.join(", ")
            ));
            done.insert(&t.name.name);
        }
        if done.len() == before {
            break;
        }
    }
    out
}

async fn count(db: &Db, table: &str) -> Result<i64, String> {
    int(
        db,
        &format!("SELECT COUNT(*) FROM \"{}\"", table.replace('"', "\"\"")),
    )
    .await
    .map_err(|e| format!("counting the rows of {table}: {e}"))
}

/// Each column's values as text, sorted, joined by `|` (sorted by value,
/// not rowid: a `WITHOUT ROWID` table has none).
async fn values(db: &Db, table: &str, columns: &[&str]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for c in columns {
        let sql = format!(
            "SELECT COALESCE(group_concat(COALESCE(CAST(\"{c}\" AS TEXT), 'NULL'), '|'), '') \
             FROM (SELECT \"{c}\" FROM \"{table}\" ORDER BY 1)"
        );
        let got = strings(db, &sql)
            .await
            .map_err(|e| format!("reading {table}.{c}: {e}"))?;
        out.push(got.concat());
    }
    Ok(out)
}

/// Runs the four phases and the phase with rows; returns what went wrong.
async fn run_case(case: &Case) -> Result<(), String> {
    let hints: Hints = rename_hints(D, "desired.sql", &case.desired).map_err(|e| e.to_string())?;
    let (_sa, a) = database(&case.current)
        .await
        .map_err(|e| format!("current: {e}"))?;
    let (_sb, b) = database(&case.desired)
        .await
        .map_err(|e| format!("desired: {e}"))?;
    let (current, desired) = (read(&a).await?, read(&b).await?);

    // (1) current → desired.
    let up = draft(&current, &desired, &hints, D);
    check_up(case, &up)?;
    if up.is_empty() {
        return Err("phase 1: the up draft is empty".into());
    }
    apply(&a, &up.sql())
        .await
        .map_err(|e| format!("phase 1: up fails: {e}"))?;
    let reached = read(&a).await?;
    if let Some(d) = differences(&reached.tables, &desired.tables) {
        return Err(format!("phase 1: up does not reach desired:\n{d}"));
    }
    // Views and triggers are drafted too: they must end as desired.
    if reached.other_objects != desired.other_objects {
        return Err(format!(
            "phase 1: up does not reach the desired objects: {:?} instead of {:?}",
            reached.other_objects, desired.other_objects
        ));
    }
    // (2) desired → desired.
    nothing_to_do(&desired, D, "phase 2: desired → desired")?;
    // (3) desired → current, on a copy of desired.
    let down = draft(&desired, &current, &hints.reversed(), D);
    let (_sb2, b2) = database(&case.desired).await?;
    apply(&b2, &down.sql())
        .await
        .map_err(|e| format!("phase 3: down fails: {e}"))?;
    let returned = read(&b2).await?;
    if let Some(d) = differences(&returned.tables, &current.tables) {
        return Err(format!("phase 3: down does not return to current:\n{d}"));
    }
    if returned.other_objects != current.other_objects {
        return Err(format!(
            "phase 3: down does not return to the current objects: {:?} instead of {:?}",
            returned.other_objects, current.other_objects
        ));
    }
    // (4) current → current.
    nothing_to_do(&current, D, "phase 4: current → current")?;
    // Phase 1 again with a row in every table: the rows of kept tables survive.
    let (_sr, r) = database(&case.current).await?;
    let rows = case
        .rows
        .clone()
        .unwrap_or_else(|| generated_rows(&current));
    exec(&r, &rows)
        .await
        .map_err(|e| format!("inserting rows: {e}\n{rows}"))?;
    let mut before = HashMap::new();
    for t in &current.tables {
        let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        let values = values(&r, &t.name.name, &names).await?;
        before.insert(t.name.clone(), (count(&r, &t.name.name).await?, values));
    }
    if before.values().any(|(n, _)| *n == 0) {
        return Err(format!("rows.sql leaves a table empty: {before:?}"));
    }
    let applied = apply(&r, &up.sql()).await;
    match (&case.rows_fail, applied) {
        (None, Err(e)) => return Err(format!("phase 1 with rows: up fails: {e}")),
        (Some(why), Ok(())) => {
            return Err(format!(
                "phase 1 with rows: up should fail ({}) but passes",
                why
            ))
        }
        (Some(_), Err(_)) => return Ok(()),
        (None, Ok(())) => {}
    }
    for t in &desired.tables {
        let old = hints
            .tables
            .iter()
            .find(|(_, new)| **new == t.name)
            .map_or(&t.name, |(old, _)| old);
        let (Some((had, old_values)), Some(old_table)) = (before.get(old), current.table(old))
        else {
            continue;
        };
        let has = count(&r, &t.name.name).await?;
        if has != *had {
            return Err(format!(
                "phase 1 with rows: table {} had {had} rows, has {has} after up",
                t.name
            ));
        }
        // The values of every column kept (renamed ones included) are kept.
        let mut kept_old = Vec::new();
        let mut kept_new = Vec::new();
        for (i, c) in old_table.columns.iter().enumerate() {
            let new = hints
                .columns
                .get(&(t.name.clone(), c.name.clone()))
                .unwrap_or(&c.name);
            if t.column(new).is_some_and(|n| n.generated.is_none()) && c.generated.is_none() {
                kept_old.push(old_values[i].clone());
                kept_new.push(new.as_str());
            }
        }
        let now = values(&r, &t.name.name, &kept_new).await?;
        if now != kept_old {
            return Err(format!(
                "phase 1 with rows: table {} changed its values {kept_new:?}: {kept_old:?} → {now:?}",
                t.name
            ));
        }
    }
    Ok(())
}
