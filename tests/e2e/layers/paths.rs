//! Paths as written: the leaves of a `use` tree, and the module a path
//! starting from `crate`, `self` or `super` names.

use super::tokens::{word, Tok};

/// A module's path from the crate root (`[]` is the root).
pub type ModPath = Vec<String>;

/// Reads a use tree from `i`, pushing each leaf path (with its `as` name)
/// onto `out`; returns the index after the item's `;`.
pub fn use_tree(
    toks: &[Tok],
    mut i: usize,
    mut prefix: Vec<String>,
    out: &mut Vec<(Vec<String>, Option<String>)>,
) -> usize {
    loop {
        let Some(t) = toks.get(i) else { return i };
        match t.text.as_str() {
            "::" => i += 1,
            "$" => i += 1,
            "{" => {
                i += 1;
                while toks.get(i).is_some_and(|t| t.text != "}") {
                    i = use_tree(toks, i, prefix.clone(), out);
                    if toks.get(i).is_some_and(|t| t.text == ",") {
                        i += 1;
                    }
                }
                i += 1;
                return finish(toks, i);
            }
            "*" => {
                prefix.push("*".into());
                out.push((prefix, None));
                return finish(toks, i + 1);
            }
            w if word(Some(t)).is_some() => {
                prefix.push(w.to_owned());
                i += 1;
                if toks.get(i).is_some_and(|t| t.text == "::") {
                    continue;
                }
                let alias = if toks.get(i).is_some_and(|t| t.text == "as") {
                    i += 2;
                    word(toks.get(i - 1)).map(str::to_owned)
                } else {
                    None
                };
                out.push((prefix, alias));
                return finish(toks, i);
            }
            _ => return finish(toks, i),
        }
    }
}

/// After a use tree: past the item's `;` at the top, or at the `,` or `}`
/// closing a group.
fn finish(toks: &[Tok], i: usize) -> usize {
    match toks.get(i).map(|t| t.text.as_str()) {
        Some(";") => i + 1,
        _ => i,
    }
}

/// The absolute module path a path written in `module` names, when it
/// starts from `crate`, `self` or `super`; `None` for a name in scope or an
/// outside crate.
pub fn resolve(module: &[String], path: &[String]) -> Option<ModPath> {
    let (mut base, rest): (ModPath, &[String]) = match path.first()?.as_str() {
        "crate" => (Vec::new(), &path[1..]),
        "self" => (module.to_vec(), &path[1..]),
        "super" => {
            let mut base = module.to_vec();
            let mut rest = path;
            while rest.first().is_some_and(|s| s == "super") {
                base.pop()?;
                rest = &rest[1..];
            }
            (base, rest)
        }
        _ => return None,
    };
    base.extend(rest.iter().filter(|s| *s != "self").cloned());
    Some(base)
}
