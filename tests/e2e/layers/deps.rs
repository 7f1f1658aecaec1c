//! Between crates: each `Cargo.toml` names only the workspace crates the
//! README's "who may import whom" table lets it import.

/// The workspace crates, by directory.
pub const CRATES: [&str; 8] = [
    "migrate-graph",
    "migrate-lint",
    "migrate-schema",
    "migrate-macros",
    "migrate-runtime",
    "migrate-devtools",
    "migrate-cli",
    "cargo-migrate",
];

/// Who may import whom: the README's "Workspace" table, crate by crate
/// (a `[dependencies]` entry, optional ones included).
const ALLOWED: [(&str, &[&str]); 8] = [
    ("migrate-graph", &[]),
    ("migrate-lint", &["migrate-graph"]),
    ("migrate-schema", &["migrate-graph"]),
    ("migrate-macros", &["migrate-graph", "migrate-lint"]),
    ("migrate-runtime", &["migrate-graph", "migrate-macros"]),
    (
        "migrate-devtools",
        &[
            "migrate-runtime",
            "migrate-schema",
            "migrate-graph",
            "migrate-macros",
        ],
    ),
    // migrate-devtools only behind the `rehearse` feature (README).
    (
        "migrate-cli",
        &["migrate-runtime", "migrate-graph", "migrate-devtools"],
    ),
    (
        "cargo-migrate",
        &[
            "migrate-cli",
            "migrate-devtools",
            "migrate-runtime",
            "migrate-schema",
            "migrate-lint",
            "migrate-graph",
        ],
    ),
];

/// The workspace crates a `Cargo.toml` depends on (normal and
/// target-specific `[dependencies]`), with their lines.
pub fn workspace_dependencies(toml: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut in_deps = false;
    for (n, line) in toml.lines().enumerate() {
        let line = line.trim();
        if line.starts_with('[') {
            let section = line.trim_matches(|c| c == '[' || c == ']');
            in_deps = section == "dependencies"
                || (section.starts_with("target.") && section.ends_with(".dependencies"));
            continue;
        }
        if !in_deps || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        let key = key.strip_suffix(".workspace").unwrap_or(key).trim();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        {
            continue;
        }
        // A renamed dependency names its crate in `package = "..."`.
        let package = value
            .split_once("package")
            .and_then(|(_, rest)| rest.split('"').nth(1))
            .unwrap_or(key);
        if CRATES.contains(&package) {
            out.push((package.to_owned(), n + 1));
        }
    }
    out
}

/// The dependencies of `name`'s `Cargo.toml` its row does not allow.
pub fn check_dependencies(name: &str, toml: &str) -> Vec<String> {
    let allowed = ALLOWED
        .iter()
        .find(|(c, _)| *c == name)
        .map_or(&[][..], |(_, a)| a);
    workspace_dependencies(toml)
        .into_iter()
        .filter(|(dep, _)| !allowed.contains(&dep.as_str()))
        .map(|(dep, line)| {
            format!("{name}/Cargo.toml:{line}: `{name}` may not import `{dep}` (README: who may import whom)")
        })
        .collect()
}
