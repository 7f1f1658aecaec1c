//! Each folder's graph of which child refers to which, built from the paths
//! a crate's modules write, and rule (a): no loop in it.

use super::paths::{resolve, ModPath};
use super::scan::{Site, Tree};
use std::collections::{BTreeMap, BTreeSet};

/// One folder's child graph: `(from, to)` → where each reference is.
pub type Edges = BTreeMap<(String, String), Vec<Site>>;

/// Every folder's child graph: a reference written in module `m` to `t`
/// is an edge of the folder where their paths part, from `m`'s child there
/// to `t`'s (or to the child a name the folder brought in comes from).
pub fn edges(tree: &Tree) -> BTreeMap<ModPath, Edges> {
    let mut out: BTreeMap<ModPath, Edges> = BTreeMap::new();
    for r in &tree.refs {
        let Some(target) = resolve(&r.module, &r.path) else {
            continue;
        };
        let c = r
            .module
            .iter()
            .zip(&target)
            .take_while(|(a, b)| a == b)
            .count();
        if c >= r.module.len() || c >= target.len() {
            continue;
        }
        let folder = r.module[..c].to_vec();
        let Some(to) = child_named(tree, &folder, &target[c]) else {
            continue;
        };
        let from = r.module[c].clone();
        if from != to {
            let sites = out
                .entry(folder)
                .or_default()
                .entry((from, to))
                .or_default();
            sites.push(r.site.clone());
        }
    }
    out
}

/// The child of `folder` that `name`, written as `folder::name`, reaches:
/// the child itself, or the child a `use` in the folder took it from.
fn child_named(tree: &Tree, folder: &[String], name: &str) -> Option<String> {
    let module = tree.modules.get(folder)?;
    if module.children.contains(name) {
        return Some(name.to_owned());
    }
    let (_, path) = module.uses.iter().find(|(n, _)| n == name)?;
    let full = resolve(folder, path).unwrap_or_else(|| {
        let mut p = folder.to_vec();
        p.extend(path.iter().cloned());
        p
    });
    let rest = full.strip_prefix(folder)?;
    let first = rest.first()?;
    module.children.contains(first).then(|| first.clone())
}

pub fn folder_name(folder: &[String]) -> String {
    if folder.is_empty() {
        "crate".to_owned()
    } else {
        format!("crate::{}", folder.join("::"))
    }
}

/// Rule (a): the strongly connected parts of a folder's graph with more
/// than one module.
pub fn loops(name: &str, folder: &[String], edges: &Edges) -> Vec<String> {
    let nodes: BTreeSet<&String> = edges.keys().flat_map(|(a, b)| [a, b]).collect();
    let reach: BTreeMap<&String, BTreeSet<&String>> =
        nodes.iter().map(|n| (*n, reaches(edges, n))).collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for n in &nodes {
        if done.contains(n) {
            continue;
        }
        let part: BTreeSet<&String> = nodes
            .iter()
            .filter(|m| reach[*n].contains(*m) && reach[**m].contains(*n))
            .copied()
            .collect();
        done.extend(part.iter().copied());
        if part.len() < 2 {
            continue;
        }
        let names: Vec<String> = part.iter().map(|m| format!("`{m}`")).collect();
        let mut msg = format!(
            "{name}: in {} the modules {} import each other:",
            folder_name(folder),
            names.join(", ")
        );
        for ((a, b), sites) in edges {
            if part.contains(a) && part.contains(b) {
                msg.push_str(&format!("\n    `{a}` → `{b}` at {}", list(name, sites)));
            }
        }
        out.push(msg);
    }
    out
}

/// The modules `from` reaches, itself included.
pub fn reaches<'a>(edges: &'a Edges, from: &'a String) -> BTreeSet<&'a String> {
    let mut seen = BTreeSet::from([from]);
    let mut todo = vec![from];
    while let Some(n) = todo.pop() {
        for (a, b) in edges.keys() {
            if a == n && seen.insert(b) {
                todo.push(b);
            }
        }
    }
    seen
}

/// The sites of one edge, the first few of them.
pub fn list(name: &str, sites: &[Site]) -> String {
    let shown: Vec<String> = sites
        .iter()
        .take(3)
        .map(|s| format!("{name}/{s}"))
        .collect();
    match sites.len() {
        n if n > 3 => format!("{} (and {} more)", shown.join(", "), n - 3),
        _ => shown.join(", "),
    }
}
