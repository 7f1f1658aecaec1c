//! The rules applied to one parsed statement, knowing which tables the
//! revision itself created (empty, so nothing there is dangerous) and
//! whether the section runs in a transaction.

use crate::history::{Effect, Tables};
use crate::rules::Rule;
use migrate_graph::Dialect;
use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnDef, ColumnOption, ObjectName, ObjectNamePart,
    ObjectType, RenameTableNameKind, Statement as Ast, TableConstraint,
};
use sqlparser::keywords::Keyword;
use std::collections::HashSet;

/// The state of one revision's up section while its statements are read.
pub(crate) struct Ctx<'a> {
    pub dialect: Dialect,
    /// Whether the statement runs in a transaction.
    pub transaction: bool,
    /// Tables before the revision, with the revision that created each.
    pub before: &'a Tables,
    /// The ids of the graph's revisions, for messages.
    pub ids: &'a dyn Fn(usize) -> String,
    /// Tables this revision created: empty, so nothing done to them is risky.
    pub new_tables: HashSet<String>,
    /// Columns this revision added, as `(table, column)`.
    pub new_columns: HashSet<(String, String)>,
    pub effects: Vec<Effect>,
}

impl Ctx<'_> {
    fn is_new(&self, table: &str) -> bool {
        self.new_tables.contains(table)
    }

    fn is_new_column(&self, table: &str, column: &str) -> bool {
        self.is_new(table)
            || self
                .new_columns
                .contains(&(table.to_owned(), column.to_owned()))
    }

    /// `table `t``, with where it came from when the history knows.
    fn describe(&self, table: &str) -> String {
        match self.before.get(table) {
            Some(Some(rev)) => format!("table `{table}` (created by revision {})", (self.ids)(rev)),
            _ => format!("existing table `{table}`"),
        }
    }

    fn create(&mut self, table: String) {
        self.new_tables.insert(table.clone());
        self.effects.push(Effect::Create(table));
    }

    fn drop(&mut self, table: String) {
        self.new_tables.remove(&table);
        self.new_columns.retain(|(t, _)| *t != table);
        self.effects.push(Effect::Drop(table));
    }

    fn rename(&mut self, from: String, to: String) {
        if self.new_tables.remove(&from) {
            self.new_tables.insert(to.clone());
        }
        self.effects.push(Effect::Rename(from, to));
    }
}

