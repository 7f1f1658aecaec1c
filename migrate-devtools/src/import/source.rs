//! Reading another tool's migration directory into plain values, one
//! [`Source`] per version, following each tool's file naming.

use super::checksum;
use super::error::ImportError;
use migrate_graph::split::split;
use migrate_runtime::{Dialect, Tool};
use std::collections::BTreeMap;
use std::path::Path;

/// One migration of the other tool.
#[derive(Clone, Debug, Default)]
pub(crate) struct Source {
    /// The version as the tool's table records it.
    pub(crate) version: String,
    /// The description.
    pub(crate) name: String,
    /// The file (or directory) name, for messages and the provenance line.
    pub(crate) file: String,
    /// Up SQL.
    pub(crate) up: String,
    /// Whether the up SQL runs in a transaction.
    pub(crate) up_tx: bool,
    /// Down SQL, `None` when the tool has none for it.
    pub(crate) down: Option<String>,
    /// Whether the down SQL runs in a transaction.
    pub(crate) down_tx: bool,
    /// The checksum the tool records when it applies the file.
    pub(crate) checksum: Option<String>,
}

/// What a directory held: the migrations, and files not carried over.
pub(crate) struct Read {
    pub(crate) sources: Vec<Source>,
    pub(crate) not_carried: Vec<String>,
}

fn files(dir: &Path) -> Result<Vec<(String, std::path::PathBuf)>, ImportError> {
    let io = |e| ImportError::Io {
        path: dir.to_owned(),
        source: e,
    };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with('.') {
            out.push((name, entry.path()));
        }
    }
    out.sort();
    Ok(out)
}

fn text(path: &Path) -> Result<String, ImportError> {
    std::fs::read_to_string(path).map_err(|e| ImportError::Io {
        path: path.to_owned(),
        source: e,
    })
}

/// `<version>_<rest>`: the digits before the first `_`.
fn split_version(stem: &str) -> Option<(&str, &str)> {
    let (v, rest) = stem.split_once('_')?;
    (!v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'-')).then_some((v, rest))
}

