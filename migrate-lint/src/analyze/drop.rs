//! `DROP` statements: tables (except the old table of a rebuild), indexes
//! without CONCURRENTLY, databases, and anything dropped with `CASCADE`.

use super::{Ctx, Found, Next};
use crate::rules::Rule;
use migrate_graph::Dialect;
use sqlparser::ast::{DropBehavior, ObjectType, ReferentialAction, Statement as Ast};

/// The findings of a `DROP ...` statement.
pub(super) fn statement(ctx: &mut Ctx<'_>, ast: &Ast, out: &mut Found) {
    let (kind, cascade) = match ast {
        Ast::Drop {
            object_type: ObjectType::Table,
            names,
            ..
        } => {
            for name in names {
                let table = ctx.key(name);
                if ctx.is_new(&table) {
                } else if rebuilt(ctx, &table) {
                    rebuild_losses(ctx, &table, out);
                } else {
                    out.push((Rule::DropTable, format!("drops {}", ctx.describe(&table))));
                }
                ctx.drop_table(table);
            }
            return;
        }
        Ast::Drop {
            object_type: ObjectType::Database,
            names,
            ..
        }
        | Ast::Drop {
            object_type: ObjectType::Schema,
            names,
            ..
        } if ctx.dialect == Dialect::MySql || object_is_database(ast) => {
            for name in names {
                let what = format!("drops database `{name}` and every table in it");
                out.push((Rule::DropDatabase, what));
            }
            return;
        }
        Ast::Drop {
            object_type: ObjectType::Index,
            names,
            cascade,
            ..
        } => {
            for name in names {
                let index = ctx.key(name);
                if ctx.pg() && !ctx.new_indexes.remove(&index) {
                    let what = format!("drops index `{index}` without CONCURRENTLY");
                    out.push((Rule::DropIndexNotConcurrent, what));
                }
            }
            ("index", *cascade)
        }
        Ast::Drop {
            object_type,
            cascade,
            ..
        } => (object_kind(*object_type), *cascade),
        Ast::DropDomain(d) => ("domain", d.drop_behavior == Some(DropBehavior::Cascade)),
        Ast::DropFunction(f) => ("function", f.drop_behavior == Some(DropBehavior::Cascade)),
        Ast::DropProcedure { drop_behavior, .. } => {
            ("procedure", *drop_behavior == Some(DropBehavior::Cascade))
        }
        Ast::DropExtension(e) => (
            "extension",
            e.cascade_or_restrict == Some(ReferentialAction::Cascade),
        ),
        _ => return,
    };
    if cascade {
        let what = format!("drops a {kind} with CASCADE, and everything that depends on it");
        out.push((Rule::DropCascade, what));
    }
}

/// Whether dropping `table` is the middle of a rebuild: its rows were just
/// copied into a new table, which the next statement renames to `table`.
fn rebuilt(ctx: &Ctx<'_>, table: &str) -> bool {
    let Some(into) = ctx.copies.get(table) else {
        return false;
    };
    matches!(&ctx.next, Some(Next::Rename(from, to)) if from == into && to == table)
}

/// The columns of `table` (as the history knows them) that its rebuilt copy
/// does not have: a rebuild that leaves a column out drops its values.
/// Generated columns hold no data of their own.
fn rebuild_losses(ctx: &Ctx<'_>, table: &str, out: &mut Found) {
    let (Some(old), Some(copy)) = (
        ctx.now.get(table),
        ctx.copies.get(table).and_then(|into| ctx.now.get(into)),
    ) else {
        return;
    };
    let mut lost: Vec<&String> = old
        .columns
        .iter()
        // SQLite compares names without case, quoted or not.
        .filter(|(c, ty)| {
            !copy.columns.keys().any(|k| k.eq_ignore_ascii_case(c)) && !ty.starts_with("generated ")
        })
        .map(|(c, _)| c)
        .filter(|c| !ctx.is_new_column(table, c))
        .collect();
    lost.sort();
    for column in lost {
        let what = format!(
            "drops column `{column}` of {}, rebuilt without it",
            ctx.describe(table)
        );
        out.push((Rule::DropColumn, what));
    }
}

fn object_is_database(ast: &Ast) -> bool {
    matches!(
        ast,
        Ast::Drop {
            object_type: ObjectType::Database,
            ..
        }
    )
}

fn object_kind(t: ObjectType) -> &'static str {
    match t {
        ObjectType::Schema => "schema",
        ObjectType::Type => "type",
        ObjectType::View => "view",
        ObjectType::MaterializedView => "materialized view",
        ObjectType::Sequence => "sequence",
        _ => "object",
    }
}
