//! The SQL of a squash revision: the schema the replaced revisions build,
//! read from a scratch database where they ran, written as one script
//! (and the rows they left, when asked), then checked on a fresh scratch
//! database before anything is written.
//!
//! Fidelity: values are read as the database writes them as literals,
//! binary ones as hex and MySQL `BIT` as `b'...'`, carriage returns
//! escaped (a migration file's CR LF is read as LF); PostgreSQL rows are
//! read with `row_security` off (an error, not a subset, when the user may
//! not); sequence positions (PostgreSQL `setval`) and MariaDB
//! `AUTO_INCREMENT` positions are carried with the rows. The check compares
//! each table's rows by content hash, and the servers' schema dumps (the
//! [`crate::proof`] net): an object the squash does not carry (a policy, a
//! rule, a disabled trigger, `UNLOGGED`, a comment...) makes it refuse,
//! naming the object. Objects are written in the order of their real
//! dependencies (`order`).
//!
//! # Imports
//!
//! `order`

mod order;

use super::exec::exec;
use super::pipeline::Pipeline;
use super::{differences, AutogenError};
use crate::proof::{self, rows, DumpOptions, Net};
use migrate_runtime::{Db, Dialect};
use migrate_schema::quote::qualified;
use migrate_schema::{
    draft, drop_objects, escape_cr, insert_row, recreate_objects, reset_sequences,
    select_typed_literals, Hints, Identity, Schema, Table,
};

/// The rows one table held after the replaced revisions ran.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableRows {
    /// The table, as written in SQL.
    pub table: String,
    /// How many rows.
    pub rows: usize,
    /// The table's name alone (for the content hash).
    pub bare: String,
}

/// What `cargo migrate squash` writes, verified.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SquashDraft {
    /// The up statements: the schema, then (with data) the rows.
    pub up: Vec<String>,
    /// The down statements (dropping what up creates), or `None` when the
    /// schema holds an object whose drop cannot be derived: irreversible.
    pub down: Option<Vec<String>>,
    /// Whether up may run inside the runtime's transaction.
    pub transaction: bool,
    /// Tables holding rows after the replaced revisions ran; their rows
    /// are in `up` only when data was asked for.
    pub data: Vec<TableRows>,
}

