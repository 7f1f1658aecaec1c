//! SQLite statements. What `ALTER TABLE` cannot express (changing a column,
//! adding or dropping a constraint, dropping a constrained column) rebuilds
//! the table with the documented procedure, keeping its rows (and so does
//! moving a column, the rebuild creating the columns in the desired order):
//! `CREATE TABLE new_x`, `INSERT INTO new_x SELECT ... FROM x`, `DROP TABLE x`,
//! `ALTER TABLE new_x RENAME TO x`, then its indexes. A draft with a rebuild
//! runs outside the runtime's transaction, between `PRAGMA foreign_keys = OFF`
//! and `ON` with its own `BEGIN`/`COMMIT`: with foreign keys on, `DROP TABLE x`
//! would delete (or cascade into) the rows that reference `x`.

use std::collections::{HashMap, HashSet};

use super::object_ddl::{create_object, drop_object, replace_object};
use super::quote::ident;
use super::sql::{add_column, alter_table, drop_column, drop_index, drop_table, rename_column};
use super::{Context, Statement};
use crate::change::Change;
use crate::model::{Column, Dialect, ForeignKey, GeneratedKind, QualifiedName, Table};
use crate::warn::{Warning, WarningKind};

mod ddl;

use ddl::{column_def, create, create_index, rebuild_table};

const D: Dialect = Dialect::Sqlite;

/// The temporary table that turns foreign-key violations into an error.
const FK_CHECK: &str = "migrate_foreign_key_check";

/// The error a rebuild that breaks a foreign key fails with.
const FK_CHECK_MESSAGE: &str =
    "the rebuilt tables hold rows that violate a foreign key (see PRAGMA foreign_key_check)";

/// Renders every change; returns the statements and whether they may run in
/// the runtime's transaction.
pub(crate) fn render_all(
    ctx: &Context,
    notes: &mut Vec<String>,
    warnings: &mut Vec<Warning>,
) -> (Vec<Statement>, bool) {
    let tables = Tables::new(ctx);
    let mut last: HashMap<QualifiedName, usize> = HashMap::new();
    let mut rebuild: HashSet<QualifiedName> = HashSet::new();
    for (i, change) in ctx.changes.iter().enumerate() {
        let Some(target) = tables.target(change) else {
            continue;
        };
        last.insert(target.clone(), i);
        if needs_rebuild(change, &tables) {
            rebuild.insert(target);
        }
    }
    let mut out = Vec::new();
    let mut deferred = false;
    for (i, change) in ctx.changes.iter().enumerate() {
        let target = tables.target(change);
        let rebuilt = target.as_ref().is_some_and(|t| rebuild.contains(t));
        let keep = !rebuilt
            || matches!(
                change,
                Change::RenameTable { .. } | Change::RenameColumn { .. }
            );
        if matches!(change, Change::DropForeignKey { table, .. } if tables.dropped.contains(table))
            && !deferred
        {
            // Tables dropped together may reference each other: no drop order
            // satisfies a cycle, so references are checked at commit instead.
            deferred = true;
            out.push(Statement {
                sql: "PRAGMA defer_foreign_keys = ON;".into(),
                change: change.describe(),
            });
        }
        if keep {
            for sql in render(change, &tables, notes) {
                out.push(Statement {
                    sql,
                    change: change.describe(),
                });
            }
        }
        if let Some(t) = target.filter(|t| rebuild.contains(t) && last.get(t) == Some(&i)) {
            warnings.push(Warning {
                kind: WarningKind::TableRebuild,
                object: t.to_string(),
                message: "SQLite cannot alter this in place: the table is rebuilt and its rows \
                          copied (locks the database; views and triggers on it must be recreated)"
                    .into(),
            });
            for sql in rebuild_table(&t, &tables) {
                out.push(Statement {
                    sql,
                    change: format!("rebuild table {t}"),
                });
            }
        }
    }
    if rebuild.is_empty() {
        return (out, true);
    }
    notes.push(
        "the SQLite table rebuild runs outside the migration transaction: it turns \
         foreign keys off, rebuilds in its own transaction, fails before COMMIT when \
         PRAGMA foreign_key_check lists a violation, and turns foreign keys back on"
            .into(),
    );
    let wrap = |sql: &str| Statement {
        sql: sql.into(),
        change: "table rebuild".into(),
    };
    // legacy_alter_table: the final `ALTER TABLE new_x RENAME TO x` must not
    // re-check views and triggers that name `x` while it does not exist (it
    // fails with "error in view ...: no such table"), as SQLite's own
    // rebuild procedure advises.
    let mut wrapped = vec![
        wrap("PRAGMA foreign_keys = OFF;"),
        wrap("PRAGMA legacy_alter_table = 1;"),
        wrap("BEGIN;"),
    ];
    wrapped.extend(out);
    // `PRAGMA foreign_key_check` only lists violations; counted into a
    // table whose CHECK wants none, they fail the rebuild before COMMIT.
    wrapped.extend([
        wrap(&format!(
            "CREATE TEMP TABLE {FK_CHECK} (violations INTEGER CONSTRAINT \"{FK_CHECK_MESSAGE}\" \
             CHECK (violations = 0));"
        )),
        wrap(&format!(
            "INSERT INTO temp.{FK_CHECK} SELECT count(*) FROM pragma_foreign_key_check;"
        )),
        wrap(&format!("DROP TABLE temp.{FK_CHECK};")),
        wrap("COMMIT;"),
        wrap("PRAGMA legacy_alter_table = 0;"),
        wrap("PRAGMA foreign_keys = ON;"),
    ]);
    (wrapped, false)
}

