//! `--sample PERCENT`: a copy with a sample of each table's rows. The
//! version table is always copied whole: its rows say what is pending.

#[cfg(any(feature = "postgres", feature = "sqlite"))]
use super::error::RehearseError;
#[cfg(feature = "postgres")]
use migrate_runtime::DatabaseUrl;
#[cfg(feature = "sqlite")]
use migrate_runtime::Db;

/// The bare name of a version table given as `name` or `schema.name`.
pub(crate) fn bare(table: &str) -> &str {
    table.rsplit('.').next().unwrap_or(table)
}

/// Copies `percent` of each table's rows from `source` to `copy` (whose
/// schema is there, without indexes and constraints), `COPY` to `COPY`,
/// with triggers off on the copy (`session_replication_role = replica`) so
/// that a row whose parent was not sampled goes in.
#[cfg(feature = "postgres")]
pub(crate) async fn pg_rows(
    source: &DatabaseUrl,
    copy: &DatabaseUrl,
    percent: f64,
    table: &str,
) -> Result<(), RehearseError> {
    use futures_util::StreamExt;
    use sqlx::Connection;
    let failed =
        |action: &'static str, url: &DatabaseUrl| RehearseError::query(action, url.to_string());
    let mut from = sqlx::PgConnection::connect(&source.driver_text())
        .await
        .map_err(failed("connect", source))?;
    let mut to = sqlx::PgConnection::connect(&copy.driver_text())
        .await
        .map_err(failed("connect", copy))?;
    sqlx::query("SET session_replication_role = replica")
        .execute(&mut to)
        .await
        .map_err(failed(
            "turn triggers off for the sample (--sample needs a superuser on the dev server)",
            copy,
        ))?;
    let tables: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT format('%I.%I', n.nspname, c.relname), c.relname::text, \
                string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 \
              AND NOT a.attisdropped AND a.attgenerated = '' \
         WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
               AND n.nspname NOT LIKE 'pg\\_toast%' \
         GROUP BY 1, 2",
    )
    .fetch_all(&mut from)
    .await
    .map_err(failed("list the tables", source))?;
    for (name, relname, columns) in tables {
        let whole = relname == bare(table);
        let select = if whole {
            format!("COPY (SELECT {columns} FROM {name}) TO STDOUT")
        } else {
            format!(
                "COPY (SELECT {columns} FROM {name} TABLESAMPLE BERNOULLI ({percent})) TO STDOUT"
            )
        };
        let mut out = from
            .copy_out_raw(&select)
            .await
            .map_err(failed("read a sample of rows", source))?;
        let mut copy_in = to
            .copy_in_raw(&format!("COPY {name} ({columns}) FROM STDIN"))
            .await
            .map_err(failed("write the sampled rows", copy))?;
        while let Some(chunk) = out.next().await {
            let chunk = chunk.map_err(failed("read a sample of rows", source))?;
            copy_in
                .send(chunk)
                .await
                .map_err(failed("write the sampled rows", copy))?;
        }
        drop(out);
        copy_in
            .finish()
            .await
            .map_err(failed("write the sampled rows", copy))?;
    }
    // Sequences were in the data section: move each past its table's rows
    // is not possible in general; they restart where the source's are.
    let seqs: Vec<(String, i64)> = sqlx::query_as(
        "SELECT format('%I.%I', schemaname, sequencename), last_value \
         FROM pg_sequences WHERE last_value IS NOT NULL",
    )
    .fetch_all(&mut from)
    .await
    .map_err(failed("read the sequences", source))?;
    for (name, value) in seqs {
        sqlx::query("SELECT setval($1::regclass, $2)")
            .bind(&name)
            .bind(value)
            .execute(&mut to)
            .await
            .map_err(failed("set a sequence", copy))?;
    }
    from.close().await.ok();
    to.close().await.ok();
    Ok(())
}

/// Keeps about `percent` of each table's rows of a SQLite copy (deleting
/// the others, foreign key checks off), the version table whole.
#[cfg(feature = "sqlite")]
pub(crate) async fn sqlite_rows(db: &Db, percent: f64, table: &str) -> Result<(), RehearseError> {
    use sqlx::AssertSqlSafe;
    let Db::Sqlite(pool) = db else {
        return Ok(());
    };
    let failed = |action: &'static str| RehearseError::query(action, "the SQLite copy");
    let mut conn = pool.acquire().await.map_err(failed("open"))?;
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&mut *conn)
        .await
        .map_err(failed("turn foreign keys off"))?;
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(failed("list the tables"))?;
    let keep = (percent * 10_000.0).round() as i64;
    for name in names.iter().filter(|n| n.as_str() != bare(table)) {
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        sqlx::query(AssertSqlSafe(format!(
            "DELETE FROM {quoted} WHERE abs(random() % 1000000) >= {keep}"
        )))
        .execute(&mut *conn)
        .await
        .map_err(failed("sample the rows"))?;
    }
    sqlx::query("PRAGMA foreign_keys = ON")
        .execute(&mut *conn)
        .await
        .map_err(failed("turn foreign keys on"))?;
    Ok(())
}
