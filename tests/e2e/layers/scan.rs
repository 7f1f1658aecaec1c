//! A crate's module tree read from its source text: which modules a folder
//! holds, what its `use` items bring in, and every path that reaches out of
//! a module (`crate::..`, `super::..`, `self::..`, `$crate::..`), with its
//! file and line. Text, not syntax trees: comments and string literals are
//! blanked first, and `#[cfg(test)]` items and `tests.rs` files are left
//! out, so only what ships is read.

use super::paths::{use_tree, ModPath};
use super::tokens::{tokens, word, Tok};
use std::collections::{BTreeMap, BTreeSet};

/// Where a reference was written: a file relative to the crate directory,
/// and a line counted from 1.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Site {
    pub file: String,
    pub line: usize,
}

impl std::fmt::Display for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// One module of the tree.
#[derive(Debug, Default)]
pub struct Module {
    /// The file it is written in (the enclosing file for an inline module).
    pub file: String,
    /// Whether it has a file of its own, so a `//!` doc of its own.
    pub own_file: bool,
    /// Its child modules, file or inline (test modules left out).
    pub children: BTreeSet<String>,
    /// Its `use` items: the name each brings into scope, and the path.
    pub uses: Vec<(String, Vec<String>)>,
}

/// A path written inside `module`, as written (`super::run::Run`).
#[derive(Debug)]
pub struct Ref {
    pub module: ModPath,
    pub path: Vec<String>,
    pub site: Site,
}

/// A crate's tree and the paths written in it.
#[derive(Debug, Default)]
pub struct Tree {
    pub modules: BTreeMap<ModPath, Module>,
    pub refs: Vec<Ref>,
    /// Declared modules whose file is missing: a broken tree is reported,
    /// never read as smaller than it is.
    pub missing: Vec<String>,
}

/// Reads the tree rooted at `root` (`src/lib.rs` or `src/main.rs`), taking
/// files from `files` (paths relative to the crate directory).
pub fn tree(files: &BTreeMap<String, String>, root: &str) -> Tree {
    let mut tree = Tree::default();
    let dir = parent_dir(root);
    load(files, &mut tree, root, Vec::new(), &dir, &mut Vec::new());
    tree
}

