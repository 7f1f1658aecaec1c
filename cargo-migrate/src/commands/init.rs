//! `init`: the migrations directory, `migrate.toml`, and rebuild tracking.
//!
//! Stable Rust gives the `migrations!` macro no way to watch a directory, so
//! the crate's build script must print `cargo:rerun-if-changed=<dir>`; the
//! macro refuses to compile without it. `init` adds that line without ever
//! clobbering an existing build script.

use super::Env;
use crate::args::InitArgs;
use crate::error::CliError;
use crate::settings::{CONFIG_FILE, DEFAULT_FILE_TEMPLATE, DEFAULT_SLUG_LENGTH, DEFAULT_URL_ENV};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// Runs `init` in the current directory.
pub(crate) fn run(args: &InitArgs, env: &Env<'_>, out: &mut dyn Write) -> Result<(), CliError> {
    let source = &env.settings.source;
    let watched = watched_path(source);

    if source.is_dir() {
        writeln!(out, "exists   {}/", source.display())?;
    } else {
        std::fs::create_dir_all(source).map_err(|e| io(source, "create directory", e))?;
        writeln!(out, "created  {}/", source.display())?;
    }

    match &env.settings.config_path {
        Some(path) => writeln!(out, "exists   {}", path.display())?,
        None => {
            let path = PathBuf::from(CONFIG_FILE);
            std::fs::write(&path, config_text(&watched)).map_err(|e| io(&path, "write", e))?;
            writeln!(out, "created  {}", path.display())?;
        }
    }

    let line = format!("println!(\"cargo:rerun-if-changed={watched}\");");
    let manual = |out: &mut dyn Write, why: &str| -> Result<(), CliError> {
        writeln!(out, "note: {why}; add this line at the start of `fn main()` in the build script of the crate that embeds the migrations:")?;
        writeln!(out, "    {line}")?;
        Ok(())
    };
    if args.no_build_script {
        manual(out, "build script left alone (--no-build-script)")?;
    } else {
        match build_script(Path::new("."))? {
            Script::NoManifest => manual(out, "no Cargo.toml in this directory")?,
            Script::Disabled => manual(out, "Cargo.toml sets `build = false`")?,
            Script::Missing(path) => {
                let text = format!(
                    "// Cargo re-runs this script (and so rebuilds the crate) when a file in\n\
                     // the migrations directory is added, edited or deleted; the\n\
                     // `migrations!` macro cannot watch a directory on its own.\n\
                     fn main() {{\n    {line}\n}}\n"
                );
                std::fs::write(&path, text).map_err(|e| io(&path, "write", e))?;
                writeln!(out, "created  {}", path.display())?;
            }
            Script::Exists(path, text) => {
                if tracks(&text, &watched) {
                    writeln!(
                        out,
                        "exists   {} (already watches {watched})",
                        path.display()
                    )?;
                } else if let Some(new) = insert_line(&text, &line) {
                    std::fs::write(&path, new).map_err(|e| io(&path, "write", e))?;
                    writeln!(out, "updated  {} (added `{line}`)", path.display())?;
                    if !text.contains("rerun-if-changed") {
                        writeln!(
                            out,
                            "note: with a rerun-if-changed line, cargo re-runs {} only when a listed path changes; \
                             if it reads other files, list them too",
                            path.display()
                        )?;
                    }
                } else {
                    manual(
                        out,
                        &format!("{} has no `fn main() {{` to add to", path.display()),
                    )?;
                }
            }
        }
    }

    let feature = env
        .url
        .map(str::to_owned)
        .or_else(|| std::env::var(env.settings.url_env()).ok())
        .and_then(|u| migrate_runtime::DatabaseUrl::parse(&u).ok())
        .map(|u| u.dialect())
        .map_or("sqlite", |d| d.name());
    writeln!(out)?;
    writeln!(out, "Next, add to Cargo.toml:")?;
    writeln!(out, "    [dependencies]")?;
    writeln!(
        out,
        "    migrate-runtime = {{ version = \"0.1\", features = [\"{feature}\"] }}"
    )?;
    writeln!(out)?;
    writeln!(out, "and to your code:")?;
    writeln!(out, "    use migrate_runtime::{{migrations, Migrations}};")?;
    writeln!(
        out,
        "    static MIGRATIONS: Migrations = migrations!(\"{watched}\");"
    )?;
    writeln!(out, "    // at startup, before serving:")?;
    writeln!(out, "    MIGRATIONS.upgrade(&pool).await?;")?;
    writeln!(out)?;
    writeln!(
        out,
        "Then write the first migration: cargo migrate revision -m \"create users\""
    )?;
    Ok(())
}

fn io(path: &Path, action: &'static str, source: std::io::Error) -> CliError {
    CliError::Io {
        path: path.to_owned(),
        action,
        source,
    }
}

