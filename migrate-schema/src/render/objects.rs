//! The SQL of the objects the diff leaves out (views, routines, triggers,
//! extensions and the rest), from the definitions the catalog gave: what a
//! squash writes to recreate them, and the drops of its down section.

use super::quote::qualified;
use crate::error::NotRecreatable;
use crate::model::{Dialect, ObjectKind, OtherObject, QualifiedName};

/// The statements recreating objects, in an order they can run in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recreated {
    /// Extensions, routines, views, materialized views and the rest.
    pub objects: Vec<String>,
    /// The triggers, apart: a squash runs them after its rows, so that
    /// loading the rows fires none.
    pub triggers: Vec<String>,
}

/// The drops of objects, around the tables' own.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dropped {
    /// Views and materialized views: before the tables they read go.
    pub before_tables: Vec<String>,
    /// Routines, domains, sequences and extensions: after the tables that
    /// use them.
    pub after_tables: Vec<String>,
}

/// Statements recreating `objects` from their definitions: a definition
/// that is a whole `CREATE` statement as it is, a view's or materialized
/// view's query under `CREATE VIEW name AS`, an extension by name, a MySQL
/// trigger's timing, event, table and body under its name. Fails naming
/// every object none of these fits.
pub fn recreate_objects(
    objects: &[OtherObject],
    dialect: Dialect,
) -> Result<Recreated, NotRecreatable> {
    let rank = |k: &ObjectKind| match k {
        ObjectKind::Extension => 0,
        ObjectKind::Function | ObjectKind::Procedure => 1,
        ObjectKind::View => 2,
        ObjectKind::MaterializedView => 3,
        _ => 4,
    };
    let mut sorted: Vec<&OtherObject> = objects.iter().collect();
    sorted.sort_by_key(|o| rank(&o.kind));
    let mut out = Recreated::default();
    let mut unsupported = Vec::new();
    for o in sorted {
        let def = o.definition.as_deref().map(str::trim).unwrap_or_default();
        let name = qualified(dialect, &o.name);
        let starts_create = def
            .get(..6)
            .is_some_and(|w| w.eq_ignore_ascii_case("create"));
        let sql = match &o.kind {
            _ if starts_create => Some(def.trim_end_matches(';').to_owned()),
            ObjectKind::View if !def.is_empty() => Some(format!(
                "CREATE VIEW {name} AS {}",
                def.trim_end_matches(';')
            )),
            ObjectKind::MaterializedView if !def.is_empty() => Some(format!(
                "CREATE MATERIALIZED VIEW {name} AS {}",
                def.trim_end_matches(';')
            )),
            ObjectKind::Extension if dialect == Dialect::Postgres => {
                Some(format!("CREATE EXTENSION IF NOT EXISTS {name}"))
            }
            // MySQL's catalog holds a trigger's timing, event, table and
            // body: all but its name.
            ObjectKind::Trigger if dialect == Dialect::MySql && !def.is_empty() => {
                Some(format!("CREATE TRIGGER {name} {def}"))
            }
            _ => None,
        };
        // Its comment and state (a disabled trigger) follow it.
        let settings = o
            .settings
            .iter()
            .map(|s| s.trim_end_matches(';').to_owned());
        match sql {
            Some(sql) if o.kind == ObjectKind::Trigger => {
                out.triggers.push(sql);
                out.triggers.extend(settings);
            }
            Some(sql) => {
                out.objects.push(sql);
                out.objects.extend(settings);
            }
            None => unsupported.push(format!("{} {}", o.kind, o.name)),
        }
    }
    if !unsupported.is_empty() {
        return Err(NotRecreatable {
            objects: unsupported,
        });
    }
    Ok(out)
}

/// The drops of `objects`, last created first; triggers go with their
/// tables. `None` when one of them has no drop that can be written (a
/// SQLite function, a domain outside PostgreSQL...).
pub fn drop_objects(objects: &[OtherObject], dialect: Dialect) -> Option<Dropped> {
    let mut out = Dropped::default();
    let (before, after) = (&mut out.before_tables, &mut out.after_tables);
    for o in objects.iter().rev() {
        let name = routine_name(dialect, &o.name);
        match &o.kind {
            ObjectKind::View => before.push(format!("DROP VIEW {name}")),
            ObjectKind::MaterializedView => before.push(format!("DROP MATERIALIZED VIEW {name}")),
            ObjectKind::Trigger => {}
            ObjectKind::Function if dialect != Dialect::Sqlite => {
                after.push(format!("DROP FUNCTION {name}"))
            }
            ObjectKind::Procedure if dialect != Dialect::Sqlite => {
                after.push(format!("DROP PROCEDURE {name}"))
            }
            ObjectKind::Sequence => after.push(format!("DROP SEQUENCE {name}")),
            ObjectKind::Domain if dialect == Dialect::Postgres => {
                after.push(format!("DROP DOMAIN {name}"))
            }
            ObjectKind::Extension if dialect == Dialect::Postgres => {
                after.push(format!("DROP EXTENSION {name}"))
            }
            _ => return None,
        }
    }
    Some(out)
}

/// A name as SQL; a routine's catalog name carries its argument types
/// (`touch()`, `add(integer, integer)`), which stay outside the quotes.
fn routine_name(dialect: Dialect, name: &QualifiedName) -> String {
    match name.name.split_once('(') {
        Some((base, args)) => {
            let mut bare = name.clone();
            bare.name = base.to_owned();
            format!("{}({args}", qualified(dialect, &bare))
        }
        None => qualified(dialect, name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(kind: ObjectKind, name: &str, definition: Option<&str>) -> OtherObject {
        OtherObject::new(
            kind,
            QualifiedName::new(name),
            definition.map(str::to_owned),
        )
    }

    #[test]
    fn views_are_recreated_under_their_name_and_triggers_kept_apart() {
        let objects = [
            object(
                ObjectKind::Trigger,
                "audit",
                Some("AFTER INSERT ON t FOR EACH ROW SET @n = 1"),
            ),
            object(ObjectKind::View, "v", Some(" SELECT 1;")),
        ];
        let got = recreate_objects(&objects, Dialect::MySql).unwrap();
        assert_eq!(got.objects, ["CREATE VIEW `v` AS SELECT 1"]);
        assert_eq!(
            got.triggers,
            ["CREATE TRIGGER `audit` AFTER INSERT ON t FOR EACH ROW SET @n = 1"]
        );
        let err = recreate_objects(&objects, Dialect::Sqlite).unwrap_err();
        assert_eq!(err.objects, ["trigger audit"]);
    }

    #[test]
    fn routines_keep_their_argument_types_outside_the_quotes() {
        let objects = [
            object(ObjectKind::Function, "add(integer, integer)", None),
            object(ObjectKind::View, "v", None),
        ];
        let got = drop_objects(&objects, Dialect::Postgres).unwrap();
        assert_eq!(got.before_tables, ["DROP VIEW \"v\""]);
        assert_eq!(
            got.after_tables,
            ["DROP FUNCTION \"add\"(integer, integer)"]
        );
        assert_eq!(drop_objects(&objects, Dialect::Sqlite), None);
    }
}
