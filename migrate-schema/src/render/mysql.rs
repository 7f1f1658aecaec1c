//! MySQL and MariaDB statements. Column changes use `MODIFY COLUMN` with the
//! full definition, since MySQL forgets whatever a MODIFY does not repeat.

use super::object_ddl::{create_object, drop_object, replace_object};
use super::quote::{ident, literal, qualified};
use super::sql::{
    add_column, add_constraint, alter_table, check, collate, create_table, drop_column,
    drop_constraint, drop_index, drop_table, foreign_key, generated, index_parts, primary_key,
    rename_column, table_constraints, unique,
};
use super::Context;
use crate::change::Change;
use crate::model::{Column, ColumnType, Dialect, QualifiedName, Table, TableOptions};

const D: Dialect = Dialect::MySql;

/// The statements for one change, and notes on what MySQL cannot express.
/// An `ALTER TABLE` of a system-versioned table runs with the setting
/// MariaDB wants for it (it refuses with error 4119 otherwise), history rows
/// kept as they are; per statement, as a draft may run on several sessions.
pub(crate) fn render(change: &Change, ctx: &Context, notes: &mut Vec<String>) -> Vec<String> {
    let mut out = statements(change, ctx, notes);
    if on_versioned_table(change, ctx) {
        for sql in &mut out {
            if sql.starts_with("ALTER TABLE") {
                sql.insert_str(
                    0,
                    "SET STATEMENT system_versioning_alter_history = KEEP FOR ",
                );
            }
        }
    }
    out
}

/// Whether `change` alters a table that is system-versioned before or
/// after the draft (the versioning itself changes without the setting).
fn on_versioned_table(change: &Change, ctx: &Context) -> bool {
    if matches!(
        change,
        Change::CreateTable { .. } | Change::DropTable { .. } | Change::AlterTableOptions { .. }
    ) {
        return false;
    }
    change.table().is_some_and(|name| {
        [ctx.current, ctx.desired]
            .iter()
            .filter_map(|s| s.table(name))
            .any(|t| t.options.system_versioning)
    })
}

/// Whether the primary key of `table` is dropped and added again on the
/// same columns (another comment): one statement does both, which a
/// foreign key referencing the key lets through, where a lone `DROP PRIMARY
/// KEY` is refused.
fn key_recommented(ctx: &Context, table: &QualifiedName) -> bool {
    let dropped = ctx.changes.iter().find_map(|c| match c {
        Change::DropPrimaryKey { table: t, key } if t == table => Some(&key.columns),
        _ => None,
    });
    let added = ctx.changes.iter().find_map(|c| match c {
        Change::AddPrimaryKey { table: t, key } if t == table => Some(&key.columns),
        _ => None,
    });
    dropped.is_some() && dropped == added
}

