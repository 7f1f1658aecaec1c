//! Columns from `information_schema.COLUMNS`, with defaults folded into SQL
//! ready to render: MariaDB quotes literal defaults and MySQL does not, so
//! MySQL's literals are quoted here and both servers' expressions are put
//! in the parentheses `DEFAULT (expr)` needs.

use migrate_schema::{quote, Column, ColumnType, Dialect, Generated, GeneratedKind, Identity};

use super::{text, Server, Tables};

const COLUMNS: &str = "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, \
     EXTRA, GENERATION_EXPRESSION, COLUMN_COMMENT, COLLATION_NAME, DATA_TYPE \
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() \
     ORDER BY TABLE_NAME, ORDINAL_POSITION";

/// Fills the columns of every table in `tables`.
pub(super) async fn read(
    conn: &mut sqlx::MySqlConnection,
    server: Server,
    tables: &mut Tables<'_>,
) -> Result<(), sqlx::Error> {
    for row in sqlx::query(COLUMNS).fetch_all(&mut *conn).await? {
        let table_name = text(&row, 0)?.unwrap_or_default();
        let collation =
            text(&row, 8)?.filter(|c| Some(c.as_str()) != tables.collation(&table_name));
        let Some(table) = tables.get(&table_name) else {
            continue;
        };
        let name = text(&row, 1)?.unwrap_or_default();
        let raw_type = text(&row, 2)?.unwrap_or_default();
        let data_type = text(&row, 9)?.unwrap_or_default().to_ascii_lowercase();
        let extra = text(&row, 5)?.unwrap_or_default();
        let extra_lower = extra.to_ascii_lowercase();
        let mut column = Column::new(name, ColumnType::new(Dialect::MySql, raw_type));
        column.nullable = text(&row, 3)?.as_deref() == Some("YES");
        column.collation = collation;
        column.comment = text(&row, 7)?.filter(|c| !c.is_empty());
        if extra_lower.contains("auto_increment") {
            column.identity = Some(Identity::AutoIncrement);
        }
        let kind = if extra_lower.contains("virtual generated") {
            Some(GeneratedKind::Virtual)
        } else if extra_lower.contains("stored generated") || extra_lower.contains("persistent") {
            Some(GeneratedKind::Stored)
        } else {
            None
        };
        match (kind, text(&row, 6)?) {
            (Some(kind), Some(expression)) if !expression.is_empty() => {
                column.generated = Some(Generated { expression, kind });
            }
            _ => {
                let default = default(server, text(&row, 4)?, &data_type, &extra_lower);
                column.default = on_update(default, &extra, column.nullable);
            }
        }
        table.columns.push(column);
    }
    Ok(())
}

/// `COLUMN_DEFAULT` as SQL that `DEFAULT ...` takes back unchanged.
pub(super) fn default(
    server: Server,
    raw: Option<String>,
    data_type: &str,
    extra: &str,
) -> Option<String> {
    let raw = raw?;
    if server.quotes_defaults() {
        // MariaDB prints `NULL` for "no default" on nullable
        // columns and for `DEFAULT NULL` alike: both mean the same.
        if raw == "NULL" {
            return None;
        }
        if raw.starts_with('\'') || is_literal_token(&raw) {
            return Some(raw);
        }
        return Some(expression(raw));
    }
    // MySQL 8 marks expression defaults (CURRENT_TIMESTAMP included) in
    // EXTRA; older servers only have CURRENT_TIMESTAMP, unmarked.
    let timestamp = matches!(data_type, "datetime" | "timestamp")
        && raw.to_ascii_lowercase().starts_with("current_timestamp");
    if extra.contains("default_generated") || timestamp {
        return Some(expression(raw));
    }
    if is_numeric_type(data_type) || is_literal_token(&raw) && !is_text_type(data_type) {
        return Some(raw);
    }
    Some(quote::literal(Dialect::MySql, &raw))
}

/// Appends `ON UPDATE CURRENT_TIMESTAMP` (which lives in `EXTRA`) to the
/// default, so that `MODIFY COLUMN` keeps it: the model has no field of its
/// own for it, and `DEFAULT x ON UPDATE y` is what the renderer writes after
/// `DEFAULT`.
fn on_update(default: Option<String>, extra: &str, nullable: bool) -> Option<String> {
    let lower = extra.to_ascii_lowercase();
    let Some(at) = lower.find("on update ") else {
        return default;
    };
    let clause = &extra[at + "on update ".len()..];
    match default {
        Some(d) => Some(format!("{d} ON UPDATE {clause}")),
        None if nullable => Some(format!("NULL ON UPDATE {clause}")),
        // A NOT NULL column without default: nothing to hang the clause on.
        None => None,
    }
}

