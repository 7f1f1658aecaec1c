//! Alembic: the graph (revision, down_revision tuples for merges,
//! branch_labels, depends_on) read from the version files with Python's
//! `ast` (an embedded script, run with the user's `python3`, which must
//! have Alembic installed, as their project does), and each revision's SQL
//! from Alembic's own offline mode (`alembic upgrade ... --sql`,
//! `alembic downgrade <rev>:<parent> --sql`) with Alembic's version-table
//! statements and transaction brackets removed. A revision Alembic cannot
//! render offline is written with a TODO and listed.

use super::error::ImportError;
use super::write::ImportedFile;
use migrate_graph::split::split;
use migrate_graph::{Dialect, DownText, RevisionFile, SectionText};
use migrate_runtime::Tool;
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

const GRAPH_SCRIPT: &str = include_str!("alembic_graph.py");

/// One revision as the version file says.
#[derive(Debug, Clone)]
struct Node {
    file: String,
    id: String,
    parents: Vec<String>,
    labels: Vec<String>,
    depends_on: Vec<String>,
    message: String,
    created: String,
}

fn fail(reason: impl Into<String>) -> ImportError {
    ImportError::Alembic {
        reason: reason.into(),
    }
}

fn run(cmd: &mut Command, what: &str) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        return Err(format!("{what} failed: {}", last.trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn graph(ini: &Path) -> Result<Vec<Node>, ImportError> {
    let text = run(
        Command::new("python3").arg("-c").arg(GRAPH_SCRIPT).arg(ini),
        "python3 (reading the Alembic version files; is `alembic` installed in this environment?)",
    )
    .map_err(fail)?;
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() != 7 {
                return Err(fail(format!(
                    "unexpected line from the graph reader: {line}"
                )));
            }
            Ok(Node {
                file: f[0].to_owned(),
                id: f[1].to_owned(),
                parents: list(f[2]),
                labels: list(f[3]),
                depends_on: list(f[4]),
                message: f[5].to_owned(),
                created: f[6].to_owned(),
            })
        })
        .collect()
}

/// `alembic -c INI ARGS --sql`.
fn offline(ini: &Path, args: &[&str]) -> Result<String, String> {
    let dir = ini.parent().unwrap_or(Path::new("."));
    let mut cmd = Command::new("alembic");
    cmd.current_dir(dir)
        .arg("-c")
        .arg(ini.file_name().unwrap_or_default());
    cmd.args(args).arg("--sql");
    run(&mut cmd, &format!("`alembic {} --sql`", args.join(" ")))
}

/// Splits an offline script at Alembic's `-- Running upgrade A -> B`
/// lines: the SQL of each revision B.
fn chunks(script: &str) -> HashMap<String, String> {
    let mut out: HashMap<String, String> = HashMap::new();
    let mut current: Option<String> = None;
    for line in script.split_inclusive('\n') {
        let t = line.trim();
        let step = match (
            t.strip_prefix("-- Running upgrade"),
            t.strip_prefix("-- Running downgrade"),
        ) {
            (Some(rest), _) => Some((rest, true)),
            (None, Some(rest)) => Some((rest, false)),
            _ => None,
        };
        if let Some((rest, up)) = step {
            // `A, B -> C, message`: an upgrade's revision is after the
            // arrow, a downgrade's before it.
            let to = rest.split_once("->").map(|(from, to)| {
                let side = if up { to } else { from };
                side.trim()
                    .split([',', ' '])
                    .next()
                    .unwrap_or("")
                    .to_owned()
            });
            current = to;
            if let Some(c) = &current {
                out.entry(c.clone()).or_default();
            }
            continue;
        }
        if let Some(c) = &current {
            out.get_mut(c).expect("entry made above").push_str(line);
        }
    }
    out
}

