//! Running SQL text on a scratch database, one statement at a time, so that
//! a failure names its statement and line.

use super::AutogenError;
use migrate_graph::split::{shorten, split};
use migrate_runtime::Db;

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

/// Runs the statements of `text` (the file `file`) in order; the first that
/// fails stops the run with its file, line and the database's message.
pub(crate) async fn run_script(db: &Db, file: &str, text: &str) -> Result<(), AutogenError> {
    let dialect = db.dialect();
    for statement in split(text, dialect) {
        if let Err(e) = exec(db, statement.text).await {
            return Err(AutogenError::Desired {
                file: file.to_owned(),
                line: statement.line,
                statement: shorten(statement.text),
                dialect,
                source: Box::new(e),
            });
        }
    }
    Ok(())
}
