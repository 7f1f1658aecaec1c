//! What the walk compares after each step: the database's own schema dump
//! (the net, cheap enough to take three times per revision, and seeing
//! every object), or, where no dump program runs, the schema model; the
//! rows of the tables a revision names; and the `-- migrate:allow stairway
//! <object> <reason>` lines that accept a known difference.

use super::{Stairway, StairwayError};
use crate::autogen::differences;
use crate::catalog::read_schema;
use crate::proof::{self, fingerprint, rows, DumpOptions, Net, SchemaDump};
use migrate_runtime::{DatabaseUrl, Db};
use migrate_schema::Schema;

/// A schema as one step left it.
#[derive(Clone, Debug)]
pub(super) enum Snapshot {
    /// The server's dump, with the catalog fingerprint taken just before
    /// it (PostgreSQL): two equal fingerprints are two equal dumps.
    Dump(SchemaDump, Option<String>),
    /// The model (no dump program).
    Model(Box<Schema>),
}

/// One difference found, with the object it is about (`""` when the model
/// cannot say).
#[derive(Clone, Debug)]
pub(super) struct Found {
    pub object: String,
    pub text: String,
}

/// A database of the walk: its pool and the URL dump programs reach it by.
#[derive(Clone, Debug)]
pub(super) struct Target {
    pub db: Db,
    pub url: Option<DatabaseUrl>,
    /// The fingerprint query of its server (PostgreSQL), taken before each
    /// dump.
    pub print: Option<std::sync::Arc<String>>,
}

impl Target {
    /// Takes a snapshot: the dump, or the model when `model` (the net
    /// could not run).
    pub async fn snapshot(&self, s: &Stairway<'_>, model: bool) -> Result<Snapshot, StairwayError> {
        if model {
            return Ok(Snapshot::Model(Box::new(self.schema(s).await?)));
        }
        let print = self.fingerprint().await;
        self.dump(s, print).await
    }

    async fn fingerprint(&self) -> Option<String> {
        match &self.print {
            Some(q) => fingerprint::take(&self.db, q).await,
            None => None,
        }
    }

    async fn dump(
        &self,
        s: &Stairway<'_>,
        print: Option<String>,
    ) -> Result<Snapshot, StairwayError> {
        match proof::dump(&self.db, self.url.as_ref(), &options(s)).await {
            Net::Dumped(d) => Ok(Snapshot::Dump(d, print)),
            Net::NotCompared(why) => Err(StairwayError::Net { why }),
        }
    }

    /// A snapshot of a state that should equal `like`: when the catalog
    /// fingerprint says it does, `like` itself, without running the dump
    /// program (what makes a PostgreSQL step cheap when nothing is left
    /// behind).
    pub async fn snapshot_like(
        &self,
        s: &Stairway<'_>,
        model: bool,
        like: &Snapshot,
    ) -> Result<Snapshot, StairwayError> {
        if model {
            return self.snapshot(s, model).await;
        }
        let print = self.fingerprint().await;
        if let (Some(now), Snapshot::Dump(_, Some(then))) = (&print, like) {
            if now == then {
                return Ok(like.clone());
            }
        }
        self.dump(s, print).await
    }

    /// The schema model.
    pub async fn schema(&self, s: &Stairway<'_>) -> Result<Schema, StairwayError> {
        Ok(read_schema(&self.db, &[s.table.as_str()]).await?)
    }
}

/// The dump options of a walk: counters kept (both sides hold the same
/// rows), the version table left out.
pub(super) fn options(s: &Stairway<'_>) -> DumpOptions {
    DumpOptions {
        privileges: s.privileges,
        counters: true,
        exclude: vec![s.table.clone()],
        literal: true,
    }
}

/// Whether the net runs on this server: `Err` with why not.
pub(super) async fn probe(s: &Stairway<'_>, t: &Target) -> Result<(), String> {
    match proof::dump(&t.db, t.url.as_ref(), &options(s)).await {
        Net::Dumped(_) => Ok(()),
        Net::NotCompared(why) => Err(why),
    }
}

