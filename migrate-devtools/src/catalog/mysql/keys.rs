//! Keys, indexes and constraints: `STATISTICS` gives the primary key, unique
//! keys and indexes (one query for every table), `KEY_COLUMN_USAGE` and
//! `REFERENTIAL_CONSTRAINTS` the foreign keys, `CHECK_CONSTRAINTS` the checks.

use migrate_schema::{
    quote, Check, ColumnType, Dialect, FkAction, ForeignKey, Index, IndexPart, PrimaryKey,
    QualifiedName, SortOrder, Unique,
};
use std::collections::HashMap;

use sqlx::mysql::MySqlRow;

use super::{number, text, Server, Tables};

const STATISTICS_MARIADB: &str = "SELECT TABLE_NAME, INDEX_NAME, CAST(NON_UNIQUE AS SIGNED), \
     COLUMN_NAME, CAST(SUB_PART AS SIGNED), COLLATION, INDEX_TYPE, NULL, INDEX_COMMENT \
     FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() \
     ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

/// MySQL 8.0.13+: functional key parts have no column but an `EXPRESSION`.
const STATISTICS_MYSQL8: &str = "SELECT TABLE_NAME, INDEX_NAME, CAST(NON_UNIQUE AS SIGNED), \
     COLUMN_NAME, CAST(SUB_PART AS SIGNED), COLLATION, INDEX_TYPE, EXPRESSION, INDEX_COMMENT \
     FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() \
     ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

const FOREIGN_KEYS: &str = "SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, \
     REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME \
     FROM information_schema.KEY_COLUMN_USAGE \
     WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL \
     ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION";

/// Read apart from `KEY_COLUMN_USAGE` and matched in memory: MariaDB
/// joins the two views slowly (0.17 s against 0.05 s for 1,000 tables).
const REFERENTIAL_RULES: &str = "SELECT TABLE_NAME, CONSTRAINT_NAME, DELETE_RULE, UPDATE_RULE \
     FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()";

/// MariaDB names check constraints per table and lists the table (and
/// whether the check was written on a column) in `CHECK_CONSTRAINTS`.
const CHECKS_MARIADB: &str = "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE, LEVEL \
     FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() \
     ORDER BY TABLE_NAME, CONSTRAINT_NAME";

/// MySQL names them per schema and keeps the table in `TABLE_CONSTRAINTS`.
const CHECKS_MYSQL: &str = "SELECT tc.TABLE_NAME, cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE, 'Table' \
     FROM information_schema.TABLE_CONSTRAINTS tc \
     JOIN information_schema.CHECK_CONSTRAINTS cc \
       ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME \
     WHERE tc.CONSTRAINT_SCHEMA = DATABASE() AND tc.CONSTRAINT_TYPE = 'CHECK' \
     ORDER BY tc.TABLE_NAME, cc.CONSTRAINT_NAME";

/// Fills keys, indexes, foreign keys and checks of every table in `tables`.
pub(super) async fn read(
    conn: &mut sqlx::MySqlConnection,
    server: Server,
    database: &str,
    tables: &mut Tables<'_>,
) -> Result<(), sqlx::Error> {
    read_indexes(conn, server, tables).await?;
    read_foreign_keys(conn, database, tables).await?;
    if server.has_check_constraints() {
        read_checks(conn, server, tables).await?;
    }
    Ok(())
}

/// Primary keys, unique keys and indexes from `STATISTICS`, one row per key part.
async fn read_indexes(
    conn: &mut sqlx::MySqlConnection,
    server: Server,
    tables: &mut Tables<'_>,
) -> Result<(), sqlx::Error> {
    let statistics = if server.has_index_expressions() {
        STATISTICS_MYSQL8
    } else {
        STATISTICS_MARIADB
    };
    let rows = sqlx::query(statistics).fetch_all(&mut *conn).await?;
    let mut group: Vec<Part> = Vec::new();
    for row in &rows {
        let part = Part::from_row(row)?;
        if let Some(last) = group.last() {
            if (&last.table, &last.index) != (&part.table, &part.index) {
                add_index(tables, std::mem::take(&mut group));
            }
        }
        group.push(part);
    }
    add_index(tables, group);
    Ok(())
}

