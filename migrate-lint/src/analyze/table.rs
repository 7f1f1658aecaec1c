//! `ALTER TABLE` and `CREATE INDEX`: column changes, constraints, indexes
//! and table settings on a table that existed before the revision.

use super::names::{column_key, ident_key, is_widening, type_key};
use super::{Ctx, Found, Next};
use crate::history::Effect;
use crate::rules::Rule;
use migrate_graph::Dialect;
use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnDef, ColumnOption, CreateIndex, DataType,
    Expr, GeneratedAs, GeneratedExpressionMode, Ident, RenameTableNameKind, TableConstraint,
};

/// `CREATE INDEX`: blocks writes on PostgreSQL without CONCURRENTLY, and
/// CONCURRENTLY cannot run in a transaction.
pub(super) fn create_index(ctx: &mut Ctx<'_>, ci: &CreateIndex, out: &mut Found) {
    let table = ctx.key(&ci.table_name);
    if let Some(name) = &ci.name {
        ctx.new_indexes.insert(ctx.key(name));
    }
    if ctx.pg() && ci.concurrently && ctx.transaction {
        out.push((
            Rule::ConcurrentlyInTransaction,
            "creates an index CONCURRENTLY in a section that runs in a transaction".into(),
        ));
    }
    if ctx.pg() && !ci.concurrently && !ctx.is_new(&table) {
        let what = format!(
            "creates an index on {} without CONCURRENTLY",
            ctx.describe(&table)
        );
        out.push((Rule::IndexNotConcurrent, what));
    }
}

/// One operation of `ALTER TABLE table`.
pub(super) fn alter(ctx: &mut Ctx<'_>, table: &str, op: &AlterTableOperation, out: &mut Found) {
    let existing = !ctx.is_new(table);
    match op {
        AlterTableOperation::AddColumn { column_def, .. } => {
            add_column(ctx, table, column_def, out)
        }
        AlterTableOperation::DropColumn { column_names, .. } => {
            for c in column_names {
                let column = ident_key(c);
                let generated = ctx
                    .now
                    .column_type(table, &column)
                    .is_some_and(|t| t.starts_with("generated "));
                let re_added = generated
                    && matches!(&ctx.next, Some(Next::AddColumn(t, c) | Next::TakesName(t, c)) if t == table && *c == column);
                if !ctx.is_new_column(table, &column) && !re_added {
                    let what = format!("drops column `{column}` of {}", ctx.describe(table));
                    out.push((Rule::DropColumn, what));
                }
                ctx.effect(Effect::DropColumn(table.to_owned(), column));
            }
        }
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => {
            let (column, to) = (ident_key(old_column_name), ident_key(new_column_name));
            if !ctx.is_new_column(table, &column) {
                let what = format!(
                    "renames column `{column}` of {} to `{to}`",
                    ctx.describe(table)
                );
                out.push((Rule::RenameColumn, what));
            }
            ctx.effect(Effect::RenameColumn(table.to_owned(), column, to));
        }
        AlterTableOperation::RenameTable { table_name } => {
            let (RenameTableNameKind::As(to) | RenameTableNameKind::To(to)) = table_name;
            let to = ctx.key(to);
            // The last step of a rebuild: the copy takes the old name, and
            // the table it replaces held rows.
            let rebuild =
                ctx.copies.get(&to).is_some_and(|into| into == table) && ctx.now.get(&to).is_none();
            if existing {
                let what = format!("renames {} to `{to}`", ctx.describe(table));
                out.push((Rule::RenameTable, what));
            }
            ctx.rename(table.to_owned(), to.clone());
            if rebuild {
                ctx.copies.remove(&to);
                ctx.new_tables.remove(&to);
            }
        }
        AlterTableOperation::AlterColumn { column_name, op } => {
            alter_column(ctx, table, column_name, op, out)
        }
        AlterTableOperation::ModifyColumn {
            col_name,
            data_type,
            ..
        } => change_type(ctx, table, col_name, col_name, data_type, "redefines", out),
        AlterTableOperation::ChangeColumn {
            old_name,
            new_name,
            data_type,
            ..
        } => {
            let (old, new) = (ident_key(old_name), ident_key(new_name));
            if old != new {
                if !ctx.is_new_column(table, &old) {
                    let what = format!(
                        "renames column `{old}` of {} to `{new}`",
                        ctx.describe(table)
                    );
                    out.push((Rule::RenameColumn, what));
                }
                ctx.effect(Effect::RenameColumn(table.to_owned(), old, new));
            }
            change_type(ctx, table, old_name, new_name, data_type, "redefines", out);
        }
        AlterTableOperation::AddConstraint {
            constraint,
            not_valid,
        } => add_constraint(ctx, table, constraint, *not_valid, out),
        AlterTableOperation::ValidateConstraint { name } => {
            ctx.effect(Effect::Validate(table.to_owned(), ident_key(name)));
        }
        AlterTableOperation::SetLogged | AlterTableOperation::SetUnlogged if existing => {
            let what = format!("changes the persistence of {}", ctx.describe(table));
            out.push((Rule::SetLogged, what));
        }
        _ => {}
    }
}

