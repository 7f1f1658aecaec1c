//! The house's stated directions hold, read from the source text (no
//! database, no build): inside every folder of every workspace crate no two
//! modules refer to each other, directly or round a longer loop; where a
//! folder's `//!` doc states its layers no reference runs against them; and
//! each crate's `Cargo.toml` names only the workspace crates the README's
//! table lets it import.
//!
//! A folder states its direction under a `# Imports` heading of its `//!`
//! doc (`lib.rs`, `main.rs`, `mod.rs` or `foo.rs` beside `foo/`), on one
//! line, from the highest layer to the lowest, modules of one layer
//! separated by commas:
//!
//! ```text
//! # Imports
//!
//! `ops` → `run`, `step` → `session`
//! ```
//!
//! The line is the first of the section. A module refers only to modules
//! listed after it; modules of one layer do not refer to each other (a line
//! with no arrow is one layer: independent modules); a module the line does
//! not name is held only by the no-loop rule. A name that is not a module of
//! the folder is an error (a stale doc).
//!
//! "Refers" is any path that reaches a sibling: `use crate::a::..`,
//! `use super::{a, b}`, `crate::a::` or `super::a::` anywhere in code, or a
//! name the folder brings in from a sibling (`super::Run` when the folder
//! says `use run::Run`). Comments, literals, `#[cfg(test)]` items and
//! `tests.rs` files are not read: a test may reach anywhere.
//!
//! # Imports
//!
//! `fixtures` → `deps`, `stated` → `graph` → `scan` → `paths` → `tokens`

mod deps;
mod fixtures;
mod graph;
mod paths;
mod scan;
mod stated;
mod tokens;

use deps::{check_dependencies, workspace_dependencies, CRATES};
use graph::{edges, loops, reaches, Edges};
use stated::direction;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A reference tolerated on a loop: `(crate, folder, from, to)`, the
/// folder as a module path (`""` for the crate root), `"*"` for any module.
pub type Known = (&'static str, &'static str, &'static str, &'static str);

/// References tolerated on a loop, each to be written with its reason.
/// Empty: the workspace has none. An entry passes only while it still closes
/// a loop, so an entry whose loop is gone fails the test and is removed.
const KNOWN: &[Known] = &[];

/// Everything wrong in one crate's module tree, as messages naming files
/// and lines. `files` maps paths relative to the crate directory to text.
pub fn check_crate(name: &str, files: &BTreeMap<String, String>) -> Vec<String> {
    check_crate_with(name, files, KNOWN)
}

/// [`check_crate`] with the tolerated references given.
pub fn check_crate_with(
    name: &str,
    files: &BTreeMap<String, String>,
    known: &[Known],
) -> Vec<String> {
    let mut problems = Vec::new();
    let known: Vec<Known> = known.iter().filter(|k| k.0 == name).copied().collect();
    let mut live = BTreeSet::new();
    for root in ["src/lib.rs", "src/main.rs"] {
        if !files.contains_key(root) {
            continue;
        }
        let tree = scan::tree(files, root);
        for missing in &tree.missing {
            problems.push(format!(
                "{name}: a module's file {name}/{missing} is missing"
            ));
        }
        let edges = edges(&tree);
        for (folder, module) in &tree.modules {
            if module.children.is_empty() {
                continue;
            }
            let none = Edges::new();
            let folder_edges = edges.get(folder).unwrap_or(&none);
            let tolerated = |a: &str, b: &str| {
                known.iter().position(|k| {
                    k.1 == folder.join("::") && (k.2 == "*" || k.2 == a) && (k.3 == "*" || k.3 == b)
                })
            };
            for (a, b) in folder_edges.keys() {
                if let Some(k) = tolerated(a, b) {
                    if reaches(folder_edges, b).contains(a) {
                        live.insert(k);
                    }
                }
            }
            let rest: Edges = folder_edges
                .iter()
                .filter(|((a, b), _)| tolerated(a, b).is_none())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            problems.extend(loops(name, folder, &rest));
            if module.own_file {
                let text = &files[&module.file];
                problems.extend(direction(
                    name,
                    &module.file,
                    text,
                    &module.children,
                    folder_edges,
                ));
            }
        }
    }
    for (k, (_, folder, from, to)) in known.iter().enumerate() {
        if !live.contains(&k) {
            problems.push(format!(
                "{name}: the known loop through `{from}` → `{to}` in {folder:?} is gone: remove it from KNOWN in tests/e2e/layers.rs"
            ));
        }
    }
    problems
}

fn read_sources(dir: &Path, base: &Path, out: &mut BTreeMap<String, String>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            read_sources(&path, base, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(base).expect("under the crate");
            let text = std::fs::read_to_string(&path).expect("a source file");
            out.insert(rel.to_string_lossy().replace('\\', "/"), text);
        }
    }
}

fn workspace() -> std::path::PathBuf {
    crate::support::workspace_root()
}

#[test]
fn no_folder_has_an_import_loop_or_an_import_against_its_stated_direction() {
    let mut problems = Vec::new();
    let mut folders = 0;
    for name in CRATES {
        let dir = workspace().join(name);
        let mut files = BTreeMap::new();
        read_sources(&dir.join("src"), &dir, &mut files);
        assert!(files.contains_key("src/lib.rs") || files.contains_key("src/main.rs"));
        let tree = scan::tree(&files, "src/lib.rs");
        folders += tree
            .modules
            .values()
            .filter(|m| !m.children.is_empty())
            .count();
        problems.extend(check_crate(name, &files));
    }
    // The walk read the workspace, not an empty directory.
    assert!(folders > 20, "only {folders} folders found");
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

#[test]
fn crates_import_only_what_the_readme_allows() {
    let mut problems = Vec::new();
    let mut seen = 0;
    for name in CRATES {
        let toml = std::fs::read_to_string(workspace().join(name).join("Cargo.toml"))
            .expect("a Cargo.toml");
        seen += workspace_dependencies(&toml).len();
        problems.extend(check_dependencies(name, &toml));
    }
    assert!(seen > 10, "only {seen} workspace dependencies found");
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}
