//! The MySQL corpus, `tests/schema-corpus/mysql/` (see [`super::super::corpus`]
//! for its files): each phase runs on fresh scratch databases.

use std::collections::BTreeMap;

use migrate_runtime::Db;
use migrate_schema::{draft, rename_hints, Change, Dialect, Hints, Schema, Table};

use super::super::corpus::{self, check_up, nothing_to_do, Case, Corpus};
use super::{apply, read, run, scratch};
use crate::support::{int, Scratch};

const D: Dialect = Dialect::MySql;

/// The MySQL part of the corpus runner.
struct MySql;

impl Corpus for MySql {
    const NAME: &'static str = "mysql";
    /// Each case holds a few scratch databases for a few seconds.
    const WORKERS: usize = 4;
    type Worker = ();

    async fn worker() -> Option<()> {
        scratch().await.map(drop)
    }

    async fn run_case(case: &Case, _: &()) -> Result<(), String> {
        run_case(case).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corpus() {
    corpus::run::<MySql>().await;
}

/// The four phases and the run with rows, on fresh scratch databases.
async fn run_case(case: &Case) -> Result<(), String> {
    let (name, current, desired) = (&case.name, &case.current, &case.desired);
    let hints = rename_hints(D, &format!("{name}/desired.sql"), desired)
        .map_err(|e| format!("rename hints: {e}"))?;
    let (_sa_db, a, sa) = fresh(current, "current.sql").await?;
    let (_sb_db, _b, sb) = fresh(desired, "desired.sql").await?;

    // (1) current -> desired
    let up = draft(&sa, &sb, &hints, D);
    apply(&a, &up.sql(), "phase 1 (up)").await?;
    same(&read(&a).await?, &sb, "phase 1: up does not reach desired")?;
    check_up(case, &up)?;
    // (2) desired -> desired
    nothing_to_do(&sb, D, "phase 2: desired -> desired")?;
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
    nothing_to_do(&sa, D, "phase 4: current -> current")?;

    // Phase 1 again with a row in every table of current.
    let (_a2_db, a2, _) = fresh(current, "current.sql").await?;
    let fill = match &case.rows {
        Some(rows) => rows.clone(),
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
        if case.rows.is_some() {
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
    if got.tables == want.tables && got.other_objects == want.other_objects {
        return Ok(());
    }
    let fix = draft(got, want, &Hints::new(), D);
    let tables = |s: &Schema| -> (Vec<Table>, Vec<migrate_schema::OtherObject>) {
        (s.tables.clone(), s.other_objects.clone())
    };
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
