//! The pragmas' rows, grouped by table and turned into the model's tables
//! with what the stored DDL adds.

use std::collections::HashMap;

use migrate_schema::{
    Column, ColumnType, Dialect, FkAction, ForeignKey, Generated, GeneratedKind, Identity, Index,
    IndexPart, PrimaryKey, QualifiedName, SortOrder, Table, Unique,
};

use super::ddl::{self, DdlError, TableDdl};
use super::default::default_sql;

/// `type, name, tbl_name, sql` of `sqlite_schema`.
pub(super) struct ObjectRow {
    pub(super) kind: String,
    pub(super) name: String,
    pub(super) tbl_name: String,
    pub(super) sql: Option<String>,
}

/// A `pragma_table_xinfo` row with its table.
pub(super) struct ColumnRow {
    table: String,
    name: String,
    declared: Option<String>,
    not_null: i64,
    default: Option<String>,
    pk: i64,
    hidden: i64,
}

/// A `pragma_index_list` row joined to one `pragma_index_xinfo` key column.
pub(super) struct IndexRow {
    table: String,
    index: String,
    unique: i64,
    origin: String,
    partial: i64,
    seqno: i64,
    cid: i64,
    column: Option<String>,
    desc: i64,
}

/// A `pragma_foreign_key_list` row with its table.
pub(super) struct ForeignKeyRow {
    table: String,
    id: i64,
    seq: i64,
    referenced: String,
    from: String,
    to: Option<String>,
    on_update: String,
    on_delete: String,
}

// The queries' columns are positional: map them by index, not by name.
macro_rules! positional {
    ($row:ty { $($field:ident),* }) => {
        impl<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> for $row {
            fn from_row(row: &'r sqlx::sqlite::SqliteRow) -> Result<Self, sqlx::Error> {
                use sqlx::Row;
                let mut next = 0usize;
                Ok(Self {
                    $($field: {
                        next += 1;
                        row.try_get(next - 1)?
                    }),*
                })
            }
        }
    };
}

/// Groups `rows` by table name, keeping their order.
fn by_table<T>(rows: Vec<T>, table: impl Fn(&T) -> &str) -> HashMap<String, Vec<T>> {
    let mut out: HashMap<String, Vec<T>> = HashMap::new();
    for row in rows {
        out.entry(table(&row).to_string()).or_default().push(row);
    }
    out
}

/// The model's tables, in the order of `tables`.
pub(super) fn assemble(
    tables: Vec<(&str, TableDdl)>,
    columns: Vec<ColumnRow>,
    indexes: Vec<IndexRow>,
    foreign_keys: Vec<ForeignKeyRow>,
    index_sql: &HashMap<&str, &str>,
) -> Result<Vec<Table>, DdlError> {
    let mut columns = by_table(columns, |r| &r.table);
    let mut indexes = by_table(indexes, |r| &r.table);
    let mut foreign_keys = by_table(foreign_keys, |r| &r.table);
    let mut out = Vec::with_capacity(tables.len());
    for (name, ddl) in &tables {
        let mut table = Table::new(QualifiedName::new(*name));
        let rows = columns.remove(*name).unwrap_or_default();
        fill_columns(&mut table, &rows, ddl)?;
        table.checks = ddl.checks.clone();
        fill_indexes(
            &mut table,
            indexes.remove(*name).unwrap_or_default(),
            ddl,
            index_sql,
        )?;
        out.push(table);
    }
    // Foreign keys last: a key that names no columns references the other
    // table's primary key, read above.
    let names: HashMap<String, usize> = out
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.name.to_ascii_lowercase(), i))
        .collect();
    for (i, (name, ddl)) in tables.iter().enumerate() {
        let rows = foreign_keys.remove(*name).unwrap_or_default();
        let keys = read_foreign_keys(rows, ddl, |referenced| {
            names
                .get(&referenced.to_ascii_lowercase())
                .map(|&j| &out[j])
        });
        out[i].foreign_keys = keys;
    }
    Ok(out)
}

fn fill_columns(table: &mut Table, rows: &[ColumnRow], ddl: &TableDdl) -> Result<(), DdlError> {
    let mut key: Vec<(i64, String)> = Vec::new();
    for row in rows {
        let parsed = ddl.columns.get(&row.name.to_ascii_lowercase());
        let declared = row.declared.clone().unwrap_or_default();
        let mut column = Column::new(row.name.clone(), ColumnType::new(Dialect::Sqlite, declared));
        column.nullable = row.not_null == 0;
        column.default = row.default.as_deref().map(default_sql);
        column.collation = parsed.and_then(|c| c.collation.clone());
        if parsed.is_some_and(|c| c.autoincrement) {
            column.identity = Some(Identity::AutoIncrement);
        }
        let kind = match row.hidden {
            2 => Some(GeneratedKind::Virtual),
            3 => Some(GeneratedKind::Stored),
            _ => None,
        };
        if let Some(kind) = kind {
            let expression = parsed.and_then(|c| c.generated.clone()).ok_or_else(|| {
                DdlError::missing(&table.name.name, &row.name, "generation expression")
            })?;
            column.generated = Some(Generated { expression, kind });
        }
        if row.pk > 0 {
            key.push((row.pk, row.name.clone()));
        }
        table.columns.push(column);
    }
    if !key.is_empty() {
        key.sort();
        table.primary_key = Some(PrimaryKey {
            name: ddl.primary_key_name.clone(),
            columns: key.into_iter().map(|(_, c)| c).collect(),
            comment: None,
            deferrable: None,
        });
    }
    Ok(())
}

