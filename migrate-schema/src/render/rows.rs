//! Rows as SQL: a plausible row for every table, so that a draft is also
//! verified on tables that hold data (`ADD COLUMN ... NOT NULL` without a
//! default passes on an empty table and fails in production); the `INSERT`
//! of a row whose values are literals already; the query that reads a
//! table's rows back as such literals; and, on PostgreSQL, the statements
//! that move sequences past ids inserted as they were.

use super::quote::{ident, literal as quote_literal, qualified};
use crate::model::{Dialect, Identity, QualifiedName, Schema, Table};

/// One `INSERT` per table, referenced tables first, each row made of one
/// value per column chosen from its type. A column in a foreign key takes
/// the value its referenced column gets, so every reference is satisfied;
/// generated columns are left to the engine, and columns of a type with no
/// obvious literal are left out when they may be (nullable or defaulted).
/// Tables a value cannot be found for are skipped.
pub fn row_inserts(schema: &Schema, dialect: Dialect) -> Vec<(QualifiedName, String)> {
    let mut out = Vec::new();
    for table in schema.referenced_first() {
        if let Some(sql) = insert(schema, table, dialect) {
            out.push((table.name.clone(), sql));
        }
    }
    out
}

fn insert(schema: &Schema, table: &Table, dialect: Dialect) -> Option<String> {
    let mut names = Vec::new();
    let mut values = Vec::new();
    let mut overriding = false;
    for column in &table.columns {
        if column.generated.is_some() {
            continue;
        }
        let referenced = table
            .foreign_keys
            .iter()
            .find_map(|fk| {
                let at = fk.columns.iter().position(|c| c == &column.name)?;
                let target = schema.table(&fk.referenced_table)?;
                target.column(fk.referenced_columns.get(at)?)
            })
            .map(|c| c.data_type.normalized.clone());
        let ty = referenced.unwrap_or_else(|| column.data_type.normalized.clone());
        match literal(&ty, dialect, schema) {
            Some(value) => {
                if column.identity == Some(Identity::Always) {
                    overriding = true;
                }
                names.push(column.name.as_str());
                values.push(value);
            }
            None if column.nullable || column.default.is_some() || column.identity.is_some() => {}
            None => return None,
        }
    }
    if names.is_empty() {
        let target = qualified(dialect, &table.name);
        return Some(match dialect {
            Dialect::MySql => format!("INSERT INTO {target} () VALUES ()"),
            _ => format!("INSERT INTO {target} DEFAULT VALUES"),
        });
    }
    Some(insert_row(
        dialect,
        &table.name,
        &names,
        overriding,
        &values,
    ))
}

/// `INSERT INTO table (columns) [OVERRIDING SYSTEM VALUE] VALUES (values)`,
/// `values` being SQL literals already; `overriding` writes ids into
/// PostgreSQL `GENERATED ALWAYS` columns.
pub fn insert_row(
    dialect: Dialect,
    table: &QualifiedName,
    columns: &[&str],
    overriding: bool,
    values: &[String],
) -> String {
    let names: Vec<String> = columns.iter().map(|c| ident(dialect, c)).collect();
    format!(
        "INSERT INTO {} ({}){} VALUES ({})",
        qualified(dialect, table),
        names.join(", "),
        if overriding {
            " OVERRIDING SYSTEM VALUE"
        } else {
            ""
        },
        values.join(", ")
    )
}

