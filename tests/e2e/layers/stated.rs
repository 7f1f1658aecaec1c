//! Rule (b): the layers a folder's `//!` doc states under `# Imports`, and
//! the references that run against them.

use super::graph::{list, Edges};
use std::collections::{BTreeMap, BTreeSet};

/// The layers a folder states, from the highest, and the doc line saying so.
#[derive(Debug, PartialEq)]
pub struct Stated {
    pub line: usize,
    pub layers: Vec<Vec<String>>,
}

/// The layers a folder's `//!` doc states under `# Imports`; `Err` when
/// the section is there but its first line is not `` `a`, `b` → `c` `` (a
/// single layer, with no arrow, says its modules do not refer to each
/// other).
pub fn stated_layers(text: &str) -> Option<Result<Stated, String>> {
    let doc: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .skip_while(|(_, l)| l.trim().is_empty())
        .take_while(|(_, l)| l.trim_start().starts_with("//!"))
        .map(|(n, l)| (n + 1, l.trim_start().trim_start_matches("//!").trim()))
        .collect();
    let start = doc.iter().position(|(_, l)| *l == "# Imports")?;
    let Some((n, line)) = doc[start + 1..]
        .iter()
        .take_while(|(_, l)| !l.starts_with('#'))
        .find(|(_, l)| !l.is_empty())
    else {
        return Some(Err("`# Imports` states no layers".to_owned()));
    };
    let mut layers = Vec::new();
    for part in line.split('→') {
        let mut layer = Vec::new();
        for item in part.split(',') {
            let item = item.trim();
            let name = item
                .strip_prefix('`')
                .and_then(|i| i.strip_suffix('`'))
                .filter(|i| !i.is_empty() && i.chars().all(|c| c.is_alphanumeric() || c == '_'));
            match name {
                Some(name) => layer.push(name.to_owned()),
                None => {
                    return Some(Err(format!(
                        "line {n}: `# Imports` opens with `{line}`, not one line of `a`, `b` → `c` (what is `{item}`?)"
                    )))
                }
            }
        }
        layers.push(layer);
    }
    Some(Ok(Stated { line: *n, layers }))
}

/// Rule (b): references against the layers a folder states.
pub fn direction(
    name: &str,
    file: &str,
    text: &str,
    children: &BTreeSet<String>,
    edges: &Edges,
) -> Vec<String> {
    let (line, layers) = match stated_layers(text) {
        None => return Vec::new(),
        Some(Err(e)) => return vec![format!("{name}/{file}: {e}")],
        Some(Ok(Stated { line, layers })) => (line, layers),
    };
    let mut out = Vec::new();
    let mut layer_of = BTreeMap::new();
    for (k, layer) in layers.iter().enumerate() {
        for m in layer {
            if !children.contains(m) {
                out.push(format!(
                    "{name}/{file}:{line} lists `{m}`, which is not a module of this folder"
                ));
            }
            if layer_of.insert(m.clone(), k).is_some() {
                out.push(format!("{name}/{file}:{line} lists `{m}` twice"));
            }
        }
    }
    for ((a, b), sites) in edges {
        let (Some(la), Some(lb)) = (layer_of.get(a), layer_of.get(b)) else {
            continue;
        };
        let why = match lb.cmp(la) {
            std::cmp::Ordering::Greater => continue,
            std::cmp::Ordering::Equal => "on its own layer",
            std::cmp::Ordering::Less => "listed before it",
        };
        out.push(format!(
            "{name}/{file}:{line} states the imports' direction, but `{a}` refers to `{b}` ({why}) at {}",
            list(name, sites)
        ));
    }
    out
}
