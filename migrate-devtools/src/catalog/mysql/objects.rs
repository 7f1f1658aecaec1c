//! Objects the diff lists but does not generate: views, functions,
//! procedures, triggers, events and MariaDB sequences, in one query.

use migrate_schema::{quote, Dialect, ObjectKind, OtherObject, QualifiedName, Schema};

use super::text;

const OBJECTS: &str = "SELECT 'view', TABLE_NAME, VIEW_DEFINITION \
     FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() \
     UNION ALL SELECT LOWER(ROUTINE_TYPE), ROUTINE_NAME, ROUTINE_DEFINITION \
     FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() \
     UNION ALL SELECT 'trigger', TRIGGER_NAME, CONCAT(ACTION_TIMING, ' ', EVENT_MANIPULATION, \
       ' ON `', REPLACE(EVENT_OBJECT_TABLE, '`', '``'), '` FOR EACH ROW ', ACTION_STATEMENT) \
     FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() \
     UNION ALL SELECT 'event', EVENT_NAME, EVENT_DEFINITION \
     FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()";

/// Adds the views, routines, triggers and events of the current database.
pub(super) async fn read(
    conn: &mut sqlx::MySqlConnection,
    database: &str,
    schema: &mut Schema,
) -> Result<(), sqlx::Error> {
    // Definitions name the database (`db`.`t`): each scratch database has
    // its own name, so it is left out for the two sides to compare equal.
    let qualifier = format!("{}.", quote::ident(Dialect::MySql, database));
    for row in sqlx::query(OBJECTS).fetch_all(&mut *conn).await? {
        let kind = match text(&row, 0)?.unwrap_or_default().as_str() {
            "view" => ObjectKind::View,
            "function" => ObjectKind::Function,
            "procedure" => ObjectKind::Procedure,
            "trigger" => ObjectKind::Trigger,
            other => ObjectKind::Other(other.replace('_', " ")),
        };
        schema.other_objects.push(OtherObject {
            name: QualifiedName::new(text(&row, 1)?.unwrap_or_default()),
            kind,
            definition: text(&row, 2)?.map(|d| d.replace(&qualifier, "")),
        });
    }
    Ok(())
}

/// A MariaDB sequence (`CREATE SEQUENCE`), which `TABLES` lists.
pub(super) fn sequence(name: String) -> OtherObject {
    OtherObject {
        name: QualifiedName::new(name),
        kind: ObjectKind::Sequence,
        definition: None,
    }
}
