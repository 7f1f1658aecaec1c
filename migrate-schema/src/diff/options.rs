//! Changes of table options: character set and collation, system
//! versioning, SQLite `STRICT` and `WITHOUT ROWID`.

use super::plan::{Phase, Plan};
use crate::change::{Change, NotGenerated, Presence};
use crate::model::{ObjectKind, OtherObject, Table};

/// Pushes the changes of table options; returns whether the character set
/// is converted, which converts every text column, even those with a
/// collation of their own (they are set back to it after).
pub(crate) fn diff_options(cur: &Table, des: &Table, plan: &mut Plan) -> bool {
    let (from, to) = (&cur.options, &des.options);
    let converted = from.charset_differs(to);
    if converted {
        // Early, on the current name: the columns added and altered later
        // then follow the new default.
        let mut target = from.clone();
        target.charset = to.charset.clone();
        target.collation = to.collation.clone();
        let (table, from) = (cur.name.clone(), from.clone());
        plan.push(
            Phase::DropIdentity,
            Change::AlterTableOptions {
                table,
                from,
                to: target,
            },
        );
    }
    if from.system_versioning != to.system_versioning {
        // From the options as the conversion above left them.
        let mut base = from.clone();
        base.charset = to.charset.clone();
        base.collation = to.collation.clone();
        let mut target = base.clone();
        target.system_versioning = to.system_versioning;
        // Added late and dropped early: MariaDB refuses most changes to a
        // versioned table.
        let (phase, table) = if to.system_versioning {
            (Phase::AddIdentity, des.name.clone())
        } else {
            (Phase::DropIdentity, cur.name.clone())
        };
        let from = base;
        plan.push(
            phase,
            Change::AlterTableOptions {
                table,
                from,
                to: target,
            },
        );
    }
    if from.partition_by != to.partition_by {
        // PostgreSQL cannot repartition a table in place: said, not drafted.
        plan.note(format!(
            "partitioning of table {} is not generated: the key changes from {} to {} \
             (PostgreSQL cannot change a table's partitioning in place; create the new table, \
             move the rows, and swap the names by hand)",
            des.name,
            from.partition_by.as_deref().unwrap_or("none"),
            to.partition_by.as_deref().unwrap_or("none"),
        ));
    }
    if from.strict != to.strict || from.without_rowid != to.without_rowid {
        // SQLite: a rebuild with the desired table, whatever else changes.
        let (table, from, to) = (des.name.clone(), from.clone(), to.clone());
        plan.push(
            Phase::AlterColumns,
            Change::AlterTableOptions { table, from, to },
        );
    }
    converted
}

/// A PostgreSQL table whose partition key changes, as "not generated"
/// (the note above says why): `check --schema` fails on it, naming it.
pub(crate) fn repartitioned(cur: &Table, des: &Table) -> Option<NotGenerated> {
    if cur.options.partition_by == des.options.partition_by {
        return None;
    }
    let mut object = OtherObject::new(
        ObjectKind::Other("partitioning".into()),
        des.name.clone(),
        des.options.partition_by.clone(),
    );
    object.table = Some(des.name.clone());
    Some(NotGenerated {
        object,
        presence: Presence::Changed,
    })
}

#[cfg(test)]
mod tests {
    use crate::model::{ColumnType, Dialect, Schema, TableOptions};
    use crate::{draft, Column, Hints, Table, WarningKind};

    fn schema(options: TableOptions) -> Schema {
        let mut t = Table::new("t");
        t.columns.push(Column::new(
            "name",
            ColumnType::new(Dialect::MySql, "varchar(20)"),
        ));
        t.options = options;
        Schema {
            tables: vec![t],
            ..Schema::default()
        }
    }

    fn charset(cs: &str, co: &str) -> TableOptions {
        TableOptions {
            charset: Some(cs.into()),
            collation: Some(co.into()),
            ..TableOptions::default()
        }
    }

    #[test]
    fn a_smaller_table_character_set_converts_and_warns_of_data_loss() {
        let d = draft(
            &schema(TableOptions::default()),
            &schema(charset("latin1", "latin1_swedish_ci")),
            &Hints::new(),
            Dialect::MySql,
        );
        assert_eq!(
            d.sql(),
            ["ALTER TABLE `t` CONVERT TO CHARACTER SET latin1 COLLATE latin1_swedish_ci;"]
        );
        assert!(d
            .warnings
            .iter()
            .any(|w| w.kind == WarningKind::DataLoss && w.message.contains("latin1")));
        // Back to the database's default: no loss.
        let back = draft(
            &schema(charset("latin1", "latin1_swedish_ci")),
            &schema(TableOptions::default()),
            &Hints::new(),
            Dialect::MySql,
        );
        assert_eq!(
            back.sql(),
            ["ALTER TABLE `t` CONVERT TO CHARACTER SET DEFAULT;"]
        );
        assert!(!back
            .warnings
            .iter()
            .any(|w| w.kind == WarningKind::DataLoss));
    }

    #[test]
    fn system_versioning_is_added_after_and_dropped_before_other_changes() {
        let on = TableOptions {
            system_versioning: true,
            ..TableOptions::default()
        };
        let d = draft(
            &schema(TableOptions::default()),
            &schema(on),
            &Hints::new(),
            Dialect::MySql,
        );
        assert_eq!(d.sql(), ["ALTER TABLE `t` ADD SYSTEM VERSIONING;"]);
    }

    #[test]
    fn a_changed_partition_key_is_said_and_listed_not_drafted() {
        let key = |k: &str| TableOptions {
            partition_by: Some(k.into()),
            ..TableOptions::default()
        };
        let d = draft(
            &schema(key("RANGE (name)")),
            &schema(key("LIST (name)")),
            &Hints::new(),
            Dialect::Postgres,
        );
        assert!(d.sql().is_empty(), "{:?}", d.sql());
        assert_eq!(d.not_generated.len(), 1);
        assert_eq!(d.not_generated[0].object.kind.to_string(), "partitioning");
        assert!(d
            .notes
            .iter()
            .any(|n| n.contains("partitioning of table t")));
    }
}
