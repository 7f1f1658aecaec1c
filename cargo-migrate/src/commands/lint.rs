//! `lint`: migrate-lint's findings, rendered rustc-style or as JSON. `check`
//! runs the same lint through [`check_findings`] when a dialect is known.

use super::Env;
use crate::args::{DialectArg, LintArgs};
use crate::error::CliError;
use migrate_graph::{normalize, Dialect, MigrationSet, SourceFile};
use migrate_lint::{Finding, Severity};
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

/// The dialect: the flag, else the database URL's, else migrate.toml's.
pub(crate) fn dialect(flag: Option<DialectArg>, env: &Env<'_>) -> Option<Dialect> {
    flag.map(Dialect::from)
        .or_else(|| env.url.and_then(migrate_runtime::DatabaseUrl::dialect_of))
        .or(env.settings.dialect)
}

/// Runs `lint`.
pub(crate) fn run(args: &LintArgs, env: &Env<'_>, out: &mut dyn Write) -> Result<(), CliError> {
    let dialect = dialect(args.dialect, env).ok_or(CliError::LintNoDialect)?;
    let dir = &env.settings.source;
    let files = migrate_graph::read_dir(dir)?;
    // Several heads are fine here: each branch is linted with its own history.
    let set = migrate_graph::load_unmerged(&files).map_err(|errors| CliError::Invalid {
        dir: dir.clone(),
        errors: errors.0,
        files: files.clone(),
    })?;
    let findings = migrate_lint::lint(&set, dialect);
    let errors = count(&findings, Severity::Error);
    if args.json {
        migrate_cli::show::write_json(out, &findings)?;
    } else {
        let mut text = String::new();
        for f in &findings {
            text.push_str(&render_finding(dir, &files, f));
        }
        out.flush()?;
        env.reporter.eprint(&text);
        if errors == 0 {
            writeln!(
                out,
                "ok: {} revision(s) linted as {dialect}, {} warning(s)",
                set.revisions().len(),
                count(&findings, Severity::Warning)
            )?;
        }
    }
    if errors > 0 {
        return Err(CliError::LintFailed { errors });
    }
    Ok(())
}

/// For `check`: the lint's findings when a dialect is known (from the URL
/// or migrate.toml), each with its rendered text.
pub(crate) fn check_findings(
    env: &Env<'_>,
    dir: &Path,
    files: &[SourceFile],
    set: &MigrationSet,
) -> Vec<(Finding, String)> {
    let Some(dialect) = dialect(None, env) else {
        return Vec::new();
    };
    migrate_lint::lint(set, dialect)
        .into_iter()
        .map(|f| {
            let text = render_finding(dir, files, &f);
            (f, text)
        })
        .collect()
}

fn count(findings: &[Finding], severity: Severity) -> usize {
    findings.iter().filter(|f| f.severity == severity).count()
}

/// One finding, rustc-style: the rule and what the statement does, where,
/// the statement's line with a caret, why, and the safe pattern.
pub(crate) fn render_finding(dir: &Path, files: &[SourceFile], f: &Finding) -> String {
    let mut out = format!("{}[{}]: {}\n", f.severity, f.rule, f.message);
    let _ = writeln!(
        out,
        " --> {}:{}:{}",
        dir.join(&f.file).display(),
        f.line,
        f.column
    );
    let gutter = f.line.to_string().len();
    let pad = " ".repeat(gutter);
    let line = files.iter().find(|s| s.name == f.file).and_then(|s| {
        let text = normalize(&String::from_utf8_lossy(&s.contents)).into_owned();
        text.lines().nth(f.line - 1).map(str::to_owned)
    });
    if let Some(line) = line {
        let start = f.column.saturating_sub(1);
        let width = line.chars().count().saturating_sub(start).max(1);
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{} | {line}", f.line);
        let _ = writeln!(out, "{pad} | {}{}", " ".repeat(start), "^".repeat(width));
    }
    let _ = writeln!(out, "{pad} = why: {}", f.why);
    let _ = writeln!(out, "{pad} = safe: {}", f.safe_pattern);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch project: `migrations/` with a table, then a revision
    /// dropping it with `marker` above the statement.
    fn project(name: &str, marker: &str) -> std::path::PathBuf {
        let root =
            std::env::temp_dir().join(format!("cargo-migrate-lint-{name}-{}", std::process::id()));
        let dir = root.join("migrations");
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("1_a.sql"), "-- Revision ID: a\n-- Revises:\n-- migrate:up\nCREATE TABLE t (id INT);\n-- migrate:down\nDROP TABLE t;\n").unwrap();
        std::fs::write(dir.join("2_b.sql"), format!("-- Revision ID: b\n-- Revises: a\n-- migrate:up\n{marker}DROP TABLE t;\n-- migrate:down irreversible\n")).unwrap();
        root
    }

    fn run(root: &Path, args: &[&str]) -> u8 {
        let mut argv: Vec<std::ffi::OsString> = vec!["cargo-migrate".into(), "lint".into()];
        argv.extend(args.iter().map(Into::into));
        argv.extend(["--source".into(), root.join("migrations").into_os_string()]);
        argv.extend([
            "--config".into(),
            root.join("migrate.toml").into_os_string(),
        ]);
        crate::run(argv)
    }

    #[test]
    fn lint_exits_1_on_an_error_and_0_once_it_is_allowed_with_a_reason() {
        let root = project("exit", "");
        std::fs::write(root.join("migrate.toml"), "dialect = \"sqlite\"\n").unwrap();
        assert_eq!(run(&root, &[]), crate::exit::FAILURE);
        assert_eq!(
            run(&root, &["--dialect", "postgres", "--json"]),
            crate::exit::FAILURE
        );
        let allowed = project(
            "allowed",
            "-- migrate:allow drop-table replaced by t2 in v3\n",
        );
        std::fs::write(allowed.join("migrate.toml"), "dialect = \"mysql\"\n").unwrap();
        assert_eq!(run(&allowed, &[]), crate::exit::SUCCESS);
        // Without a reason the marker is itself an error.
        let bare = project("bare", "-- migrate:allow drop-table\n");
        std::fs::write(bare.join("migrate.toml"), "dialect = \"postgres\"\n").unwrap();
        assert_eq!(run(&bare, &[]), crate::exit::FAILURE);
        std::fs::write(bare.join("migrate.toml"), "dialect = \"oracle\"\n").unwrap();
        assert_eq!(run(&bare, &["--dialect", "sqlite"]), crate::exit::FAILURE);
        for r in [root, allowed, bare] {
            let _ = std::fs::remove_dir_all(r);
        }
    }

    #[test]
    fn a_finding_shows_file_line_statement_why_and_fix() {
        let text = "-- Revision ID: a\n-- Revises:\n-- migrate:up\nDROP TABLE users;\n-- migrate:down irreversible\n";
        let files = vec![SourceFile::new("a.sql", text)];
        let set = migrate_graph::load(&files).unwrap();
        let findings = migrate_lint::lint(&set, Dialect::Postgres);
        let out = render_finding(Path::new("migrations"), &files, &findings[0]);
        assert!(
            out.starts_with(
                "error[drop-table]: drops existing table `users`\n --> migrations/a.sql:4:1\n"
            ),
            "{out}"
        );
        assert!(
            out.contains("4 | DROP TABLE users;\n  | ^^^^^^^^^^^^^^^^^\n"),
            "{out}"
        );
        assert!(out.contains("  = why: the data is gone"), "{out}");
        assert!(out.contains("  = safe: stop using the table"), "{out}");
    }
}
