//! MariaDB's generated-column changes that `MODIFY COLUMN` cannot make: it
//! refuses (error 1907, "not yet supported for generated columns") to turn
//! a plain or STORED column into a VIRTUAL one, or a VIRTUAL one into
//! anything but a VIRTUAL one. Such a change is a drop and an add; a
//! VIRTUAL column becoming plain keeps its values through a column added
//! beside it, filled, and renamed into its place.

use super::quote::ident;
use super::sql::{add_column, alter_table, drop_column};
use crate::model::{Column, Dialect, GeneratedKind, QualifiedName};

const D: Dialect = Dialect::MySql;

/// The statements changing `from` into `to` when `MODIFY COLUMN` cannot;
/// `None` when it can. `def` writes a column definition.
pub(super) fn replace_generated(
    table: &QualifiedName,
    from: &Column,
    to: &Column,
    def: impl Fn(&Column) -> String,
) -> Option<Vec<String>> {
    let virtual_ = |c: &Column| {
        c.generated
            .as_ref()
            .is_some_and(|g| g.kind == GeneratedKind::Virtual)
    };
    if from.generated == to.generated || virtual_(from) == virtual_(to) && !virtual_(from) {
        return None;
    }
    if virtual_(from) && virtual_(to) {
        // An expression change between VIRTUAL columns: MODIFY makes it.
        return None;
    }
    if to.generated.is_some() {
        // The values derive from the expression: nothing to keep.
        return Some(vec![
            drop_column(D, table, &from.name),
            add_column(D, table, &def(to)),
        ]);
    }
    let mut side = to.clone();
    side.name = format!("{}__plain", to.name);
    Some(vec![
        add_column(D, table, &def(&side)),
        format!(
            "UPDATE {} SET {} = {};",
            super::quote::qualified(D, table),
            ident(D, &side.name),
            ident(D, &from.name)
        ),
        drop_column(D, table, &from.name),
        format!(
            "{} CHANGE COLUMN {} {};",
            alter_table(D, table),
            ident(D, &side.name),
            def(to)
        ),
    ])
}