/// What the change list does to tables as a whole, with the lookups the
/// renderer needs kept in maps so a draft stays linear in its size.
pub(super) struct Tables<'a> {
    /// Current name → desired name.
    renamed: HashMap<QualifiedName, QualifiedName>,
    /// Desired name → current name.
    pub(super) renamed_from: HashMap<QualifiedName, QualifiedName>,
    /// Column renames by (desired) table name, in order.
    pub(super) column_renames: HashMap<QualifiedName, Vec<(String, String)>>,
    created: HashSet<QualifiedName>,
    dropped: HashSet<QualifiedName>,
    /// Foreign keys of created tables, written inline.
    new_fks: HashMap<QualifiedName, Vec<ForeignKey>>,
    pub(super) current: HashMap<&'a QualifiedName, &'a Table>,
    pub(super) desired: HashMap<&'a QualifiedName, &'a Table>,
}

impl<'a> Tables<'a> {
    fn new(ctx: &Context<'a>) -> Self {
        let mut t = Tables {
            renamed: HashMap::new(),
            renamed_from: HashMap::new(),
            column_renames: HashMap::new(),
            created: HashSet::new(),
            dropped: HashSet::new(),
            new_fks: HashMap::new(),
            current: ctx.current.tables.iter().map(|t| (&t.name, t)).collect(),
            desired: ctx.desired.tables.iter().map(|t| (&t.name, t)).collect(),
        };
        for change in ctx.changes {
            match change {
                Change::RenameTable { from, to } => {
                    t.renamed.insert(from.clone(), to.clone());
                    t.renamed_from.insert(to.clone(), from.clone());
                }
                Change::RenameColumn { table, from, to } => {
                    let renames = t.column_renames.entry(table.clone()).or_default();
                    renames.push((from.clone(), to.clone()));
                }
                Change::CreateTable { table } => {
                    t.created.insert(table.name.clone());
                }
                Change::DropTable { table } => {
                    t.dropped.insert(table.name.clone());
                }
                _ => {}
            }
        }
        for change in ctx.changes {
            if let Change::AddForeignKey { table, foreign_key } = change {
                if t.created.contains(table) {
                    t.new_fks
                        .entry(table.clone())
                        .or_default()
                        .push(foreign_key.clone());
                }
            }
        }
        t
    }

    /// The desired name of an existing table the change alters, if any.
    fn target(&self, change: &Change) -> Option<QualifiedName> {
        let table = change.table()?;
        if matches!(
            change,
            Change::CreateTable { .. } | Change::DropTable { .. }
        ) || self.created.contains(table)
            || self.dropped.contains(table)
        {
            return None;
        }
        Some(
            self.renamed
                .get(table)
                .cloned()
                .unwrap_or_else(|| table.clone()),
        )
    }
}

