//! Every folder of the crate states, in its `//!` section `# Imports`, which
//! way its imports flow (a line like `` `ops` → `run`, `step` → `session` ``,
//! from the higher layer to the lower). This test reads those lines and the
//! `crate::…` / `super::…` paths of every file, and fails when a module
//! imports one on its own or a higher layer (an import loop included), or
//! when a module is missing from its folder's line.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Layers of one folder: module name → layer (0 is the highest).
type Layers = BTreeMap<String, usize>;

/// Parses the `# Imports` line of a module's `//!` docs.
fn layers(doc_file: &Path) -> Option<Layers> {
    let text = fs::read_to_string(doc_file).unwrap();
    let docs: Vec<&str> = text
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| l.trim_start_matches("//!").trim())
        .collect();
    let at = docs.iter().position(|l| *l == "# Imports")?;
    let line = docs[at + 1..].iter().find(|l| l.starts_with('`'))?;
    let mut out = Layers::new();
    for (k, layer) in line.split('→').enumerate() {
        for name in layer.split(',') {
            let name = name.trim().trim_matches('`');
            assert!(
                !name.is_empty() && out.insert(name.to_owned(), k).is_none(),
                "{}: bad or repeated name in the # Imports line: {line}",
                doc_file.display()
            );
        }
    }
    Some(out)
}

/// Source text without comments, so that doc links are not imports.
fn code(file: &Path) -> String {
    fs::read_to_string(file)
        .unwrap()
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The names `prefix` is followed by in `text` (`crate::engine::Run` gives
/// `engine`; `use crate::{a::X, b}` gives `a` and `b`).
fn paths_after(text: &str, prefix: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    for (at, _) in text.match_indices(prefix) {
        let rest = &text[at + prefix.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            out.extend(group.split(',').map(|p| ident(p.trim())));
        } else {
            out.push(ident(rest));
        }
    }
    out.retain(|n| !n.is_empty());
    out
}

/// The `.rs` files under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The module a file (or a folder) is, by name: `private.rs` is `__private`.
fn module_name(path: &Path) -> String {
    let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
    if stem == "private" {
        "__private".to_owned()
    } else {
        stem
    }
}

/// Checks one folder (`dir`, documented in `doc_file`): each child's
/// references to its siblings, written as `prefix<sibling>`.
fn check_folder(dir: &Path, doc_file: &Path, prefixes: &[&str], errors: &mut Vec<String>) {
    let Some(layers) = layers(doc_file) else {
        errors.push(format!("{}: no `# Imports` section", doc_file.display()));
        return;
    };
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path == doc_file || path.file_name().is_some_and(|n| n == "mod.rs") {
            continue;
        }
        let is_module = path.is_dir() || path.extension().is_some_and(|e| e == "rs");
        if !is_module {
            continue;
        }
        let name = module_name(&path);
        if path.is_dir() && dir.join(format!("{name}.rs")).exists() {
            // `url/` is the rest of `url.rs`.
            continue;
        }
        let Some(&own) = layers.get(&name) else {
            errors.push(format!(
                "{}: `{name}` is missing from the # Imports line of {}",
                path.display(),
                doc_file.display()
            ));
            continue;
        };
        let mut files = if path.is_dir() {
            rust_files(&path)
        } else {
            vec![path.clone()]
        };
        if let Some(rest) = path.to_str().and_then(|p| p.strip_suffix(".rs")) {
            if Path::new(rest).is_dir() {
                files.extend(rust_files(Path::new(rest)));
            }
        }
        for file in files {
            let text = code(&file);
            for prefix in prefixes {
                for target in paths_after(&text, prefix) {
                    let Some(&theirs) = layers.get(&target) else {
                        continue;
                    };
                    if target != name && theirs <= own {
                        errors.push(format!(
                            "{}: `{name}` imports `{target}`, which its folder's # Imports line puts on the same or a higher layer",
                            file.display()
                        ));
                    }
                }
            }
        }
    }
}

#[test]
fn imports_flow_as_each_folder_says() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut errors = Vec::new();
    check_folder(&src, &src.join("lib.rs"), &["crate::"], &mut errors);
    for entry in fs::read_dir(&src).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let name = module_name(&dir);
        let doc = match dir.join("mod.rs") {
            m if m.exists() => m,
            _ => src.join(format!("{name}.rs")),
        };
        let crate_prefix = format!("crate::{name}::");
        check_folder(&dir, &doc, &["super::", &crate_prefix], &mut errors);
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn a_loop_is_caught() {
    // The parser and the scanner the test above relies on.
    let dir = tempfile_dir();
    fs::write(
        dir.join("mod.rs"),
        "//! x\n//!\n//! # Imports\n//!\n//! `a` → `b`\n",
    )
    .unwrap();
    fs::write(dir.join("a.rs"), "use super::b::X;\n").unwrap();
    fs::write(
        dir.join("b.rs"),
        "// super::a::Y in a comment\nuse super::{a::Y};\n",
    )
    .unwrap();
    let mut errors = Vec::new();
    check_folder(&dir, &dir.join("mod.rs"), &["super::"], &mut errors);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("`b` imports `a`"), "{errors:?}");
    fs::remove_dir_all(&dir).unwrap();
}

fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("migrate-imports-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}
