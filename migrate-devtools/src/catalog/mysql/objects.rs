//! Views, routines, triggers and events as whole `CREATE` statements built
//! from `information_schema` (one query for all of them): a view with its
//! `ALGORITHM`, `SQL SECURITY` and `CHECK OPTION`, a routine with its
//! parameters, return type, determinism, data access, `SQL SECURITY` and
//! comment, a trigger with its timing, event and table, an event with its
//! schedule, completion and state. The definer is left out (a draft runs
//! as whoever migrates), and so is an event's `STARTS`, which defaults to
//! the moment it was created and so differs between any two databases.

use std::collections::HashMap;

use migrate_schema::{quote, Dialect, ObjectKind, OtherObject, QualifiedName, Schema};

use super::text;

/// The one query, with the expression that gives a view's algorithm.
macro_rules! objects_query {
    ($algorithm:literal) => {
        concat!(
            "SELECT 'view', TABLE_NAME, CONCAT('CREATE ALGORITHM=', ",
            $algorithm,
            ", ' SQL SECURITY ', SECURITY_TYPE, ' VIEW `', REPLACE(TABLE_NAME, '`', '``'), \
             '` AS ', VIEW_DEFINITION, \
             IF(CHECK_OPTION = 'NONE', '', CONCAT(' WITH ', CHECK_OPTION, ' CHECK OPTION'))), NULL \
             FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() \
             UNION ALL SELECT LOWER(r.ROUTINE_TYPE), r.ROUTINE_NAME, CONCAT('CREATE ', \
               r.ROUTINE_TYPE, ' `', REPLACE(r.ROUTINE_NAME, '`', '``'), '`(', \
               CHAR(0 USING utf8mb4), ')', \
               IF(r.ROUTINE_TYPE = 'FUNCTION', CONCAT(' RETURNS ', r.DTD_IDENTIFIER), ''), \
               IF(r.IS_DETERMINISTIC = 'YES', ' DETERMINISTIC', ' NOT DETERMINISTIC'), \
               ' ', r.SQL_DATA_ACCESS, ' SQL SECURITY ', r.SECURITY_TYPE, \
               IF(r.ROUTINE_COMMENT <> '', CONCAT(' COMMENT ', QUOTE(r.ROUTINE_COMMENT)), ''), \
               ' ', r.ROUTINE_DEFINITION), NULL \
             FROM information_schema.ROUTINES r WHERE r.ROUTINE_SCHEMA = DATABASE() \
             UNION ALL SELECT 'trigger', TRIGGER_NAME, CONCAT('CREATE TRIGGER `', \
               REPLACE(TRIGGER_NAME, '`', '``'), '` ', ACTION_TIMING, ' ', EVENT_MANIPULATION, \
               ' ON `', REPLACE(EVENT_OBJECT_TABLE, '`', '``'), '` FOR EACH ROW ', \
               ACTION_STATEMENT), EVENT_OBJECT_TABLE \
             FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() \
             UNION ALL SELECT 'event', EVENT_NAME, CONCAT('CREATE EVENT `', \
               REPLACE(EVENT_NAME, '`', '``'), '` ON SCHEDULE ', \
               IF(EVENT_TYPE = 'RECURRING', CONCAT('EVERY ', QUOTE(INTERVAL_VALUE), ' ', \
                  INTERVAL_FIELD, IF(ENDS IS NULL, '', CONCAT(' ENDS ', QUOTE(ENDS)))), \
                  CONCAT('AT ', QUOTE(EXECUTE_AT))), \
               ' ON COMPLETION ', ON_COMPLETION, IF(STATUS = 'ENABLED', ' ENABLE', ' DISABLE'), \
               IF(EVENT_COMMENT <> '', CONCAT(' COMMENT ', QUOTE(EVENT_COMMENT)), ''), \
               ' DO ', EVENT_DEFINITION), NULL \
             FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()"
        )
    };
}

/// MariaDB's `VIEWS` has an `ALGORITHM` column; MySQL's does not.
const MARIADB_OBJECTS: &str = objects_query!("ALGORITHM");
const MYSQL_OBJECTS: &str = objects_query!("'UNDEFINED'");