fn needs_rebuild(change: &Change, tables: &Tables) -> bool {
    use Change::*;
    match change {
        AlterColumn { from, to, .. } | RenameLabels { from, to, .. } => {
            let mut same = from.clone();
            same.comment = to.comment.clone();
            &same != to
        }
        AddPrimaryKey { .. }
        | DropPrimaryKey { .. }
        | AddUnique { .. }
        | DropUnique { .. }
        | AddCheck { .. }
        | DropCheck { .. }
        | AddForeignKey { .. }
        | DropForeignKey { .. }
        | AlterTableOptions { .. }
        | RenameConstraint { .. }
        | ReorderColumns { .. } => true,
        AddColumn { column, .. } => !can_add(column),
        DropColumn { table, column } => {
            let current = tables.renamed_from.get(table).unwrap_or(table);
            tables
                .current
                .get(current)
                .is_none_or(|t| constrains(t, &column.name))
        }
        _ => false,
    }
}

/// Whether `ALTER TABLE ADD COLUMN` accepts the column (SQLite's documented limits).
fn can_add(c: &Column) -> bool {
    let default_ok = c.default.as_deref().is_none_or(|d| {
        let upper = d.trim().to_uppercase();
        !upper.starts_with('(') && !upper.starts_with("CURRENT_")
    });
    let not_null_ok = c.nullable || c.default.is_some() || c.generated.is_some();
    let generated_ok = c
        .generated
        .as_ref()
        .is_none_or(|g| g.kind == GeneratedKind::Virtual);
    default_ok && not_null_ok && generated_ok && c.identity.is_none()
}

/// Whether dropping `column` needs a rebuild: a key, constraint or expression
/// uses it. Expressions are searched as text, which errs on the side of a rebuild.
fn constrains(t: &Table, column: &str) -> bool {
    let has = |cols: &[String]| cols.iter().any(|c| c == column);
    t.primary_key.as_ref().is_some_and(|k| has(&k.columns))
        || t.uniques.iter().any(|u| has(&u.columns))
        || t.foreign_keys.iter().any(|f| has(&f.columns))
        || t.checks.iter().any(|c| c.expression.contains(column))
        || t.columns.iter().any(|c| {
            c.generated
                .as_ref()
                .is_some_and(|g| g.expression.contains(column))
        })
}

fn render(change: &Change, tables: &Tables, notes: &mut Vec<String>) -> Vec<String> {
    use Change::*;
    match change {
        CreateTable { table } => {
            let fks = tables
                .new_fks
                .get(&table.name)
                .map(Vec::as_slice)
                .unwrap_or_default();
            vec![create(table, &table.name, fks)]
        }
        DropTable { table } => vec![drop_table(D, &table.name)],
        RenameTable { from, to } => vec![format!(
            "{} RENAME TO {};",
            alter_table(D, from),
            ident(D, &to.name)
        )],
        AddColumn { table, column } => vec![add_column(D, table, &column_def(column, false))],
        DropColumn { table, column } => vec![drop_column(D, table, &column.name)],
        RenameColumn { table, from, to } => vec![rename_column(D, table, from, to)],
        CreateIndex { table, index } => vec![create_index(table, index)],
        DropIndex { table, index } => vec![drop_index(D, table, &index.name)],
        // SQLite renames no index: it is created again under its new name.
        RenameIndex { table, from, to } => {
            vec![drop_index(D, table, &from.name), create_index(table, to)]
        }
        // Constraints live in the table's text: the table is rebuilt.
        RenameConstraint { .. } => vec![],
        // Foreign keys of created tables are inline; those of dropped tables go with them.
        AddForeignKey { .. } | DropForeignKey { .. } => vec![],
        CreateObject { object } => create_object(object, D),
        DropObject { object } => drop_object(object, D),
        ReplaceObject { from, to } => replace_object(from, to, D),
        SetTableComment { .. } | AlterColumn { .. } | RenameLabels { .. } => {
            notes.push(format!(
                "{}: SQLite has no comments, not generated",
                change.describe()
            ));
            vec![]
        }
        CreateSchema { .. }
        | DropSchema { .. }
        | CreateEnum { .. }
        | AddEnumValue { .. }
        | RecreateEnum { .. }
        | RenameEnum { .. }
        | RenameEnumValue { .. }
        | DropEnum { .. } => {
            notes.push(format!(
                "{}: SQLite has no such objects, not generated",
                change.describe()
            ));
            vec![]
        }
        AddPrimaryKey { .. }
        | DropPrimaryKey { .. }
        | AddUnique { .. }
        | DropUnique { .. }
        | AddCheck { .. }
        | DropCheck { .. }
        | AlterTableOptions { .. }
        | ReorderColumns { .. } => {
            // Always part of a rebuild, which `needs_rebuild` decides.
            vec![]
        }
    }
}
