//! Rename hints: the only way a rename reaches a draft (a drop and an add are
//! otherwise indistinguishable from a rename, and guessing loses data).
//!
//! # Imports
//!
//! `renamed`

mod renamed;

use std::collections::BTreeMap;

pub use renamed::rename_hints;

use crate::error::HintError;
use crate::model::QualifiedName;

/// Renames declared by the user, in the direction current → desired.
///
/// A hint applies only where it makes sense: the old name exists in the
/// current schema and not in the desired one, the new name the other way
/// round. Hints left in `schema.sql` after their migration ran are therefore
/// ignored rather than reported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hints {
    /// Table renames, old name → new name.
    pub tables: BTreeMap<QualifiedName, QualifiedName>,
    /// Column renames keyed by (the table's desired name, old column) → new column.
    pub columns: BTreeMap<(QualifiedName, String), String>,
    /// Index and constraint renames (unique, check, foreign key, primary
    /// key) keyed by (the table's desired name, old name) → new name.
    #[doc(alias = "constraints")]
    pub indexes: BTreeMap<(QualifiedName, String), String>,
    /// Enum type renames, old name → new name.
    pub enums: BTreeMap<QualifiedName, QualifiedName>,
    /// Enum label renames keyed by (the type's desired name, old label) →
    /// new label.
    pub enum_values: BTreeMap<(QualifiedName, String), String>,
    /// Label renames of a MySQL/MariaDB inline `ENUM(...)` column, keyed by
    /// (the table's desired name, the column's desired name, old label) →
    /// new label.
    pub column_labels: BTreeMap<(QualifiedName, String, String), String>,
}

impl Hints {
    /// No renames.
    pub fn new() -> Self {
        Hints::default()
    }

    /// Declares that table `old` is now `new`.
    pub fn rename_table(&mut self, old: impl Into<QualifiedName>, new: impl Into<QualifiedName>) {
        self.tables.insert(old.into(), new.into());
    }

    /// Declares that column `old` of `table` (its desired name) is now `new`.
    pub fn rename_column(
        &mut self,
        table: impl Into<QualifiedName>,
        old: impl Into<String>,
        new: impl Into<String>,
    ) {
        self.columns.insert((table.into(), old.into()), new.into());
    }

    /// Declares that index or constraint `old` of `table` (its desired
    /// name) is now `new`.
    pub fn rename_index(
        &mut self,
        table: impl Into<QualifiedName>,
        old: impl Into<String>,
        new: impl Into<String>,
    ) {
        self.indexes.insert((table.into(), old.into()), new.into());
    }

    /// Declares that enum type `old` is now `new`.
    pub fn rename_enum(&mut self, old: impl Into<QualifiedName>, new: impl Into<QualifiedName>) {
        self.enums.insert(old.into(), new.into());
    }

    /// Declares that label `old` of enum type `name` (its desired name) is
    /// now `new`.
    pub fn rename_enum_value(
        &mut self,
        name: impl Into<QualifiedName>,
        old: impl Into<String>,
        new: impl Into<String>,
    ) {
        self.enum_values
            .insert((name.into(), old.into()), new.into());
    }

    /// Declares that label `old` of the inline `ENUM(...)` column `column`
    /// of `table` (their desired names) is now `new` (MySQL/MariaDB).
    pub fn rename_column_label(
        &mut self,
        table: impl Into<QualifiedName>,
        column: impl Into<String>,
        old: impl Into<String>,
        new: impl Into<String>,
    ) {
        self.column_labels
            .insert((table.into(), column.into(), old.into()), new.into());
    }

    /// Reads one `--rename` value: `old=new` renames a table (`s.old=s.new` in a
    /// schema), `table.old=new` and `schema.table.old=new` rename a column.
    pub fn add_flag(&mut self, text: &str) -> Result<(), HintError> {
        let bad = |reason| HintError::BadFlag {
            text: text.to_string(),
            reason,
        };
        let (left, right) = text.split_once('=').ok_or_else(|| bad("it has no `=`"))?;
        let (left, right) = (left.trim(), right.trim());
        if left.is_empty() || right.is_empty() || left.split('.').any(str::is_empty) {
            return Err(bad("a name is empty"));
        }
        if right.contains('.') {
            if right.split('.').count() != 2 || left.split('.').count() != 2 {
                return Err(bad("a schema-qualified table rename is `s.old=s.new`"));
            }
            self.rename_table(QualifiedName::parse(left), QualifiedName::parse(right));
            return Ok(());
        }
        let parts: Vec<&str> = left.split('.').collect();
        match parts.as_slice() {
            [old] => self.rename_table(QualifiedName::new(*old), QualifiedName::new(right)),
            [table, old] => self.rename_column(QualifiedName::new(*table), *old, right),
            [schema, table, old] => {
                self.rename_column(QualifiedName::in_schema(*schema, *table), *old, right)
            }
            _ => return Err(bad("too many dots")),
        }
        Ok(())
    }