/// Foreign keys, one row per column pair, with their referential actions.
async fn read_foreign_keys(
    conn: &mut sqlx::MySqlConnection,
    database: &str,
    tables: &mut Tables<'_>,
) -> Result<(), sqlx::Error> {
    let mut rules: HashMap<(String, String), (FkAction, FkAction)> = HashMap::new();
    for row in sqlx::query(REFERENTIAL_RULES).fetch_all(&mut *conn).await? {
        let key = (
            text(&row, 0)?.unwrap_or_default(),
            text(&row, 1)?.unwrap_or_default(),
        );
        let actions = (
            action(text(&row, 2)?.as_deref()),
            action(text(&row, 3)?.as_deref()),
        );
        rules.insert(key, actions);
    }
    let rows = sqlx::query(FOREIGN_KEYS).fetch_all(&mut *conn).await?;
    let mut current: Option<(String, ForeignKey)> = None;
    for row in &rows {
        let table = text(row, 0)?.unwrap_or_default();
        let name = text(row, 1)?;
        let column = text(row, 2)?.unwrap_or_default();
        let referenced_column = text(row, 5)?.unwrap_or_default();
        if let Some((t, fk)) = &mut current {
            if *t == table && fk.name == name {
                fk.columns.push(column);
                fk.referenced_columns.push(referenced_column);
                continue;
            }
        }
        if let Some((t, fk)) = current.take() {
            if let Some(table) = tables.get(&t) {
                table.foreign_keys.push(fk);
            }
        }
        let referenced_schema = text(row, 3)?.filter(|s| s != database);
        let referenced_name = text(row, 4)?.unwrap_or_default();
        let (on_delete, on_update) = rules
            .get(&(table.clone(), name.clone().unwrap_or_default()))
            .copied()
            .unwrap_or_default();
        let fk = ForeignKey {
            name,
            columns: vec![column],
            referenced_table: match referenced_schema {
                Some(schema) => QualifiedName::in_schema(schema, referenced_name),
                None => QualifiedName::new(referenced_name),
            },
            referenced_columns: vec![referenced_column],
            on_delete,
            on_update,
            match_full: false,
            not_valid: false,
        };
        current = Some((table, fk));
    }
    if let Some((t, fk)) = current {
        if let Some(table) = tables.get(&t) {
            table.foreign_keys.push(fk);
        }
    }
    Ok(())
}

/// Check constraints (MariaDB's `JSON` checks folded into the column type).
async fn read_checks(
    conn: &mut sqlx::MySqlConnection,
    server: Server,
    tables: &mut Tables<'_>,
) -> Result<(), sqlx::Error> {
    let checks = if server.mariadb {
        CHECKS_MARIADB
    } else {
        CHECKS_MYSQL
    };
    for row in sqlx::query(checks).fetch_all(&mut *conn).await? {
        let Some(table) = tables.get(&text(&row, 0)?.unwrap_or_default()) else {
            continue;
        };
        let name = text(&row, 1)?.unwrap_or_default();
        let expression = text(&row, 2)?.unwrap_or_default();
        let column_level = text(&row, 3)?.as_deref() == Some("Column");
        if column_level && server.mariadb && is_mariadb_json(table, &name, &expression) {
            continue;
        }
        table.checks.push(Check {
            name: Some(name),
            expression,
            no_inherit: false,
            not_valid: false,
        });
    }
    Ok(())
}

/// MariaDB's `JSON` is `LONGTEXT COLLATE utf8mb4_bin` plus a column check
/// `json_valid(col)` named after the column. Reading it back as `json`
/// (and dropping the check) lets the draft write `json`, which recreates
/// exactly that on MariaDB and is the native type on MySQL.
fn is_mariadb_json(table: &mut migrate_schema::Table, name: &str, expression: &str) -> bool {
    if expression != format!("json_valid({})", quote::ident(Dialect::MySql, name)) {
        return false;
    }
    let Some(column) = table.columns.iter_mut().find(|c| c.name == name) else {
        return false;
    };
    if column.data_type.normalized != "longtext" {
        return false;
    }
    column.data_type = ColumnType::new(Dialect::MySql, "json");
    column.collation = None;
    true
}

