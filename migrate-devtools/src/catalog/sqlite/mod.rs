//! The SQLite catalog reader: `sqlite_schema` for the objects, the
//! table-valued pragmas (`pragma_table_xinfo`, `pragma_index_list`,
//! `pragma_index_xinfo`, `pragma_foreign_key_list`) joined to it for
//! columns, keys, indexes and foreign keys, and the stored `sql` text
//! ([`ddl`]) for what the pragmas do not say.
//!
//! Each pragma is joined to `sqlite_schema` in one query, so reading a
//! schema takes five queries whatever the number of tables
//! (`pragma_table_list` gives `STRICT` and `WITHOUT ROWID`).
//!
//! # Imports
//!
//! `rows` → `ddl` → `default`, `untyped`

mod ddl;
mod default;
mod rows;
mod untyped;

use std::collections::{HashMap, HashSet};

use migrate_schema::{ObjectKind, OtherObject, QualifiedName, Schema};

use rows::{ColumnRow, ForeignKeyRow, IndexRow, ObjectRow};

/// The objects of the main schema, SQLite's own (`sqlite_%`) left out.
const OBJECTS: &str = "SELECT type, name, tbl_name, sql FROM sqlite_schema \
     WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid";

/// The tables whose pragmas are read: virtual tables have no columns to
/// read until their module is loaded, and are listed, not diffed.
macro_rules! tables_joined {
    ($select:literal, $join:literal, $order:literal) => {
        concat!(
            $select,
            " FROM sqlite_schema m JOIN ",
            $join,
            " WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
             AND m.sql NOT LIKE 'CREATE VIRTUAL %' ORDER BY ",
            $order
        )
    };
}

const COLUMNS: &str = tables_joined!(
    "SELECT m.name, c.name, CAST(c.type AS TEXT), c.\"notnull\", \
     CAST(c.dflt_value AS TEXT), c.pk, c.hidden",
    "pragma_table_xinfo(m.name) c",
    "m.name, c.cid"
);

const INDEXES: &str = tables_joined!(
    "SELECT m.name, l.name, l.\"unique\", l.origin, l.partial, x.seqno, x.cid, x.name, \
     x.\"desc\"",
    "pragma_index_list(m.name) l JOIN pragma_index_xinfo(l.name) x ON x.key = 1",
    "m.name, l.name, x.seqno"
);

const FOREIGN_KEYS: &str = tables_joined!(
    "SELECT m.name, f.id, f.seq, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete",
    "pragma_foreign_key_list(m.name) f",
    "m.name, f.id, f.seq"
);

/// `WITHOUT ROWID` and `STRICT` of every table (SQLite 3.37+).
const TABLE_OPTIONS: &str =
    "SELECT name, wr, strict FROM pragma_table_list WHERE schema = 'main' AND type = 'table'";

/// Reads the schema of the database `conn` is connected to, leaving out
/// the tables named in `exclude`.
pub(crate) async fn read(
    conn: &mut sqlx::SqliteConnection,
    exclude: &[&str],
) -> Result<Schema, sqlx::Error> {
    let objects: Vec<ObjectRow> = sqlx::query_as(OBJECTS).fetch_all(&mut *conn).await?;
    let columns: Vec<ColumnRow> = sqlx::query_as(COLUMNS).fetch_all(&mut *conn).await?;
    let indexes: Vec<IndexRow> = sqlx::query_as(INDEXES).fetch_all(&mut *conn).await?;
    let foreign_keys: Vec<ForeignKeyRow> =
        sqlx::query_as(FOREIGN_KEYS).fetch_all(&mut *conn).await?;
    let decode = |e: ddl::DdlError| sqlx::Error::Decode(Box::new(e));

    let mut schema = Schema::default();
    let virtual_tables: Vec<&str> = objects
        .iter()
        .filter(|o| o.kind == "table" && is_virtual(o))
        .map(|o| o.name.as_str())
        .collect();
    let excluded: HashSet<&str> = exclude.iter().copied().collect();
    // The tables an engine module (FTS, R*Tree) made for a virtual table.
    let shadow = |name: &str| {
        virtual_tables.iter().any(|v| {
            name.len() > v.len() + 1
                && name.is_char_boundary(v.len())
                && name[..v.len()].eq_ignore_ascii_case(v)
                && name.as_bytes()[v.len()] == b'_'
        })
    };
    let mut tables = Vec::new();
    let mut index_sql: HashMap<&str, &str> = HashMap::new();
    for o in &objects {
        let sql = o.sql.as_deref().unwrap_or_default();
        match o.kind.as_str() {
            "table" if is_virtual(o) => schema
                .other_objects
                .push(other(o, ObjectKind::Other("virtual table".into()))),
            "table" if !excluded.contains(o.name.as_str()) && !shadow(&o.name) => {
                tables.push((o.name.as_str(), ddl::table(&o.name, sql).map_err(decode)?));
            }
            "index" if o.sql.is_some() => {
                index_sql.insert(o.name.as_str(), sql);
            }
            "view" => schema.other_objects.push(other(o, ObjectKind::View)),
            "trigger" if !excluded.contains(o.tbl_name.as_str()) => {
                schema.other_objects.push(other(o, ObjectKind::Trigger))
            }
            _ => {}
        }
    }
    let mut assembled =
        rows::assemble(tables, columns, indexes, foreign_keys, &index_sql).map_err(decode)?;
    let options: Vec<(String, bool, bool)> =
        sqlx::query_as(TABLE_OPTIONS).fetch_all(&mut *conn).await?;
    let options: HashMap<String, (bool, bool)> = options
        .into_iter()
        .map(|(name, wr, strict)| (name, (wr, strict)))
        .collect();
    for table in &mut assembled {
        if let Some((without_rowid, strict)) = options.get(&table.name.name) {
            table.options.without_rowid = *without_rowid;
            table.options.strict = *strict;
        }
    }
    schema.tables.append(&mut assembled);
    migrate_schema::link_dependencies(&mut schema, migrate_schema::Dialect::Sqlite);
    Ok(schema)
}

fn is_virtual(o: &ObjectRow) -> bool {
    o.sql
        .as_deref()
        .is_some_and(|s| s.starts_with("CREATE VIRTUAL "))
}

fn other(o: &ObjectRow, kind: ObjectKind) -> OtherObject {
    let mut object = OtherObject::new(
        kind,
        QualifiedName::new(o.name.clone()),
        o.sql.as_deref().map(ddl::normalized),
    );
    if object.kind == ObjectKind::Trigger {
        object.table = Some(QualifiedName::new(o.tbl_name.clone()));
    }
    object
}