fn add_column(ctx: &mut Ctx<'_>, table: &str, column_def: &ColumnDef, out: &mut Found) {
    let existing = !ctx.is_new(table);
    let column = ident_key(&column_def.name);
    // SQLite refuses this even on an empty table.
    let fails = existing || ctx.dialect == Dialect::Sqlite;
    if fails && not_null_without_default(column_def) {
        let what = format!(
            "adds column `{column}` NOT NULL without a default to {}",
            ctx.describe(table)
        );
        out.push((Rule::AddColumnNotNull, what));
    }
    if existing {
        let options = || column_def.options.iter().map(|o| &o.option);
        let stored = options().any(|o| {
            matches!(o, ColumnOption::Generated { generation_expr: Some(_), generation_expr_mode, generated_as, .. }
                if *generation_expr_mode == Some(GeneratedExpressionMode::Stored)
                    || *generated_as == GeneratedAs::ExpStored)
        });
        if stored && ctx.dialect != Dialect::Sqlite {
            let what = format!(
                "adds stored generated column `{column}` to {}",
                ctx.describe(table)
            );
            out.push((Rule::StoredGeneratedColumn, what));
        }
        let volatile = options().find_map(|o| match o {
            ColumnOption::Default(e) => volatile_call(e),
            ColumnOption::Generated {
                generation_expr: None,
                ..
            }
            | ColumnOption::Identity(_) => Some("an identity".to_owned()),
            _ => None,
        });
        let volatile = volatile.or_else(|| {
            let ty = type_key(&column_def.data_type);
            ty.contains("serial").then(|| format!("a {ty}"))
        });
        if let (Some(what), true) = (volatile, ctx.pg()) {
            let what = format!(
                "adds column `{column}` with {what} default to {}",
                ctx.describe(table)
            );
            out.push((Rule::VolatileDefault, what));
        }
    }
    let ty = column_key(column_def);
    ctx.new_columns.insert((table.to_owned(), column.clone()));
    ctx.effect(Effect::Column(table.to_owned(), column, ty));
}

/// The volatile function a default calls, if any: PostgreSQL evaluates
/// such a default once per row. `now()` and `CURRENT_TIMESTAMP` are stable.
fn volatile_call(e: &Expr) -> Option<String> {
    const VOLATILE: [&str; 9] = [
        "random",
        "clock_timestamp",
        "timeofday",
        "gen_random_uuid",
        "uuid_generate_v1",
        "uuid_generate_v1mc",
        "uuid_generate_v4",
        "nextval",
        "txid_current",
    ];
    let text = e.to_string().to_lowercase();
    VOLATILE
        .iter()
        .find(|f| {
            text.match_indices(*f).any(|(at, _)| {
                let before = text[..at].chars().next_back();
                let after = text[at + f.len()..].trim_start().starts_with('(');
                after && !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            })
        })
        .map(|f| format!("the volatile {f}()"))
}