/// Routine parameters, read once and put in place of the `CHAR(0)` the
/// query above leaves between a routine's parentheses: a subquery per
/// routine took 1 s for 100 functions on MariaDB (each one reads
/// `mysql.proc` again), this query 0.01 s.
const PARAMETERS: &str = "SELECT ROUTINE_TYPE, SPECIFIC_NAME, CONCAT_WS(' ', \
       IF(ROUTINE_TYPE = 'PROCEDURE', PARAMETER_MODE, NULL), \
       CONCAT('`', REPLACE(PARAMETER_NAME, '`', '``'), '`'), DTD_IDENTIFIER) \
     FROM information_schema.PARAMETERS \
     WHERE SPECIFIC_SCHEMA = DATABASE() AND ORDINAL_POSITION > 0 \
     ORDER BY ROUTINE_TYPE, SPECIFIC_NAME, ORDINAL_POSITION";

/// Adds the views, routines, triggers and events of the current database.
pub(super) async fn read(
    conn: &mut sqlx::MySqlConnection,
    database: &str,
    mariadb: bool,
    schema: &mut Schema,
) -> Result<(), sqlx::Error> {
    // Definitions name the database (`db`.`t`): each scratch database has
    // its own name, so it is left out for the two sides to compare equal.
    let qualifier = format!("{}.", quote::ident(Dialect::MySql, database));
    let query = if mariadb {
        MARIADB_OBJECTS
    } else {
        MYSQL_OBJECTS
    };
    let mut parameters: HashMap<(String, String), Vec<String>> = HashMap::new();
    for row in sqlx::query(PARAMETERS).fetch_all(&mut *conn).await? {
        let key = (
            text(&row, 0)?.unwrap_or_default().to_ascii_lowercase(),
            text(&row, 1)?.unwrap_or_default(),
        );
        parameters
            .entry(key)
            .or_default()
            .push(text(&row, 2)?.unwrap_or_default());
    }
    for row in sqlx::query(query).fetch_all(&mut *conn).await? {
        let kind_name = text(&row, 0)?.unwrap_or_default();
        let name = text(&row, 1)?.unwrap_or_default();
        let mut definition = text(&row, 2)?.map(|d| d.replace(&qualifier, ""));
        if let Some(d) = &mut definition {
            let list = parameters
                .get(&(kind_name.clone(), name.clone()))
                .map(|p| p.join(", "))
                .unwrap_or_default();
            *d = d.replacen('\0', &list, 1);
        }
        let kind = match kind_name.as_str() {
            "view" => ObjectKind::View,
            "function" => ObjectKind::Function,
            "procedure" => ObjectKind::Procedure,
            "trigger" => ObjectKind::Trigger,
            other => ObjectKind::Other(other.replace('_', " ")),
        };
        let mut object = OtherObject::new(kind, QualifiedName::new(name), definition);
        object.table = text(&row, 3)?.map(QualifiedName::new);
        schema.other_objects.push(object);
    }
    Ok(())
}

/// A MariaDB sequence (`CREATE SEQUENCE`), which `TABLES` lists: read by
/// name only, so listed as not generated.
pub(super) fn sequence(name: String) -> OtherObject {
    OtherObject::new(ObjectKind::Sequence, QualifiedName::new(name), None)
}

/// A table's storage engine, when it is not the server's default.
pub(super) fn engine(table: &str, engine: &str) -> OtherObject {
    setting(table, "engine", format!("ENGINE={engine}"))
}

/// A setting of `table` (`what on table`), which drafts write as `ALTER
/// TABLE table <definition>` and undo with its reset.
fn setting(table: &str, what: &str, definition: String) -> OtherObject {
    let mut object = OtherObject::new(
        ObjectKind::Other("table setting".into()),
        QualifiedName::new(format!("{what} on {table}")),
        Some(definition),
    );
    object.table = Some(QualifiedName::new(table));
    object
}

