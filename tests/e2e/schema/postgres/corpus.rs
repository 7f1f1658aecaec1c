//! The PostgreSQL corpus, `tests/schema-corpus/postgres/` (see
//! [`super::super::corpus`] for its files).
//!
//! Each case runs on three databases: A (current), B (desired) and R
//! (current with a row in every table). Both sides are read, then
//! 1. draft(A→B) applied to A makes A read like B;
//! 2. draft(B→B) is empty;
//! 3. draft(B→A) applied to B makes B read like A;
//! 4. draft(A→A) is empty;
//! 5. draft(A→B) applied to R succeeds, and the tables kept keep their rows.

use migrate_runtime::Db;
use migrate_schema::{draft, rename_hints, Dialect, Hints, QualifiedName, Schema};

use super::super::corpus::{self, check_up, nothing_to_do, Case, Corpus};
use super::{read, rows, run, scratch};
use crate::support::{int, Scratch};

const D: Dialect = Dialect::Postgres;

/// The PostgreSQL part of the corpus runner.
struct Postgres;

impl Corpus for Postgres {
    const NAME: &'static str = "postgres";
    /// Each worker on three databases of its own.
    const WORKERS: usize = 3;
    type Worker = Dbs;

    async fn worker() -> Option<Dbs> {
        Dbs::new().await
    }

    async fn run_case(case: &Case, dbs: &Dbs) -> Result<(), String> {
        run_case(case, dbs).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corpus() {
    corpus::run::<Postgres>().await;
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
    errors.extend(check_up(case, &up).err());
    if let Err(e) = reach(&dbs.a, &up.sql(), &desired, &hints).await {
        errors.push(format!("phase 1 (current → desired): {e}"));
    }
    errors.extend(nothing_to_do(&desired, D, "phase 2 (desired → desired)").err());
    let reversed = hints.reversed();
    let down = draft(&desired, &current, &reversed, D);
    if let Err(e) = reach(&dbs.b, &down.sql(), &current, &reversed).await {
        errors.push(format!("phase 3 (desired → current): {e}"));
    }
    errors.extend(nothing_to_do(&current, D, "phase 4 (current → current)").err());
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

/// What up must reproduce: everything, objects beside the tables included,
/// with columns in name order (a column added at the end of a table is the
/// same column as one declared in the middle) and primary keys by columns
/// only, as the diff compares them (a renamed table keeps `old_pkey`).
fn comparable(schema: &Schema) -> Schema {
    let mut out = schema.clone();
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