fn action(rule: Option<&str>) -> FkAction {
    match rule.unwrap_or_default().to_ascii_uppercase().as_str() {
        "CASCADE" => FkAction::Cascade,
        "SET NULL" => FkAction::SetNull,
        "SET DEFAULT" => FkAction::SetDefault,
        "RESTRICT" => FkAction::Restrict,
        _ => FkAction::NoAction,
    }
}

/// One row of `STATISTICS`: a key part of an index.
struct Part {
    table: String,
    index: String,
    unique: bool,
    column: Option<String>,
    sub_part: Option<i64>,
    descending: bool,
    index_type: String,
    expression: Option<String>,
    comment: Option<String>,
}

impl Part {
    fn from_row(row: &MySqlRow) -> Result<Part, sqlx::Error> {
        Ok(Part {
            table: text(row, 0)?.unwrap_or_default(),
            index: text(row, 1)?.unwrap_or_default(),
            unique: number(row, 2)? == Some(0),
            column: text(row, 3)?,
            sub_part: number(row, 4)?,
            descending: text(row, 5)?.as_deref() == Some("D"),
            index_type: text(row, 6)?.unwrap_or_default().to_ascii_lowercase(),
            expression: text(row, 7)?,
            comment: text(row, 8)?.filter(|c| !c.is_empty()),
        })
    }

    /// The key part as the model holds it. MariaDB reports a `SUB_PART`
    /// for spatial keys (the whole geometry), which no key part can write.
    fn model(&self) -> IndexPart {
        let mut part = match (&self.expression, &self.column) {
            (Some(expression), _) => IndexPart::expression(expression.clone()),
            (None, column) => IndexPart::column(column.clone().unwrap_or_default()),
        };
        if self.descending {
            part = part.with_order(SortOrder::Desc);
        }
        let spatial = self.index_type == "spatial";
        match self.sub_part.and_then(|n| u32::try_from(n).ok()) {
            Some(length) if !spatial && self.expression.is_none() => {
                part.with_prefix_length(length)
            }
            _ => part,
        }
    }
}

/// Files one index (its key parts, in order) as the primary key, a unique
/// constraint or an index.
fn add_index(tables: &mut Tables<'_>, parts: Vec<Part>) {
    let Some(first) = parts.first() else {
        return;
    };
    let Some(table) = tables.get(&first.table) else {
        return;
    };
    let name = first.index.clone();
    let unique = first.unique;
    let comment = first.comment.clone();
    let method = match first.index_type.as_str() {
        "btree" | "" => None,
        other => Some(other.to_string()),
    };
    let model: Vec<IndexPart> = parts.iter().map(Part::model).collect();
    let columns: Option<Vec<String>> = model
        .iter()
        .map(|p| p.plain_column().map(str::to_string))
        .collect();
    match columns {
        Some(columns) if name == "PRIMARY" => {
            table.primary_key = Some(PrimaryKey {
                name: Some(name),
                columns,
                comment,
                deferrable: None,
            });
        }
        // A unique key on plain columns is a unique constraint to MySQL
        // (`TABLE_CONSTRAINTS` lists `CREATE UNIQUE INDEX` ones too).
        // A commented one is an index, whose comment the model holds.
        Some(columns) if unique && method.is_none() && comment.is_none() => {
            table.uniques.push(Unique {
                name: Some(name),
                columns,
                nulls_not_distinct: false,
                deferrable: None,
            })
        }
        _ => table.indexes.push(Index {
            name,
            unique,
            parts: model,
            include: Vec::new(),
            predicate: None,
            method,
            comment,
            nulls_not_distinct: false,
            storage: None,
        }),
    }
}
