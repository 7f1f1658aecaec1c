//! Column order: compared and reported, not generated.

use std::collections::HashSet;

use super::plan::Plan;
use crate::change::{NotGenerated, Presence};
use crate::model::{ObjectKind, OtherObject, Table};

/// The columns in the order the draft leaves them (kept ones in their
/// current order, added ones appended, which is all `ADD COLUMN` does)
/// against the desired order. A difference is a note naming each
/// misplaced column with both positions, and a [`NotGenerated`] entry, so
/// that no caller takes the two tables for the same.
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
    plan.note(format!(
        "column order of table {} is not generated: after the draft {}; reorder by hand \
         (MySQL `MODIFY ... AFTER`, a table rebuild elsewhere) or accept the order",
        des.name,
        moved.join(", ")
    ));
    let mut object = OtherObject::new(
        ObjectKind::Other("column order".into()),
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
    use crate::model::{ColumnType, Dialect, Schema};
    use crate::{diff, Column, Hints, Presence, Table};

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
    fn a_reordered_column_is_reported_not_generated_with_its_positions() {
        let d = diff(
            &table(&["id", "a", "b"]),
            &table(&["id", "b", "a"]),
            &Hints::new(),
        );
        assert!(d.changes.is_empty());
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
        assert_eq!(d.changes.len(), 1);
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
