//! The MySQL/MariaDB catalog reader: `information_schema` of the connection's
//! database, in a fixed number of queries whatever the number of tables (one
//! per catalog view, never one per table), assembled in memory.
//!
//! MariaDB and MySQL 8 print the same catalog differently (quoted literal
//! defaults, JSON columns, where check constraints live, functional index
//! parts); `SELECT VERSION()` tells which one is answering and each module
//! folds both spellings into what the diff expects (see migrate-schema's
//! "Filling the model from a catalog").
//!
//! # Imports
//!
//! `columns`, `keys`, `objects`

mod columns;
mod keys;
mod objects;

use std::collections::HashMap;

use migrate_schema::{QualifiedName, Schema, Table};
use sqlx::mysql::MySqlRow;
use sqlx::Row;

/// Which server answers, and what its catalog offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Server {
    /// MariaDB (any version) rather than MySQL.
    pub mariadb: bool,
    /// `(major, minor, patch)` as `VERSION()` prints it.
    pub version: (u32, u32, u32),
}

impl Server {
    /// Reads `VERSION()`: `10.11.19-MariaDB-0+deb12u1`, `8.0.36`, `8.4.0-log`.
    pub fn parse(version: &str) -> Server {
        let mut numbers = version
            .split(|c: char| !c.is_ascii_digit())
            .map(|n| n.parse().unwrap_or(0));
        let mut next = || numbers.next().unwrap_or(0);
        Server {
            mariadb: version.to_ascii_lowercase().contains("mariadb"),
            version: (next(), next(), next()),
        }
    }

    /// MySQL lists check constraints from 8.0.16 on, MariaDB from 10.2.1.
    pub fn has_check_constraints(self) -> bool {
        if self.mariadb {
            self.version >= (10, 2, 1)
        } else {
            self.version >= (8, 0, 16)
        }
    }

    /// MariaDB quotes literal defaults in `COLUMN_DEFAULT` from 10.2.7 on
    /// (and prints `NULL` for none); MySQL never does.
    pub fn quotes_defaults(self) -> bool {
        self.mariadb && self.version >= (10, 2, 7)
    }

    /// MySQL 8.0.13 added functional key parts and `STATISTICS.EXPRESSION`.
    pub fn has_index_expressions(self) -> bool {
        !self.mariadb && self.version >= (8, 0, 13)
    }
}

/// MariaDB's system-versioned tables are tables with an option; its
/// sequences are listed as objects. `CREATE_OPTIONS` names the settings a
/// table was given (`row_format=DYNAMIC key_block_size=8 partitioned`). The character set and collation are
/// kept only when they are not the database's default, so that a table
/// written without them reads the same in any database.
const TABLES: &str = "SELECT TABLE_NAME, TABLE_TYPE, TABLE_COMMENT, TABLE_COLLATION, \
            IF(ENGINE = @@default_storage_engine, NULL, ENGINE), \
            IF(TABLE_COLLATION = @@collation_database, NULL, \
               SUBSTRING_INDEX(TABLE_COLLATION, '_', 1)), \
            CREATE_OPTIONS \
     FROM information_schema.TABLES \
     WHERE TABLE_SCHEMA = DATABASE() \
       AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED', 'SEQUENCE') \
     ORDER BY TABLE_NAME";

