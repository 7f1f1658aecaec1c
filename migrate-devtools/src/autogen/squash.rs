//! The SQL of a squash revision: the schema the replaced revisions build,
//! read from a scratch database where they ran, written as one script
//! (and the rows they left, when asked), then checked on a fresh scratch
//! database before anything is written.

use super::exec::exec;
use super::pipeline::Pipeline;
use super::rows::{insert_row, qualified, quote, referenced_first};
use super::{differences, AutogenError};
use migrate_runtime::{Db, Dialect};
use migrate_schema::{draft, Hints, Identity, ObjectKind, OtherObject, Schema, Table};

/// The rows one table held after the replaced revisions ran.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableRows {
    /// The table, as written in SQL.
    pub table: String,
    /// How many rows.
    pub rows: usize,
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
        let created = draft(&empty, &schema, &Hints::new(), dialect);
        let mut up: Vec<String> = created.up.iter().map(|s| s.sql.clone()).collect();
        // Triggers come after the rows, so that loading them fires none
        // (an audit trigger would record the seed rows twice).
        let (objects, triggers) = objects(&schema.other_objects, dialect)?;
        up.extend(objects);
        let down = drops(&schema.other_objects, dialect).map(|(before, after)| {
            let tables = draft(&schema, &empty, &Hints::new(), dialect).up;
            before
                .into_iter()
                .chain(tables.into_iter().map(|s| s.sql))
                .chain(after)
                .collect()
        });
        let mut data = Vec::new();
        for table in referenced_first(&schema) {
            let rows = dump(&db, table, dialect).await?;
            if rows.is_empty() {
                continue;
            }
            data.push(TableRows {
                table: qualified(dialect, &table.name),
                rows: rows.len(),
            });
            if with_data {
                up.extend(rows);
                up.extend(reset_sequence(table, dialect));
            }
        }
        up.extend(triggers);
        let result = SquashDraft {
            up,
            down,
            transaction: created.transaction,
            data,
        };
        self.check_squash(&schema, &result, with_data).await?;
        Ok(result)
    }

    async fn check_squash(
        &mut self,
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
            for t in &draft.data {
                let n = count(&db, &t.table).await?;
                if n != t.rows {
                    remaining.push(format!("{}: {n} rows instead of {}", t.table, t.rows));
                }
            }
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

/// Statements recreating the objects the diff leaves out, from the
/// catalog's definitions: extensions, functions, views and the rest, then
/// (apart) the triggers.
fn objects(
    objects: &[OtherObject],
    dialect: Dialect,
) -> Result<(Vec<String>, Vec<String>), AutogenError> {
    let rank = |k: &ObjectKind| match k {
        ObjectKind::Extension => 0,
        ObjectKind::Function | ObjectKind::Procedure => 1,
        ObjectKind::View => 2,
        ObjectKind::MaterializedView => 3,
        _ => 4,
    };
    let mut sorted: Vec<&OtherObject> = objects.iter().collect();
    sorted.sort_by_key(|o| rank(&o.kind));
    let mut out = Vec::new();
    let mut triggers = Vec::new();
    let mut unsupported = Vec::new();
    for o in sorted {
        let def = o.definition.as_deref().map(str::trim).unwrap_or_default();
        let name = qualified(dialect, &o.name);
        let starts_create = def
            .get(..6)
            .is_some_and(|w| w.eq_ignore_ascii_case("create"));
        let sql = match &o.kind {
            _ if starts_create => Some(def.trim_end_matches(';').to_owned()),
            ObjectKind::View if !def.is_empty() => Some(format!(
                "CREATE VIEW {name} AS {}",
                def.trim_end_matches(';')
            )),
            ObjectKind::MaterializedView if !def.is_empty() => Some(format!(
                "CREATE MATERIALIZED VIEW {name} AS {}",
                def.trim_end_matches(';')
            )),
            ObjectKind::Extension if dialect == Dialect::Postgres => {
                Some(format!("CREATE EXTENSION IF NOT EXISTS {name}"))
            }
            // MySQL's catalog holds a trigger's timing, event, table and
            // body: all but its name.
            ObjectKind::Trigger if dialect == Dialect::MySql && !def.is_empty() => {
                Some(format!("CREATE TRIGGER {name} {def}"))
            }
            _ => None,
        };
        match sql {
            Some(sql) if o.kind == ObjectKind::Trigger => triggers.push(sql),
            Some(sql) => out.push(sql),
            None => unsupported.push(format!("{} {}", o.kind, o.name)),
        }
    }
    if !unsupported.is_empty() {
        return Err(AutogenError::SquashUnsupported {
            objects: unsupported,
        });
    }
    Ok((out, triggers))
}

/// The drops of the objects outside the diff: views before the tables go,
/// routines, domains, sequences and extensions after; triggers go with
/// their tables. `None` when one of them has no drop we can write: the
/// squash is then irreversible.
fn drops(objects: &[OtherObject], dialect: Dialect) -> Option<(Vec<String>, Vec<String>)> {
    let (mut before, mut after) = (Vec::new(), Vec::new());
    for o in objects.iter().rev() {
        let name = routine_name(dialect, &o.name);
        match &o.kind {
            ObjectKind::View => before.push(format!("DROP VIEW {name}")),
            ObjectKind::MaterializedView => before.push(format!("DROP MATERIALIZED VIEW {name}")),
            ObjectKind::Trigger => {}
            ObjectKind::Function if dialect != Dialect::Sqlite => {
                after.push(format!("DROP FUNCTION {name}"))
            }
            ObjectKind::Procedure if dialect != Dialect::Sqlite => {
                after.push(format!("DROP PROCEDURE {name}"))
            }
            ObjectKind::Sequence => after.push(format!("DROP SEQUENCE {name}")),
            ObjectKind::Domain if dialect == Dialect::Postgres => {
                after.push(format!("DROP DOMAIN {name}"))
            }
            ObjectKind::Extension if dialect == Dialect::Postgres => {
                after.push(format!("DROP EXTENSION {name}"))
            }
            _ => return None,
        }
    }
    Some((before, after))
}

/// A name as SQL; a routine's catalog name carries its argument types
/// (`touch()`, `add(integer, integer)`), which stay outside the quotes.
fn routine_name(dialect: Dialect, name: &migrate_schema::QualifiedName) -> String {
    match name.name.split_once('(') {
        Some((base, args)) => {
            let mut bare = name.clone();
            bare.name = base.to_owned();
            format!("{}({args}", qualified(dialect, &bare))
        }
        None => qualified(dialect, name),
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
    let quote_fn = match dialect {
        Dialect::Sqlite => "quote",
        Dialect::Postgres => "quote_nullable",
        Dialect::MySql => "QUOTE",
    };
    let names: Vec<String> = columns.iter().map(|c| quote(dialect, c)).collect();
    let select: Vec<String> = names.iter().map(|c| format!("{quote_fn}({c})")).collect();
    let target = qualified(dialect, &table.name);
    let sql = format!("SELECT {} FROM {target}", select.join(", "));
    let rows = fetch_text(db, &sql, columns.len()).await?;
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
                .map(|v| v.unwrap_or_else(|| "NULL".to_owned()))
                .collect();
            insert_row(&target, &names, overriding, &values)
        })
        .collect())
}

