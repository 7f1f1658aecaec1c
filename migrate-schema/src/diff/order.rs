//! Column order: compared, and a [`Change::ReorderColumns`] where it
//! differs. MariaDB/MySQL drafts write it (`MODIFY ... AFTER`), SQLite
//! drafts rebuild the table; PostgreSQL cannot reorder columns, so there the
//! note and the [`NotGenerated`] entry made here stand (the draft keeps
//! whichever its dialect needs).

use std::collections::HashSet;

use super::plan::{Phase, Plan};
use crate::change::{Change, NotGenerated, Presence};
use crate::model::{ObjectKind, OtherObject, Table};

/// How the note of a column order not generated begins: drafts of dialects
/// that write the order leave such notes out.
pub(crate) const NOT_GENERATED_NOTE: &str = "column order of table";

/// The kind of the [`NotGenerated`] entry of a column order.
pub(crate) const KIND: &str = "column order";

/// How a dialect moves a column, which decides what a reorder disturbs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reorder {
    /// In place (`MODIFY ... AFTER`), or not at all: views and triggers over
    /// the table keep working, since every column keeps its name.
    InPlace,
    /// By rebuilding the table (SQLite), which drops its triggers: they are
    /// dropped and created again around it like any other rebuild.
    Rebuild,
}

/// The columns in the order the draft leaves them (kept ones in their
/// current order, added ones appended, which is all `ADD COLUMN` does)
/// against the desired order. A difference is a [`Change::ReorderColumns`]
/// after the table's other column changes, a note naming each misplaced
/// column with both positions, and a [`NotGenerated`] entry, so that no
/// caller takes the two tables for the same where the order is not written.
pub(crate) fn column_order(
    translated: &Table,
    des: &Table,
    plan: &mut Plan,
) -> Option<NotGenerated> {
    let wanted: HashSet<&str> = des.columns.iter().map(|c| c.name.as_str()).collect();
    let kept: HashSet<&str> = translated.columns.iter().map(|c| c.name.as_str()).collect();
    let after: Vec<&str> = translated
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .filter(|c| wanted.contains(c))
        .chain(
            des.columns
                .iter()
                .map(|c| c.name.as_str())
                .filter(|c| !kept.contains(c)),
        )
        .collect();
    let desired: Vec<&str> = des.columns.iter().map(|c| c.name.as_str()).collect();
    if after == desired {
        return None;
    }
    let moved: Vec<String> = desired
        .iter()
        .enumerate()
        .filter(|(i, c)| after.get(*i) != Some(*c))
        .map(|(i, c)| {
            let at = after.iter().position(|a| a == c).map_or(0, |p| p + 1);
            format!("{c} (position {at}, desired {})", i + 1)
        })
        .collect();
    plan.push(
        Phase::AlterColumns,
        Change::ReorderColumns {
            table: des.name.clone(),
            from: after.iter().map(|c| (*c).to_owned()).collect(),
            to: des.columns.clone(),
        },
    );
    plan.note(format!(
        "{NOT_GENERATED_NOTE} {} is not generated: after the draft {}; accept the order, \
         or rebuild the table by hand (MariaDB/MySQL drafts write `MODIFY ... AFTER`, \
         SQLite drafts rebuild the table)",
        des.name,
        moved.join(", ")
    ));
    let mut object = OtherObject::new(
        ObjectKind::Other(KIND.into()),
        des.name.clone(),
        Some(desired.join(", ")),
    );
    object.table = Some(des.name.clone());
    Some(NotGenerated {
        object,
        presence: Presence::Changed,
    })
}

#[cfg(test)]
mod tests {
    use crate::model::{ColumnType, Dialect, ObjectKind, OtherObject, Schema};
    use crate::{diff, draft, Change, Column, Hints, Presence, Table};

    fn mysql(columns: &[&str]) -> Schema {
        let mut s = table(&[]);
        for c in columns {
            s.tables[0]
                .columns
                .push(Column::new(*c, ColumnType::new(Dialect::MySql, "int")));
        }
        s
    }

