//! Making sure an added or deleted migration file rebuilds the crate.
//!
//! `include_bytes!` makes cargo watch each file that exists, but stable Rust
//! gives a proc-macro no way to watch a directory for new files. The build
//! script line `cargo:rerun-if-changed=<dir>` does: cargo then rescans the
//! directory on every build. Without it a binary could silently miss a new
//! migration, so its absence is a compile error with the fix.

use std::path::Path;

/// Checks that the crate's build script tracks `dir` (or a parent of it).
pub(crate) fn check(manifest_dir: &Path, dir: &str) -> Result<(), String> {
    let want = clean(dir);
    let line = format!("println!(\"cargo:rerun-if-changed={want}\");");
    let Some(script) = build_script(manifest_dir) else {
        return Err(format!(
            "adding a file to `{want}/` would not rebuild this crate; add a build.rs next to Cargo.toml \
             containing `fn main() {{ {line} }}` (or run `cargo migrate init`)"
        ));
    };
    let text = std::fs::read_to_string(manifest_dir.join(&script)).unwrap_or_default();
    let tracked = text
        .match_indices("rerun-if-changed=")
        .map(|(at, key)| {
            let rest = &text[at + key.len()..];
            let end = rest
                .find(['"', ')', '\\', '{', ' ', '\n'])
                .unwrap_or(rest.len());
            clean(&rest[..end])
        })
        .any(|watched| {
            watched.is_empty() || want == watched || want.starts_with(&format!("{watched}/"))
        });
    if tracked {
        Ok(())
    } else {
        Err(format!(
            "{script} does not watch `{want}/`, so adding a file there would not rebuild this crate; \
             add `{line}` to its `fn main`"
        ))
    }
}

/// The crate's build script, as Cargo would find it.
fn build_script(manifest_dir: &Path) -> Option<String> {
    let manifest = std::fs::read_to_string(manifest_dir.join("Cargo.toml")).unwrap_or_default();
    for line in manifest.lines() {
        let line = line.trim();
        if let Some(value) = line
            .strip_prefix("build")
            .map(str::trim_start)
            .and_then(|l| l.strip_prefix('='))
        {
            let value = value.trim();
            if value == "false" {
                return None;
            }
            if let Some(path) = value.strip_prefix('"').and_then(|v| v.split('"').next()) {
                return Some(path.to_owned());
            }
        }
    }
    manifest_dir
        .join("build.rs")
        .is_file()
        .then(|| "build.rs".to_owned())
}

fn clean(path: &str) -> String {
    let mut p = path.trim();
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    let p = p.trim_end_matches('/');
    if p == "." {
        String::new()
    } else {
        p.to_owned()
    }
}
