//! The dump net: the databases' own schema dumps (`pg_dump --schema-only`,
//! `mariadb-dump --no-data --routines --events --triggers`, SQLite's
//! `sqlite_schema`), normalized and compared object by object. It sits under
//! the schema model: whatever the model does not read (a view's body, a
//! trigger's enabled state, a policy, `UNLOGGED`, a column's position...)
//! the dump still shows, so a proof (the stairway, `check --schema`, the
//! drift check, squash's self-check) that the model passes is passed only
//! when the dumps agree too. A difference only the dump sees is reported
//! as `only the schema dump sees:` with the object's name and a line diff.
//!
//! When a dump program is missing or fails, [`dump`] says so
//! ([`Net::NotCompared`]): a proof reports `not compared: ...` and never
//! passes silently.
//!
//! Normalization drops what differs between two databases holding the same
//! schema: comments, `SET` lines, `\restrict` lines, the database name,
//! owners, grants and definers (unless [`DumpOptions::privileges`]), and
//! MariaDB's `AUTO_INCREMENT=` positions (unless [`DumpOptions::counters`]).
//!
//! # Imports
//!
//! `grants` → `tools`, `normalize`, `fingerprint` → `rows`, `words`

pub mod fingerprint;
mod grants;
mod normalize;
pub mod rows;
mod tools;
mod words;

use migrate_runtime::{DatabaseUrl, Db, Dialect};
use normalize::{Objects, Rules};

/// How many times this process has run `pg_dump` or `mariadb-dump` (for
/// benchmarks: the stairway's catalog fingerprints save dump runs).
pub fn dump_programs_run() -> usize {
    tools::RUNS.load(std::sync::atomic::Ordering::Relaxed)
}

/// What a dump keeps.
#[derive(Clone, Debug, Default)]
pub struct DumpOptions {
    /// Compare owners, grants and definers (`--privileges`).
    pub privileges: bool,
    /// Compare MariaDB's `AUTO_INCREMENT=` positions: on in the stairway,
    /// where both sides hold the same rows; off between a live database and
    /// a scratch one.
    pub counters: bool,
    /// Tables left out (the version table).
    pub exclude: Vec<String>,
    /// Compare SQLite definitions as stored (white space and quoting
    /// aside): the stairway, where both sides ran the same SQL. Off between
    /// databases written by different SQL (squash, `check --schema`,
    /// drift), where a table is compared by its column names in order and
    /// views and triggers by their text, the rest being the model's.
    pub literal: bool,
}

/// One database's schema as its server dumps it, normalized, by object.
#[derive(Clone, Debug)]
pub struct SchemaDump {
    /// Cut into objects when first needed: a SQLite snapshot the stairway
    /// only compares with an equal one is never cut, so a step costs one
    /// read and one text comparison whatever the schema's size.
    objects: std::sync::OnceLock<Objects>,
    /// SQLite's objects are stored as written: normalized when they differ.
    stored: bool,
    /// SQLite's `sqlite_schema` texts joined, without names: two equal
    /// texts are equal dumps, compared in one step.
    raw: Option<String>,
    /// The tables whose objects cutting `raw` leaves out (the version
    /// table, which `raw` holds).
    exclude: Vec<String>,
}

impl PartialEq for SchemaDump {
    fn eq(&self, other: &Self) -> bool {
        match (&self.raw, &other.raw) {
            (Some(a), Some(b)) if a == b => true,
            _ => self.stored == other.stored && self.cut() == other.cut(),
        }
    }
}

impl Eq for SchemaDump {}

impl SchemaDump {
    fn ready(objects: Objects, stored: bool, raw: Option<String>) -> SchemaDump {
        SchemaDump {
            objects: std::sync::OnceLock::from(objects),
            stored,
            raw,
            exclude: Vec::new(),
        }
    }

    /// The objects, cut from the raw SQLite text on first use.
    fn cut(&self) -> &Objects {
        self.objects.get_or_init(|| {
            normalize::stored(self.raw.as_deref().unwrap_or_default(), &self.exclude)
        })
    }

    fn semantic(objects: Objects) -> Objects {
        objects
            .into_iter()
            .filter_map(|(k, v)| normalize::sqlite_semantic(&k, &v).map(|v| (k, v)))
            .collect()
    }
}

