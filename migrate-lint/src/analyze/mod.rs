//! The rules applied to one parsed statement, knowing what existed before
//! the revision (tables by full name, their columns' types), what the
//! revision itself created (empty, so nothing done to it is risky) and
//! whether the section runs in a transaction.
//!
//! # Imports
//!
//! `body`, `data`, `drop`, `table`, `text` → `names`

mod body;
mod data;
mod drop;
mod names;
mod table;
mod text;

use crate::history::{Effect, Tables};
use crate::rules::Rule;
use migrate_graph::Dialect;
use sqlparser::ast::{AlterTypeOperation, ObjectName, Statement as Ast};
use std::collections::{HashMap, HashSet};

pub(crate) use body::bodies;
pub(crate) use names::{ident_key, key as names_key};
pub(crate) use text::{enum_use, is_ddl_text, is_dml_text, opaque};

/// A statement's raw findings: `(rule, what it does)`.
pub(crate) type Found = Vec<(Rule, String)>;

/// The state of one revision's up section while its statements are read.
pub(crate) struct Ctx<'a> {
    pub dialect: Dialect,
    /// Whether the statement runs in a transaction.
    pub transaction: bool,
    /// The revision's index in the graph, for the history.
    pub revision: usize,
    /// The ids of the graph's revisions, for messages.
    pub ids: &'a dyn Fn(usize) -> String,
    /// What exists now: the state before the revision plus its effects so far.
    pub now: Tables,
    /// Tables this revision created: empty, so nothing done to them is risky.
    pub new_tables: HashSet<String>,
    /// Columns this revision added, as `(table, column)`.
    pub new_columns: HashSet<(String, String)>,
    /// Indexes this revision created.
    pub new_indexes: HashSet<String>,
    /// Tables whose rows were copied into a new table: `from → into` (the
    /// first half of a SQLite rebuild).
    pub copies: HashMap<String, String>,
    /// The next statement, if it completes what this one starts.
    pub next: Option<Next>,
    /// Enum labels this transaction added, which it cannot use.
    pub enum_labels: Vec<String>,
    /// What the revision did, for the revisions after it.
    pub effects: Vec<Effect>,
}

impl<'a> Ctx<'a> {
    /// A context for revision `revision`, starting from `before`.
    pub fn new(
        dialect: Dialect,
        transaction: bool,
        revision: usize,
        ids: &'a dyn Fn(usize) -> String,
        before: Tables,
    ) -> Ctx<'a> {
        Ctx {
            dialect,
            transaction,
            revision,
            ids,
            now: before,
            new_tables: HashSet::new(),
            new_columns: HashSet::new(),
            new_indexes: HashSet::new(),
            copies: HashMap::new(),
            next: None,
            enum_labels: Vec::new(),
            effects: Vec::new(),
        }
    }

    fn pg(&self) -> bool {
        self.dialect == Dialect::Postgres
    }

    /// A table's name as the database compares it (see [`names::key`]).
    pub fn key(&self, name: &ObjectName) -> String {
        names::key(self.dialect, name)
    }

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
        match self.now.get(table).and_then(|t| t.origin) {
            Some(rev) if !self.is_new(table) => {
                format!("table `{table}` (created by revision {})", (self.ids)(rev))
            }
            _ => format!("existing table `{table}`"),
        }
    }

    /// Records an effect and applies it to [`Ctx::now`].
    fn effect(&mut self, e: Effect) {
        self.now.apply(self.revision, &e);
        self.effects.push(e);
    }

    fn create(&mut self, table: String, columns: Vec<(String, String)>) {
        self.new_tables.insert(table.clone());
        self.effect(Effect::Create(table, columns));
    }

    fn drop_table(&mut self, table: String) {
        self.new_tables.remove(&table);
        self.new_columns.retain(|(t, _)| *t != table);
        self.effect(Effect::Drop(table));
    }

    fn rename(&mut self, from: String, to: String) {
        if self.new_tables.remove(&from) {
            self.new_tables.insert(to.clone());
        }
        self.effect(Effect::Rename(from, to));
    }
}

/// A next statement that makes this one safe.
pub(crate) enum Next {
    /// `ALTER TABLE a RENAME TO b`: a rebuild drops the old table just
    /// before the copy takes its name.
    Rename(String, String),
    /// `ALTER TABLE t ADD COLUMN c`: a generated column dropped and added
    /// back with a new expression loses nothing.
    AddColumn(String, String),
    /// `ALTER TABLE t CHANGE COLUMN x c ...` or `RENAME COLUMN x TO c`: a
    /// generated column dropped just before another column takes its name
    /// (its values copied there first, as autogenerate does when a column
    /// stops being generated) loses nothing either.
    TakesName(String, String),
}

/// The findings of one statement.
pub(crate) fn statement(ctx: &mut Ctx<'_>, ast: &Ast, out: &mut Found) {
    match ast {
        Ast::CreateTable(ct) => {
            let table = ctx.key(&ct.name);
            let kept = ct.if_not_exists && ctx.now.get(&table).is_some();
            if !kept {
                let columns = ct
                    .columns
                    .iter()
                    .map(|c| (ident_key(&c.name), names::column_key(c)))
                    .collect();
                ctx.create(table, columns);
            }
        }
        Ast::Drop { .. }
        | Ast::DropDomain(_)
        | Ast::DropFunction(_)
        | Ast::DropProcedure { .. }
        | Ast::DropExtension(_) => drop::statement(ctx, ast, out),
        Ast::RenameTable(renames) => {
            for r in renames {
                let (from, to) = (ctx.key(&r.old_name), ctx.key(&r.new_name));
                if !ctx.is_new(&from) {
                    let what = format!("renames {} to `{to}`", ctx.describe(&from));
                    out.push((Rule::RenameTable, what));
                }
                ctx.rename(from, to);
            }
        }
        Ast::CreateIndex(ci) => table::create_index(ctx, ci, out),
        Ast::AlterTable(at) => {
            let table = ctx.key(&at.name);
            for op in &at.operations {
                table::alter(ctx, &table, op, out);
            }
        }
        Ast::AlterType(at) => {
            if let AlterTypeOperation::AddValue(add) = &at.operation {
                if ctx.pg() && ctx.transaction {
                    ctx.enum_labels.push(add.value.value.clone());
                }
            }
        }
        Ast::Truncate(_) | Ast::Delete(_) | Ast::Update(_) | Ast::Insert(_) => {
            data::statement(ctx, ast, out)
        }
        Ast::Lock(_) | Ast::LockTables { .. } => out.push((
            Rule::LockTable,
            "locks tables explicitly for the rest of the revision".into(),
        )),
        Ast::Vacuum(v) if ctx.pg() => text::vacuum(ctx, v.full, out),
        _ => {}
    }
}

/// Whether a statement changes rows (for the MySQL rules).
pub(crate) fn is_dml(ast: &Ast) -> bool {
    matches!(
        ast,
        Ast::Insert(_) | Ast::Update(_) | Ast::Delete(_) | Ast::Merge(_)
    )
}