/// The statements of `chunk` that are the revision's own: Alembic's
/// version-table statements and `BEGIN`/`COMMIT` left out.
fn own_sql(chunk: &str, dialect: Dialect) -> String {
    let mut out = String::new();
    for stmt in split(chunk, dialect) {
        let words: Vec<String> = stmt
            .text
            .split(|c: char| c.is_whitespace() || c == '(' || c == ';')
            .filter(|w| !w.is_empty())
            .take(4)
            .map(|w| w.trim_matches(['"', '`']).to_ascii_lowercase())
            .collect();
        let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
        let version_table =
            |i: usize| w(i) == "alembic_version" || w(i).ends_with(".alembic_version");
        let bracket = matches!(w(0), "begin" | "commit" | "start") && words.len() <= 2;
        let ours = match w(0) {
            "create" | "drop" => w(1) == "table" && version_table(2),
            "insert" | "delete" => {
                w(1) == "into" && version_table(2) || w(1) == "from" && version_table(2)
            }
            "update" => version_table(1),
            _ => false,
        };
        if !bracket && !ours {
            out.push_str(stmt.text);
            out.push_str(";\n");
        }
    }
    out
}

/// What the Alembic import produced.
pub(crate) struct Imported {
    pub(crate) files: Vec<ImportedFile>,
    pub(crate) todo: Vec<String>,
    pub(crate) irreversible: Vec<String>,
}

/// Imports the Alembic project whose `alembic.ini` is in `dir`.
pub(crate) fn import(dir: &Path, dialect: Dialect) -> Result<Imported, ImportError> {
    let ini = if dir.is_file() {
        dir.to_owned()
    } else {
        dir.join("alembic.ini")
    };
    if !ini.is_file() {
        return Err(fail(format!(
            "no alembic.ini in {}: give the directory that holds it",
            dir.display()
        )));
    }
    let ini = ini.canonicalize().map_err(|e| ImportError::Io {
        path: ini.clone(),
        source: e,
    })?;
    let mut nodes = graph(&ini)?;
    resolve_depends_on(&mut nodes)?;
    if nodes.is_empty() {
        return Err(ImportError::Empty {
            dir: dir.to_owned(),
            tool: Tool::Alembic,
        });
    }
    // One offline run for every upgrade; per revision only if it fails.
    let ups = offline(&ini, &["upgrade", "heads"]).map(|s| chunks(&s));
    // Downgrades from each head to base, one run each; a revision they
    // miss (or all, if a run fails) is rendered on its own below.
    let mut downs: HashMap<String, String> = HashMap::new();
    for head in nodes.iter().filter(|n| {
        !nodes
            .iter()
            .any(|c| c.parents.contains(&n.id) || c.depends_on.contains(&n.id))
    }) {
        if let Ok(script) = offline(&ini, &["downgrade", &format!("{}:base", head.id)]) {
            for (id, chunk) in chunks(&script) {
                downs.entry(id).or_insert(chunk);
            }
        }
    }
    let mut files = Vec::with_capacity(nodes.len());
    let mut todo = Vec::new();
    let mut irreversible = Vec::new();
    for n in &nodes {
        let from = n.parents.first().map_or("base", String::as_str);
        let up = match &ups {
            Ok(all) => all
                .get(&n.id)
                .cloned()
                .ok_or_else(|| "no output for it".to_owned()),
            Err(_) => offline(&ini, &["upgrade", &format!("{from}:{}", n.id)])
                .map(|s| chunks(&s).remove(&n.id).unwrap_or_default()),
        };
        let down = match downs.get(&n.id) {
            Some(chunk) => Ok(chunk.clone()),
            None => offline(&ini, &["downgrade", &format!("{}:{from}", n.id)])
                .map(|s| chunks(&s).remove(&n.id).unwrap_or_default()),
        };
        if !migrate_graph::is_valid_id(&n.id) {
            return Err(ImportError::BadVersion {
                file: n.file.clone(),
                version: n.id.clone(),
            });
        }
        let mut file = RevisionFile::new(n.id.clone()).with_message(&n.message);
        file.parents = n.parents.clone();
        file.branch_labels = n.labels.clone();
        file.depends_on = n.depends_on.clone();
        if !n.created.is_empty() {
            file.create_date = Some(n.created.clone());
        }
        let provenance = Tool::Alembic.provenance(&n.file, None);
        let up_sql = match &up {
            Ok(chunk) => own_sql(chunk, dialect),
            Err(e) => {
                todo.push(format!("{} ({}): {e}", n.id, n.file));
                format!("-- TODO: Alembic could not render this revision offline ({e});\n-- write its SQL here by hand.\n")
            }
        };
        file.up = SectionText::new(format!("{provenance}\n{up_sql}"));
        file.down = match down {
            Ok(chunk) => {
                let sql = own_sql(&chunk, dialect);
                if sql.is_empty()
                    && !up_sql.trim().is_empty()
                    && up.is_ok()
                    && has_statement(&up_sql, dialect)
                {
                    irreversible.push(n.id.clone());
                    DownText::Irreversible("-- Alembic's downgrade() produced no SQL\n".to_owned())
                } else {
                    DownText::Sql(SectionText::new(sql))
                }
            }
            Err(e) => {
                if up.is_ok() {
                    todo.push(format!("{} ({}) down: {e}", n.id, n.file));
                }
                irreversible.push(n.id.clone());
                DownText::Irreversible(format!(
                    "-- TODO: Alembic could not render the downgrade offline ({e})\n"
                ))
            }
        };
        files.push(file);
    }
    let files = super::write::render(&files)?;
    Ok(Imported {
        files,
        todo,
        irreversible,
    })
}