fn parent_dir(file: &str) -> String {
    match file.rfind('/') {
        Some(i) => file[..i].to_owned(),
        None => String::new(),
    }
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

/// Loads `file` as module `path`, whose child files live in `dir`.
fn load(
    files: &BTreeMap<String, String>,
    tree: &mut Tree,
    file: &str,
    path: ModPath,
    dir: &str,
    seen: &mut Vec<String>,
) {
    let Some(text) = files.get(file) else {
        tree.missing.push(file.to_owned());
        return;
    };
    if seen.iter().any(|f| f == file) {
        return;
    }
    seen.push(file.to_owned());
    let scan = scan(text, file, &path);
    for (module, m) in scan.modules {
        let entry = tree.modules.entry(module).or_default();
        entry.file = file.to_owned();
        entry.own_file |= m.own_file;
        entry.children.extend(m.children);
        entry.uses.extend(m.uses);
    }
    tree.refs.extend(scan.refs);
    for decl in scan.files {
        let mut child = path.clone();
        child.push(decl.name.clone());
        // An inline module's children live in a folder named after it.
        let base = decl.inline.iter().fold(dir.to_owned(), |d, m| join(&d, m));
        let (child_file, child_dir) = match &decl.path_attr {
            Some(p) => {
                let f = join(&parent_dir(file), p);
                let d = if f.ends_with("/mod.rs") {
                    parent_dir(&f)
                } else {
                    f.trim_end_matches(".rs").to_owned()
                };
                (f, d)
            }
            None => {
                let flat = join(&base, &format!("{}.rs", decl.name));
                let nested = join(&base, &format!("{}/mod.rs", decl.name));
                let sub = join(&base, &decl.name);
                if files.contains_key(&flat) || !files.contains_key(&nested) {
                    (flat, sub)
                } else {
                    (nested, sub)
                }
            }
        };
        if child_file.ends_with("/tests.rs") || child_file == "tests.rs" {
            continue;
        }
        load(files, tree, &child_file, child, &child_dir, seen);
    }
}

fn path_with(path: &[String], name: &str) -> ModPath {
    let mut p = path.to_vec();
    p.push(name.to_owned());
    p
}

/// A `mod name;` found in a file: its name, the inline modules it sits in
/// (relative to the file's module) and its `#[path]`.
struct FileDecl {
    name: String,
    inline: Vec<String>,
    path_attr: Option<String>,
}

struct Scan {
    modules: BTreeMap<ModPath, Module>,
    refs: Vec<Ref>,
    files: Vec<FileDecl>,
}

/// Whether an attribute's tokens (between `[` and `]`) keep its item out of
/// a normal build: `cfg(test)`, or a `cfg(all(...))` that needs `test`.
fn is_test_cfg(attr: &[Tok]) -> bool {
    attr.first().is_some_and(|t| t.text == "cfg")
        && attr.iter().any(|t| t.text == "test")
        && !attr.iter().any(|t| t.text == "not" || t.text == "any")
}

/// Reads one file of module `path`.
fn scan(text: &str, file: &str, path: &[String]) -> Scan {
    let toks = tokens(text);
    let mut out = Scan {
        modules: BTreeMap::new(),
        refs: Vec::new(),
        files: Vec::new(),
    };
    out.modules.insert(
        path.to_vec(),
        Module {
            file: file.to_owned(),
            own_file: true,
            ..Module::default()
        },
    );
    // Inline modules open here: their path and the brace depth inside them.
    let mut stack: Vec<(ModPath, usize)> = vec![(path.to_vec(), 0)];
    let mut depth = 0usize;
    let mut skip_next = false;
    let mut path_attr: Option<String> = None;
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i].text.as_str();
        let current = stack.last().map(|(p, _)| p.clone()).unwrap_or_default();
        if t == "#" {
            let inner = toks.get(i + 1).is_some_and(|t| t.text == "!");
            let open = i + 1 + usize::from(inner);
            if toks.get(open).is_some_and(|t| t.text == "[") {
                let close = matching(&toks, open);
                let attr = &toks[open + 1..close.min(toks.len())];
                if is_test_cfg(attr) {
                    if inner {
                        // The whole file (or inline module) is a test's.
                        return out;
                    }
                    skip_next = true;
                }
                if attr.first().is_some_and(|t| t.text == "path") {
                    path_attr = path_attr_value(text, &toks[i]);
                }
                i = close + 1;
                continue;
            }
        }
        if skip_next {
            i = skip_item(&toks, i);
            skip_next = false;
            path_attr = None;
            continue;
        }
        match t {
            "{" => depth += 1,
            "}" => {
                depth = depth.saturating_sub(1);
                if stack.len() > 1 && stack.last().is_some_and(|(_, d)| *d > depth) {
                    stack.pop();
                }
            }
            "mod" => {
                if let Some(name) = word(toks.get(i + 1)) {
                    let name = name.to_owned();
                    let module = out.modules.entry(current.clone()).or_default();
                    module.children.insert(name.clone());
                    match toks.get(i + 2).map(|t| t.text.as_str()) {
                        Some(";") => {
                            out.files.push(FileDecl {
                                name,
                                inline: current[path.len()..].to_vec(),
                                path_attr: path_attr.take(),
                            });
                            i += 3;
                            continue;
                        }
                        Some("{") => {
                            let inner = path_with(&current, &name);
                            out.modules.entry(inner.clone()).or_default().file = file.to_owned();
                            depth += 1;
                            stack.push((inner, depth));
                            i += 3;
                            continue;
                        }
                        _ => {}
                    }
                }
            }
            "use" => {
                let mut paths = Vec::new();
                let end = use_tree(&toks, i + 1, Vec::new(), &mut paths);
                let module = out.modules.entry(current.clone()).or_default();
                for (p, alias) in paths {
                    let name = alias.unwrap_or_else(|| {
                        let named: Vec<&String> = p.iter().filter(|s| *s != "self").collect();
                        named.last().map(|s| s.to_string()).unwrap_or_default()
                    });
                    module.uses.push((name, p.clone()));
                    out.refs.push(Ref {
                        module: current.clone(),
                        path: p,
                        site: Site {
                            file: file.to_owned(),
                            line: toks[i].line,
                        },
                    });
                }
                i = end;
                continue;
            }
            "$" if toks.get(i + 1).is_some_and(|t| t.text == "crate") => {
                i += 1;
                continue;
            }
            "crate" | "super" | "self"
                if toks.get(i + 1).is_some_and(|t| t.text == "::")
                    && !(i > 0 && toks[i - 1].text == "::") =>
            {
                let mut segs = vec![t.to_owned()];
                let mut j = i + 1;
                while toks.get(j).is_some_and(|t| t.text == "::") {
                    match word(toks.get(j + 1)) {
                        Some(w) => segs.push(w.to_owned()),
                        None => break,
                    }
                    j += 2;
                }
                out.refs.push(Ref {
                    module: current.clone(),
                    path: segs,
                    site: Site {
                        file: file.to_owned(),
                        line: toks[i].line,
                    },
                });
                i = j;
                continue;
            }
            _ => {}
        }
        if matches!(t, ";" | "{" | "}") {
            path_attr = None;
        }
        i += 1;
    }
    out
}

/// `#[path = "x.rs"]`'s value, read from the source line (literals are
/// blanked in the tokens).
fn path_attr_value(text: &str, hash: &Tok) -> Option<String> {
    let line = text.lines().nth(hash.line - 1)?;
    let start = line.find('"')? + 1;
    let len = line[start..].find('"')?;
    Some(line[start..start + len].to_owned())
}

/// The index of the bracket closing the one at `open`.
fn matching(toks: &[Tok], open: usize) -> usize {
    let mut depth = 0i32;
    for (k, t) in toks.iter().enumerate().skip(open) {
        match t.text.as_str() {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => {
                depth -= 1;
                if depth == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    toks.len()
}

/// The index after the item starting at `i`: its `;` or `,` (a field, an
/// arm), its closing brace, or the bracket that closes what holds it.
fn skip_item(toks: &[Tok], mut i: usize) -> usize {
    const ITEMS: [&str; 14] = [
        "fn",
        "mod",
        "use",
        "impl",
        "struct",
        "enum",
        "trait",
        "const",
        "static",
        "type",
        "macro_rules",
        "async",
        "unsafe",
        "let",
    ];
    // Commas inside `Result<A, B>` are no brackets: only a field or an arm
    // ends at one.
    let item = toks[i..]
        .iter()
        .find(|t| {
            !matches!(
                t.text.as_str(),
                "pub" | "(" | ")" | "crate" | "super" | "in"
            )
        })
        .is_some_and(|t| ITEMS.contains(&t.text.as_str()));
    let mut depth = 0i32;
    while i < toks.len() {
        match toks[i].text.as_str() {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" if depth == 0 => return i,
            ")" | "]" => depth -= 1,
            "}" => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            ";" if depth == 0 => return i + 1,
            "," if depth == 0 && !item => return i + 1,
            _ => {}
        }
        i += 1;
    }
    i
}
