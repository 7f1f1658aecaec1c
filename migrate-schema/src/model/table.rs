//! Tables, their columns, constraints and indexes.

use serde::{Deserialize, Serialize};

use super::options::is_false;
use super::{ColumnType, Index, QualifiedName, TableOptions};

/// A table as the catalog describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// The table's name.
    pub name: QualifiedName,
    /// Columns in their catalog order (`ordinal_position`, `cid`).
    pub columns: Vec<Column>,
    /// The primary key, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<PrimaryKey>,
    /// Unique constraints (unique indexes that are not constraints go in `indexes`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uniques: Vec<Unique>,
    /// Foreign keys declared on this table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    /// Check constraints (column-level ones included).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    /// Indexes that back no constraint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    /// The table comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Character set, collation, versioning, `STRICT`, `WITHOUT ROWID`.
    #[serde(default, skip_serializing_if = "TableOptions::is_default")]
    pub options: TableOptions,
}

impl Table {
    /// An empty table named `name`, to be filled by a catalog reader.
    pub fn new(name: impl Into<QualifiedName>) -> Self {
        Table {
            name: name.into(),
            columns: Vec::new(),
            primary_key: None,
            uniques: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            indexes: Vec::new(),
            comment: None,
            options: TableOptions::default(),
        }
    }

    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Sorts constraints and indexes so that equal tables compare equal.
    ///
    /// Column order is kept: it is the catalog's order, which drafts preserve.
    pub fn canonicalize(&mut self) {
        self.uniques
            .sort_by(|a, b| key(&a.name, &a.columns).cmp(&key(&b.name, &b.columns)));
        self.foreign_keys
            .sort_by(|a, b| key(&a.name, &a.columns).cmp(&key(&b.name, &b.columns)));
        self.checks.sort_by(|a, b| {
            (a.name.as_deref(), &a.expression).cmp(&(b.name.as_deref(), &b.expression))
        });
        self.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    }
}

fn key<'a>(name: &'a Option<String>, columns: &'a [String]) -> (Option<&'a str>, &'a [String]) {
    (name.as_deref(), columns)
}

/// A column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// The column's name.
    pub name: String,
    /// Its type.
    #[serde(rename = "type")]
    pub data_type: ColumnType,
    /// Whether it accepts NULL.
    pub nullable: bool,
    /// The default expression as the catalog prints it (`'a'::text`, `0`, `CURRENT_TIMESTAMP`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Identity or auto-increment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// A PostgreSQL identity's sequence options that differ from the
    /// defaults, in this order: `START WITH s INCREMENT BY i MINVALUE a
    /// MAXVALUE b CACHE c CYCLE` (the defaults: increment 1, the type's
    /// range on the side the increment goes, the start at its near end,
    /// cache 1, no cycle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_options: Option<String>,
    /// The generation expression of a generated column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<Generated>,
    /// The column comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// A collation other than the default one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
}

impl Column {
    /// A nullable column without default.
    pub fn new(name: impl Into<String>, data_type: ColumnType) -> Self {
        Column {
            name: name.into(),
            data_type,
            nullable: true,
            default: None,
            identity: None,
            identity_options: None,
            generated: None,
            comment: None,
            collation: None,
        }
    }
}

/// How a column numbers its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    /// PostgreSQL `GENERATED ALWAYS AS IDENTITY`.
    Always,
    /// PostgreSQL `GENERATED BY DEFAULT AS IDENTITY`.
    ByDefault,
    /// MySQL `AUTO_INCREMENT`, SQLite `AUTOINCREMENT`.
    AutoIncrement,
}

/// A generated column's expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Generated {
    /// The expression as the catalog prints it.
    pub expression: String,
    /// Stored on disk or computed on read.
    pub kind: GeneratedKind,
}

/// Where a generated column's value lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GeneratedKind {
    /// Computed on write and stored.
    Stored,
    /// Computed on read.
    Virtual,
}

/// A primary key. Its columns and comment are compared, not its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrimaryKey {
    /// The constraint name, if the catalog has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Key columns in order.
    pub columns: Vec<String>,
    /// MariaDB/MySQL: the key's `COMMENT '...'`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// PostgreSQL: `DEFERRABLE INITIALLY ...`; `None` is not deferrable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferrable: Option<Deferral>,
}

/// When a deferrable constraint is checked unless a transaction says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Deferral {
    /// `DEFERRABLE INITIALLY IMMEDIATE`.
    Immediate,
    /// `DEFERRABLE INITIALLY DEFERRED`.
    Deferred,
}

impl Deferral {
    /// The SQL words after the constraint.
    pub fn sql(self) -> &'static str {
        match self {
            Deferral::Immediate => "DEFERRABLE INITIALLY IMMEDIATE",
            Deferral::Deferred => "DEFERRABLE INITIALLY DEFERRED",
        }
    }
}

/// A unique constraint.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Unique {
    /// The constraint name; `None` when the engine stores none (SQLite).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Columns in order.
    pub columns: Vec<String>,
    /// PostgreSQL 15's `NULLS NOT DISTINCT`: two NULLs collide.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nulls_not_distinct: bool,
    /// PostgreSQL: `DEFERRABLE INITIALLY ...`; `None` is not deferrable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferrable: Option<Deferral>,
}

/// A foreign key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ForeignKey {
    /// The constraint name; `None` when the engine stores none (SQLite).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Referencing columns in order.
    pub columns: Vec<String>,
    /// The referenced table.
    pub referenced_table: QualifiedName,
    /// Referenced columns, paired with `columns`.
    pub referenced_columns: Vec<String>,
    /// `ON DELETE` action.
    #[serde(default)]
    pub on_delete: FkAction,
    /// `ON UPDATE` action.
    #[serde(default)]
    pub on_update: FkAction,
    /// PostgreSQL's `MATCH FULL` (a row with some but not all key columns
    /// NULL is refused); `false` is `MATCH SIMPLE`, every engine's default.
    #[serde(default, skip_serializing_if = "is_false")]
    pub match_full: bool,
    /// PostgreSQL: added `NOT VALID`, rows before it never checked.
    #[serde(default, skip_serializing_if = "is_false")]
    pub not_valid: bool,
}

/// A referential action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FkAction {
    /// `NO ACTION`, every engine's default.
    #[default]
    NoAction,
    /// `RESTRICT`.
    Restrict,
    /// `CASCADE`.
    Cascade,
    /// `SET NULL`.
    SetNull,
    /// `SET DEFAULT`.
    SetDefault,
}

impl FkAction {
    /// The SQL words for this action.
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

/// A check constraint.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Check {
    /// The constraint name; `None` when the engine stores none (SQLite).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The expression as the catalog prints it, without the `CHECK (...)` around it.
    pub expression: String,
    /// PostgreSQL's `NO INHERIT`: the check does not pass to child tables.
    #[serde(default, skip_serializing_if = "is_false")]
    pub no_inherit: bool,
    /// PostgreSQL: added `NOT VALID`, rows before it never checked.
    #[serde(default, skip_serializing_if = "is_false")]
    pub not_valid: bool,
}