fn statements(change: &Change, ctx: &Context, notes: &mut Vec<String>) -> Vec<String> {
    use Change::*;
    match change {
        CreateSchema { .. }
        | DropSchema { .. }
        | CreateEnum { .. }
        | AddEnumValue { .. }
        | RecreateEnum { .. }
        | RenameEnum { .. }
        | RenameEnumValue { .. }
        | DropEnum { .. } => {
            notes.push(format!(
                "{}: not generated, MySQL has no schemas or enum types outside columns",
                change.describe()
            ));
            vec![]
        }
        CreateTable { table } => vec![create(table)],
        DropTable { table } => vec![drop_table(D, &table.name)],
        RenameTable { from, to } => {
            vec![format!(
                "RENAME TABLE {} TO {};",
                qualified(D, from),
                qualified(D, to)
            )]
        }
        AddColumn { table, column } => vec![add_column(D, table, &column_def(column))],
        DropColumn { table, column } => vec![drop_column(D, table, &column.name)],
        RenameColumn { table, from, to } => vec![rename_column(D, table, from, to)],
        AlterColumn { table, from, to } => {
            if let Some(sql) =
                super::mysql_generated::replace_generated(table, from, to, column_def)
            {
                return sql;
            }
            vec![format!(
                "{} MODIFY COLUMN {};",
                alter(table),
                column_def(to)
            )]
        }
        RenameLabels {
            table,
            from,
            to,
            labels,
        } => rename_labels(table, from, to, labels),
        AddPrimaryKey { table, key } if key_recommented(ctx, table) => vec![format!(
            "{} DROP PRIMARY KEY, ADD {};",
            alter(table),
            primary_key(D, key)
        )],
        AddPrimaryKey { table, key } => {
            vec![add_constraint(D, table, &primary_key(D, key))]
        }
        DropPrimaryKey { table, .. } if key_recommented(ctx, table) => vec![],
        DropPrimaryKey { table, .. } => vec![format!("{} DROP PRIMARY KEY;", alter(table))],
        AddUnique { table, unique: u } => vec![add_constraint(D, table, &unique(D, u))],
        DropUnique { table, unique } => {
            // MySQL names an unnamed unique key after its first column.
            let name = unique
                .name
                .clone()
                .or_else(|| unique.columns.first().cloned())
                .unwrap_or_default();
            vec![format!("{} DROP INDEX {};", alter(table), ident(D, &name))]
        }
        AddForeignKey {
            table,
            foreign_key: fk,
        } => {
            vec![add_constraint(D, table, &foreign_key(D, fk))]
        }
        DropForeignKey { table, foreign_key } => {
            let name = foreign_key.name.clone().unwrap_or_else(|| {
                notes.push(format!(
                    "{}: the catalog gave no name; check the guessed `{}_ibfk_1`",
                    change.describe(),
                    table.name
                ));
                format!("{}_ibfk_1", table.name)
            });
            vec![format!(
                "{} DROP FOREIGN KEY {};",
                alter(table),
                ident(D, &name)
            )]
        }
        AddCheck { table, check: c } => vec![add_constraint(D, table, &check(D, c))],
        DropCheck { table, check } => vec![drop_constraint(D, table, &check.name, || {
            format!("{}_chk_1", table.name)
        })],
        CreateIndex { table, index } => {
            let method = index.method_or_default();
            let (kind, using) = match method.as_str() {
                "fulltext" => ("FULLTEXT ", String::new()),
                "spatial" => ("SPATIAL ", String::new()),
                "btree" => (if index.unique { "UNIQUE " } else { "" }, String::new()),
                other => (
                    if index.unique { "UNIQUE " } else { "" },
                    format!(" USING {}", other.to_uppercase()),
                ),
            };
            if index.predicate.is_some() {
                notes.push(format!(
                    "{}: MySQL has no partial indexes, the WHERE clause is left out",
                    change.describe()
                ));
            }
            let comment = index
                .comment
                .as_ref()
                .map(|c| format!(" COMMENT {}", literal(D, c)))
                .unwrap_or_default();
            vec![format!(
                "CREATE {kind}INDEX {} ON {} {}{using}{comment};",
                ident(D, &index.name),
                qualified(D, table),
                index_parts(D, &index.parts)
            )]
        }
        DropIndex { table, index } => vec![drop_index(D, table, &index.name)],
        RenameIndex { table, from, to } => vec![rename_index(table, &from.name, &to.name)],
        RenameConstraint { table, drop, add } => match (&**drop, &**add) {
            // A unique key is an index: renamed as one.
            (DropUnique { unique: a, .. }, AddUnique { unique: b, .. }) => {
                match (&a.name, &b.name) {
                    (Some(a), Some(b)) => vec![rename_index(table, a, b)],
                    _ => [render(drop, ctx, notes), render(add, ctx, notes)].concat(),
                }
            }
            // MariaDB has no RENAME CONSTRAINT.
            _ => [render(drop, ctx, notes), render(add, ctx, notes)].concat(),
        },
        CreateObject { object } => create_object(object, D),
        DropObject { object } => drop_object(object, D),
        ReplaceObject { from, to } => replace_object(from, to, D),
        SetTableComment { table, comment } => vec![format!(
            "{} COMMENT = {};",
            alter(table),
            literal(D, comment.as_deref().unwrap_or(""))
        )],
        AlterTableOptions { table, from, to } => table_options(table, from, to),
        ReorderColumns { table, from, to } => reorder(table, from, to),
    }
}

/// `MODIFY COLUMN ... FIRST | AFTER` for each column out of its desired
/// place, moved one at a time from the order the other changes leave; a
/// column already in place is not touched.
fn reorder(table: &QualifiedName, from: &[String], to: &[Column]) -> Vec<String> {
    let mut now: Vec<&str> = from.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    for (i, c) in to.iter().enumerate() {
        if now.get(i) == Some(&c.name.as_str()) {
            continue;
        }
        if let Some(at) = now.iter().position(|n| *n == c.name) {
            now.remove(at);
        }
        now.insert(i.min(now.len()), &c.name);
        let place = match i {
            0 => "FIRST".to_owned(),
            _ => format!("AFTER {}", ident(D, &to[i - 1].name)),
        };
        out.push(format!(
            "{} MODIFY COLUMN {} {place};",
            alter(table),
            column_def(c)
        ));
    }
    out
}