/// The directory as the build script and macro name it: relative to the
/// crate root (the current directory), with `/` separators.
fn watched_path(source: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let rel = match &cwd {
        Some(cwd) if source.is_absolute() => source.strip_prefix(cwd).unwrap_or(source),
        _ => source,
    };
    let parts: Vec<String> = rel
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if rel.is_absolute() {
        rel.display().to_string()
    } else {
        parts.join("/")
    }
}

fn config_text(source: &str) -> String {
    let quoted = source.replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        "# Settings for `cargo migrate`. Command-line flags and environment\n\
         # variables override them.\n\
         \n\
         # Directory of migration files, relative to this file.\n\
         source = \"{quoted}\"\n\
         \n\
         # Name of the version table (default: the runtime's).\n\
         # table = \"...\"\n\
         \n\
         # File name of new revisions; placeholders: {{year}} {{month}} {{day}} {{hour}}\n\
         # {{minute}} {{second}} {{epoch}} {{rev}} {{slug}}. Must contain {{rev}} and end in .sql.\n\
         # file_template = \"{DEFAULT_FILE_TEMPLATE}\"\n\
         # truncate_slug_length = {DEFAULT_SLUG_LENGTH}\n\
         \n\
         # Environment variable that holds the database URL.\n\
         # database_url_env = \"{DEFAULT_URL_ENV}\"\n\
         \n\
         # SQL dialect of the migrations (sqlite, postgres, mysql), for `lint`\n\
         # and offline scripts when no database URL says it.\n\
         # dialect = \"postgres\"\n\
         \n\
         # The desired schema, for `revision --autogenerate` and `check`: a .sql\n\
         # file or a directory of them, in the database's dialect.\n\
         # schema = \"schema.sql\"\n\
         \n\
         # Server for the scratch databases autogenerate, check and the stairway\n\
         # replay on (PostgreSQL, MariaDB; default: a private server started from\n\
         # the installed server binaries). Never the database URL's own server,\n\
         # unless dev_url_same_server names its database.\n\
         # dev_url = \"postgres://user@localhost/postgres\"\n"
    )
}

enum Script {
    NoManifest,
    Disabled,
    Missing(PathBuf),
    Exists(PathBuf, String),
}

/// The crate's build script as cargo finds it: `build = "..."` in Cargo.toml,
/// else `build.rs` next to it.
fn build_script(dir: &Path) -> Result<Script, CliError> {
    let manifest_path = dir.join("Cargo.toml");
    let manifest = match std::fs::read_to_string(&manifest_path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Script::NoManifest),
        Err(e) => return Err(io(&manifest_path, "read", e)),
    };
    let path = match migrate_graph::BuildScript::of_manifest(&manifest).path() {
        Some(p) => PathBuf::from(p),
        None => return Ok(Script::Disabled),
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Script::Exists(path, text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Script::Missing(path)),
        Err(e) => Err(io(&path, "read", e)),
    }
}

/// Whether the script already watches `dir` or a parent of it, by the rules
/// the macro's check uses.
fn tracks(script: &str, dir: &str) -> bool {
    migrate_graph::tracks_dir(script, dir)
}

/// The script with `line` inserted right after `fn main() {`, or `None` when
/// there is no such function to add to.
fn insert_line(script: &str, line: &str) -> Option<String> {
    let at = script.find("fn main()")?;
    let brace = at + script[at..].find('{')?;
    let (head, tail) = script.split_at(brace + 1);
    Some(format!("{head}\n    {line}{tail}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insertion_keeps_the_rest_of_the_script() {
        let script = "fn main() {\n    cc::Build::new().file(\"x.c\").compile(\"x\");\n}\n";
        let new = insert_line(script, "println!(\"cargo:rerun-if-changed=migrations\");").unwrap();
        assert_eq!(
            new,
            "fn main() {\n    println!(\"cargo:rerun-if-changed=migrations\");\n    cc::Build::new().file(\"x.c\").compile(\"x\");\n}\n"
        );
        assert!(insert_line("// empty\n", "x").is_none());
    }

    #[test]
    fn tracking_matches_the_macro() {
        assert!(tracks(
            "println!(\"cargo:rerun-if-changed=migrations\");",
            "migrations"
        ));
        assert!(tracks(
            "println!(\"cargo:rerun-if-changed=./db/\");",
            "db/migrations"
        ));
        assert!(!tracks(
            "println!(\"cargo:rerun-if-changed=src\");",
            "migrations"
        ));
        assert!(!tracks("fn main() {}", "migrations"));
    }

    #[test]
    fn the_config_template_parses() {
        let c: crate::settings::ConfigFile = toml::from_str(&config_text("db/migrations")).unwrap();
        assert_eq!(c.source.as_deref(), Some(Path::new("db/migrations")));
    }
}
