//! The whole schema of one database: namespaces, enum types, tables and the
//! objects the diff lists without generating SQL for them.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::{QualifiedName, Table};

/// Everything the diff compares in one database, plus what it only lists.
///
/// Catalog readers fill it from `information_schema`/`pg_catalog`,
/// `information_schema` on MySQL or `sqlite_master` and pragmas on SQLite,
/// then call [`Schema::canonicalize`] so that output is deterministic.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    /// PostgreSQL namespaces other than `public` (and the system ones).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schemas: Vec<String>,
    /// PostgreSQL enum types.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub enums: Vec<EnumType>,
    /// Tables.
    #[serde(default)]
    pub tables: Vec<Table>,
    /// Views, functions, triggers, sequences and the like: listed, never diffed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_objects: Vec<OtherObject>,
}

impl Schema {
    /// Sorts every list by name so that equal schemas compare and print equal.
    pub fn canonicalize(&mut self) {
        self.schemas.sort();
        self.schemas.dedup();
        self.enums.sort_by(|a, b| a.name.cmp(&b.name));
        self.tables.sort_by(|a, b| a.name.cmp(&b.name));
        for table in &mut self.tables {
            table.canonicalize();
        }
        self.other_objects
            .sort_by(|a, b| (&a.name, a.kind.to_string()).cmp(&(&b.name, b.kind.to_string())));
        for o in &mut self.other_objects {
            o.depends_on.sort();
            o.depends_on.dedup();
        }
    }

    /// The table named `name`.
    pub fn table(&self, name: &QualifiedName) -> Option<&Table> {
        self.tables.iter().find(|t| &t.name == name)
    }

    /// The tables in an order where every referenced table comes before the
    /// tables that reference it (self-references and cycles keep name
    /// order): the order rows can be inserted in.
    pub fn referenced_first(&self) -> Vec<&Table> {
        let mut deps: BTreeMap<&QualifiedName, BTreeSet<&QualifiedName>> = BTreeMap::new();
        for t in &self.tables {
            let entry = deps.entry(&t.name).or_default();
            for fk in &t.foreign_keys {
                if fk.referenced_table != t.name && self.table(&fk.referenced_table).is_some() {
                    entry.insert(&fk.referenced_table);
                }
            }
        }
        let mut done: BTreeSet<&QualifiedName> = BTreeSet::new();
        let mut order = Vec::new();
        while done.len() < deps.len() {
            let ready: Vec<&QualifiedName> = deps
                .iter()
                .filter(|(n, d)| !done.contains(*n) && d.iter().all(|x| done.contains(x)))
                .map(|(n, _)| *n)
                .collect();
            let next = if ready.is_empty() {
                // A cycle: take the first left, its references may fail.
                deps.keys()
                    .copied()
                    .filter(|n| !done.contains(n))
                    .take(1)
                    .collect()
            } else {
                ready
            };
            for n in next {
                done.insert(n);
                order.extend(self.table(n));
            }
        }
        order
    }
}

/// A PostgreSQL enum type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumType {
    /// The type's name.
    pub name: QualifiedName,
    /// Labels in their sort order (`enumsortorder`).
    pub values: Vec<String>,
}

/// An object the reader saw but the diff does not handle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherObject {
    /// The object's name.
    pub name: QualifiedName,
    /// What it is.
    pub kind: ObjectKind,
    /// The catalog's definition, when it has one; compared to tell a changed
    /// object from an unchanged one in the "not generated" list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    /// The table a trigger, policy, rule, row-level security setting or
    /// exclusion constraint belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<QualifiedName>,
    /// The tables and objects it reads or uses (`pg_depend`, a trigger's
    /// table, the names in a view's text): a draft drops it before any of
    /// them changes and creates it again after.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<QualifiedName>,
    /// Statements that give the object its state once created (its comment,
    /// a trigger left disabled), compared with the definition.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub settings: Vec<String>,
}

impl OtherObject {
    /// An object with a definition and nothing else.
    pub fn new(kind: ObjectKind, name: QualifiedName, definition: Option<String>) -> Self {
        OtherObject {
            name,
            kind,
            definition,
            table: None,
            depends_on: Vec::new(),
            settings: Vec::new(),
        }
    }

    /// Whether the two sides define the same object the same way.
    pub fn same_definition(&self, other: &OtherObject) -> bool {
        self.definition == other.definition && self.settings == other.settings
    }

    /// The name without the ` on table` suffix a trigger, policy or
    /// constraint carries to keep it unique in the schema.
    pub fn bare_name(&self) -> &str {
        match &self.table {
            Some(t) => self
                .name
                .name
                .strip_suffix(&format!(" on {}", t.name))
                .unwrap_or(&self.name.name),
            None => &self.name.name,
        }
    }
}

/// The kinds of objects listed as "not generated".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    /// A view.
    View,
    /// A materialized view.
    MaterializedView,
    /// A function.
    Function,
    /// A procedure.
    Procedure,
    /// A trigger.
    Trigger,
    /// A sequence not owned by an identity or serial column.
    Sequence,
    /// A domain.
    Domain,
    /// An extension.
    Extension,
    /// Anything else, named by the reader.
    Other(String),
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ObjectKind::View => "view",
            ObjectKind::MaterializedView => "materialized view",
            ObjectKind::Function => "function",
            ObjectKind::Procedure => "procedure",
            ObjectKind::Trigger => "trigger",
            ObjectKind::Sequence => "sequence",
            ObjectKind::Domain => "domain",
            ObjectKind::Extension => "extension",
            ObjectKind::Other(kind) => kind,
        })
    }
}