    #[test]
    fn mysql_moves_each_misplaced_column_and_postgres_reports_the_order() {
        let (cur, des) = (mysql(&["id", "a", "b", "c"]), mysql(&["c", "id", "b", "a"]));
        let d = draft(&cur, &des, &Hints::new(), Dialect::MySql);
        assert_eq!(
            d.sql(),
            [
                "ALTER TABLE `t` MODIFY COLUMN `c` int NULL FIRST;",
                "ALTER TABLE `t` MODIFY COLUMN `b` int NULL AFTER `id`;",
            ]
        );
        assert!(d.not_generated.is_empty(), "{:?}", d.not_generated);
        assert!(!d.notes.iter().any(|n| n.contains("column order")));
        // Applied, the model has the desired order.
        assert_eq!(crate::apply(&cur, &d.changes).unwrap(), des);

        let d = draft(
            &table(&["id", "a", "b"]),
            &table(&["id", "b", "a"]),
            &Hints::new(),
            Dialect::Postgres,
        );
        assert!(d.up.is_empty() && d.changes.is_empty(), "{:?}", d.up);
        assert_eq!(d.not_generated.len(), 1);
        assert!(d.notes.iter().any(|n| n.contains("column order")));
    }

    #[test]
    fn sqlite_rebuilds_the_table_and_recreates_its_trigger() {
        let with_trigger = |columns: &[&str]| {
            let mut s = table(columns);
            let name = crate::QualifiedName::new("t_audit");
            let sql = "CREATE TRIGGER t_audit AFTER INSERT ON t BEGIN SELECT 1; END";
            let mut trigger = OtherObject::new(ObjectKind::Trigger, name, Some(sql.into()));
            trigger.table = Some(crate::QualifiedName::new("t"));
            trigger.depends_on = vec![crate::QualifiedName::new("t")];
            s.other_objects.push(trigger);
            s
        };
        let (cur, des) = (
            with_trigger(&["id", "a", "b"]),
            with_trigger(&["id", "b", "a"]),
        );
        let d = draft(&cur, &des, &Hints::new(), Dialect::Sqlite);
        let sql = d.sql().join("\n");
        assert!(d.not_generated.is_empty(), "{:?}", d.not_generated);
        assert!(!d.notes.iter().any(|n| n.contains("column order")));
        let create = sql.find("CREATE TABLE \"new_t\"").expect(&sql);
        assert!(
            sql.contains("INSERT INTO \"new_t\" (\"id\", \"b\", \"a\") SELECT \"id\", \"b\", \"a\" FROM \"t\";"),
            "{sql}"
        );
        let drop_trigger = sql.find("DROP TRIGGER").expect(&sql);
        let recreate = sql.rfind("CREATE TRIGGER t_audit").expect(&sql);
        assert!(drop_trigger < create && create < recreate, "{sql}");
        assert_eq!(crate::apply(&cur, &d.changes).unwrap().tables, des.tables);
    }

    fn table(columns: &[&str]) -> Schema {
        let mut t = Table::new("t");
        for c in columns {
            t.columns
                .push(Column::new(*c, ColumnType::new(Dialect::Postgres, "int")));
        }
        Schema {
            tables: vec![t],
            ..Schema::default()
        }
    }

    #[test]
    fn a_reordered_column_is_a_change_and_reported_with_its_positions() {
        let d = diff(
            &table(&["id", "a", "b"]),
            &table(&["id", "b", "a"]),
            &Hints::new(),
        );
        assert!(
            matches!(d.changes.as_slice(), [Change::ReorderColumns { from, .. }] if from == &["id", "a", "b"]),
            "{:?}",
            d.changes
        );
        assert_eq!(d.not_generated.len(), 1);
        assert_eq!(d.not_generated[0].presence, Presence::Changed);
        assert_eq!(
            d.not_generated[0].object.definition.as_deref(),
            Some("id, b, a")
        );
        let note = d.notes.iter().find(|n| n.contains("column order")).unwrap();
        assert!(note.contains("b (position 3, desired 2)"), "{note}");
        assert!(note.contains("a (position 2, desired 3)"), "{note}");
    }

    #[test]
    fn a_column_added_in_the_middle_is_reported_and_one_appended_is_not() {
        let d = diff(
            &table(&["id", "b"]),
            &table(&["id", "a", "b"]),
            &Hints::new(),
        );
        // The column added, then put in its place.
        assert_eq!(d.changes.len(), 2);
        assert_eq!(d.not_generated.len(), 1);
        let d = diff(
            &table(&["id", "a"]),
            &table(&["id", "a", "b"]),
            &Hints::new(),
        );
        assert!(d.not_generated.is_empty());
        assert!(!d.notes.iter().any(|n| n.contains("column order")));
    }
}