fn alter_column(
    ctx: &mut Ctx<'_>,
    table: &str,
    column_name: &Ident,
    op: &AlterColumnOperation,
    out: &mut Found,
) {
    let column = ident_key(column_name);
    match op {
        AlterColumnOperation::SetDataType { data_type, .. } => {
            change_type(
                ctx,
                table,
                column_name,
                column_name,
                data_type,
                "changes",
                out,
            );
        }
        AlterColumnOperation::SetNotNull => {
            let checked = ctx.pg() && ctx.now.not_null_checked(table, &column);
            if !ctx.is_new_column(table, &column) && !checked {
                let what = format!("sets column `{column}` of {} NOT NULL", ctx.describe(table));
                out.push((Rule::SetNotNull, what));
            }
        }
        _ => {}
    }
}

/// A column's type set to `data_type` (and renamed to `new`): a change
/// unless the column is new or a VARCHAR only grows.
fn change_type(
    ctx: &mut Ctx<'_>,
    table: &str,
    old: &Ident,
    new: &Ident,
    data_type: &DataType,
    verb: &str,
    out: &mut Found,
) {
    let (old, new) = (ident_key(old), ident_key(new));
    let ty = type_key(data_type);
    let widening = ctx
        .now
        .column_type(table, &new)
        .is_some_and(|from| is_widening(from, &ty));
    if !ctx.is_new_column(table, &old) && !widening {
        let what = if verb == "changes" {
            format!(
                "changes the type of column `{old}` of {} to {data_type}",
                ctx.describe(table)
            )
        } else {
            format!(
                "redefines column `{old}` of {} as {data_type}",
                ctx.describe(table)
            )
        };
        out.push((Rule::ChangeColumnType, what));
    }
    ctx.effect(Effect::Column(table.to_owned(), new, ty));
}

fn add_constraint(
    ctx: &mut Ctx<'_>,
    table: &str,
    constraint: &TableConstraint,
    not_valid: bool,
    out: &mut Found,
) {
    if let TableConstraint::Check(check) = constraint {
        if let (Expr::IsNotNull(e), Some(name)) = (check.expr.as_ref(), &check.name) {
            if let Expr::Identifier(column) = e.as_ref() {
                let e = Effect::NotNullCheck(
                    table.to_owned(),
                    ident_key(name),
                    ident_key(column),
                    !not_valid,
                );
                ctx.effect(e);
            }
        }
    }
    if !ctx.pg() || ctx.is_new(table) {
        return;
    }
    let describe = ctx.describe(table);
    match constraint {
        TableConstraint::ForeignKey(_) | TableConstraint::Check(_) if !not_valid => {
            let kind = match constraint {
                TableConstraint::ForeignKey(_) => "a foreign key",
                _ => "a check constraint",
            };
            let what = format!("adds {kind} to {describe} without NOT VALID");
            out.push((Rule::ConstraintNotValid, what));
        }
        TableConstraint::PrimaryKey(_) => out.push((
            Rule::AddUniqueConstraint,
            format!("adds a primary key to {describe}, building its index under lock"),
        )),
        TableConstraint::Unique(_) => out.push((
            Rule::AddUniqueConstraint,
            format!("adds a unique constraint to {describe}, building its index under lock"),
        )),
        _ => {}
    }
}

/// `NOT NULL` with nothing to fill existing rows: no default, no identity,
/// no generated expression, not a serial.
fn not_null_without_default(column: &ColumnDef) -> bool {
    let options = || column.options.iter().map(|o| &o.option);
    let not_null =
        options().any(|o| matches!(o, ColumnOption::NotNull | ColumnOption::PrimaryKey(_)));
    let filled = options().any(|o| {
        matches!(
            o,
            ColumnOption::Default(_) | ColumnOption::Generated { .. } | ColumnOption::Identity(_)
        )
    });
    let serial = type_key(&column.data_type).contains("serial");
    not_null && !filled && !serial
}