/// A literal of type `ty` (normalized), or `None` when there is no safe one.
pub(super) fn literal(ty: &str, dialect: Dialect, schema: &Schema) -> Option<String> {
    let ty = ty.trim();
    if ty.ends_with("[]") {
        return Some("'{}'".into());
    }
    let base = ty.split('(').next().unwrap_or(ty).trim();
    let base = base.trim_matches('"');
    let text = |s: &str| Some(format!("'{s}'"));
    if let Some(first) = first_label(ty) {
        return Some(first);
    }
    if let Some(e) = schema
        .enums
        .iter()
        .find(|e| e.name.name == base || e.name.to_string() == base)
    {
        return e.values.first().map(|v| quote_literal(dialect, v));
    }
    // A domain: its base type's literal (a domain's base is never itself).
    if let Some(under) = super::domain::of(ty, schema).and_then(super::domain::base) {
        if under != ty {
            return literal(under, dialect, schema);
        }
    }
    let word = base.split_whitespace().next().unwrap_or(base);
    match word {
        "interval" => text("1 day"),
        "bool" | "boolean" => Some(
            if dialect == Dialect::Postgres {
                "true"
            } else {
                "1"
            }
            .into(),
        ),
        "bit" if dialect == Dialect::Postgres => {
            let n: usize = digits(ty).unwrap_or(1);
            Some(format!("B'{}'", "1".repeat(n.max(1))))
        }
        "bit" => Some("b'1'".into()),
        "date" => text("2000-01-01"),
        "timestamp" | "timestamptz" | "datetime" => text("2000-01-01 00:00:00"),
        "time" | "timetz" => text("00:00:00"),
        "year" => Some("2000".into()),
        "uuid" => text("00000000-0000-0000-0000-000000000001"),
        "json" | "jsonb" => text("{}"),
        "bytea" => text("\\x00"),
        "blob" | "tinyblob" | "mediumblob" | "longblob" | "binary" | "varbinary" => {
            Some("X'00'".into())
        }
        "inet" | "cidr" => text("127.0.0.1"),
        "macaddr" => text("08:00:2b:01:02:03"),
        "xml" => text("<a/>"),
        // Geometry has no literal on MySQL: a constructor call is as good in a VALUES list.
        "point" if dialect == Dialect::Postgres => text("(0,0)"),
        "polygon" if dialect == Dialect::Postgres => text("((0,0),(1,0),(1,1))"),
        "point" | "geometry" if dialect == Dialect::MySql => {
            Some("ST_GeomFromText('POINT(0 0)')".into())
        }
        "linestring" if dialect == Dialect::MySql => {
            Some("ST_GeomFromText('LINESTRING(0 0,1 1)')".into())
        }
        "polygon" if dialect == Dialect::MySql => {
            Some("ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))')".into())
        }
        "multipoint" if dialect == Dialect::MySql => {
            Some("ST_GeomFromText('MULTIPOINT(0 0)')".into())
        }
        "money" | "numeric" | "decimal" | "real" | "double" | "float" | "float4" | "float8"
        | "dec" | "fixed" => Some("1".into()),
        w if w.contains("int") || w.contains("serial") => Some("1".into()),
        w if w.contains("char") || w.contains("text") || w.contains("clob") || w == "string" => {
            text("a")
        }
        // SQLite stores any value in any column (outside STRICT tables).
        _ if dialect == Dialect::Sqlite => Some("1".into()),
        _ => None,
    }
}

/// The first label of a MySQL `enum('a','b')` or `set(...)`.
pub(super) fn first_label(ty: &str) -> Option<String> {
    let rest = ty
        .strip_prefix("enum(")
        .or_else(|| ty.strip_prefix("set("))?;
    let rest = rest.strip_prefix('\'')?;
    let mut label = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            if chars.peek() == Some(&'\'') {
                chars.next();
                label.push_str("''");
                continue;
            }
            break;
        }
        label.push(c);
    }
    Some(format!("'{label}'"))
}

fn digits(ty: &str) -> Option<usize> {
    let inner = ty.split('(').nth(1)?.split(')').next()?;
    inner.trim().parse().ok()
}

/// `DELETE FROM table`: every row gone, the table kept.
pub fn delete_rows(dialect: Dialect, table: &QualifiedName) -> String {
    format!("DELETE FROM {}", qualified(dialect, table))
}

/// The query reading every row of `table` with each of `columns` as the
/// database writes it as a literal (`NULL` as SQL NULL), so that no value
/// passes through Rust types on its way into [`insert_row`].
pub fn select_literals(dialect: Dialect, table: &QualifiedName, columns: &[&str]) -> String {
    let quote_fn = match dialect {
        Dialect::Sqlite => "quote",
        Dialect::Postgres => "quote_nullable",
        Dialect::MySql => "QUOTE",
    };
    let select: Vec<String> = columns
        .iter()
        .map(|c| format!("{quote_fn}({})", ident(dialect, c)))
        .collect();
    format!(
        "SELECT {} FROM {}",
        select.join(", "),
        qualified(dialect, table)
    )
}

/// [`select_literals`] with each column's type (normalized, as the model
/// holds it): binary values are read as hex literals (MySQL `X'...'`,
/// PostgreSQL `'\x...'::bytea`) and MySQL `BIT` values as `b'...'`, so that
/// a value that is not UTF-8 text still round-trips byte for byte.
pub fn select_typed_literals(
    dialect: Dialect,
    table: &QualifiedName,
    columns: &[(&str, &str)],
) -> String {
    let select: Vec<String> = columns
        .iter()
        .map(|(c, ty)| {
            let col = ident(dialect, c);
            let base = ty.split('(').next().unwrap_or(ty).trim().to_lowercase();
            match dialect {
                Dialect::MySql if base == "bit" => {
                    format!("CASE WHEN {col} IS NULL THEN NULL ELSE CONCAT('b''', BIN({col}), '''') END")
                }
                Dialect::MySql if base.contains("blob") || base.contains("binary") => {
                    format!("CASE WHEN {col} IS NULL THEN NULL ELSE CONCAT('X''', HEX({col}), '''') END")
                }
                Dialect::MySql => format!("QUOTE({col})"),
                Dialect::Postgres if base == "bytea" => format!(
                    r"CASE WHEN {col} IS NULL THEN NULL ELSE '''\x' || encode({col}, 'hex') || '''::bytea' END"
                ),
                Dialect::Postgres => format!("quote_nullable({col})"),
                Dialect::Sqlite => format!("quote({col})"),
            }
        })
        .collect();
    format!(
        "SELECT {} FROM {}",
        select.join(", "),
        qualified(dialect, table)
    )
}

