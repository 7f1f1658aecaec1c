//! Whether a crate's build script makes cargo rescan a migrations directory.
//!
//! The macro refuses to compile without it and `cargo migrate init` adds it, so
//! both read build scripts by these rules. Pure text functions: callers read
//! the files.

/// What `build =` in a `Cargo.toml` says about the build script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildScript {
    /// No `build` key: cargo uses `build.rs` when it exists.
    Default,
    /// `build = "path"`.
    Path(String),
    /// `build = false`.
    Disabled,
}

impl BuildScript {
    /// Reads the `build` key of a manifest's text.
    ///
    /// ```
    /// use migrate_graph::BuildScript;
    /// assert_eq!(BuildScript::of_manifest("[package]\nbuild = \"gen/main.rs\"\n"), BuildScript::Path("gen/main.rs".into()));
    /// assert_eq!(BuildScript::of_manifest("build = false"), BuildScript::Disabled);
    /// assert_eq!(BuildScript::of_manifest("[package]\nname = \"x\""), BuildScript::Default);
    /// ```
    pub fn of_manifest(manifest: &str) -> BuildScript {
        let mut found = BuildScript::Default;
        for line in manifest.lines() {
            let Some(value) = line
                .trim()
                .strip_prefix("build")
                .map(str::trim_start)
                .and_then(|l| l.strip_prefix('='))
            else {
                continue;
            };
            let value = value.trim();
            if value.starts_with("false") {
                return BuildScript::Disabled;
            }
            if let Some(path) = value.strip_prefix('"').and_then(|v| v.split('"').next()) {
                found = BuildScript::Path(path.to_owned());
            }
        }
        found
    }

    /// The script's path relative to the manifest, if there can be one.
    pub fn path(&self) -> Option<&str> {
        match self {
            BuildScript::Default => Some("build.rs"),
            BuildScript::Path(p) => Some(p),
            BuildScript::Disabled => None,
        }
    }
}

/// Whether `script` prints `rerun-if-changed=` for `dir` or a parent of it.
///
/// ```
/// use migrate_graph::tracks_dir;
/// let script = r#"fn main() { println!("cargo:rerun-if-changed=migrations"); }"#;
/// assert!(tracks_dir(script, "migrations"));
/// assert!(tracks_dir(script, "./migrations/"));
/// assert!(tracks_dir(script, "migrations/extra"));
/// assert!(!tracks_dir(script, "db/migrations"));
/// ```
pub fn tracks_dir(script: &str, dir: &str) -> bool {
    let want = clean(dir);
    script.match_indices("rerun-if-changed=").any(|(at, key)| {
        let rest = &script[at + key.len()..];
        let end = rest
            .find(['"', ')', '\\', '{', ' ', '\n'])
            .unwrap_or(rest.len());
        let watched = clean(&rest[..end]);
        watched.is_empty() || watched == want || want.starts_with(&format!("{watched}/"))
    })
}

/// `dir` without `./` prefixes and trailing `/`, as written in messages.
pub fn clean_dir(dir: &str) -> String {
    clean(dir)
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
