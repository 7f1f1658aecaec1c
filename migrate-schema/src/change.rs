//! The changes a diff produces, in the order they must run.

use serde::{Deserialize, Serialize};

use crate::model::{
    Check, Column, EnumType, ForeignKey, Index, OtherObject, PrimaryKey, QualifiedName, Table,
    TableOptions, Unique,
};

/// One schema change. Table names are the names the table has at the point
/// where the change runs: drops of constraints, indexes and tables come before
/// renames and use current names; everything after the renames uses desired names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// `CREATE SCHEMA`.
    CreateSchema {
        /// The namespace.
        name: String,
    },
    /// `DROP SCHEMA`.
    DropSchema {
        /// The namespace.
        name: String,
    },
    /// `CREATE TYPE ... AS ENUM`.
    CreateEnum {
        /// The new type.
        enum_type: EnumType,
    },
    /// `ALTER TYPE ... ADD VALUE`.
    AddEnumValue {
        /// The type.
        name: QualifiedName,
        /// The new label.
        value: String,
        /// Where it goes among the existing labels.
        position: EnumPosition,
    },
    /// An enum whose labels were removed or reordered: a new type replaces the old one.
    RecreateEnum {
        /// The type as it is.
        from: EnumType,
        /// The type as it should be.
        to: EnumType,
        /// Columns of that type (table, column), converted through `text`.
        columns: Vec<(QualifiedName, String)>,
    },
    /// `DROP TYPE`.
    DropEnum {
        /// The type being dropped.
        enum_type: EnumType,
    },
    /// `CREATE TABLE`. Foreign keys follow as [`Change::AddForeignKey`].
    CreateTable {
        /// The table without its foreign keys.
        table: Table,
    },
    /// `DROP TABLE`.
    DropTable {
        /// The table being dropped, as it is.
        table: Table,
    },
    /// `ALTER TABLE ... RENAME TO`, from a rename hint.
    RenameTable {
        /// The current name.
        from: QualifiedName,
        /// The desired name.
        to: QualifiedName,
    },
    /// `ADD COLUMN`.
    AddColumn {
        /// The table.
        table: QualifiedName,
        /// The new column.
        column: Column,
    },
    /// `DROP COLUMN`.
    DropColumn {
        /// The table.
        table: QualifiedName,
        /// The column being dropped, as it is.
        column: Column,
    },
    /// `RENAME COLUMN`, from a rename hint.
    RenameColumn {
        /// The table.
        table: QualifiedName,
        /// The current name.
        from: String,
        /// The desired name.
        to: String,
    },
    /// A change of type, nullability, default, identity, generation, collation or comment.
    AlterColumn {
        /// The table.
        table: QualifiedName,
        /// The column as it is (already renamed).
        from: Column,
        /// The column as it should be.
        to: Column,
    },
    /// An [`AlterColumn`](Change::AlterColumn) of a MySQL/MariaDB inline
    /// `ENUM(...)` column whose labels are renamed by hints, the values
    /// kept: the list is widened to hold both labels, the rows are updated,
    /// then the column takes its desired definition.
    RenameLabels {
        /// The table.
        table: QualifiedName,
        /// The column as it is (already renamed).
        from: Column,
        /// The column as it should be.
        to: Column,
        /// (old label, new label), in the order of the current list.
        labels: Vec<(String, String)>,
    },
    /// `ADD PRIMARY KEY`.
    AddPrimaryKey {
        /// The table.
        table: QualifiedName,
        /// The key.
        key: PrimaryKey,
    },
    /// `DROP PRIMARY KEY` / `DROP CONSTRAINT`.
    DropPrimaryKey {
        /// The table.
        table: QualifiedName,
        /// The key as it is.
        key: PrimaryKey,
    },
    /// `ADD UNIQUE`.
    AddUnique {
        /// The table.
        table: QualifiedName,
        /// The constraint.
        unique: Unique,
    },
    /// Drops a unique constraint.
    DropUnique {
        /// The table.
        table: QualifiedName,
        /// The constraint as it is.
        unique: Unique,
    },
    /// `ADD FOREIGN KEY`.
    AddForeignKey {
        /// The referencing table.
        table: QualifiedName,
        /// The constraint.
        foreign_key: ForeignKey,
    },
    /// Drops a foreign key.
    DropForeignKey {
        /// The referencing table.
        table: QualifiedName,
        /// The constraint as it is.
        foreign_key: ForeignKey,
    },
    /// `ADD CHECK`.
    AddCheck {
        /// The table.
        table: QualifiedName,
        /// The constraint.
        check: Check,
    },
    /// Drops a check constraint.
    DropCheck {
        /// The table.
        table: QualifiedName,
        /// The constraint as it is.
        check: Check,
    },
    /// `CREATE INDEX`.
    CreateIndex {
        /// The table.
        table: QualifiedName,
        /// The index.
        index: Index,
    },
    /// `DROP INDEX`.
    DropIndex {
        /// The table.
        table: QualifiedName,
        /// The index as it is.
        index: Index,
    },
    /// Creates a view, routine, trigger or other object from its definition.
    CreateObject {
        /// The object as the desired schema has it.
        object: OtherObject,
    },
    /// Drops a view, routine, trigger or other object.
    DropObject {
        /// The object as it is.
        object: OtherObject,
    },
    /// Changes an object in place (`CREATE OR REPLACE FUNCTION`, `ALTER
    /// SEQUENCE`, `ALTER EXTENSION ... UPDATE`): nothing that uses it has to go.
    ReplaceObject {
        /// The object as it is.
        from: OtherObject,
        /// The object as it should be.
        to: OtherObject,
    },
    /// An index renamed by a hint, nothing else about it changed: `ALTER
    /// INDEX ... RENAME TO` (PostgreSQL), `RENAME INDEX` (MySQL), a drop and
    /// a create (SQLite).
    RenameIndex {
        /// The table (its desired name).
        table: QualifiedName,
        /// The index as it is.
        from: Index,
        /// The index as it should be.
        to: Index,
    },
    /// A constraint renamed by a hint, nothing else about it changed:
    /// `RENAME CONSTRAINT` where the engine has it, else the drop and the
    /// add it stands for.
    RenameConstraint {
        /// The table (its desired name).
        table: QualifiedName,
        /// The change dropping the constraint as it is (`DropUnique`,
        /// `DropCheck`, `DropForeignKey` or `DropPrimaryKey`).
        drop: Box<Change>,
        /// The change adding it under its new name.
        add: Box<Change>,
    },
    /// `ALTER TYPE ... RENAME TO`, from a hint.
    RenameEnum {
        /// The current name.
        from: QualifiedName,
        /// The desired name.
        to: QualifiedName,
    },
    /// `ALTER TYPE ... RENAME VALUE`, from a hint.
    RenameEnumValue {
        /// The type (its desired name).
        name: QualifiedName,
        /// The current label.
        from: String,
        /// The desired label.
        to: String,
    },
    /// `COMMENT ON TABLE` / `ALTER TABLE ... COMMENT`.
    SetTableComment {
        /// The table.
        table: QualifiedName,
        /// The new comment; `None` removes it.
        comment: Option<String>,
    },
    /// Table options: MariaDB `CONVERT TO CHARACTER SET`, `ADD`/`DROP
    /// SYSTEM VERSIONING`; SQLite `STRICT`/`WITHOUT ROWID` (a rebuild).
    AlterTableOptions {
        /// The table.
        table: QualifiedName,
        /// The options as they are.
        from: TableOptions,
        /// The options as they should be.
        to: TableOptions,
    },
    /// Column order: MariaDB/MySQL `MODIFY COLUMN ... FIRST | AFTER`, a
    /// table rebuild on SQLite. PostgreSQL cannot reorder columns: its
    /// drafts leave this change out and report the order in
    /// [`Draft::not_generated`](crate::Draft::not_generated).
    ReorderColumns {
        /// The table.
        table: QualifiedName,
        /// The order the draft's other changes leave (added columns last).
        from: Vec<String>,
        /// The columns as they should be, in their desired order.
        to: Vec<Column>,
    },
}