/// A literal read by [`select_literals`], written without a raw carriage
/// return: migration files are read with CR LF turned into LF, so a CR
/// inside a value would be lost. PostgreSQL writes it `E'...\r...'`, MySQL
/// `'...\r...'`, SQLite `'...' || char(13) || '...'`.
pub fn escape_cr(dialect: Dialect, literal: &str) -> String {
    if !literal.contains('\r') {
        return literal.to_owned();
    }
    match dialect {
        Dialect::MySql => literal.replace('\r', r"\r"),
        Dialect::Postgres => match literal.strip_prefix("E'") {
            Some(rest) => format!("E'{}", rest.replace('\r', r"\r")),
            None => format!("E{}", literal.replace('\\', r"\\").replace('\r', r"\r")),
        },
        Dialect::Sqlite => literal.replace('\r', "' || char(13) || '"),
    }
}

/// On PostgreSQL, rows written with their ids leave the sequences behind:
/// one statement per serial or identity column of `table` moving its
/// sequence to the largest id. Nothing elsewhere: MySQL's `AUTO_INCREMENT`
/// and SQLite's rowid follow inserted ids.
pub fn reset_sequences(dialect: Dialect, table: &Table) -> Vec<String> {
    if dialect != Dialect::Postgres {
        return Vec::new();
    }
    let target = qualified(dialect, &table.name);
    table
        .columns
        .iter()
        .filter(|c| {
            c.identity.is_some()
                || c.data_type.normalized.contains("serial")
                || c.default.as_deref().is_some_and(|d| d.contains("nextval("))
        })
        .map(|c| {
            let col = ident(dialect, &c.name);
            format!(
                "SELECT setval(pg_get_serial_sequence({}, {}), COALESCE(max({col}), 1), max({col}) IS NOT NULL) FROM {target}",
                quote_literal(dialect, &target),
                quote_literal(dialect, &c.name)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Column, ColumnType, FkAction, ForeignKey};

    fn col(d: Dialect, name: &str, ty: &str, nullable: bool) -> Column {
        let mut c = Column::new(name, ColumnType::new(d, ty));
        c.nullable = nullable;
        c
    }

    #[test]
    fn parents_come_first_and_references_match() {
        let d = Dialect::Postgres;
        let mut users = Table::new("users");
        users.columns.push(col(d, "id", "uuid", false));
        users
            .columns
            .push(col(d, "name", "character varying(20)", false));
        let mut posts = Table::new("a_posts");
        posts.columns.push(col(d, "id", "bigint", false));
        posts.columns.push(col(d, "author", "uuid", false));
        posts.foreign_keys.push(ForeignKey {
            name: None,
            columns: vec!["author".into()],
            referenced_table: QualifiedName::new("users"),
            referenced_columns: vec!["id".into()],
            on_delete: FkAction::NoAction,
            on_update: FkAction::NoAction,
            match_full: false,
            not_valid: false,
        });
        let schema = Schema {
            tables: vec![posts, users],
            ..Schema::default()
        };
        let rows = row_inserts(&schema, d);
        assert_eq!(rows[0].0.name, "users");
        assert_eq!(
            rows[1].1,
            "INSERT INTO \"a_posts\" (\"id\", \"author\") VALUES (1, '00000000-0000-0000-0000-000000000001')"
        );
    }

    #[test]
    fn carriage_returns_are_escaped_per_dialect() {
        assert_eq!(escape_cr(Dialect::Postgres, "'a\r\nb'"), "E'a\\r\nb'");
        assert_eq!(escape_cr(Dialect::Postgres, "E'a\\\\\rb'"), "E'a\\\\\\rb'");
        assert_eq!(escape_cr(Dialect::MySql, "'a\r\nb'"), "'a\\r\nb'");
        assert_eq!(
            escape_cr(Dialect::Sqlite, "'a\rb'"),
            "'a' || char(13) || 'b'"
        );
        assert_eq!(escape_cr(Dialect::Sqlite, "'ab'"), "'ab'");
    }

    #[test]
    fn mysql_enums_take_their_first_label() {
        let d = Dialect::MySql;
        let mut t = Table::new("t");
        t.columns.push(col(d, "s", "enum('on','off')", false));
        let schema = Schema {
            tables: vec![t],
            ..Schema::default()
        };
        assert_eq!(
            row_inserts(&schema, d)[0].1,
            "INSERT INTO `t` (`s`) VALUES ('on')"
        );
    }
}
