//! PostgreSQL statements: one `ALTER TABLE` action per statement, so that each
//! line of a draft can be reviewed and warned about on its own.

use super::object_ddl::{create_object, drop_object, replace_object};
use super::quote::{ident, literal, qualified};
use super::sql::{
    add_column, add_constraint, alter_table, check, collate, columns, create_table, drop_column,
    drop_constraint, drop_index, drop_table, foreign_key, generated, index_name, index_parts,
    postgres_default_name, primary_key, rename_column, table_constraints, unique,
};
use super::Context;
use crate::change::{Change, EnumPosition};
use crate::model::{Column, Dialect, Identity, QualifiedName, Table};

mod alter;
mod identity;

use alter::alter_column;

const D: Dialect = Dialect::Postgres;

/// The statements for one change.
pub(crate) fn render(change: &Change, ctx: &Context) -> Vec<String> {
    use Change::*;
    match change {
        CreateSchema { name } => vec![format!("CREATE SCHEMA {};", ident(D, name))],
        DropSchema { name } => vec![format!("DROP SCHEMA {};", ident(D, name))],
        CreateEnum { enum_type } => vec![create_enum(&enum_type.name, &enum_type.values)],
        AddEnumValue {
            name,
            value,
            position,
        } => {
            let at = match position {
                EnumPosition::End => String::new(),
                EnumPosition::Before(v) => format!(" BEFORE {}", literal(D, v)),
                EnumPosition::After(v) => format!(" AFTER {}", literal(D, v)),
            };
            vec![format!(
                "ALTER TYPE {} ADD VALUE {}{at};",
                qualified(D, name),
                literal(D, value)
            )]
        }
        RecreateEnum { from, to, columns } => {
            let old = QualifiedName {
                schema: from.name.schema.clone(),
                name: format!("{}_old", from.name.name),
            };
            let mut out = vec![
                format!(
                    "ALTER TYPE {} RENAME TO {};",
                    qualified(D, &from.name),
                    ident(D, &old.name)
                ),
                create_enum(&to.name, &to.values),
            ];
            let ty = qualified(D, &to.name);
            let mut defaults = Vec::new();
            for (table, column) in columns {
                let col = format!(
                    "ALTER TABLE {} ALTER COLUMN {}",
                    qualified(D, table),
                    ident(D, column)
                );
                let current = ctx.current.table(table).and_then(|t| t.column(column));
                // A default of the old type would keep it alive: set it again
                // once the column has the new type.
                if let Some(default) = current.and_then(|c| c.default.as_ref()) {
                    out.push(format!("{col} DROP DEFAULT;"));
                    defaults.push(format!("{col} SET DEFAULT {default};"));
                }
                let array = current.is_some_and(|c| c.data_type.normalized.ends_with("[]"));
                let (text, target) = if array {
                    ("text[]", format!("{ty}[]"))
                } else {
                    ("text", ty.clone())
                };
                let c = ident(D, column);
                out.push(format!("{col} TYPE {target} USING {c}::{text}::{target};"));
            }
            out.extend(defaults);
            out.push(format!("DROP TYPE {};", qualified(D, &old)));
            out
        }
        DropEnum { enum_type } => vec![format!("DROP TYPE {};", qualified(D, &enum_type.name))],
        CreateTable { table } => create(table),
        DropTable { table } => vec![drop_table(D, &table.name)],
        RenameTable { from, to } => {
            let mut out = Vec::new();
            let mut at = from.clone();
            if from.schema != to.schema {
                let schema = to.schema.as_deref().unwrap_or("public");
                out.push(format!(
                    "ALTER TABLE {} SET SCHEMA {};",
                    qualified(D, from),
                    ident(D, schema)
                ));
                at.schema = to.schema.clone();
            }
            if from.name != to.name {
                out.push(format!(
                    "ALTER TABLE {} RENAME TO {};",
                    qualified(D, &at),
                    ident(D, &to.name)
                ));
            }
            out
        }
        AddColumn { table, column } => {
            let mut out = vec![add_column(D, table, &column_def(column))];
            out.extend(column_comment(table, column));
            out
        }
        DropColumn { table, column } => vec![drop_column(D, table, &column.name)],
        RenameColumn { table, from, to } => vec![rename_column(D, table, from, to)],
        // Inline enums are MySQL's: a PostgreSQL column only changes.
        AlterColumn { table, from, to }
        | RenameLabels {
            table, from, to, ..
        } => alter_column(table, from, to, ctx),
        AddPrimaryKey { table, key } => {
            vec![add_constraint(D, table, &primary_key(D, key))]
        }
        DropPrimaryKey { table, key } => vec![drop_constraint(D, table, &key.name, || {
            format!("{}_pkey", table.name)
        })],
        AddUnique { table, unique: u } => vec![add_constraint(D, table, &unique(D, u))],
        DropUnique { table, unique } => vec![drop_constraint(D, table, &unique.name, || {
            postgres_default_name(&table.name, &unique.columns, "key")
        })],
        AddForeignKey {
            table,
            foreign_key: fk,
        } => {
            vec![add_constraint(D, table, &foreign_key(D, fk))]
        }
        DropForeignKey { table, foreign_key } => {
            vec![drop_constraint(D, table, &foreign_key.name, || {
                postgres_default_name(&table.name, &foreign_key.columns, "fkey")
            })]
        }
        AddCheck { table, check: c } => vec![add_constraint(D, table, &check(D, c))],
        DropCheck { table, check } => vec![drop_constraint(D, table, &check.name, || {
            format!("{}_check", table.name)
        })],
        CreateIndex { table, index } => {
            let method = index.method_or_default();
            let using = if method == "btree" {
                String::new()
            } else {
                format!(" USING {method}")
            };
            let include = match index.include.as_slice() {
                [] => String::new(),
                names => format!(" INCLUDE {}", columns(D, names)),
            };
            let predicate = index
                .predicate
                .as_ref()
                .map(|p| format!(" WHERE {p}"))
                .unwrap_or_default();
            let nulls = if index.nulls_not_distinct {
                " NULLS NOT DISTINCT"
            } else {
                ""
            };
            let storage = index
                .storage
                .as_ref()
                .map(|s| format!(" WITH ({s})"))
                .unwrap_or_default();
            let mut out = vec![format!(
                "CREATE {}INDEX {} ON {}{using} {}{include}{nulls}{storage}{predicate};",
                if index.unique { "UNIQUE " } else { "" },
                ident(D, &index.name),
                qualified(D, table),
                index_parts(D, &index.parts)
            )];
            if let Some(comment) = &index.comment {
                out.push(format!(
                    "COMMENT ON INDEX {} IS {};",
                    qualified(D, &index_name(table, &index.name)),
                    literal(D, comment)
                ));
            }
            out
        }
        DropIndex { table, index } => vec![drop_index(D, table, &index.name)],
        RenameIndex { table, from, to } => {
            let index = QualifiedName {
                schema: table.schema.clone(),
                name: from.name.clone(),
            };
            vec![format!(
                "ALTER INDEX {} RENAME TO {};",
                qualified(D, &index),
                ident(D, &to.name)
            )]
        }
        RenameConstraint { table, drop, add } => {
            match (drop.constraint_name(), add.constraint_name()) {
                (Some(from), Some(to)) => vec![format!(
                    "{} RENAME CONSTRAINT {} TO {};",
                    alter(table),
                    ident(D, from),
                    ident(D, to)
                )],
                _ => [render(drop, ctx), render(add, ctx)].concat(),
            }
        }
        RenameEnum { from, to } => vec![format!(
            "ALTER TYPE {} RENAME TO {};",
            qualified(D, from),
            ident(D, &to.name)
        )],
        RenameEnumValue { name, from, to } => vec![format!(
            "ALTER TYPE {} RENAME VALUE {} TO {};",
            qualified(D, name),
            literal(D, from),
            literal(D, to)
        )],
        CreateObject { object } => create_object(object, D),
        DropObject { object } => drop_object(object, D),
        ReplaceObject { from, to } => replace_object(from, to, D),
        SetTableComment { table, comment } => vec![format!(
            "COMMENT ON TABLE {} IS {};",
            qualified(D, table),
            comment
                .as_deref()
                .map_or("NULL".to_string(), |c| literal(D, c))
        )],
        // No PostgreSQL reader fills table options.
        AlterTableOptions { .. } => vec![],
        // PostgreSQL cannot reorder columns; `draft` leaves this out.
        ReorderColumns { .. } => vec![],
    }
}

