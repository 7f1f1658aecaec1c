//! Reading another tool's version table, as that tool writes it, into plain
//! rows. One `SELECT` per tool, every column cast to text in SQL so the three
//! backends decode alike. Read before our lock is taken: the other tool no
//! longer runs, and what is decisive (our table still empty) is checked
//! again under the lock.

use super::tool::Tool;
use crate::db::{BackendRef, Database};
use crate::error::{Action, Error};
use crate::Dialect;

/// One row of the other tool's table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtherRow {
    /// The version as recorded (text).
    pub version: String,
    /// Its description or name, where the tool keeps one.
    pub name: Option<String>,
    /// `false` for a failed, partial or dirty row.
    pub ok: bool,
    /// The checksum the tool recorded (lowercase hex for sqlx, decimal for
    /// refinery and Flyway).
    pub checksum: Option<String>,
    /// Flyway's `type` (`SQL`, `BASELINE`, ...).
    pub kind: Option<String>,
}

/// What a column of the `SELECT` is: a column of the table, or nothing.
enum Col {
    Text(&'static str),
    Hex(&'static str),
    Null,
}

fn expr(dialect: Dialect, col: &Col) -> String {
    let text = match dialect {
        Dialect::MySql => "CHAR",
        _ => "TEXT",
    };
    match col {
        Col::Text(c) => format!("CAST({c} AS {text})"),
        Col::Hex(c) if dialect == Dialect::Postgres => format!("encode({c}, 'hex')"),
        Col::Hex(c) => format!("LOWER(HEX({c}))"),
        Col::Null => format!("CAST(NULL AS {text})"),
    }
}

/// The `SELECT` that reads `tool`'s table in `dialect`: version, name, ok
/// flag, checksum, kind.
pub(crate) fn select(tool: Tool, dialect: Dialect, table: &str) -> String {
    use Col::*;
    let (cols, order): ([Col; 5], &str) = match tool {
        Tool::Sqlx => (
            [
                Text("version"),
                Text("description"),
                Text("success"),
                Hex("checksum"),
                Null,
            ],
            "version",
        ),
        Tool::Diesel | Tool::Dbmate => ([Text("version"), Null, Null, Null, Null], "version"),
        Tool::Refinery => (
            [Text("version"), Text("name"), Null, Text("checksum"), Null],
            "version",
        ),
        Tool::GolangMigrate => (
            [Text("version"), Null, Text("dirty"), Null, Null],
            "version",
        ),
        Tool::Flyway => (
            [
                Text("version"),
                Text("description"),
                Text("success"),
                Text("checksum"),
                Text("type"),
            ],
            "installed_rank",
        ),
        Tool::Alembic => ([Text("version_num"), Null, Null, Null, Null], "version_num"),
    };
    let list: Vec<String> = cols.iter().map(|c| expr(dialect, c)).collect();
    format!(
        "SELECT {} FROM {} ORDER BY {order}",
        list.join(", "),
        quote(dialect, table)
    )
}

fn quote(dialect: Dialect, table: &str) -> String {
    match dialect {
        Dialect::MySql => format!("`{table}`"),
        _ => format!("\"{table}\""),
    }
}

/// The query that says whether `table` exists (one row, a count).
fn exists(dialect: Dialect, table: &str) -> String {
    match dialect {
        Dialect::Postgres => format!(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '{table}'"
        ),
        Dialect::MySql => format!(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '{table}'"
        ),
        Dialect::Sqlite => {
            format!("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'")
        }
    }
}

/// Whether a boolean-ish text says true (`true`, `t`, `1`).
fn truthy(text: Option<&str>) -> bool {
    matches!(
        text.map(|t| t.trim().to_ascii_lowercase()).as_deref(),
        Some("true" | "t" | "1")
    )
}

/// Whether `table` (a plain name, in the connection's schema) exists.
pub(crate) async fn table_exists<D: Database + ?Sized>(db: &D, table: &str) -> Result<bool, Error> {
    let rows = fetch(db, &exists(db.dialect(), table))
        .await
        .map_err(|e| Error::Database {
            action: Action::Read,
            table: table.to_owned(),
            hint: None,
            source: Box::new(e),
        })?;
    Ok(rows.first().and_then(|r| r[0].as_deref()) != Some("0"))
}

/// Reads `tool`'s table (`table`, its default name unless given) from
/// `db`; `None` when the table does not exist.
pub async fn read<D: Database + ?Sized>(
    db: &D,
    tool: Tool,
    table: Option<&str>,
) -> Result<Option<Vec<OtherRow>>, Error> {
    let table = table.unwrap_or(tool.table());
    if !table
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err(Error::InvalidTableName {
            name: table.to_owned(),
            reason: "another tool's table is named with letters, digits and `_` only",
        });
    }
    let dialect = db.dialect();
    let fail = |e: sqlx::Error| Error::Database {
        action: Action::Read,
        table: table.to_owned(),
        hint: None,
        source: Box::new(e),
    };
    let count = fetch(db, &exists(dialect, table)).await.map_err(fail)?;
    if count.first().and_then(|r| r[0].as_deref()) == Some("0") {
        return Ok(None);
    }
    let rows = fetch(db, &select(tool, dialect, table))
        .await
        .map_err(fail)?;
    Ok(Some(
        rows.into_iter()
            .filter_map(|r| {
                let [version, name, ok, checksum, kind]: [Option<String>; 5] = r.try_into().ok()?;
                let ok = match tool {
                    Tool::Sqlx | Tool::Flyway => truthy(ok.as_deref()),
                    Tool::GolangMigrate => !truthy(ok.as_deref()),
                    _ => true,
                };
                Some(OtherRow {
                    // Flyway's repeatable rows have no version.
                    version: version.unwrap_or_default(),
                    name,
                    ok,
                    checksum,
                    kind,
                })
            })
            .collect(),
    ))
}

/// Runs `sql` and returns every column of every row as text.
async fn fetch<D: Database + ?Sized>(
    db: &D,
    sql: &str,
) -> Result<Vec<Vec<Option<String>>>, sqlx::Error> {
    use sqlx::Row;
    let sql = crate::session::sql_str(sql);
    macro_rules! rows {
        ($pool:expr) => {{
            let rows = sqlx::query(sql).fetch_all($pool).await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                let mut cells = Vec::with_capacity(row.len());
                for i in 0..row.len() {
                    // COUNT(*) is an integer on every backend.
                    let cell: Option<String> = match row.try_get::<Option<String>, _>(i) {
                        Ok(v) => v,
                        Err(_) => row.try_get::<Option<i64>, _>(i)?.map(|n| n.to_string()),
                    };
                    cells.push(cell);
                }
                out.push(cells);
            }
            Ok(out)
        }};
    }
    match db.backend() {
        #[cfg(feature = "sqlite")]
        BackendRef::Sqlite(pool) => rows!(pool),
        #[cfg(feature = "postgres")]
        BackendRef::Postgres(pool) => rows!(pool),
        #[cfg(feature = "mysql")]
        BackendRef::MySql(pool) => rows!(pool),
    }
}