/// Reads `dir` as `tool` lays it out.
pub(crate) fn read(tool: Tool, dir: &Path) -> Result<Read, ImportError> {
    let mut by_version: BTreeMap<String, Source> = BTreeMap::new();
    let mut not_carried = Vec::new();
    let entries = files(dir)?;
    for (name, path) in &entries {
        let mut entry = |version: &str, f: &mut dyn FnMut(&mut Source)| {
            let s = by_version
                .entry(version.to_owned())
                .or_insert_with(|| Source {
                    version: version.to_owned(),
                    up_tx: true,
                    down_tx: true,
                    ..Source::default()
                });
            f(s);
        };
        match tool {
            Tool::Sqlx | Tool::GolangMigrate => {
                let Some(stem) = name.strip_suffix(".sql") else {
                    not_carried.push(format!("{name}: not a .sql file"));
                    continue;
                };
                let (stem, kind) = if let Some(s) = stem.strip_suffix(".up") {
                    (s, "up")
                } else if let Some(s) = stem.strip_suffix(".down") {
                    (s, "down")
                } else {
                    (stem, "simple")
                };
                let Some((version, rest)) = split_version(stem) else {
                    not_carried.push(format!("{name}: no `<version>_` prefix"));
                    continue;
                };
                let mut body = text(path)?;
                if tool == Tool::GolangMigrate {
                    body = own_transaction(name, &body)?;
                }
                let no_tx =
                    tool == Tool::Sqlx && body.trim_start().starts_with("-- no-transaction");
                let sum = (tool == Tool::Sqlx).then(|| checksum::sqlx(body.as_bytes()));
                entry(version, &mut |s| {
                    s.name = rest.replace('_', " ");
                    if kind == "down" {
                        s.down = Some(body.clone());
                        s.down_tx = !no_tx;
                    } else {
                        s.file = name.clone();
                        s.up = body.clone();
                        s.up_tx = !no_tx;
                        s.checksum = sum.clone();
                    }
                });
            }
            Tool::Diesel => {
                if !path.is_dir() {
                    not_carried.push(format!("{name}: not a migration directory"));
                    continue;
                }
                let Some((version, rest)) = split_version(name) else {
                    not_carried.push(format!("{name}: no `<version>_` prefix"));
                    continue;
                };
                let up = text(&path.join("up.sql"))?;
                let down = path.join("down.sql");
                let down = if down.exists() {
                    Some(text(&down)?)
                } else {
                    None
                };
                let meta = path.join("metadata.toml");
                let tx = !(meta.exists() && run_in_transaction_false(&text(&meta)?));
                let version = version.replace('-', "");
                entry(&version, &mut |s| {
                    s.name = rest.replace('_', " ");
                    s.file = format!("{name}/up.sql");
                    s.up = up.clone();
                    s.down = down.clone();
                    s.up_tx = tx;
                    s.down_tx = tx;
                });
            }
            Tool::Refinery | Tool::Flyway => {
                let Some(stem) = name.strip_suffix(".sql") else {
                    not_carried.push(format!("{name}: not a .sql file"));
                    continue;
                };
                let Some((head, desc)) = stem.split_once("__") else {
                    not_carried.push(format!("{name}: no `__` between version and name"));
                    continue;
                };
                let (kind, version) = head.split_at(1.min(head.len()));
                let version = if tool == Tool::Flyway {
                    version.replace('_', ".")
                } else {
                    version.to_owned()
                };
                let body = text(path)?;
                match (tool, kind) {
                    (_, "V") => {
                        let sum = match tool {
                            Tool::Refinery => match version.parse::<i32>() {
                                Ok(v) => Some(checksum::refinery(desc, v, &body)),
                                Err(_) => {
                                    not_carried.push(format!("{name}: version is not a 32-bit integer"));
                                    continue;
                                }
                            },
                            _ => Some(checksum::flyway(&body)),
                        };
                        let desc_text = if tool == Tool::Flyway { desc.replace('_', " ") } else { desc.to_owned() };
                        entry(&version, &mut |s| {
                            s.name = desc_text.clone();
                            s.file = name.clone();
                            s.up = body.clone();
                            s.checksum = sum.clone();
                        });
                    }
                    (Tool::Flyway, "U") => entry(&version, &mut |s| s.down = Some(body.clone())),
                    (Tool::Flyway, "R") => not_carried.push(format!(
                        "{name}: a repeatable migration (re-run whenever it changes) has no place in a revision graph; keep its SQL as an ordinary revision if it is still needed"
                    )),
                    _ => not_carried.push(format!("{name}: not a versioned migration")),
                }
            }
            Tool::Dbmate => {
                let Some(stem) = name.strip_suffix(".sql") else {
                    not_carried.push(format!("{name}: not a .sql file"));
                    continue;
                };
                let Some((version, rest)) = split_version(stem) else {
                    not_carried.push(format!("{name}: no `<version>_` prefix"));
                    continue;
                };
                let body = text(path)?;
                let parsed = dbmate_sections(&body).ok_or_else(|| ImportError::Format {
                    file: name.clone(),
                    reason: "dbmate files need a `-- migrate:up` line (and optionally `-- migrate:down`)".to_owned(),
                })?;
                entry(version, &mut |s| {
                    s.name = rest.replace('_', " ");
                    s.file = name.clone();
                    s.up = parsed.0.clone();
                    s.up_tx = parsed.1;
                    s.down = parsed.2.clone();
                    s.down_tx = parsed.3;
                });
            }
            Tool::Alembic => unreachable!("alembic is read by alembic.rs"),
            _ => {}
        }
    }
    let mut sources: Vec<Source> = by_version.into_values().collect();
    for s in &sources {
        if s.file.is_empty() {
            return Err(ImportError::Format {
                file: s.version.clone(),
                reason: "a down file without its up file".to_owned(),
            });
        }
    }
    // Numeric versions in numeric order (2 before 10), as the tools apply them.
    sources.sort_by_key(|s| version_key(&s.version));
    Ok(Read {
        sources,
        not_carried,
    })
}

