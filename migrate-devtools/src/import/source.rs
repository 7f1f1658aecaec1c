//! Reading another tool's migration directory into plain values, one
//! [`Source`] per version, following each tool's file naming.

use super::checksum;
use super::error::ImportError;
use migrate_runtime::Tool;
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
                let body = text(path)?;
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