/// A new default character set converts the columns too (`CONVERT TO`,
/// not `DEFAULT CHARSET`, which would leave them as they were); back to the
/// database's default is `CONVERT TO CHARACTER SET DEFAULT`.
fn table_options(table: &QualifiedName, from: &TableOptions, to: &TableOptions) -> Vec<String> {
    let mut out = Vec::new();
    if from.charset_differs(to) {
        let target = match (&to.charset, &to.collation) {
            (Some(cs), Some(co)) => format!("{cs} COLLATE {co}"),
            (Some(cs), None) => cs.clone(),
            (None, Some(co)) => format!("{} COLLATE {co}", co.split('_').next().unwrap_or(co)),
            (None, None) => "DEFAULT".into(),
        };
        out.push(format!(
            "{} CONVERT TO CHARACTER SET {target};",
            alter(table)
        ));
    }
    match (from.system_versioning, to.system_versioning) {
        (false, true) => out.push(format!("{} ADD SYSTEM VERSIONING;", alter(table))),
        (true, false) => out.push(format!("{} DROP SYSTEM VERSIONING;", alter(table))),
        _ => {}
    }
    out
}

/// `ALTER TABLE t RENAME INDEX a TO b;` (MariaDB 10.5, MySQL 5.7).
fn rename_index(table: &QualifiedName, from: &str, to: &str) -> String {
    format!(
        "{} RENAME INDEX {} TO {};",
        alter(table),
        ident(D, from),
        ident(D, to)
    )
}

/// Widens the list to hold the old and the new labels (appended labels
/// change no stored value), moves the rows to the new labels, then gives
/// the column its desired definition, which drops the old ones.
fn rename_labels(
    table: &QualifiedName,
    from: &Column,
    to: &Column,
    labels: &[(String, String)],
) -> Vec<String> {
    let mut all = from.data_type.enum_labels().unwrap_or_default();
    for label in to.data_type.enum_labels().unwrap_or_default() {
        if !all.contains(&label) {
            all.push(label);
        }
    }
    let list: Vec<String> = all.iter().map(|l| literal(D, l)).collect();
    let mut wide = from.clone();
    wide.data_type = ColumnType::new(D, format!("enum({})", list.join(",")));
    let mut out = vec![format!(
        "{} MODIFY COLUMN {};",
        alter(table),
        column_def(&wide)
    )];
    let column = ident(D, &to.name);
    for (old, new) in labels {
        out.push(format!(
            "UPDATE {} SET {column} = {} WHERE {column} = {};",
            qualified(D, table),
            literal(D, new),
            literal(D, old)
        ));
    }
    out.push(format!(
        "{} MODIFY COLUMN {};",
        alter(table),
        column_def(to)
    ));
    out
}

fn alter(table: &QualifiedName) -> String {
    alter_table(D, table)
}

fn create(table: &Table) -> String {
    let mut lines: Vec<String> = table.columns.iter().map(column_def).collect();
    lines.extend(table_constraints(D, table, false, &[]));
    let mut tail = String::new();
    if let Some(charset) = &table.options.charset {
        tail.push_str(&format!(" DEFAULT CHARSET={charset}"));
    }
    if let Some(collation) = &table.options.collation {
        tail.push_str(&format!(" COLLATE={collation}"));
    }
    if let Some(comment) = &table.comment {
        tail.push_str(&format!(" COMMENT = {}", literal(D, comment)));
    }
    if table.options.system_versioning {
        tail.push_str(" WITH SYSTEM VERSIONING");
    }
    create_table(D, &table.name, &lines, &tail)
}

/// The full column definition, as `CREATE TABLE`, `ADD COLUMN` and `MODIFY COLUMN` take it.
pub(crate) fn column_def(c: &Column) -> String {
    let mut sql = format!("{} {}", ident(D, &c.name), c.data_type.raw);
    if let Some(collation) = &c.collation {
        sql.push_str(&collate(D, collation));
    }
    if let Some(g) = &c.generated {
        sql.push_str(&generated(g));
    }
    // MariaDB refuses NULL / NOT NULL after a generated column's expression
    // (MySQL accepts both); a generated column is nullable by default on
    // both, so NULL is left out there, and NOT NULL is kept for MySQL.
    match (&c.generated, c.nullable) {
        (Some(_), true) => {}
        (_, true) => sql.push_str(" NULL"),
        (_, false) => sql.push_str(" NOT NULL"),
    }
    if let (Some(default), None) = (&c.default, &c.generated) {
        sql.push_str(&format!(" DEFAULT {default}"));
    }
    // MySQL has only AUTO_INCREMENT; any identity maps onto it.
    if c.identity.is_some() {
        sql.push_str(" AUTO_INCREMENT");
    }
    if let Some(comment) = &c.comment {
        sql.push_str(&format!(" COMMENT {}", literal(D, comment)));
    }
    sql
}