/// golang-migrate runs a file as it is, without a transaction of its own,
/// so its authors often write `BEGIN;` ... `COMMIT;` around the file. Ours
/// wraps each revision in a transaction and refuses transaction control in
/// a file: a file that is exactly one such transaction loses its bracket
/// (and keeps running in one transaction, ours); one with transaction
/// control anywhere else is refused, naming the file and what to do.
fn own_transaction(file: &str, body: &str) -> Result<String, ImportError> {
    let statements = split(body, Dialect::Postgres);
    let kind = |text: &str| -> Option<bool> {
        let words: Vec<String> = text
            .split_whitespace()
            .take(3)
            .map(|w| w.trim_end_matches(';').to_ascii_lowercase())
            .collect();
        let w = |i: usize| words.get(i).map_or("", String::as_str);
        match (w(0), w(1)) {
            ("begin", "" | "transaction" | "work" | "isolation") => Some(true),
            ("start", "transaction") => Some(true),
            ("commit" | "end", "" | "transaction" | "work") => Some(false),
            ("rollback" | "savepoint" | "release", _) => Some(false),
            _ => None,
        }
    };
    let control: Vec<usize> = (0..statements.len())
        .filter(|&i| kind(statements[i].text).is_some())
        .collect();
    if control.is_empty() {
        return Ok(body.to_owned());
    }
    let last = statements.len() - 1;
    let closing = statements[last].text.to_ascii_lowercase();
    let bracket = control == [0, last]
        && last > 0
        && kind(statements[0].text) == Some(true)
        && (closing.starts_with("commit") || closing.starts_with("end"));
    if !bracket {
        let line = statements[control[0]].line;
        return Err(ImportError::Format {
            file: file.to_owned(),
            reason: format!(
                "line {line}: transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT) inside the file; \
                 our revisions run in a transaction of their own: keep one BEGIN at the top and one COMMIT \
                 at the end (removed on import), or split the file into one migration per transaction"
            ),
        });
    }
    // Offsets of the two statements in `body` (they are slices of it).
    let at = |t: &str| t.as_ptr() as usize - body.as_ptr() as usize;
    let after = |t: &str| {
        let end = at(t) + t.len();
        body[end..].find(';').map_or(end, |i| end + i + 1)
    };
    let (begin, commit) = (statements[0].text, statements[last].text);
    Ok(format!(
        "{}{}{}",
        &body[..at(begin)],
        body[after(begin)..at(commit)].trim_start_matches('\n'),
        body[after(commit)..].trim_start_matches('\n')
    ))
}

/// Orders dotted numeric versions numerically, others as text.
fn version_key(v: &str) -> Vec<(u128, String)> {
    v.split('.')
        .map(|p| (p.parse::<u128>().unwrap_or(u128::MAX), p.to_owned()))
        .collect()
}

/// diesel's `metadata.toml`: `run_in_transaction = false`.
fn run_in_transaction_false(toml: &str) -> bool {
    toml.lines().any(|l| {
        let l = l.split('#').next().unwrap_or("");
        let mut kv = l.splitn(2, '=');
        matches!(
            (kv.next().map(str::trim), kv.next().map(str::trim)),
            (Some("run_in_transaction"), Some("false"))
        )
    })
}

/// A dbmate file's sections: (up, up in a transaction, down, down in a
/// transaction).
fn dbmate_sections(body: &str) -> Option<(String, bool, Option<String>, bool)> {
    // (is up, text, in a transaction), in file order.
    let mut sections: Vec<(bool, String, bool)> = Vec::new();
    for line in body.split_inclusive('\n') {
        let t = line.trim();
        if let Some(opts) = t.strip_prefix("-- migrate:up") {
            sections.push((true, String::new(), !opts.contains("transaction:false")));
        } else if let Some(opts) = t.strip_prefix("-- migrate:down") {
            sections.push((false, String::new(), !opts.contains("transaction:false")));
        } else if let Some((_, text, _)) = sections.last_mut() {
            text.push_str(line);
        }
    }
    let (_, up, up_tx) = sections.iter().find(|s| s.0)?.clone();
    let down = sections.iter().find(|s| !s.0);
    Some((
        up,
        up_tx,
        down.map(|d| d.1.clone()),
        down.is_none_or(|d| d.2),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_golang_migrate_files_own_transaction_is_removed() {
        let body = "-- users\nBEGIN;\nCREATE TABLE users (id INT);\nINSERT INTO users VALUES (1);\nCOMMIT;\n";
        assert_eq!(
            own_transaction("1_users.up.sql", body).unwrap(),
            "-- users\nCREATE TABLE users (id INT);\nINSERT INTO users VALUES (1);\n"
        );
        let plain = "CREATE TABLE a (id INT);\n";
        assert_eq!(own_transaction("2_a.up.sql", plain).unwrap(), plain);
        let inside = "CREATE TABLE a (id INT);\nBEGIN;\nCREATE TABLE b (id INT);\nCOMMIT;\n";
        let err = own_transaction("3_b.up.sql", inside)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("3_b.up.sql") && err.contains("line 2") && err.contains("split the file"),
            "{err}"
        );
        let rollback = "BEGIN;\nCREATE TABLE c (id INT);\nROLLBACK;\n";
        assert!(own_transaction("4_c.up.sql", rollback).is_err());
    }
}