/// Where [`Change::AddEnumValue`] puts its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnumPosition {
    /// After every existing label.
    End,
    /// Right before this label.
    Before(String),
    /// Right after this label.
    After(String),
}

impl Change {
    /// The table the change works on, if it works on one.
    pub fn table(&self) -> Option<&QualifiedName> {
        use Change::*;
        match self {
            CreateTable { table } | DropTable { table } => Some(&table.name),
            RenameTable { to, .. } => Some(to),
            AddColumn { table, .. }
            | DropColumn { table, .. }
            | RenameColumn { table, .. }
            | AlterColumn { table, .. }
            | RenameLabels { table, .. }
            | AddPrimaryKey { table, .. }
            | DropPrimaryKey { table, .. }
            | AddUnique { table, .. }
            | DropUnique { table, .. }
            | AddForeignKey { table, .. }
            | DropForeignKey { table, .. }
            | AddCheck { table, .. }
            | DropCheck { table, .. }
            | CreateIndex { table, .. }
            | DropIndex { table, .. }
            | RenameIndex { table, .. }
            | RenameConstraint { table, .. }
            | SetTableComment { table, .. }
            | AlterTableOptions { table, .. }
            | ReorderColumns { table, .. } => Some(table),
            CreateSchema { .. }
            | DropSchema { .. }
            | CreateEnum { .. }
            | AddEnumValue { .. }
            | RecreateEnum { .. }
            | DropEnum { .. }
            | RenameEnum { .. }
            | RenameEnumValue { .. }
            | CreateObject { .. }
            | DropObject { .. }
            | ReplaceObject { .. } => None,
        }
    }