/// The settings `TABLES.CREATE_OPTIONS` names that a draft can give and
/// take back: `ROW_FORMAT` and `KEY_BLOCK_SIZE`, shown only when a
/// statement set them. (`partitioned` is read whole by [`partitioning`].)
pub(super) fn create_options(table: &str, options: &str) -> Vec<OtherObject> {
    options
        .split_whitespace()
        .filter_map(|o| {
            let (key, value) = o.split_once('=')?;
            let key = key.to_ascii_lowercase();
            matches!(key.as_str(), "row_format" | "key_block_size")
                .then(|| setting(table, &key, format!("{}={value}", key.to_ascii_uppercase())))
        })
        .collect()
}

/// A partitioned table's `PARTITION BY ...` clause, as the server shows it
/// at the end of `SHOW CREATE TABLE` (its own normalized text, so that two
/// databases partitioned alike read alike): a setting drafts write as
/// `ALTER TABLE t PARTITION BY ...` (which repartitions) and undo with
/// `REMOVE PARTITIONING`. A clause that cannot be found is kept without a
/// definition, so that it is listed as not generated, never passed over.
pub(super) async fn partitioning(
    conn: &mut sqlx::MySqlConnection,
    table: &str,
) -> Result<OtherObject, sqlx::Error> {
    let sql = format!("SHOW CREATE TABLE {}", quote::ident(Dialect::MySql, table));
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_one(&mut *conn)
        .await?;
    let create = text(&row, 1)?.unwrap_or_default();
    let mut object = setting(table, "partitioning", String::new());
    object.definition = partition_clause(&create);
    Ok(object)
}

/// The `PARTITION BY ...` clause at the end of a `CREATE TABLE` statement:
/// on a line of its own after the table options (MariaDB: `\n PARTITION
/// BY`; MySQL: `\n/*!50100 PARTITION BY ... */`). Comments cannot hold
/// the line break (the server writes it `\n` inside a string), so no
/// comment's text is taken for the clause.
fn partition_clause(create: &str) -> Option<String> {
    let line = create
        .match_indices('\n')
        .map(|(i, _)| &create[i + 1..])
        .find(|rest| {
            let rest = rest.trim_start_matches(' ');
            let rest = match rest.strip_prefix("/*!") {
                Some(r) => r
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .trim_start(),
                None => rest,
            };
            rest.starts_with("PARTITION BY ")
        })?;
    let at = line.find("PARTITION BY ")?;
    let clause = line[at..].trim_end();
    let clause = clause.strip_suffix("*/").unwrap_or(clause).trim_end();
    Some(clause.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_come_from_create_options_and_the_partition_clause_from_the_tail() {
        let found = create_options("r", "row_format=DYNAMIC key_block_size=8 partitioned");
        let defs: Vec<_> = found
            .iter()
            .map(|o| (o.name.name.as_str(), o.definition.as_deref().unwrap()))
            .collect();
        assert_eq!(
            defs,
            [
                ("row_format on r", "ROW_FORMAT=DYNAMIC"),
                ("key_block_size on r", "KEY_BLOCK_SIZE=8")
            ]
        );
        let mariadb = "CREATE TABLE `s` (\n  `id` int(11) NOT NULL\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4\n PARTITION BY HASH (`id`)\nPARTITIONS 4";
        assert_eq!(
            partition_clause(mariadb).as_deref(),
            Some("PARTITION BY HASH (`id`)\nPARTITIONS 4")
        );
        let mysql = "CREATE TABLE `s` (\n  `id` int NOT NULL\n) ENGINE=InnoDB\n/*!50100 PARTITION BY HASH (`id`)\nPARTITIONS 4 */";
        assert_eq!(
            partition_clause(mysql).as_deref(),
            Some("PARTITION BY HASH (`id`)\nPARTITIONS 4")
        );
        // A comment saying "PARTITION BY ", the table's included, is not
        // the clause.
        let comment = "CREATE TABLE `s` (\n  `id` int COMMENT 'PARTITION BY x'\n) ENGINE=InnoDB COMMENT='see PARTITION BY y'";
        assert_eq!(partition_clause(comment), None);
        assert_eq!(
            partition_clause(&format!(
                "{comment}\n PARTITION BY KEY (`id`)\nPARTITIONS 2"
            ))
            .as_deref(),
            Some("PARTITION BY KEY (`id`)\nPARTITIONS 2")
        );
    }
}
