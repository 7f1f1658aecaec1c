//! Running SQL text on a scratch database. Desired-schema input runs
//! confined: its statements are checked before any runs (nothing that acts
//! outside the scratch database), then run in order on one dedicated
//! connection (so that `SET search_path` and other session settings apply
//! to what follows, as they do in psql), and the session's current
//! database is checked after each statement.

use super::AutogenError;
use crate::scratch::{outside_one_database, strip_leading_comments};
use migrate_graph::split::{shorten, split};
use migrate_runtime::{Db, Dialect};

/// Runs one statement (or a script the driver splits itself) on `db`.
pub(crate) async fn exec(db: &Db, sql: &str) -> Result<(), sqlx::Error> {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match db {
        #[cfg(feature = "sqlite")]
        Db::Sqlite(p) => sqlx::raw_sql(sql).execute(p).await.map(|_| ()),
        #[cfg(feature = "postgres")]
        Db::Postgres(p) => sqlx::raw_sql(sql).execute(p).await.map(|_| ()),
        #[cfg(feature = "mysql")]
        Db::MySql(p) => sqlx::raw_sql(sql).execute(p).await.map(|_| ()),
        _ => Err(sqlx::Error::Configuration(
            crate::NotBuilt(db.dialect()).to_string().into(),
        )),
    }
}

/// One statement of a desired-schema file.
pub(crate) struct Piece {
    file: String,
    line: usize,
    text: String,
}

/// The statements of `files` (name, text), each checked: the first that would act
/// outside the scratch database stops everything before anything ran.
/// `others` are the server's other databases (MySQL qualifiers). pg_dump's
/// `\restrict` / `\unrestrict` lines (2025 minor releases) are dropped:
/// they guard psql sessions and mean nothing here.
pub(crate) fn checked<'a>(
    dialect: Dialect,
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
    others: &[String],
) -> Result<Vec<Piece>, AutogenError> {
    let mut pieces = Vec::new();
    for (name, text) in files {
        for statement in split(text, dialect) {
            let mut text = statement.text;
            let mut line = statement.line;
            loop {
                let body = strip_leading_comments(text);
                let is_guard = dialect == Dialect::Postgres
                    && (body.starts_with("\\restrict") || body.starts_with("\\unrestrict"));
                if !is_guard {
                    break;
                }
                line += text[..text.len() - body.len()].matches('\n').count() + 1;
                text = body.find('\n').map_or("", |i| &body[i + 1..]);
            }
            if strip_leading_comments(text).trim().is_empty() {
                continue;
            }
            if let Some(outside) = outside_one_database(dialect, text, others) {
                return Err(AutogenError::Confined {
                    file: name.to_owned(),
                    line,
                    statement: shorten(text),
                    reason: outside.reason,
                });
            }
            pieces.push(Piece {
                file: name.to_owned(),
                line,
                text: text.to_owned(),
            });
        }
    }
    Ok(pieces)
}

/// Runs `pieces` in order on one connection of `db`, checking after each
/// that the session is still in `database` (`None`: SQLite, nothing to
/// check). The connection is closed at the end, not returned to the pool,
/// so its session settings reach nothing else.
#[cfg_attr(
    not(any(feature = "postgres", feature = "mysql")),
    allow(unused_macros, unused_variables)
)]
pub(crate) async fn run_confined(
    db: &Db,
    pieces: &[Piece],
    database: Option<&str>,
) -> Result<(), AutogenError> {
    let dialect = db.dialect();
    let fail = |p: &Piece, e: sqlx::Error| AutogenError::Desired {
        file: p.file.clone(),
        line: p.line,
        statement: shorten(&p.text),
        dialect,
        source: Box::new(e),
    };
    macro_rules! confined {
        ($pool:expr, $current:expr) => {{
            let mut conn = $pool.acquire().await.map_err(|e| AutogenError::Desired {
                file: pieces.first().map_or_else(String::new, |p| p.file.clone()),
                line: 0,
                statement: String::new(),
                dialect,
                source: Box::new(e),
            })?;
            for p in pieces {
                sqlx::raw_sql(sqlx::AssertSqlSafe(p.text.clone()))
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| fail(p, e))?;
                if let Some(want) = database {
                    let now: Option<String> = sqlx::query_scalar($current)
                        .fetch_one(&mut *conn)
                        .await
                        .map_err(|e| fail(p, e))?;
                    if now.as_deref() != Some(want) {
                        return Err(AutogenError::Confined {
                            file: p.file.clone(),
                            line: p.line,
                            statement: shorten(&p.text),
                            reason: format!(
                                "after it the session is in the database {}, not its scratch database",
                                now.as_deref().unwrap_or("(none)")
                            ),
                        });
                    }
                }
            }
            let _ = sqlx::Connection::close(conn.detach()).await;
            Ok(())
        }};
    }
    match db {
        // One connection holds the whole in-memory database: it cannot be
        // taken out of its pool, and there is no other session anyway.
        #[cfg(feature = "sqlite")]
        Db::Sqlite(_) => {
            for p in pieces {
                exec(db, &p.text).await.map_err(|e| fail(p, e))?;
            }
            Ok(())
        }
        #[cfg(feature = "postgres")]
        Db::Postgres(p) => confined!(p, "SELECT current_database()::text"),
        #[cfg(feature = "mysql")]
        Db::MySql(p) => confined!(p, "SELECT CAST(DATABASE() AS CHAR)"),
        #[allow(unreachable_patterns)]
        _ => match pieces.first() {
            Some(p) => Err(fail(
                p,
                sqlx::Error::Configuration(crate::NotBuilt(dialect).to_string().into()),
            )),
            None => Ok(()),
        },
    }
}
