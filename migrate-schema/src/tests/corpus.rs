//! The corpus: (current, desired) pairs with the exact up statements per
//! dialect. Every case also checks that each statement parses in its dialect
//! (sqlparser), that each side diffs empty against itself, that applying the
//! diff to the current model gives the desired one, and that the reverse diff
//! leads back.

use super::build::comparable;
use super::scenarios::{self as s, Pair};
use crate::*;

struct Case {
    name: &'static str,
    dialect: Dialect,
    pair: Pair,
    up: &'static [&'static str],
    warns: &'static [WarningKind],
}

fn run(case: &Case) -> Result<(), String> {
    let (cur, des, hints) = &case.pair;
    let d = case.dialect;
    let up = draft(cur, des, hints, d);
    if std::env::var("SCHEMA_CORPUS_PRINT").is_ok() {
        println!(
            "== {} {d}\n{:#?}\n{:?}\n{:#?}",
            case.name,
            up.sql(),
            kinds(&up),
            up.notes
        );
    }
    let mut errors = Vec::new();
    let down_draft = draft(des, cur, &hints.reversed(), d);
    for sql in up.sql().into_iter().chain(down_draft.sql()) {
        if let Err(e) = parses(d, sql) {
            errors.push(format!("does not parse: {sql}\n  {e}"));
        }
    }
    if up.sql() != case.up {
        errors.push(format!("up statements:\n{:#?}", up.sql()));
    }
    if kinds(&up) != case.warns {
        errors.push(format!("warnings: {:?}", up.warnings));
    }
    for (side, schema) in [("current", cur), ("desired", des)] {
        let same = diff(schema, schema, hints);
        if !same.is_empty() {
            errors.push(format!("{side} -> {side} is not empty: {:?}", same.changes));
        }
    }
    match apply(cur, &up.changes) {
        Ok(after) if comparable(&after) == comparable(des) => {}
        Ok(after) => errors.push(format!("applying up gives {after:#?}")),
        Err(e) => errors.push(format!("applying up: {e}")),
    }
    let down = diff(des, cur, &hints.reversed());
    match apply(des, &down.changes) {
        Ok(after) if comparable(&after) == comparable(cur) => {}
        Ok(after) => errors.push(format!("applying down gives {after:#?}")),
        Err(e) => errors.push(format!("applying down: {e}")),
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("{} ({d}): {}", case.name, errors.join("\n")))
    }
}

/// Valid statements (per each engine's documentation) that sqlparser 0.64
/// does not parse yet; everything else a draft writes must parse.
const PARSER_GAPS: &[&str] = &[
    "` COMMENT = ",
    "CREATE FULLTEXT INDEX",
    "CREATE SPATIAL INDEX",
    "\" SET SCHEMA \"",
    "\" DROP IDENTITY;",
    "\" DROP EXPRESSION;",
    "\" SET GENERATED ",
    "PRAGMA foreign_keys = ",
    "PRAGMA defer_foreign_keys = ",
];

/// Whether sqlparser reads `sql` in the dialect: a syntax check of every
/// corpus statement without a database.
pub(super) fn parses(d: Dialect, sql: &str) -> Result<(), String> {
    use sqlparser::dialect::{MySqlDialect, PostgreSqlDialect, SQLiteDialect};
    if PARSER_GAPS.iter().any(|gap| sql.contains(gap))
        || (d == Dialect::Postgres && sql.contains(" TYPE ") && sql.contains(" COLLATE "))
        // PostgreSQL 18's virtual generated columns.
        || (d == Dialect::Postgres && sql.contains(") VIRTUAL"))
    {
        return Ok(());
    }
    use sqlparser::parser::Parser;
    let result = match d {
        Dialect::Postgres => Parser::parse_sql(&PostgreSqlDialect {}, sql),
        Dialect::MySql => Parser::parse_sql(&MySqlDialect {}, sql),
        Dialect::Sqlite => Parser::parse_sql(&SQLiteDialect {}, sql),
    };
    result.map(|_| ()).map_err(|e| e.to_string())
}

fn kinds(draft: &Draft) -> Vec<WarningKind> {
    let mut kinds: Vec<WarningKind> = Vec::new();
    for w in &draft.warnings {
        if !kinds.contains(&w.kind) {
            kinds.push(w.kind);
        }
    }
    kinds
}

fn check(cases: Vec<Case>) {
    let count = cases.len();
    let failures: Vec<String> = cases.iter().filter_map(|c| run(c).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

macro_rules! case {
    ($d:expr, $scenario:ident, [$($sql:expr),* $(,)?], [$($w:ident),* $(,)?]) => {
        Case {
            name: stringify!($scenario),
            dialect: $d,
            pair: s::$scenario($d),
            up: &[$($sql),*],
            warns: &[$(WarningKind::$w),*],
        }
    };
}

mod mysql;
mod mysql_keys;
mod postgres;
mod postgres_keys;
mod sqlite;
mod sqlite_keys;