    /// Adds every hint of `other`; `other` wins where both rename the same object.
    pub fn merge(&mut self, other: Hints) {
        self.tables.extend(other.tables);
        self.columns.extend(other.columns);
        self.indexes.extend(other.indexes);
        self.enums.extend(other.enums);
        self.enum_values.extend(other.enum_values);
        self.column_labels.extend(other.column_labels);
    }

    /// The same renames in the direction desired → current, for the down draft.
    pub fn reversed(&self) -> Hints {
        let tables: BTreeMap<_, _> = self
            .tables
            .iter()
            .map(|(old, new)| (new.clone(), old.clone()))
            .collect();
        // Keys name the table (the type) as it is in the target of the diff.
        let flip = |keyed: &BTreeMap<(QualifiedName, String), String>,
                    renamed: &BTreeMap<QualifiedName, QualifiedName>| {
            keyed
                .iter()
                .map(|((owner, old), new)| {
                    let target = renamed.get(owner).cloned().unwrap_or_else(|| owner.clone());
                    ((target, new.clone()), old.clone())
                })
                .collect()
        };
        let enums: BTreeMap<_, _> = self
            .enums
            .iter()
            .map(|(old, new)| (new.clone(), old.clone()))
            .collect();
        let column_labels = self
            .column_labels
            .iter()
            .map(|((table, column, old), new)| {
                let was = self
                    .columns
                    .iter()
                    .find(|((t, _), c)| t == table && *c == column)
                    .map_or_else(|| column.clone(), |((_, was), _)| was.clone());
                let target = tables.get(table).cloned().unwrap_or_else(|| table.clone());
                ((target, was, new.clone()), old.clone())
            })
            .collect();
        Hints {
            columns: flip(&self.columns, &tables),
            column_labels,
            indexes: flip(&self.indexes, &tables),
            enum_values: flip(&self.enum_values, &enums),
            tables,
            enums,
        }
    }

    /// Whether there are no hints.
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
            && self.columns.is_empty()
            && self.indexes.is_empty()
            && self.enums.is_empty()
            && self.enum_values.is_empty()
            && self.column_labels.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_name_tables_and_columns() {
        let mut hints = Hints::new();
        hints.add_flag("people=users").unwrap();
        hints.add_flag("users.fullname=name").unwrap();
        hints.add_flag("billing.invoices.amt=amount").unwrap();
        hints.add_flag("billing.bills=billing.invoices").unwrap();
        assert_eq!(
            hints.tables[&QualifiedName::new("people")],
            QualifiedName::new("users")
        );
        assert_eq!(
            hints.tables[&QualifiedName::parse("billing.bills")],
            QualifiedName::parse("billing.invoices")
        );
        assert_eq!(
            hints.columns[&(QualifiedName::new("users"), "fullname".into())],
            "name"
        );
        assert_eq!(
            hints.columns[&(QualifiedName::parse("billing.invoices"), "amt".into())],
            "amount"
        );
    }

    #[test]
    fn bad_flags_are_errors() {
        for bad in ["users", "=x", "a=", "a..b=c", "a.b.c.d=e", "a=b.c"] {
            assert!(
                matches!(Hints::new().add_flag(bad), Err(HintError::BadFlag { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn reversed_keys_columns_by_the_old_table_name() {
        let mut hints = Hints::new();
        hints.rename_table("people", "users");
        hints.rename_column("users", "fullname", "name");
        let back = hints.reversed();
        assert_eq!(
            back.tables[&QualifiedName::new("users")],
            QualifiedName::new("people")
        );
        assert_eq!(
            back.columns[&(QualifiedName::new("people"), "name".into())],
            "fullname"
        );
        assert_eq!(back.reversed(), hints);
    }

    #[test]
    fn reversed_keys_indexes_and_labels_by_the_old_owner_name() {
        let mut hints = Hints::new();
        hints.rename_table("people", "users");
        hints.rename_index("users", "people_email_idx", "users_email_idx");
        hints.rename_enum("feeling", "mood");
        hints.rename_enum_value("mood", "glad", "happy");
        let back = hints.reversed();
        assert_eq!(
            back.indexes[&(QualifiedName::new("people"), "users_email_idx".into())],
            "people_email_idx"
        );
        assert_eq!(
            back.enums[&QualifiedName::new("mood")],
            QualifiedName::new("feeling")
        );
        assert_eq!(
            back.enum_values[&(QualifiedName::new("feeling"), "happy".into())],
            "glad"
        );
        assert_eq!(back.reversed(), hints);
        assert!(!back.is_empty());
    }
}