/// A table or column name as the database compares it: unquoted names fold
/// to lowercase, and only the last part of `schema.table` counts.
pub(crate) fn key(name: &ObjectName) -> String {
    match name.0.last() {
        Some(ObjectNamePart::Identifier(ident)) => ident_key(ident),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

fn ident_key(ident: &sqlparser::ast::Ident) -> String {
    if ident.quote_style.is_some() {
        ident.value.clone()
    } else {
        ident.value.to_lowercase()
    }
}

/// The findings of one statement, as `(rule, what it does)`.
pub(crate) fn statement(ctx: &mut Ctx<'_>, ast: &Ast, out: &mut Vec<(Rule, String)>) {
    let pg = ctx.dialect == Dialect::Postgres;
    match ast {
        Ast::CreateTable(ct) => {
            let table = key(&ct.name);
            let kept = ct.if_not_exists && ctx.before.get(&table).is_some();
            if !kept {
                ctx.create(table);
            }
        }
        Ast::Drop {
            object_type: ObjectType::Table,
            names,
            ..
        } => {
            for name in names {
                let table = key(name);
                if !ctx.is_new(&table) {
                    out.push((Rule::DropTable, format!("drops {}", ctx.describe(&table))));
                }
                ctx.drop(table);
            }
        }
        Ast::RenameTable(renames) => {
            for r in renames {
                let (from, to) = (key(&r.old_name), key(&r.new_name));
                if !ctx.is_new(&from) {
                    let what = format!("renames {} to `{to}`", ctx.describe(&from));
                    out.push((Rule::RenameTable, what));
                }
                ctx.rename(from, to);
            }
        }
        Ast::CreateIndex(ci) => {
            let table = key(&ci.table_name);
            if pg && ci.concurrently && ctx.transaction {
                out.push((
                    Rule::ConcurrentlyInTransaction,
                    "creates an index CONCURRENTLY in a section that runs in a transaction".into(),
                ));
            }
            if pg && !ci.concurrently && !ctx.is_new(&table) {
                let what = format!(
                    "creates an index on {} without CONCURRENTLY",
                    ctx.describe(&table)
                );
                out.push((Rule::IndexNotConcurrent, what));
            }
        }
        Ast::AlterTable(at) => {
            let table = key(&at.name);
            for op in &at.operations {
                alter(ctx, &table, op, out);
            }
        }
        _ => {}
    }
}

fn alter(ctx: &mut Ctx<'_>, table: &str, op: &AlterTableOperation, out: &mut Vec<(Rule, String)>) {
    let existing = !ctx.is_new(table);
    match op {
        AlterTableOperation::AddColumn { column_def, .. } => {
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
            ctx.new_columns.insert((table.to_owned(), column));
        }
        AlterTableOperation::DropColumn { column_names, .. } => {
            for c in column_names {
                let column = ident_key(c);
                if !ctx.is_new_column(table, &column) {
                    let what = format!("drops column `{column}` of {}", ctx.describe(table));
                    out.push((Rule::DropColumn, what));
                }
            }
        }
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => {
            let column = ident_key(old_column_name);
            if !ctx.is_new_column(table, &column) {
                let what = format!(
                    "renames column `{column}` of {} to `{}`",
                    ctx.describe(table),
                    ident_key(new_column_name)
                );
                out.push((Rule::RenameColumn, what));
            }
        }
        AlterTableOperation::RenameTable { table_name } => {
            let (RenameTableNameKind::As(to) | RenameTableNameKind::To(to)) = table_name;
            let to = key(to);
            if existing {
                let what = format!("renames {} to `{to}`", ctx.describe(table));
                out.push((Rule::RenameTable, what));
            }
            ctx.rename(table.to_owned(), to);
        }
        AlterTableOperation::AlterColumn { column_name, op } => {
            let column = ident_key(column_name);
            if ctx.is_new_column(table, &column) {
                return;
            }
            match op {
                AlterColumnOperation::SetNotNull => {
                    let what =
                        format!("sets column `{column}` of {} NOT NULL", ctx.describe(table));
                    out.push((Rule::SetNotNull, what));
                }
                AlterColumnOperation::SetDataType { data_type, .. } => {
                    let what = format!(
                        "changes the type of column `{column}` of {} to {data_type}",
                        ctx.describe(table)
                    );
                    out.push((Rule::ChangeColumnType, what));
                }
                _ => {}
            }
        }
        AlterTableOperation::ModifyColumn {
            col_name,
            data_type,
            ..
        } => {
            let column = ident_key(col_name);
            if !ctx.is_new_column(table, &column) {
                let what = format!(
                    "redefines column `{column}` of {} as {data_type}",
                    ctx.describe(table)
                );
                out.push((Rule::ChangeColumnType, what));
            }
        }
        AlterTableOperation::ChangeColumn {
            old_name,
            new_name,
            data_type,
            ..
        } => {
            let (old, new) = (ident_key(old_name), ident_key(new_name));
            if !ctx.is_new_column(table, &old) {
                if old != new {
                    let what = format!(
                        "renames column `{old}` of {} to `{new}`",
                        ctx.describe(table)
                    );
                    out.push((Rule::RenameColumn, what));
                }
                let what = format!(
                    "redefines column `{old}` of {} as {data_type}",
                    ctx.describe(table)
                );
                out.push((Rule::ChangeColumnType, what));
            }
        }
        AlterTableOperation::AddConstraint {
            constraint,
            not_valid,
        } if ctx.dialect == Dialect::Postgres && existing && !not_valid => {
            let kind = match constraint {
                TableConstraint::ForeignKey(_) => "a foreign key",
                TableConstraint::Check(_) => "a check constraint",
                _ => return,
            };
            let what = format!("adds {kind} to {} without NOT VALID", ctx.describe(table));
            out.push((Rule::ConstraintNotValid, what));
        }
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
    let serial = column
        .data_type
        .to_string()
        .to_ascii_uppercase()
        .contains("SERIAL");
    not_null && !filled && !serial
}

/// Whether a statement changes rows (for the MySQL rules).
pub(crate) fn is_dml(ast: &Ast) -> bool {
    matches!(
        ast,
        Ast::Insert(_) | Ast::Update(_) | Ast::Delete(_) | Ast::Merge(_)
    )
}

/// Whether a statement is DDL, from its first word (the splitter starts a
/// statement at its first token).
pub(crate) fn is_ddl_text(text: &str) -> bool {
    let word = first_word(text);
    ["CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE"]
        .iter()
        .any(|k| word.eq_ignore_ascii_case(k))
}

/// Whether a statement that was not parsed changes rows, from its first word.
pub(crate) fn is_dml_text(text: &str) -> bool {
    let word = first_word(text);
    ["INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE"]
        .iter()
        .any(|k| word.eq_ignore_ascii_case(k))
}

fn first_word(text: &str) -> &str {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("")
}

/// Whether an unparsed statement's head says CONCURRENTLY.
pub(crate) fn says_concurrently(head: &[Keyword]) -> bool {
    head.contains(&Keyword::CONCURRENTLY)
}
