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
    /// Reads `package.build` from a manifest's text, with a TOML parser: a
    /// `build` key in any other table (a dependency's, say) is not the
    /// package's. A manifest that does not parse reads as [`BuildScript::Default`];
    /// cargo reports that error itself.
    ///
    /// ```
    /// use migrate_graph::BuildScript;
    /// assert_eq!(BuildScript::of_manifest("[package]\nbuild = \"gen/main.rs\"\n"), BuildScript::Path("gen/main.rs".into()));
    /// assert_eq!(BuildScript::of_manifest("[package]\nbuild = false"), BuildScript::Disabled);
    /// assert_eq!(BuildScript::of_manifest("[package]\nname = \"x\""), BuildScript::Default);
    /// ```
    pub fn of_manifest(manifest: &str) -> BuildScript {
        let Ok(table) = manifest.parse::<toml::Table>() else {
            return BuildScript::Default;
        };
        match table.get("package").and_then(|p| p.get("build")) {
            Some(toml::Value::String(path)) => BuildScript::Path(path.clone()),
            Some(toml::Value::Boolean(false)) => BuildScript::Disabled,
            // `build = true` is cargo's default, spelled out.
            _ => BuildScript::Default,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_package_build_key_counts() {
        let cases = [
            ("[package]\nname = \"x\"\nbuild = \"gen/main.rs\"\n", BuildScript::Path("gen/main.rs".into())),
            ("[package]\nname = \"x\"\nbuild = false\n", BuildScript::Disabled),
            ("[package]\nname = \"x\"\nbuild = true\n", BuildScript::Default),
            (
                "[package]\nname = \"x\"\n\n[dependencies]\nfoo = { version = \"1\", build = \"x\" }\n",
                BuildScript::Default,
            ),
            (
                "[package]\nname = \"x\"\nbuild = false\n[dependencies.foo]\nversion = \"1\"\nbuild = \"x.rs\"\n",
                BuildScript::Disabled,
            ),
            (
                "[dependencies]\nbar = { build = false }\n[package]\nname = \"x\"\nbuild = \"b.rs\" # comment\n",
                BuildScript::Path("b.rs".into()),
            ),
            ("[package]\nname = \"x\"\n# build = false\n", BuildScript::Default),
            ("[package.metadata.x]\nbuild = \"no.rs\"\n[package]\nname = \"x\"\n", BuildScript::Default),
            ("not toml at all = = =", BuildScript::Default),
        ];
        for (manifest, want) in cases {
            assert_eq!(BuildScript::of_manifest(manifest), want, "{manifest}");
        }
    }
}