fn alter(table: &QualifiedName) -> String {
    alter_table(D, table)
}

fn create_enum(name: &QualifiedName, values: &[String]) -> String {
    let labels: Vec<String> = values.iter().map(|v| literal(D, v)).collect();
    format!(
        "CREATE TYPE {} AS ENUM ({});",
        qualified(D, name),
        labels.join(", ")
    )
}

fn create(table: &Table) -> Vec<String> {
    let mut lines: Vec<String> = table.columns.iter().map(column_def).collect();
    lines.extend(table_constraints(D, table, false, &[]));
    let tail = table
        .options
        .partition_by
        .as_ref()
        .map_or(String::new(), |key| format!(" PARTITION BY {key}"));
    let mut out = vec![create_table(D, &table.name, &lines, &tail)];
    if let Some(comment) = &table.comment {
        out.push(format!(
            "COMMENT ON TABLE {} IS {};",
            qualified(D, &table.name),
            literal(D, comment)
        ));
    }
    for column in &table.columns {
        out.extend(column_comment(&table.name, column));
    }
    out
}

fn column_def(c: &Column) -> String {
    let mut sql = format!("{} {}", ident(D, &c.name), c.data_type.raw);
    if let Some(collation) = &c.collation {
        sql.push_str(&collate(D, collation));
    }
    if let Some(g) = &c.generated {
        sql.push_str(&generated(g));
    }
    if let Some(identity) = c.identity {
        sql.push_str(&format!(
            " GENERATED {} AS IDENTITY{}",
            identity_words(identity),
            identity_options(c)
        ));
    }
    if !c.nullable {
        sql.push_str(" NOT NULL");
    }
    if let Some(default) = &c.default {
        sql.push_str(&format!(" DEFAULT {default}"));
    }
    sql
}

/// ` (START WITH ...)` of an identity with options of its own, or nothing.
fn identity_options(c: &Column) -> String {
    c.identity_options
        .as_ref()
        .map_or(String::new(), |o| format!(" ({o})"))
}

fn identity_words(identity: Identity) -> &'static str {
    match identity {
        Identity::Always => "ALWAYS",
        Identity::ByDefault | Identity::AutoIncrement => "BY DEFAULT",
    }
}

fn column_comment(table: &QualifiedName, c: &Column) -> Option<String> {
    c.comment.as_ref().map(|comment| {
        format!(
            "COMMENT ON COLUMN {}.{} IS {};",
            qualified(D, table),
            ident(D, &c.name),
            literal(D, comment)
        )
    })
}