    /// The name of the constraint a change adds or drops, when it has one.
    pub fn constraint_name(&self) -> Option<&str> {
        use Change::*;
        match self {
            AddUnique { unique, .. } | DropUnique { unique, .. } => unique.name.as_deref(),
            AddCheck { check, .. } | DropCheck { check, .. } => check.name.as_deref(),
            AddForeignKey { foreign_key, .. } | DropForeignKey { foreign_key, .. } => {
                foreign_key.name.as_deref()
            }
            AddPrimaryKey { key, .. } | DropPrimaryKey { key, .. } => key.name.as_deref(),
            _ => None,
        }
    }

    /// A short description naming the object, for warnings and notes.
    pub fn describe(&self) -> String {
        use Change::*;
        match self {
            CreateSchema { name } => format!("create schema {name}"),
            DropSchema { name } => format!("drop schema {name}"),
            CreateEnum { enum_type } => format!("create type {}", enum_type.name),
            AddEnumValue { name, value, .. } => format!("add value '{value}' to type {name}"),
            RecreateEnum { to, .. } => format!("recreate type {}", to.name),
            DropEnum { enum_type } => format!("drop type {}", enum_type.name),
            CreateTable { table } => format!("create table {}", table.name),
            DropTable { table } => format!("drop table {}", table.name),
            RenameTable { from, to } => format!("rename table {from} to {to}"),
            AddColumn { table, column } => format!("add column {table}.{}", column.name),
            DropColumn { table, column } => format!("drop column {table}.{}", column.name),
            RenameColumn { table, from, to } => {
                format!("rename column {table}.{from} to {to}")
            }
            AlterColumn { table, to, .. } => format!("alter column {table}.{}", to.name),
            RenameLabels {
                table, to, labels, ..
            } => format!(
                "rename labels {} of column {table}.{}",
                labels
                    .iter()
                    .map(|(from, to)| format!("'{from}' to '{to}'"))
                    .collect::<Vec<_>>()
                    .join(", "),
                to.name
            ),
            AddPrimaryKey { table, .. } => format!("add primary key on {table}"),
            DropPrimaryKey { table, .. } => format!("drop primary key on {table}"),
            AddUnique { table, unique } => {
                format!("add unique ({}) on {table}", unique.columns.join(", "))
            }
            DropUnique { table, unique } => {
                format!("drop unique ({}) on {table}", unique.columns.join(", "))
            }
            AddForeignKey { table, foreign_key } => format!(
                "add foreign key {table}({}) -> {}",
                foreign_key.columns.join(", "),
                foreign_key.referenced_table
            ),
            DropForeignKey { table, foreign_key } => format!(
                "drop foreign key {table}({}) -> {}",
                foreign_key.columns.join(", "),
                foreign_key.referenced_table
            ),
            AddCheck { table, check } => format!("add check ({}) on {table}", check.expression),
            DropCheck { table, check } => format!("drop check ({}) on {table}", check.expression),
            CreateIndex { table, index } => format!("create index {} on {table}", index.name),
            DropIndex { table, index } => format!("drop index {} on {table}", index.name),
            RenameIndex { table, from, to } => {
                format!("rename index {} on {table} to {}", from.name, to.name)
            }
            RenameConstraint { table, drop, add } => format!(
                "rename constraint {} on {table} to {}",
                drop.constraint_name().unwrap_or("?"),
                add.constraint_name().unwrap_or("?")
            ),
            RenameEnum { from, to } => format!("rename type {from} to {to}"),
            RenameEnumValue { name, from, to } => {
                format!("rename value '{from}' of type {name} to '{to}'")
            }
            SetTableComment { table, .. } => format!("comment on table {table}"),
            AlterTableOptions { table, .. } => format!("alter options of table {table}"),
            ReorderColumns { table, .. } => format!("reorder columns of table {table}"),
            CreateObject { object } => format!("create {} {}", object.kind, object.name),
            DropObject { object } => format!("drop {} {}", object.kind, object.name),
            ReplaceObject { to, .. } => format!("replace {} {}", to.kind, to.name),
        }
    }
}

/// An object beside the tables (view, function, trigger...) that differs
/// but that no SQL is generated for: a kind the drafts cannot write, or a
/// change they cannot make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotGenerated {
    /// The object (from the desired side when it is there).
    pub object: OtherObject,
    /// How it differs.
    pub presence: Presence,
}

/// How an object outside the generated kinds differs between the two sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// Only in the desired schema: it is not created.
    DesiredOnly,
    /// Only in the current schema: it is not dropped.
    CurrentOnly,
    /// On both sides with different definitions: it is not changed.
    Changed,
    /// On both sides; the reader gave no definition to compare.
    Unknown,
}