/// Reads the schema of the database `conn` is connected to, leaving out
/// the tables named in `exclude`.
pub(crate) async fn read(
    conn: &mut sqlx::MySqlConnection,
    exclude: &[&str],
) -> Result<Schema, sqlx::Error> {
    let row = sqlx::query("SELECT VERSION(), DATABASE()")
        .fetch_one(&mut *conn)
        .await?;
    let server = Server::parse(&text(&row, 0)?.unwrap_or_default());
    let database = text(&row, 1)?.ok_or_else(|| {
        sqlx::Error::Protocol("the connection has no current database (DATABASE() is NULL)".into())
    })?;

    let mut schema = Schema::default();
    let mut partitioned = Vec::new();
    // Table name -> (index in schema.tables, the table's default collation).
    let mut tables: HashMap<String, (usize, Option<String>)> = HashMap::new();
    for row in sqlx::query(TABLES).fetch_all(&mut *conn).await? {
        let name = text(&row, 0)?.unwrap_or_default();
        if exclude.contains(&name.as_str()) {
            continue;
        }
        if text(&row, 1)?.as_deref() == Some("SEQUENCE") {
            // MariaDB sequences are tables to information_schema.
            schema.other_objects.push(objects::sequence(name));
            continue;
        }
        let mut table = Table::new(QualifiedName::new(name.clone()));
        table.comment = text(&row, 2)?.filter(|c| !c.is_empty());
        table.options.system_versioning = text(&row, 1)?.as_deref() == Some("SYSTEM VERSIONED");
        if let Some(charset) = text(&row, 5)? {
            table.options.charset = Some(charset);
            table.options.collation = text(&row, 3)?;
        }
        if let Some(engine) = text(&row, 4)? {
            // Another engine than the server's default: a table setting,
            // which drafts write as `ALTER TABLE t ENGINE=...`.
            schema.other_objects.push(objects::engine(&name, &engine));
        }
        let options = text(&row, 6)?.unwrap_or_default();
        schema
            .other_objects
            .extend(objects::create_options(&name, &options));
        if options.split_whitespace().any(|o| o == "partitioned") {
            partitioned.push(name.clone());
        }
        tables.insert(name, (schema.tables.len(), text(&row, 3)?));
        schema.tables.push(table);
    }

    let mut tables = Tables {
        schema: &mut schema,
        index: tables,
    };
    columns::read(conn, server, &mut tables).await?;
    keys::read(conn, server, &database, &mut tables).await?;
    objects::read(conn, &database, server.mariadb, &mut schema).await?;
    for table in partitioned {
        let p = objects::partitioning(conn, &table).await?;
        schema.other_objects.push(p);
    }
    migrate_schema::link_dependencies(&mut schema, migrate_schema::Dialect::MySql);
    Ok(schema)
}

/// The tables being filled, found by name.
pub(super) struct Tables<'a> {
    schema: &'a mut Schema,
    index: HashMap<String, (usize, Option<String>)>,
}

impl Tables<'_> {
    /// The table named `name`, `None` when it was excluded (or is no base table).
    pub fn get(&mut self, name: &str) -> Option<&mut Table> {
        let (at, _) = self.index.get(name)?;
        self.schema.tables.get_mut(*at)
    }

    /// The default collation of the table named `name`.
    pub fn collation(&self, name: &str) -> Option<&str> {
        self.index.get(name).and_then(|(_, c)| c.as_deref())
    }
}

/// A text column of `row`. Unchecked: information_schema mixes utf8 and
/// binary-collated text types, which sqlx's checked `String` decoding refuses.
pub(super) fn text(row: &MySqlRow, index: usize) -> Result<Option<String>, sqlx::Error> {
    row.try_get_unchecked::<Option<String>, _>(index)
}

/// An integer column of `row` (`SEQ_IN_INDEX`, `SUB_PART`... are unsigned
/// on some servers, signed on others).
pub(super) fn number(row: &MySqlRow, index: usize) -> Result<Option<i64>, sqlx::Error> {
    row.try_get_unchecked::<Option<i64>, _>(index)
}

#[cfg(test)]
mod tests {
    use super::Server;

    #[test]
    fn parses_server_versions() {
        let maria = Server::parse("10.11.19-MariaDB-0+deb12u1");
        assert!(maria.mariadb);
        assert_eq!(maria.version, (10, 11, 19));
        assert!(maria.has_check_constraints());
        assert!(!maria.has_index_expressions());
        let mysql = Server::parse("8.0.36-log");
        assert!(!mysql.mariadb);
        assert_eq!(mysql.version, (8, 0, 36));
        assert!(mysql.has_check_constraints() && mysql.has_index_expressions());
        let old = Server::parse("5.7.44");
        assert!(!old.has_check_constraints() && !old.has_index_expressions());
    }
}