/// An expression default: `CURRENT_TIMESTAMP` and its synonyms may stand
/// bare (and must, for `ON UPDATE` to follow); anything else needs parentheses.
fn expression(raw: String) -> String {
    let lower = raw.to_ascii_lowercase();
    let bare = ["current_timestamp", "now(", "localtime", "localtimestamp"];
    if bare.iter().any(|b| lower.starts_with(b)) {
        raw
    } else {
        format!("({raw})")
    }
}

/// A number, a bit or hex literal: SQL as it stands.
fn is_literal_token(raw: &str) -> bool {
    let lower = raw.to_ascii_lowercase();
    if (lower.starts_with("b'") || lower.starts_with("x'")) && lower.ends_with('\'') {
        return true;
    }
    if lower.starts_with("0x") && lower[2..].chars().all(|c| c.is_ascii_hexdigit()) {
        return true;
    }
    let digits = raw.strip_prefix(['-', '+']).unwrap_or(raw);
    !digits.is_empty() && digits.parse::<f64>().is_ok() && !digits.contains(['i', 'I', 'n', 'N'])
}

fn is_numeric_type(data_type: &str) -> bool {
    matches!(
        data_type,
        "tinyint"
            | "smallint"
            | "mediumint"
            | "int"
            | "integer"
            | "bigint"
            | "decimal"
            | "numeric"
            | "float"
            | "double"
            | "real"
            | "year"
            | "bit"
    )
}

fn is_text_type(data_type: &str) -> bool {
    data_type.contains("char")
        || data_type.contains("text")
        || matches!(
            data_type,
            "enum" | "set" | "date" | "datetime" | "timestamp" | "time"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARIADB: Server = Server {
        mariadb: true,
        version: (10, 11, 19),
    };
    const MYSQL: Server = Server {
        mariadb: false,
        version: (8, 0, 36),
    };

    fn d(server: Server, raw: Option<&str>, ty: &str, extra: &str) -> Option<String> {
        default(server, raw.map(str::to_string), ty, extra)
    }

    #[test]
    fn mariadb_defaults_keep_literals_and_wrap_expressions() {
        assert_eq!(d(MARIADB, Some("NULL"), "int", ""), None);
        assert_eq!(d(MARIADB, None, "int", ""), None);
        assert_eq!(d(MARIADB, Some("5"), "int", "").as_deref(), Some("5"));
        assert_eq!(
            d(MARIADB, Some("-1.50"), "decimal", "").as_deref(),
            Some("-1.50")
        );
        assert_eq!(
            d(MARIADB, Some("'x''y'"), "varchar", "").as_deref(),
            Some("'x''y'")
        );
        assert_eq!(
            d(MARIADB, Some("b'101'"), "bit", "").as_deref(),
            Some("b'101'")
        );
        assert_eq!(
            d(MARIADB, Some("current_timestamp()"), "datetime", "").as_deref(),
            Some("current_timestamp()")
        );
        assert_eq!(
            d(MARIADB, Some("rand()"), "double", "").as_deref(),
            Some("(rand())")
        );
    }

    #[test]
    fn mysql_defaults_get_quoted_unless_numeric_or_generated() {
        assert_eq!(d(MYSQL, None, "int", ""), None);
        assert_eq!(d(MYSQL, Some("5"), "int", "").as_deref(), Some("5"));
        assert_eq!(
            d(MYSQL, Some("x'y"), "varchar", "").as_deref(),
            Some("'x''y'")
        );
        assert_eq!(d(MYSQL, Some("12"), "varchar", "").as_deref(), Some("'12'"));
        assert_eq!(
            d(MYSQL, Some("NULL"), "varchar", "").as_deref(),
            Some("'NULL'")
        );
        assert_eq!(
            d(MYSQL, Some("b'101'"), "bit", "").as_deref(),
            Some("b'101'")
        );
        assert_eq!(
            d(
                MYSQL,
                Some("CURRENT_TIMESTAMP"),
                "datetime",
                "default_generated"
            )
            .as_deref(),
            Some("CURRENT_TIMESTAMP")
        );
        assert_eq!(
            d(MYSQL, Some("rand()"), "double", "default_generated").as_deref(),
            Some("(rand())")
        );
        let mysql57 = Server {
            mariadb: false,
            version: (5, 7, 44),
        };
        assert_eq!(
            d(mysql57, Some("CURRENT_TIMESTAMP"), "timestamp", "").as_deref(),
            Some("CURRENT_TIMESTAMP")
        );
    }

    #[test]
    fn on_update_rides_on_the_default() {
        assert_eq!(
            on_update(
                Some("current_timestamp()".into()),
                "on update current_timestamp()",
                true
            )
            .as_deref(),
            Some("current_timestamp() ON UPDATE current_timestamp()")
        );
        assert_eq!(
            on_update(None, "DEFAULT_GENERATED on update CURRENT_TIMESTAMP", true).as_deref(),
            Some("NULL ON UPDATE CURRENT_TIMESTAMP")
        );
        assert_eq!(on_update(Some("1".into()), "", true).as_deref(), Some("1"));
    }
}