impl Pipeline<'_> {
    /// Replays the migrations up to `to` on a scratch database, reads the
    /// schema, writes it as a squash (with the rows the tables hold when
    /// `with_data`), and checks on a second scratch database that the
    /// squash alone gives the same schema (and row counts), and that its
    /// down leaves nothing behind.
    pub async fn squash(&mut self, to: &str, with_data: bool) -> Result<SquashDraft, AutogenError> {
        let dialect = self.dialect();
        let i = self.scratch().await?;
        let db = self.live[i].db.clone();
        self.migrator(self.migrations)
            .upgrade(&db, to)
            .await
            .map_err(|e| {
                let (failed, source) = super::error::split(e, None);
                AutogenError::Replay { failed, source }
            })?;
        let schema = self.read(i).await?;
        let empty = Schema::default();
        // Drafts write views, routines and triggers too (issue 19); the
        // squash writes them itself, triggers after the rows.
        let tables_only = Schema {
            other_objects: Vec::new(),
            ..schema.clone()
        };
        // What the tables need before them (a function a DEFAULT or CHECK
        // calls, a domain, an extension) goes with them, where the draft
        // of the whole schema places it.
        let early = needed_before_tables(&schema, dialect);
        let tables_and_early = Schema {
            other_objects: schema
                .other_objects
                .iter()
                .filter(|o| early.contains(&o.name))
                .cloned()
                .collect(),
            ..schema.clone()
        };
        let created = draft(&empty, &tables_and_early, &Hints::new(), dialect);
        let mut up: Vec<String> = created.up.iter().map(|s| s.sql.clone()).collect();
        refuse_uncarried_versioning(&db, dialect, &up).await?;
        // The rows are read before the objects are rendered, so that rows
        // the dev user may not read fail the squash naming their table
        // first.
        let mut data = Vec::new();
        let mut loaded = Vec::new();
        for table in schema.referenced_first() {
            let rows = dump(&db, table, dialect).await?;
            if rows.is_empty() {
                continue;
            }
            data.push(TableRows {
                table: qualified(dialect, &table.name),
                rows: rows.len(),
                bare: table.name.name.clone(),
            });
            if with_data {
                loaded.extend(rows);
                loaded.extend(reset_sequences(dialect, table));
            }
        }
        if with_data {
            loaded.extend(positions(&db, dialect).await?);
        }
        // Objects in the order of their real dependencies; triggers come
        // after the rows, so that loading them fires none (an audit
        // trigger would record the seed rows twice).
        let ordered: Vec<_> = order::dependency_order(&schema.other_objects, dialect)
            .into_iter()
            .cloned()
            .collect();
        let later: Vec<_> = ordered
            .iter()
            .filter(|o| !early.contains(&o.name))
            .cloned()
            .collect();
        let objects = recreate_in_order(&later, dialect)?;
        up.extend(objects.objects);
        let down = drop_objects(&ordered, dialect).map(|drops| {
            let tables = draft(&tables_only, &empty, &Hints::new(), dialect).up;
            drops
                .before_tables
                .into_iter()
                .chain(tables.into_iter().map(|s| s.sql))
                .chain(drops.after_tables)
                .collect()
        });
        up.extend(loaded);
        up.extend(objects.triggers);
        let result = SquashDraft {
            up,
            down,
            transaction: created.transaction,
            data,
        };
        self.check_squash(i, &schema, &result, with_data).await?;
        Ok(result)
    }

    async fn check_squash(
        &mut self,
        source: usize,
        schema: &Schema,
        draft: &SquashDraft,
        with_data: bool,
    ) -> Result<(), AutogenError> {
        let dialect = self.dialect();
        let j = self.scratch().await?;
        let db = self.live[j].db.clone();
        for sql in &draft.up {
            exec(&db, sql).await.map_err(|e| AutogenError::Verify {
                stage: super::Stage::UpEmpty,
                failed: format!("squash statement `{}`", migrate_graph::split::shorten(sql)),
                source: Box::new(e),
            })?;
        }
        let got = self.read(j).await?;
        let mut remaining = differences(schema, &got, dialect).unwrap_or_default();
        if with_data {
            let from = self.live[source].db.clone();
            for t in &draft.data {
                let want = rows::print(&from, &t.table, &t.bare)
                    .await
                    .map_err(|e| read_failed(&t.table, e))?;
                let got = rows::print(&db, &t.table, &t.bare)
                    .await
                    .map_err(|e| read_failed(&t.table, e))?;
                if let Some(d) = rows::describe(&t.table, &want, &got) {
                    remaining.push(format!(
                        "{d} (the replaced revisions' rows, then the squash's)"
                    ));
                }
            }
        }
        if remaining.is_empty() {
            remaining.extend(self.net(source, j).await);
        }
        if !remaining.is_empty() {
            return Err(AutogenError::SquashMismatch { remaining });
        }
        if let Some(down) = &draft.down {
            for sql in down {
                exec(&db, sql).await.map_err(|e| AutogenError::Verify {
                    stage: super::Stage::DownEmpty,
                    failed: format!(
                        "squash down statement `{}`",
                        migrate_graph::split::shorten(sql)
                    ),
                    source: Box::new(e),
                })?;
            }
            let left = self.read(j).await?;
            if let Some(remaining) = differences(&Schema::default(), &left, dialect) {
                return Err(AutogenError::SquashMismatch { remaining });
            }
        }
        Ok(())
    }
}

/// The objects a draft of the whole `schema` creates before its first
/// table: those a table needs to exist first.
fn needed_before_tables(
    schema: &Schema,
    dialect: Dialect,
) -> std::collections::HashSet<migrate_schema::QualifiedName> {
    draft(&Schema::default(), schema, &Hints::new(), dialect)
        .changes
        .iter()
        .take_while(|c| !matches!(c, migrate_schema::Change::CreateTable { .. }))
        .filter_map(|c| match c {
            migrate_schema::Change::CreateObject { object } => Some(object.name.clone()),
            _ => None,
        })
        .collect()
}