/// Alembic's `depends_on` may name a branch label instead of a revision:
/// it stands for the revision that declares the label. Ours names
/// revisions only, so a label is replaced by that revision's id; a name
/// that is neither is refused, naming the file.
fn resolve_depends_on(nodes: &mut [Node]) -> Result<(), ImportError> {
    let ids: std::collections::HashSet<String> = nodes.iter().map(|n| n.id.clone()).collect();
    let labels: HashMap<String, String> = nodes
        .iter()
        .flat_map(|n| n.labels.iter().map(|l| (l.clone(), n.id.clone())))
        .collect();
    for n in nodes.iter_mut() {
        for dep in &mut n.depends_on {
            if ids.contains(dep.as_str()) {
                continue;
            }
            match labels.get(dep.as_str()) {
                Some(id) => *dep = id.clone(),
                None => {
                    return Err(ImportError::Format {
                        file: n.file.clone(),
                        reason: format!(
                            "depends_on names `{dep}`, which is neither a revision nor a branch label of this project; \
                             write the full revision id it depends on (Alembic's `alembic history` lists them)"
                        ),
                    })
                }
            }
        }
    }
    Ok(())
}

fn has_statement(sql: &str, dialect: Dialect) -> bool {
    !split(sql, dialect).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str, labels: &[&str], depends_on: &[&str]) -> Node {
        let strings = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect();
        Node {
            file: format!("versions/{id}_x.py"),
            id: id.to_owned(),
            parents: Vec::new(),
            labels: strings(labels),
            depends_on: strings(depends_on),
            message: String::new(),
            created: String::new(),
        }
    }

    #[test]
    fn depends_on_a_branch_label_names_the_labelled_revision() {
        let mut nodes = vec![
            node("a1", &["networking"], &[]),
            node("b2", &[], &["networking", "a1"]),
        ];
        resolve_depends_on(&mut nodes).unwrap();
        assert_eq!(nodes[1].depends_on, ["a1", "a1"]);
        let mut unknown = vec![node("a1", &[], &[]), node("b2", &[], &["nowhere"])];
        let err = resolve_depends_on(&mut unknown).unwrap_err().to_string();
        assert!(
            err.contains("versions/b2_x.py")
                && err.contains("`nowhere`")
                && err.contains("full revision id"),
            "{err}"
        );
    }

    #[test]
    fn offline_scripts_split_per_revision_without_the_version_table() {
        let script = "BEGIN;\n\nCREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL\n);\n\n-- Running upgrade  -> a1, create users\n\nCREATE TABLE users (id INTEGER);\n\nINSERT INTO alembic_version (version_num) VALUES ('a1') RETURNING alembic_version.version_num;\n\n-- Running upgrade a1, b2 -> m3, merge\n\nUPDATE alembic_version SET version_num='m3' WHERE alembic_version.version_num = 'a1';\n\nCOMMIT;\n";
        let c = chunks(script);
        assert_eq!(
            own_sql(&c["a1"], Dialect::Postgres),
            "CREATE TABLE users (id INTEGER);\n"
        );
        assert_eq!(own_sql(&c["m3"], Dialect::Postgres), "");
        let down = chunks("-- Running downgrade d1 -> a1\n\nDROP INDEX posts_title;\n\nUPDATE alembic_version SET version_num='a1' WHERE alembic_version.version_num = 'd1';\n");
        assert_eq!(
            own_sql(&down["d1"], Dialect::Sqlite),
            "DROP INDEX posts_title;\n"
        );
    }
}
