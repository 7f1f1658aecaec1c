//! Rows that fit both sides of a draft: the row autogenerate inserts into
//! the current schema to verify a draft on a table holding data must also
//! be a row of the desired schema, or the draft's new CHECK, enum, SET or
//! geometry column refuses the made-up row and a correct draft is never
//! written. Each table gets a few candidate rows, most likely first, each
//! written for both schemas; the caller lets the engines judge them (the
//! desired scratch database evaluates every CHECK as it will be).

use std::collections::{BTreeSet, HashMap, HashSet};

use sqlparser::dialect::{Dialect as SqlDialect, GenericDialect, MySqlDialect, SQLiteDialect};
use sqlparser::tokenizer::{Token, Tokenizer};

use super::rows::{first_label, insert_row, literal};
use crate::model::{Column, Dialect, Identity, QualifiedName, Schema, Table};

/// The most candidate rows tried per table.
const MAX_CANDIDATES: usize = 12;

/// One candidate row of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The `INSERT` into the current schema.
    pub current: String,
    /// The same row as an `INSERT` into the desired schema (the columns it
    /// keeps, plus values for required new ones); `None` when the table is
    /// not there under the same name.
    pub desired: Option<String>,
}

/// The candidate rows of one current table, most likely to fit first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrialRow {
    /// The table (its current name, which is also its desired name when
    /// [`Candidate::desired`] is set).
    pub table: QualifiedName,
    /// Rows to try in order; the first both schemas accept is the one.
    pub candidates: Vec<Candidate>,
}

/// A column's values to try, and whether it may be left out on both sides.
struct Choice<'a> {
    column: &'a Column,
    desired: Option<&'a Column>,
    values: Vec<String>,
    omissible: bool,
}