fn fill_indexes(
    table: &mut Table,
    rows: Vec<IndexRow>,
    ddl: &TableDdl,
    index_sql: &HashMap<&str, &str>,
) -> Result<(), DdlError> {
    let mut groups: Vec<Vec<IndexRow>> = Vec::new();
    for row in rows {
        match groups.last_mut() {
            Some(group) if group[0].index == row.index => group.push(row),
            _ => groups.push(vec![row]),
        }
    }
    for group in groups {
        let first = &group[0];
        let names = || -> Vec<String> {
            group
                .iter()
                .map(|r| r.column.clone().unwrap_or_default())
                .collect()
        };
        match first.origin.as_str() {
            // The primary key is read from the columns' `pk` positions.
            "pk" => {}
            "u" => {
                let columns = names();
                let lower: Vec<String> = columns.iter().map(|c| c.to_ascii_lowercase()).collect();
                let name = ddl
                    .unique_names
                    .iter()
                    .find(|(cols, _)| cols == &lower)
                    .map(|(_, n)| n.clone());
                table.uniques.push(Unique {
                    name,
                    columns,
                    nulls_not_distinct: false,
                    deferrable: None,
                });
            }
            _ => {
                let parsed = match index_sql.get(first.index.as_str()) {
                    Some(sql) => ddl::index(&first.index, sql)?,
                    None => ddl::IndexDdl::default(),
                };
                let mut parts = Vec::with_capacity(group.len());
                for row in &group {
                    let parsed_part = usize::try_from(row.seqno)
                        .ok()
                        .and_then(|i| parsed.parts.get(i).cloned());
                    let part = match (&row.column, parsed_part) {
                        (Some(column), _) if row.cid >= 0 => IndexPart::column(column.clone()),
                        (_, Some(part)) => part,
                        (column, None) => {
                            IndexPart::column(column.clone().unwrap_or_else(|| "rowid".into()))
                        }
                    };
                    parts.push(match row.desc {
                        0 => part,
                        _ => part.with_order(SortOrder::Desc),
                    });
                }
                let predicate = if first.partial != 0 {
                    Some(parsed.predicate.ok_or_else(|| {
                        DdlError::missing(&table.name.name, &first.index, "partial-index predicate")
                    })?)
                } else {
                    None
                };
                table.indexes.push(Index {
                    name: first.index.clone(),
                    unique: first.unique != 0,
                    parts,
                    include: Vec::new(),
                    predicate,
                    method: None,
                    comment: None,
                    nulls_not_distinct: false,
                    storage: None,
                });
            }
        }
    }
    Ok(())
}

fn read_foreign_keys<'t>(
    rows: Vec<ForeignKeyRow>,
    ddl: &TableDdl,
    table: impl Fn(&str) -> Option<&'t Table>,
) -> Vec<ForeignKey> {
    let mut groups: Vec<Vec<ForeignKeyRow>> = Vec::new();
    for row in rows {
        match groups.last_mut() {
            Some(group) if group[0].id == row.id => group.push(row),
            _ => groups.push(vec![row]),
        }
    }
    let mut out = Vec::with_capacity(groups.len());
    for mut group in groups {
        group.sort_by_key(|r| r.seq);
        let first = &group[0];
        let parent = table(&first.referenced);
        let referenced_table = parent.map_or_else(
            || QualifiedName::new(first.referenced.clone()),
            |t| t.name.clone(),
        );
        let parent_key: Vec<String> = parent
            .and_then(|t| t.primary_key.as_ref())
            .map(|k| k.columns.clone())
            .unwrap_or_default();
        let columns: Vec<String> = group.iter().map(|r| r.from.clone()).collect();
        // `to` is the text of the REFERENCES clause: spell it as the parent does.
        let spelled = |name: String| {
            parent
                .and_then(|t| {
                    t.columns
                        .iter()
                        .find(|c| c.name.eq_ignore_ascii_case(&name))
                })
                .map_or(name, |c| c.name.clone())
        };
        let referenced_columns = group
            .iter()
            .enumerate()
            .map(|(i, r)| {
                r.to.clone()
                    .map(spelled)
                    .or_else(|| parent_key.get(i).cloned())
                    .unwrap_or_default()
            })
            .collect();
        let lower: Vec<String> = columns.iter().map(|c| c.to_ascii_lowercase()).collect();
        let referenced_lower = first.referenced.to_ascii_lowercase();
        let name = ddl
            .foreign_key_names
            .iter()
            .find(|(cols, t, _)| cols == &lower && t == &referenced_lower)
            .map(|(_, _, n)| n.clone());
        out.push(ForeignKey {
            name,
            columns,
            referenced_table,
            referenced_columns,
            on_delete: action(&first.on_delete),
            on_update: action(&first.on_update),
            match_full: false,
            not_valid: false,
        });
    }
    out
}

fn action(text: &str) -> FkAction {
    match text.to_uppercase().as_str() {
        "RESTRICT" => FkAction::Restrict,
        "CASCADE" => FkAction::Cascade,
        "SET NULL" => FkAction::SetNull,
        "SET DEFAULT" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

positional!(ObjectRow {
    kind,
    name,
    tbl_name,
    sql
});
positional!(ColumnRow {
    table,
    name,
    declared,
    not_null,
    default,
    pk,
    hidden
});
positional!(IndexRow {
    table,
    index,
    unique,
    origin,
    partial,
    seqno,
    cid,
    column,
    desc
});
positional!(ForeignKeyRow {
    table,
    id,
    seq,
    referenced,
    from,
    to,
    on_update,
    on_delete
});
