//! Statements that change rows: TRUNCATE, DELETE and UPDATE of every row
//! of an existing table, MySQL's REPLACE, and the `INSERT INTO new SELECT
//! ... FROM old` copy that starts a table rebuild.

use super::names::ident_key;
use super::{Ctx, Found};
use crate::rules::Rule;
use migrate_graph::Dialect;
use sqlparser::ast::{
    AssignmentTarget, FromTable, ObjectName, ObjectNamePart, SetExpr, Statement as Ast,
    TableFactor, TableObject, TableWithJoins,
};

/// The findings of a TRUNCATE, DELETE, UPDATE or INSERT.
pub(super) fn statement(ctx: &mut Ctx<'_>, ast: &Ast, out: &mut Found) {
    match ast {
        Ast::Truncate(t) => {
            for target in &t.table_names {
                let table = ctx.key(&target.name);
                if !ctx.is_new(&table) {
                    let what = format!("removes every row of {}", ctx.describe(&table));
                    out.push((Rule::Truncate, what));
                }
            }
        }
        Ast::Delete(d) if d.selection.is_none() => {
            let from = match &d.from {
                FromTable::WithFromKeyword(t) | FromTable::WithoutKeyword(t) => t,
            };
            let mut tables: Vec<String> = d.tables.iter().map(|n| ctx.key(n)).collect();
            if tables.is_empty() {
                tables = from.iter().filter_map(|t| table_of(ctx, t)).collect();
            }
            for table in tables {
                if !ctx.is_new(&table) {
                    let what = format!("deletes every row of {}", ctx.describe(&table));
                    out.push((Rule::DeleteWithoutWhere, what));
                }
            }
        }
        Ast::Update(u) if u.selection.is_none() => {
            let Some(table) = table_of(ctx, &u.table) else {
                return;
            };
            let columns = u.assignments.iter().flat_map(|a| match &a.target {
                AssignmentTarget::ColumnName(n) => vec![n],
                AssignmentTarget::Tuple(ns) => ns.iter().collect(),
            });
            let old: Vec<String> = columns
                .filter_map(last)
                .filter(|c| !ctx.is_new_column(&table, c))
                .collect();
            if let Some(column) = old.first() {
                let what = format!(
                    "overwrites column `{column}` in every row of {}",
                    ctx.describe(&table)
                );
                out.push((Rule::UpdateWithoutWhere, what));
            }
        }
        Ast::Insert(i) => {
            let TableObject::TableName(name) = &i.table else {
                return;
            };
            let into = ctx.key(name);
            if i.replace_into && ctx.dialect == Dialect::MySql {
                let what = format!("replaces rows of {}", ctx.describe(&into));
                out.push((Rule::ReplaceInto, what));
            }
            // `INSERT INTO new_x SELECT ... FROM x`: the copy of a rebuild.
            let source = i.source.as_ref().map(|q| q.body.as_ref());
            if let (Some(SetExpr::Select(select)), true) = (source, ctx.is_new(&into)) {
                if let [from] = select.from.as_slice() {
                    if let Some(old) = table_of(ctx, from).filter(|_| from.joins.is_empty()) {
                        ctx.copies.insert(old, into);
                    }
                }
            }
        }
        _ => {}
    }
}

/// The table a `FROM` item names, if it is a plain table.
fn table_of(ctx: &Ctx<'_>, t: &TableWithJoins) -> Option<String> {
    match &t.relation {
        TableFactor::Table { name, .. } => Some(ctx.key(name)),
        _ => None,
    }
}

/// A column name's last part (`t.c` → `c`).
fn last(name: &ObjectName) -> Option<String> {
    match name.0.last()? {
        ObjectNamePart::Identifier(ident) => Some(ident_key(ident)),
        _ => None,
    }
}
