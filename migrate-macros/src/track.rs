//! Making sure an added or deleted migration file rebuilds the crate.
//!
//! `include_bytes!` makes cargo watch each file that exists, but stable Rust
//! gives a proc-macro no way to watch a directory for new files. The build
//! script line `cargo:rerun-if-changed=<dir>` does: cargo then rescans the
//! directory on every build. Without it a binary could silently miss a new
//! migration, so its absence is a compile error with the fix. The rules for
//! reading build scripts live in `migrate_graph::track`, shared with
//! `cargo migrate init`.

use migrate_graph::{clean_dir, tracks_dir, BuildScript};
use std::path::Path;

/// Checks that the crate's build script tracks `dir` (or a parent of it).
pub(crate) fn check(manifest_dir: &Path, dir: &str) -> Result<(), String> {
    let want = clean_dir(dir);
    let line = format!("println!(\"cargo:rerun-if-changed={want}\");");
    let manifest = std::fs::read_to_string(manifest_dir.join("Cargo.toml")).unwrap_or_default();
    let script = BuildScript::of_manifest(&manifest)
        .path()
        .map(str::to_owned)
        .filter(|p| manifest_dir.join(p).is_file());
    let Some(script) = script else {
        return Err(format!(
            "adding a file to `{want}/` would not rebuild this crate; add a build.rs next to Cargo.toml \
             containing `fn main() {{ {line} }}` (or run `cargo migrate init`)"
        ));
    };
    let text = std::fs::read_to_string(manifest_dir.join(&script)).unwrap_or_default();
    if tracks_dir(&text, dir) {
        Ok(())
    } else {
        Err(format!(
            "{script} does not watch `{want}/`, so adding a file there would not rebuild this crate; \
             add `{line}` to its `fn main`"
        ))
    }
}