/// The statements recreating `ordered`, in that order (the renderer sorts
/// by kind alone, so each object is rendered on its own); every object
/// none can be written for is named.
fn recreate_in_order(
    ordered: &[migrate_schema::OtherObject],
    dialect: Dialect,
) -> Result<migrate_schema::Recreated, AutogenError> {
    let mut out = migrate_schema::Recreated::default();
    let mut unsupported = Vec::new();
    for o in ordered {
        match recreate_objects(std::slice::from_ref(o), dialect) {
            Ok(r) => {
                out.objects.extend(r.objects);
                out.triggers.extend(r.triggers);
            }
            Err(e) => unsupported.extend(e.objects),
        }
    }
    if unsupported.is_empty() {
        Ok(out)
    } else {
        Err(AutogenError::SquashUnsupported {
            objects: unsupported,
        })
    }
}

/// The columns a row is written with: generated ones are the engine's.
fn written_columns(table: &Table) -> Vec<&str> {
    table
        .columns
        .iter()
        .filter(|c| c.generated.is_none())
        .map(|c| c.name.as_str())
        .collect()
}

/// One `INSERT` per row of `table`, with every value as the database
/// quotes it as a literal (so no value passes through Rust types).
async fn dump(db: &Db, table: &Table, dialect: Dialect) -> Result<Vec<String>, AutogenError> {
    let columns = written_columns(table);
    if columns.is_empty() {
        return Ok(Vec::new());
    }
    let typed: Vec<(&str, &str)> = columns
        .iter()
        .map(|&c| {
            let ty = table
                .column(c)
                .map_or("", |col| col.data_type.normalized.as_str());
            (c, ty)
        })
        .collect();
    let sql = select_typed_literals(dialect, &table.name, &typed);
    let rows = fetch_text(db, &sql, columns.len())
        .await
        .map_err(|e| rows_of(&qualified(dialect, &table.name), e))?;
    let overriding = dialect == Dialect::Postgres
        && table
            .columns
            .iter()
            .any(|c| c.identity == Some(Identity::Always));
    Ok(rows
        .into_iter()
        .map(|values| {
            let values: Vec<String> = values
                .into_iter()
                .map(|v| v.map_or_else(|| "NULL".to_owned(), |v| escape_cr(dialect, &v)))
                .collect();
            insert_row(dialect, &table.name, &columns, overriding, &values)
        })
        .collect())
}

/// A failed read of `table`'s rows, named; row-level security says how to
/// read them all.
fn rows_of(table: &str, e: AutogenError) -> AutogenError {
    let AutogenError::Replay { source, .. } = e else {
        return e;
    };
    let message = source.to_string();
    let hint = if message.contains("row-level security") {
        " (the squash reads rows with row_security off, and the dev user is subject to this table's row-level security: use a superuser or a role with BYPASSRLS as the dev user)"
    } else {
        ""
    };
    AutogenError::Replay {
        failed: format!("reading the rows of table {table}: {message}{hint}"),
        source,
    }
}

fn read_failed(table: &str, e: sqlx::Error) -> AutogenError {
    AutogenError::Replay {
        failed: format!("reading the rows of {table}"),
        source: Box::new(e),
    }
}

impl Pipeline<'_> {
    /// The dump net between the replayed scratch database `a` and the
    /// squashed one `b`: what the schema model does not carry, named.
    async fn net(&self, a: usize, b: usize) -> Vec<String> {
        let options = DumpOptions {
            privileges: false,
            counters: false,
            exclude: vec![self.table.clone()],
            literal: false,
        };
        let url = |k: usize| {
            self.live[k]
                .name
                .as_deref()
                .and_then(|n| self.server.url(n))
        };
        let (ua, ub) = (url(a), url(b));
        let da = proof::dump(&self.live[a].db, ua.as_ref(), &options).await;
        let db = proof::dump(&self.live[b].db, ub.as_ref(), &options).await;
        match (da, db) {
            (Net::Dumped(x), Net::Dumped(y)) => {
                let found = proof::compare(&x, &y);
                if found.is_empty() {
                    return Vec::new();
                }
                std::iter::once(
                    "only the schema dump sees (the squash does not carry these objects):"
                        .to_owned(),
                )
                .chain(found.iter().map(|d| d.text()))
                .collect()
            }
            (Net::NotCompared(why), _) | (_, Net::NotCompared(why)) => {
                vec![format!("not compared: the schema dumps ({why}); the squash is refused rather than passed unchecked")]
            }
        }
    }
}