/// Candidate rows for every table of `current`, referenced tables first.
/// Values come, in this order, from the desired column's enum or SET
/// labels, from the literals of the CHECKs naming the column (on either
/// side, with their neighbours for comparisons), then from both column
/// types. Columns in a foreign key (either end) keep one value so that
/// every reference holds. A table none of whose candidates can be written
/// is left out, as [`super::row_inserts`] does.
pub fn trial_rows(current: &Schema, desired: &Schema, dialect: Dialect) -> Vec<TrialRow> {
    let referenced: HashSet<(&QualifiedName, &str)> = current
        .tables
        .iter()
        .flat_map(|t| {
            t.foreign_keys.iter().flat_map(move |fk| {
                let own = fk.columns.iter().map(move |c| (&t.name, c.as_str()));
                let far = fk
                    .referenced_columns
                    .iter()
                    .map(move |c| (&fk.referenced_table, c.as_str()));
                own.chain(far)
            })
        })
        .collect();
    let cur_tables: HashMap<&QualifiedName, &Table> =
        current.tables.iter().map(|t| (&t.name, t)).collect();
    let des_tables: HashMap<&QualifiedName, &Table> =
        desired.tables.iter().map(|t| (&t.name, t)).collect();
    let mut out = Vec::new();
    for table in referenced_first(&current.tables, &cur_tables) {
        let target = des_tables.get(&table.name).copied();
        let mut choices = Vec::new();
        let mut possible = true;
        for column in table.columns.iter().filter(|c| c.generated.is_none()) {
            let des = target
                .and_then(|t| t.column(&column.name))
                .filter(|c| c.generated.is_none());
            let fixed = referenced.contains(&(&table.name, column.name.as_str()));
            let values = if fixed {
                fk_value(current, &cur_tables, table, column, dialect)
                    .into_iter()
                    .collect()
            } else {
                values(current, desired, table, target, column, des, dialect)
            };
            let omissible = may_omit(column, current) && des.is_none_or(|d| may_omit(d, desired));
            if values.is_empty() && !omissible {
                possible = false;
                break;
            }
            choices.push(Choice {
                column,
                desired: des,
                values,
                omissible,
            });
        }
        if !possible {
            continue;
        }
        let added: Vec<(&str, String)> = target
            .map(|t| {
                t.columns
                    .iter()
                    .filter(|c| table.column(&c.name).is_none() && c.generated.is_none())
                    .filter(|c| !may_omit(c, desired))
                    .filter_map(|c| {
                        Some((
                            c.name.as_str(),
                            literal(&c.data_type.normalized, dialect, desired)?,
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let candidates = variants(&choices)
            .into_iter()
            .map(|pick| candidate(table, target.is_some(), &choices, &pick, &added, dialect))
            .collect();
        out.push(TrialRow {
            table: table.name.clone(),
            candidates,
        });
    }
    out
}

/// `tables` with every referenced table before the tables referencing it
/// (Kahn's algorithm over hash maps: linear, where a long chain of
/// references makes a scan per step quadratic); a cycle's members follow
/// in their order.
fn referenced_first<'a>(
    tables: &'a [Table],
    by_name: &HashMap<&QualifiedName, &'a Table>,
) -> Vec<&'a Table> {
    let index: HashMap<&QualifiedName, usize> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| (&t.name, i))
        .collect();
    let mut waits = vec![0usize; tables.len()];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); tables.len()];
    for (i, t) in tables.iter().enumerate() {
        let parents: BTreeSet<usize> = t
            .foreign_keys
            .iter()
            .filter(|fk| by_name.contains_key(&fk.referenced_table))
            .filter_map(|fk| index.get(&fk.referenced_table).copied())
            .filter(|&j| j != i)
            .collect();
        waits[i] = parents.len();
        for j in parents {
            dependents[j].push(i);
        }
    }
    let mut ready: BTreeSet<(&QualifiedName, usize)> = (0..tables.len())
        .filter(|&i| waits[i] == 0)
        .map(|i| (&tables[i].name, i))
        .collect();
    let mut done = vec![false; tables.len()];
    let mut out = Vec::with_capacity(tables.len());
    while let Some((_, i)) = ready.pop_first() {
        done[i] = true;
        out.push(&tables[i]);
        for &d in &dependents[i] {
            waits[d] -= 1;
            if waits[d] == 0 {
                ready.insert((&tables[d].name, d));
            }
        }
    }
    out.extend((0..tables.len()).filter(|&i| !done[i]).map(|i| &tables[i]));
    out
}

fn may_omit(c: &Column, schema: &Schema) -> bool {
    let domain_refuses_null =
        || super::domain::of(&c.data_type.normalized, schema).is_some_and(super::domain::not_null);
    c.default.is_some() || c.identity.is_some() || c.nullable && !domain_refuses_null()
}

/// The value a column of a foreign key takes: the literal of the column it
/// references (or its own, if it is the referenced end).
fn fk_value(
    schema: &Schema,
    tables: &HashMap<&QualifiedName, &Table>,
    table: &Table,
    column: &Column,
    dialect: Dialect,
) -> Option<String> {
    let ty = table
        .foreign_keys
        .iter()
        .find_map(|fk| {
            let at = fk.columns.iter().position(|c| c == &column.name)?;
            let target = tables.get(&fk.referenced_table)?;
            target.column(fk.referenced_columns.get(at)?)
        })
        .map_or(&column.data_type.normalized, |c| &c.data_type.normalized);
    literal(ty, dialect, schema)
}

/// The values worth trying for a column, most likely first, no repeats.
fn values(
    current: &Schema,
    desired: &Schema,
    table: &Table,
    target: Option<&Table>,
    column: &Column,
    des: Option<&Column>,
    dialect: Dialect,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(d) = des {
        out.extend(labels(&d.data_type.normalized, desired, dialect));
    }
    out.extend(labels(&column.data_type.normalized, current, dialect));
    let checks = table
        .checks
        .iter()
        .chain(target.into_iter().flat_map(|t| &t.checks));
    for check in checks {
        out.extend(check_literals(&check.expression, &column.name, dialect));
    }
    // A domain column: the literals of its CHECKs on either side, then its
    // base type's.
    let domains = [(Some(column), current), (des, desired)];
    let domains = domains
        .iter()
        .filter_map(|&(c, schema)| super::domain::of(&c?.data_type.normalized, schema));
    for domain in domains.clone() {
        for check in super::domain::checks(domain) {
            out.extend(check_literals(check, "VALUE", dialect));
        }
    }
    out.extend(literal(&column.data_type.normalized, dialect, current));
    if let Some(d) = des {
        out.extend(literal(&d.data_type.normalized, dialect, desired));
    }
    for domain in domains {
        out.extend(super::domain::base(domain).and_then(|ty| literal(ty, dialect, current)));
    }
    let texty = |ty: &str| ty.contains("char") || ty.contains("text");
    if texty(&column.data_type.normalized) {
        // Long enough for a length check, digits for a cast to a number.
        out.push("'1'".into());
        out.push("'abcdefghijklmnop'".into());
    }
    let mut seen = HashSet::new();
    out.retain(|v| seen.insert(v.clone()));
    out
}

/// Every label of an enum or SET type (a PostgreSQL enum of `schema`, or
/// MySQL's inline `enum(...)` / `set(...)`), as literals; at most three.
fn labels(ty: &str, schema: &Schema, dialect: Dialect) -> Vec<String> {
    let base = ty.trim_end_matches("[]").trim_matches('"');
    if let Some(e) = schema
        .enums
        .iter()
        .find(|e| !ty.ends_with("[]") && (e.name.name == base || e.name.to_string() == base))
    {
        return e
            .values
            .iter()
            .take(3)
            .map(|v| super::quote::literal(dialect, v))
            .collect();
    }
    if !(ty.starts_with("enum(") || ty.starts_with("set(")) {
        return Vec::new();
    }
    // `first_label` reads the first; the rest follow after each `','`.
    let mut out: Vec<String> = first_label(ty).into_iter().collect();
    let inner = ty.split_once('(').map_or("", |(_, r)| r);
    let tokens = Tokenizer::new(&GenericDialect {}, &format!("({inner}"))
        .tokenize()
        .unwrap_or_default();
    for t in tokens {
        if let Token::SingleQuotedString(s) = t {
            out.push(format!("'{}'", s.replace('\'', "''")));
        }
    }
    out.dedup();
    out.into_iter().take(3).collect()
}

/// The literals of a CHECK expression that names `column`: its strings,
/// and its numbers with their neighbours (`n > 0` wants 1, `n < 10` 9).
fn check_literals(expression: &str, column: &str, dialect: Dialect) -> Vec<String> {
    let engine: &dyn SqlDialect = match dialect {
        Dialect::MySql => &MySqlDialect {},
        Dialect::Sqlite => &SQLiteDialect {},
        Dialect::Postgres => &GenericDialect {},
    };
    let tokens = Tokenizer::new(engine, expression)
        .tokenize()
        .unwrap_or_default();
    let names_it = tokens.iter().any(|t| match t {
        Token::Word(w) => w.value.eq_ignore_ascii_case(column),
        _ => false,
    });
    if !names_it {
        return Vec::new();
    }
    let mut out = Vec::new();
    for t in &tokens {
        match t {
            Token::SingleQuotedString(s) => out.push(format!("'{}'", s.replace('\'', "''"))),
            Token::Number(n, _) => {
                out.push(n.clone());
                if let Ok(v) = n.parse::<i64>() {
                    out.push((v + 1).to_string());
                    out.push((v - 1).to_string());
                }
            }
            _ => {}
        }
    }
    out
}

/// The picks to try: index `i` of `choices[c].values` per column, `None`
/// to leave the column out. First every column's first value; then one
/// column at a time on each of its other values; last every column that
/// may be left out left out.
fn variants(choices: &[Choice<'_>]) -> Vec<Vec<Option<usize>>> {
    let base: Vec<Option<usize>> = choices
        .iter()
        .map(|c| (!c.values.is_empty()).then_some(0))
        .collect();
    let mut out = vec![base.clone()];
    for (i, choice) in choices.iter().enumerate() {
        for v in 1..choice.values.len() {
            let mut pick = base.clone();
            pick[i] = Some(v);
            out.push(pick);
        }
    }
    out.truncate(MAX_CANDIDATES - 1);
    let bare: Vec<Option<usize>> = choices
        .iter()
        .zip(&base)
        .map(|(c, b)| if c.omissible { None } else { *b })
        .collect();
    if !out.contains(&bare) {
        out.push(bare);
    }
    out
}

fn candidate(
    table: &Table,
    kept: bool,
    choices: &[Choice<'_>],
    pick: &[Option<usize>],
    added: &[(&str, String)],
    dialect: Dialect,
) -> Candidate {
    let mut names = Vec::new();
    let mut values = Vec::new();
    let mut des_names = Vec::new();
    let mut des_values = Vec::new();
    let (mut overriding, mut des_overriding) = (false, false);
    for (choice, p) in choices.iter().zip(pick) {
        let Some(i) = p else { continue };
        let value = choice.values[*i].clone();
        overriding |= choice.column.identity == Some(Identity::Always);
        names.push(choice.column.name.as_str());
        values.push(value.clone());
        if let Some(d) = choice.desired {
            des_overriding |= d.identity == Some(Identity::Always);
            des_names.push(d.name.as_str());
            des_values.push(value);
        }
    }
    for (name, value) in added {
        des_names.push(name);
        des_values.push(value.clone());
    }
    let write = |names: &[&str], values: &[String], overriding| {
        if names.is_empty() {
            let target = super::quote::qualified(dialect, &table.name);
            return match dialect {
                Dialect::MySql => format!("INSERT INTO {target} () VALUES ()"),
                _ => format!("INSERT INTO {target} DEFAULT VALUES"),
            };
        }
        insert_row(dialect, &table.name, names, overriding, values)
    };
    Candidate {
        current: write(&names, &values, overriding),
        desired: kept.then(|| write(&des_names, &des_values, des_overriding)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Check, ColumnType};

    fn schema(table: Table) -> Schema {
        Schema {
            tables: vec![table],
            ..Schema::default()
        }
    }

    fn col(d: Dialect, name: &str, ty: &str) -> Column {
        Column::new(name, ColumnType::new(d, ty))
    }

    #[test]
    fn the_first_candidate_fits_a_new_enum_column_type_and_check() {
        let d = Dialect::MySql;
        let mut cur = Table::new("t");
        cur.columns.push(col(d, "status", "varchar(10)"));
        cur.columns.push(col(d, "qty", "int"));
        let mut des = cur.clone();
        des.columns[0] = col(d, "status", "enum('draft','done')");
        des.checks.push(Check {
            name: Some("qty_positive".into()),
            expression: "`qty` > 4 and `status` <> 'x'".into(),
            no_inherit: false,
            not_valid: false,
        });
        let mut kind = col(d, "kind", "set('x','y')");
        kind.nullable = false;
        des.columns.push(kind);
        let rows = trial_rows(&schema(cur), &schema(des), d);
        let first = &rows[0].candidates[0];
        assert_eq!(
            first.current,
            "INSERT INTO `t` (`status`, `qty`) VALUES ('draft', 4)"
        );
        assert_eq!(
            first.desired.as_deref(),
            Some("INSERT INTO `t` (`status`, `qty`, `kind`) VALUES ('draft', 4, 'x')")
        );
        // 4 fails `qty > 4`; a later candidate holds its neighbour.
        assert!(rows[0]
            .candidates
            .iter()
            .any(|c| c.current.ends_with("VALUES ('draft', 5)")));
    }

    #[test]
    fn a_column_without_a_literal_on_the_desired_side_may_be_left_out() {
        let d = Dialect::Postgres;
        let mut cur = Table::new("shapes");
        let mut area = col(d, "area", "text");
        area.nullable = true;
        cur.columns.push(area);
        let mut des = Table::new("shapes");
        let mut area = col(d, "area", "box");
        area.nullable = true;
        des.columns.push(area);
        let rows = trial_rows(&schema(cur), &schema(des), d);
        let last = rows[0].candidates.last().unwrap();
        assert_eq!(last.current, "INSERT INTO \"shapes\" DEFAULT VALUES");
        assert_eq!(
            last.desired.as_deref(),
            Some("INSERT INTO \"shapes\" DEFAULT VALUES")
        );
    }

    #[test]
    fn check_literals_come_only_from_checks_naming_the_column() {
        assert_eq!(
            check_literals("(status IN ('a', 'b''c'))", "status", Dialect::Postgres),
            ["'a'", "'b''c'"]
        );
        assert_eq!(
            check_literals("n > 0", "status", Dialect::Postgres),
            Vec::<String>::new()
        );
        assert_eq!(
            check_literals("n >= 10", "n", Dialect::Postgres),
            ["10", "11", "9"]
        );
    }
}
