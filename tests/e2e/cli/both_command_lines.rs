//! `cargo migrate` and an application's own `migrate` command run one
//! implementation of each database command (migrate-cli): over the same
//! migrations they print the same bytes and exit with the same code, except
//! where migrate-cli's `Policy` says they differ (confirmation, how a
//! revision is named).

use super::harness::Project;
use crate::app::app;
use crate::support::Ran;
use std::path::Path;

/// The todo-service's migrations, as a `cargo migrate` project.
fn todo_project() -> Project {
    let p = Project::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/todo-service/migrations");
    for entry in std::fs::read_dir(&src).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().unwrap();
        let text = std::fs::read_to_string(entry.path()).unwrap();
        p.write(&format!("migrations/{name}"), &text);
    }
    p
}

#[test]
fn both_command_lines_print_the_same_and_differ_only_by_policy() {
    let mut p = todo_project();
    let app_dir = tempfile::tempdir().unwrap();
    p.url = Some(format!("sqlite:{}", p.path().join("cargo.db").display()));
    let app_url = format!("sqlite:{}", app_dir.path().join("app.db").display());
    // The application asks before a downgrade (--yes off a terminal);
    // cargo migrate never asks. The rest is the same.
    let both = |args: &[&str]| -> (Ran, Ran) {
        let mut app_args = args.to_vec();
        if args[0] == "downgrade" && !args.contains(&"--sql") {
            app_args.push("--yes");
        }
        (p.run(args), app(&app_url, app_dir.path(), &app_args))
    };

    for args in [
        &["upgrade", "--sql"][..],
        &["downgrade", "--sql", "c41d:base"],
        &["upgrade", "zzzz"],
        &["upgrade", "1f3a:c41d"],
        &["downgrade", "-1"],
        &["heads"],
        &["current"],
        &["upgrade", "+1"],
        &["current"],
        &["upgrade"],
        &["current"],
        &["downgrade", "8b2e"],
        &["current"],
    ] {
        let (cargo, app) = both(args);
        assert_eq!(
            (cargo.code, &cargo.stdout, &cargo.stderr),
            (app.code, &app.stdout, &app.stderr),
            "`{}` differs between the command lines",
            args.join(" ")
        );
    }

    // An option: cargo migrate marks the revisions the database is at
    // whenever it read the database (`-i`, or a range counted from it).
    let (cargo, app) = both(&["history", "-r", "-1:"]);
    assert_eq!(cargo.stdout.replace(" (current)", ""), app.stdout);
    assert!(cargo.stdout.contains("8b2e4d6f0a13 (current)"), "{cargo:?}");

    // Policy: the application confirms stamp and resolve (here: --yes is
    // needed off a terminal, exit 2); cargo migrate does not.
    let (cargo, app) = both(&["stamp", "head"]);
    assert_eq!((cargo.code, app.code), (0, 2), "{cargo:?}\n{app:?}");
    assert!(app.stderr.contains("pass --yes to confirm"), "{app:?}");
    assert_eq!(cargo.stdout, app_stamp(&app_url, app_dir.path()).stdout);

    // Policy: cargo migrate names a revision by any target that names one
    // (`head`), the application by id or prefix only.
    let (cargo, app) = both(&["resolve", "head", "--applied", "--yes"]);
    assert_eq!(cargo.code, 2, "cargo migrate has no --yes: {cargo:?}");
    assert!(
        app.stderr
            .contains("no revision or branch label matches `head`"),
        "{app:?}"
    );
    let cargo = p.run(&["resolve", "head", "--applied"]);
    assert!(
        cargo
            .stderr
            .contains("revision c41d7e5a9f20 is recorded as applied"),
        "{cargo:?}"
    );
}

/// The application's `stamp head --yes`.
fn app_stamp(url: &str, dir: &Path) -> Ran {
    let r = app(url, dir, &["stamp", "head", "--yes"]);
    assert_eq!(r.code, 0, "{r:?}");
    r
}