/// What differs from `expected` to `actual`.
pub(super) fn compare(expected: &Snapshot, actual: &Snapshot, s: &Stairway<'_>) -> Vec<Found> {
    match (expected, actual) {
        (Snapshot::Dump(_, Some(x)), Snapshot::Dump(_, Some(y))) if x == y => Vec::new(),
        (Snapshot::Dump(a, _), Snapshot::Dump(b, _)) => proof::compare(a, b)
            .into_iter()
            .map(|d| Found {
                text: d.text(),
                object: d.object,
            })
            .collect(),
        (Snapshot::Model(a), Snapshot::Model(b)) => differences(a, b, s.server.dialect())
            .unwrap_or_default()
            .into_iter()
            .map(|text| Found {
                object: String::new(),
                text,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// One `-- migrate:allow stairway <object> <reason>` line.
#[derive(Clone, Debug)]
pub(super) struct Allow {
    pub object: String,
    pub reason: String,
}

/// The allow lines of a revision's up and down SQL.
pub(super) fn allows(up: &str, down: Option<&str>) -> Vec<Allow> {
    up.lines()
        .chain(down.unwrap_or("").lines())
        .filter_map(|line| {
            let rest = line.trim().strip_prefix("--")?.trim_start();
            let rest = rest.strip_prefix("migrate:allow")?.trim_start();
            let rest = rest.strip_prefix("stairway")?;
            let mut words = rest.split_whitespace();
            let object = words.next()?.to_owned();
            let reason = words.collect::<Vec<_>>().join(" ");
            Some(Allow { object, reason })
        })
        .collect()
}

/// Whether `found` is accepted by one of `allows` (with a reason); the
/// reason when it is.
pub(super) fn accepted<'a>(found: &Found, allows: &'a [Allow]) -> Option<&'a Allow> {
    allows.iter().find(|a| {
        !a.reason.is_empty()
            && if found.object.is_empty() {
                found.text.to_lowercase().contains(&a.object.to_lowercase())
            } else {
                proof::names(&a.object, &found.object)
            }
    })
}

/// The row fingerprints of the tables whose names appear in `sql` (what a
/// revision can have inserted into), by table.
pub(super) async fn row_prints(
    db: &Db,
    sql: &str,
    table: &str,
) -> Result<Vec<(String, rows::RowPrint)>, StairwayError> {
    let words = identifiers(sql);
    let mut out = Vec::new();
    if words.is_empty() {
        return Ok(out);
    }
    for (quoted, bare) in rows::tables(db).await.map_err(rows_error)? {
        if bare == table || !words.contains(&bare.to_lowercase()) {
            continue;
        }
        let print = rows::print(db, &quoted, &bare).await.map_err(rows_error)?;
        out.push((bare, print));
    }
    Ok(out)
}

/// The rows of the tables `before` fingerprinted, compared after the down.
pub(super) async fn rows_after(
    db: &Db,
    before: &[(String, rows::RowPrint)],
) -> Result<Vec<Found>, StairwayError> {
    if before.is_empty() {
        return Ok(Vec::new());
    }
    let now = rows::tables(db).await.map_err(rows_error)?;
    let mut out = Vec::new();
    for (name, print) in before {
        // A table the down dropped is the schema's difference, not the rows'.
        let Some((quoted, _)) = now.iter().find(|(_, b)| b == name) else {
            continue;
        };
        let after = rows::print(db, quoted, name).await.map_err(rows_error)?;
        if let Some(text) = rows::describe(name, print, &after) {
            out.push(Found {
                object: format!("rows {name}"),
                text: format!("{text} (its up inserted rows its down does not remove)"),
            });
        }
    }
    Ok(out)
}

fn rows_error(e: sqlx::Error) -> StairwayError {
    StairwayError::Rows {
        source: Box::new(e),
    }
}

/// The lowercased words of `sql` that could be table names.
fn identifiers(sql: &str) -> std::collections::HashSet<String> {
    let upper = sql.to_uppercase();
    if !["INSERT", "UPDATE", "DELETE", "COPY", "REPLACE", "MERGE"]
        .iter()
        .any(|k| upper.contains(k))
    {
        return Default::default();
    }
    sql.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}
