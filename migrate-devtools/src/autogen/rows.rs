//! The row every table holds for the second verification run: chosen from
//! [`migrate_schema::trial_rows`]'s candidates by the engines themselves,
//! so that it is a row of the current schema (the replayed scratch
//! database takes it) and of the desired one (the desired scratch database
//! takes it too, every CHECK, enum and type evaluated as the draft will
//! meet them). A table no candidate fits is verified empty only and named
//! in the report: a made-up row never refuses a correct draft.

use super::exec::exec;
use migrate_runtime::{Db, Dialect};
use migrate_schema::{delete_rows, trial_rows, Candidate, Schema, TrialRow};

/// The desired scratch database, and whether rows of an earlier
/// verification are still in it (they are deleted only when needed:
/// deleting from a long chain of cascading foreign keys is slow on SQLite).
pub(crate) struct Target<'a> {
    /// The database.
    pub(crate) db: &'a Db,
    /// Whether it holds trial rows.
    pub(crate) dirty: &'a mut bool,
}

/// Inserts one row per table of `current` into `db` (the replayed
/// scratch database), each first tried on `target` (the desired scratch
/// database, when there is one). Returns the tables left empty, each with
/// why.
pub(crate) async fn insert_trial_rows(
    db: &Db,
    mut target: Option<Target<'_>>,
    current: &Schema,
    desired: &Schema,
) -> Vec<String> {
    let rows = trial_rows(current, desired, db.dialect());
    if let Some(t) = &mut target {
        if *t.dirty {
            clear(t.db, &rows, true).await;
            *t.dirty = false;
        }
    }
    // All first candidates at once (one round trip each side for a
    // thousand tables); one table at a time only if something is refused.
    let firsts = |side: fn(&Candidate) -> Option<&str>| {
        let all: Vec<&str> = rows
            .iter()
            .filter_map(|r| r.candidates.first().and_then(side))
            .collect();
        all.join(";\n")
    };
    let mut fast = true;
    if let Some(t) = &mut target {
        *t.dirty = true;
        fast = run(t.db, &firsts(|c| c.desired.as_deref())).await;
    }
    if fast && run(db, &firsts(|c| Some(c.current.as_str()))).await {
        return Vec::new();
    }
    // PostgreSQL ran each batch as one transaction; the others kept the
    // rows before the failure: start again empty on both sides.
    clear(db, &rows, false).await;
    let target = target.map(|t| t.db);
    if let Some(t) = target {
        clear(t, &rows, true).await;
    }
    let mut empty = Vec::new();
    for row in &rows {
        if let Err(why) = insert_one(db, target, row).await {
            empty.push(format!("{}: {why}", row.table));
        }
    }
    empty
}

/// The first candidate of `row` both sides accept, inserted; the last
/// refusal otherwise.
async fn insert_one(db: &Db, target: Option<&Db>, row: &TrialRow) -> Result<(), String> {
    let mut last = String::from("no candidate row");
    for candidate in &row.candidates {
        if let (Some(t), Some(sql)) = (target, &candidate.desired) {
            if let Err(e) = exec(t, sql).await {
                last = format!("the desired schema refuses every row tried (last: {e})");
                continue;
            }
        }
        match exec(db, &candidate.current).await {
            Ok(()) => return Ok(()),
            Err(e) => {
                last = format!("the current schema refuses every row tried (last: {e})");
                if let (Some(t), Some(_)) = (target, &candidate.desired) {
                    let _ = exec(t, &delete_rows(t.dialect(), &row.table)).await;
                }
            }
        }
    }
    Err(last)
}

/// Runs a batch of statements (none is nothing to run: MySQL refuses an
/// empty query); whether all ran.
async fn run(db: &Db, batch: &str) -> bool {
    batch.is_empty() || exec(db, &format!("{batch};")).await.is_ok()
}

/// Deletes the rows of every table of `rows` (on the desired side, of
/// those it has), referencing tables first, in one round trip (one table
/// at a time if that fails). SQLite checks no foreign key meanwhile: each
/// `DELETE` would compile the whole chain of cascades below its table,
/// which makes a chain of a thousand tables take half a minute.
async fn clear(db: &Db, rows: &[TrialRow], desired_side: bool) {
    let deletes: Vec<String> = rows
        .iter()
        .rev()
        .filter(|r| !desired_side || r.candidates.iter().any(|c| c.desired.is_some()))
        .map(|r| delete_rows(db.dialect(), &r.table))
        .collect();
    if deletes.is_empty() {
        return;
    }
    let batch = deletes.join(";\n");
    let batch = match db.dialect() {
        Dialect::Sqlite => {
            format!("PRAGMA foreign_keys = OFF;\n{batch};\nPRAGMA foreign_keys = ON")
        }
        _ => batch,
    };
    if run(db, &batch).await {
        return;
    }
    if db.dialect() == Dialect::Sqlite {
        let _ = exec(db, "PRAGMA foreign_keys = ON;").await;
    }
    for sql in &deletes {
        let _ = exec(db, sql).await;
    }
}