/// MariaDB's system-versioned tables: a squash whose SQL does not carry
/// `WITH SYSTEM VERSIONING` (the schema model may not know it) refuses,
/// naming each table, rather than writing them as plain tables whose
/// history is lost.
async fn refuse_uncarried_versioning(
    db: &Db,
    dialect: Dialect,
    up: &[String],
) -> Result<(), AutogenError> {
    if dialect != Dialect::MySql {
        return Ok(());
    }
    let sql = "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'SYSTEM VERSIONED' ORDER BY TABLE_NAME";
    let versioned = fetch_text(db, sql, 1).await?;
    let carried = |table: &str| {
        up.iter().any(|s| {
            let upper = s.to_uppercase();
            upper.contains("SYSTEM VERSIONING") && s.contains(table)
        })
    };
    let missing: Vec<String> = versioned
        .into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .filter(|t| !carried(t))
        .map(|t| {
            format!("system versioning of table {t} (WITH SYSTEM VERSIONING and its history rows)")
        })
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(AutogenError::SquashUnsupported { objects: missing })
    }
}

/// The positions rows leave behind, carried: each PostgreSQL sequence's
/// `setval` (a sequence set to 100000 stays there), each MariaDB table's
/// `AUTO_INCREMENT`.
async fn positions(db: &Db, dialect: Dialect) -> Result<Vec<String>, AutogenError> {
    let sql = match dialect {
        Dialect::Postgres => "SELECT 'SELECT setval(' || quote_literal(quote_ident(schemaname) || '.' || quote_ident(sequencename)) || ', ' || last_value || ', true)' FROM pg_sequences WHERE last_value IS NOT NULL AND schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
        Dialect::MySql => "SELECT CONCAT('ALTER TABLE `', REPLACE(table_name, '`', '``'), '` AUTO_INCREMENT = ', auto_increment) FROM information_schema.tables WHERE table_schema = DATABASE() AND auto_increment IS NOT NULL AND auto_increment > 1 ORDER BY 1",
        Dialect::Sqlite => return Ok(Vec::new()),
    };
    let rows = fetch_text(db, sql, 1).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .collect())
}

/// Every row of a query whose `width` columns are all text.
async fn fetch_text(
    db: &Db,
    sql: &str,
    width: usize,
) -> Result<Vec<Vec<Option<String>>>, AutogenError> {
    use sqlx::Row;
    let failed = |e: sqlx::Error| AutogenError::Replay {
        failed: format!("reading rows: `{}`", migrate_graph::split::shorten(sql)),
        source: Box::new(e),
    };
    #[allow(unused_macros)]
    macro_rules! rows {
        ($pool:expr, $get:ident) => {{
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
                .fetch_all($pool)
                .await
                .map_err(failed)?;
            rows.iter()
                .map(|row| {
                    (0..width)
                        .map(|k| row.$get::<Option<String>, _>(k))
                        .collect::<Result<Vec<_>, _>>()
                })
                .collect::<Result<Vec<_>, _>>()
                .map_err(failed)
        }};
    }
    match db {
        #[cfg(feature = "sqlite")]
        Db::Sqlite(p) => rows!(p, try_get),
        // Row security off on the connection that reads: a table whose
        // policies would hide rows from this user fails the squash instead
        // of leaving them out.
        #[cfg(feature = "postgres")]
        Db::Postgres(p) => {
            let mut c = p.acquire().await.map_err(failed)?;
            sqlx::query("SET row_security = off")
                .execute(&mut *c)
                .await
                .map_err(failed)?;
            let out = rows!(&mut *c, try_get);
            let _ = sqlx::query("RESET row_security").execute(&mut *c).await;
            out
        }
        // QUOTE() of a binary column is a binary string.
        #[cfg(feature = "mysql")]
        Db::MySql(p) => rows!(p, try_get_unchecked),
        _ => Err(failed(sqlx::Error::Configuration(
            crate::NotBuilt(db.dialect()).to_string().into(),
        ))),
    }
}