/// A dump, or why there is none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Net {
    /// The dump.
    Dumped(SchemaDump),
    /// The net could not run (`pg_dump is not installed ...`): the proof
    /// says `not compared: <this>`.
    NotCompared(String),
}

/// One object that differs between two dumps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DumpDifference {
    /// The object: `table users`, `view v`, `trigger public.t audit`.
    pub object: String,
    /// What differs, in words, then the line diff (`- ` expected, `+`
    /// found), one entry per line.
    pub lines: Vec<String>,
}

impl DumpDifference {
    /// The whole difference as one text (first line, then the diff indented).
    pub fn text(&self) -> String {
        self.lines.join("\n      ")
    }
}

/// The normalized schema dump of `db`; `url` is how the dump program
/// reaches it (unused on SQLite, where `sqlite_schema` is read through `db`).
pub async fn dump(db: &Db, url: Option<&DatabaseUrl>, options: &DumpOptions) -> Net {
    let rules = Rules {
        privileges: options.privileges,
        counters: options.counters,
    };
    let objects = match db.dialect() {
        Dialect::Sqlite if options.literal => {
            return match sqlite_texts(db).await {
                Ok(Some(raw)) => Net::Dumped(SchemaDump {
                    objects: std::sync::OnceLock::new(),
                    stored: true,
                    raw: Some(raw),
                    exclude: options.exclude.clone(),
                }),
                Ok(None) => match sqlite_rows(db, &options.exclude).await {
                    Ok(rows) => {
                        Net::Dumped(SchemaDump::ready(normalize::sqlite(&rows), true, None))
                    }
                    Err(e) => sqlite_failed(e),
                },
                Err(e) => sqlite_failed(e),
            };
        }
        Dialect::Sqlite => match sqlite_rows(db, &options.exclude).await {
            Ok(rows) => normalize::sqlite(&rows),
            Err(e) => return sqlite_failed(e),
        },
        dialect => {
            let Some(url) = url else {
                return Net::NotCompared("no URL to hand the dump program".to_owned());
            };
            match tools::dump(db, url, &options.exclude, options.privileges).await {
                tools::Output::NotRun(why) => return Net::NotCompared(why),
                tools::Output::Text(text) if dialect == Dialect::Postgres => {
                    normalize::postgres(&text, rules)
                }
                tools::Output::Text(text) => {
                    let mut objects = normalize::mariadb(&text, rules);
                    if options.privileges {
                        match grants::mariadb(db, &options.exclude).await {
                            Ok(found) => objects.extend(found),
                            Err(e) => {
                                return Net::NotCompared(format!(
                                    "reading the grants failed (--privileges reads information_schema and mysql.procs_priv): {e}"
                                ))
                            }
                        }
                    }
                    objects
                }
            }
        }
    };
    if db.dialect() == Dialect::Sqlite {
        return Net::Dumped(SchemaDump::ready(
            SchemaDump::semantic(objects),
            false,
            None,
        ));
    }
    Net::Dumped(SchemaDump::ready(objects, false, None))
}

type Rows = Vec<(String, String, String)>;

fn sqlite_failed(e: sqlx::Error) -> Net {
    Net::NotCompared(format!("reading sqlite_schema failed: {e}"))
}

/// Every `sqlite_schema` text joined by ASCII RS, in storage order: the
/// stairway's snapshot, three per revision. One aggregate of one column
/// (no names, no filter, no concatenation: each of those cost as much as
/// the read itself at a thousand tables); names are read from the texts
/// when two snapshots differ. `None` when a text holds an RS itself (the
/// count of texts says so): the caller reads the rows one by one.
async fn sqlite_texts(db: &Db) -> Result<Option<String>, sqlx::Error> {
    let sql = "SELECT count(sql) || char(31) || ifnull(group_concat(sql, char(30)), '') FROM sqlite_schema";
    let read = rows::text(db, sql).await?.unwrap_or_default();
    let Some((count, raw)) = read.split_once('\u{1f}') else {
        return Ok(None);
    };
    let texts = match raw.is_empty() {
        true => 0,
        false => raw.split('\u{1e}').count(),
    };
    Ok((count.parse() == Ok(texts)).then(|| raw.to_owned()))
}