/// On PostgreSQL, rows written with their ids leave the sequences behind:
/// move each to the largest id, as the replayed revisions left it.
fn reset_sequence(table: &Table, dialect: Dialect) -> Vec<String> {
    if dialect != Dialect::Postgres {
        // MySQL's AUTO_INCREMENT and SQLite's rowid follow inserted ids.
        return Vec::new();
    }
    let target = qualified(dialect, &table.name);
    let literal = |s: &str| format!("'{}'", s.replace('\'', "''"));
    table
        .columns
        .iter()
        .filter(|c| {
            c.identity.is_some()
                || c.data_type.normalized.contains("serial")
                || c.default.as_deref().is_some_and(|d| d.contains("nextval("))
        })
        .map(|c| {
            let col = quote(dialect, &c.name);
            format!(
                "SELECT setval(pg_get_serial_sequence({}, {}), COALESCE(max({col}), 1), max({col}) IS NOT NULL) FROM {target}",
                literal(&target),
                literal(&c.name)
            )
        })
        .collect()
}

async fn count(db: &Db, table: &str) -> Result<usize, AutogenError> {
    let sql = format!("SELECT CAST(count(*) AS CHAR(20)) FROM {table}");
    let rows = fetch_text(db, &sql, 1).await?;
    Ok(rows
        .first()
        .and_then(|r| r[0].as_deref())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0))
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
        #[cfg(feature = "postgres")]
        Db::Postgres(p) => rows!(p, try_get),
        // QUOTE() of a binary column is a binary string.
        #[cfg(feature = "mysql")]
        Db::MySql(p) => rows!(p, try_get_unchecked),
        _ => Err(failed(sqlx::Error::Configuration(
            crate::NotBuilt(db.dialect()).to_string().into(),
        ))),
    }
}