/// The (type, name, sql) rows of `sqlite_schema`, the `sqlite_` tables and
/// the objects of the `exclude`d tables left out, in storage order.
async fn sqlite_rows(db: &Db, exclude: &[String]) -> Result<Rows, sqlx::Error> {
    let rows: Vec<(String, String, String, String)> = match db {
        #[cfg(feature = "sqlite")]
        Db::Sqlite(pool) => sqlx::query_as(
            "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND substr(name, 1, 7) <> 'sqlite_'",
        )
        .fetch_all(pool)
        .await?,
        #[allow(unreachable_patterns)]
        _ => Vec::new(),
    };
    Ok(rows
        .into_iter()
        .filter(|(_, _, table, _)| !exclude.contains(table))
        .map(|(kind, name, _, sql)| (kind, name, sql))
        .collect())
}

impl SchemaDump {
    /// The objects' keys (`table t`, `view v`...).
    pub fn objects(&self) -> impl Iterator<Item = &str> {
        self.cut().keys().map(String::as_str)
    }
}

/// Every object that differs between `expected` and `actual`, in words:
/// `view v: present, not expected`, `... expected, missing`, or
/// `table t: definition differs:` with the moved columns said in words and
/// a line diff.
pub fn compare(expected: &SchemaDump, actual: &SchemaDump) -> Vec<DumpDifference> {
    if expected.raw.is_some() && expected.raw == actual.raw {
        return Vec::new();
    }
    let mut out = Vec::new();
    let keys: std::collections::BTreeSet<&String> =
        expected.cut().keys().chain(actual.cut().keys()).collect();
    for key in keys {
        let lines = match (expected.cut().get(key), actual.cut().get(key)) {
            (Some(a), Some(b)) if a == b => continue,
            (Some(a), Some(b)) => {
                let (a, b) = if expected.stored || actual.stored {
                    let (a, b) = (normalize::sqlite_lines(a), normalize::sqlite_lines(b));
                    let text = key.starts_with("view ") || key.starts_with("trigger ");
                    if a == b
                        || text && normalize::sqlite_folded(&a) == normalize::sqlite_folded(&b)
                    {
                        continue;
                    }
                    (a, b)
                } else {
                    (a.clone(), b.clone())
                };
                let (a, b) = (&a, &b);
                let name = key.split_once(' ').map_or(key.as_str(), |(_, n)| n);
                let mut lines = vec![format!("{key}: definition differs:")];
                lines.extend(words::moved_columns(name, a, b));
                lines.extend(words::line_diff(a, b));
                lines
            }
            (Some(a), None) => {
                let a = &lines_of(expected, a);
                let mut lines = vec![format!("{key}: expected, missing:")];
                lines.extend(a.iter().map(|l| format!("- {l}")));
                lines
            }
            (None, Some(b)) => {
                let b = &lines_of(actual, b);
                let mut lines = vec![format!("{key}: present, not expected:")];
                lines.extend(b.iter().map(|l| format!("+ {l}")));
                lines
            }
            (None, None) => continue,
        };
        out.push(DumpDifference {
            object: key.clone(),
            lines,
        });
    }
    out
}

fn lines_of(dump: &SchemaDump, lines: &[String]) -> Vec<String> {
    if dump.stored {
        normalize::sqlite_lines(lines)
    } else {
        lines.to_vec()
    }
}

/// Whether `-- migrate:allow stairway <allowed> ...` names `object` (a
/// dump key such as `table public.t` or `constraint t t_pkey`, or a table
/// name): the key itself, its name with or without schema, or, for an
/// object of a table, the table.
pub fn names(allowed: &str, object: &str) -> bool {
    let allowed = allowed.trim().to_lowercase();
    let object = object.to_lowercase();
    if allowed == object {
        return true;
    }
    let name = object.split_once(' ').map_or(object.as_str(), |(_, n)| n);
    let bare = |n: &str| n.rsplit('.').next().unwrap_or(n).to_owned();
    let kind = object.split_once(' ').map_or("", |(k, _)| k);
    name == allowed
        || bare(name) == allowed
        || format!("{kind} {}", bare(name)) == allowed
        || name.split_whitespace().next().map(bare).as_deref() == Some(allowed.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_names_match_keys_names_and_tables() {
        assert!(names("view v", "view v"));
        assert!(names("v", "view public.v"));
        assert!(names("view v", "view public.v"));
        assert!(names("t", "constraint t t_pkey"));
        assert!(!names("u", "view v"));
    }
}
