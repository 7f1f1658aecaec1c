//! Two developers branch from the same head, git merges their files, and the
//! team resolves the two heads with `merge`, on every backend.

use super::harness::{Backend, Project, Scratch};
use super::session::per_backend;

per_backend!(branch_and_merge:
    branch_and_merge_sqlite => Backend::Sqlite,
    branch_and_merge_postgres => Backend::Postgres,
    branch_and_merge_mysql => Backend::MySql,
);

/// Sets up `base <- a` and `base <- b` as two checkouts would, then merges
/// them "in git" (both files in one directory). Returns (base, a, b) ids.
pub(crate) fn two_heads(p: &Project) -> (String, String, String) {
    p.ok(&["init", "--no-build-script"]);
    let f0 = p.revision("create accounts", &[]);
    p.fill(
        &f0,
        "CREATE TABLE accounts (id INTEGER PRIMARY KEY);",
        "DROP TABLE accounts;",
    );
    // Developer A's branch...
    let fa = p.revision("add invoices", &[]);
    p.fill(
        &fa,
        "CREATE TABLE invoices (id INTEGER PRIMARY KEY);",
        "DROP TABLE invoices;",
    );
    // ...is not in developer B's checkout while B writes a revision.
    let hidden = p.path().join("a.sql.elsewhere");
    std::fs::rename(p.path().join(&fa), &hidden).unwrap();
    let fb = p.revision("add payments", &[]);
    p.fill(
        &fb,
        "CREATE TABLE payments (id INTEGER PRIMARY KEY);",
        "DROP TABLE payments;",
    );
    // git merge brings both files together.
    std::fs::rename(&hidden, p.path().join(&fa)).unwrap();
    (p.id_of(&f0), p.id_of(&fa), p.id_of(&fb))
}

fn branch_and_merge(backend: Backend) {
    let mut p = Project::new();
    let db = Scratch::blocking(backend, p.path());
    p.url = Some(db.url.clone());
    let (base, a, b) = two_heads(&p);

    // Both heads are listed.
    let heads = p.ok(&["heads"]);
    assert_eq!(heads.lines().count(), 2, "{heads}");
    assert!(
        heads.contains(&format!("{a} (head), add invoices"))
            && heads.contains(&format!("{b} (head), add payments")),
        "{heads}"
    );

    // `upgrade head` refuses and names both heads.
    let err = p.fail(&["upgrade", "head"]);
    assert!(err.contains(&a) && err.contains(&b), "{err}");
    assert!(err.contains("heads"), "{err}");
    assert!(
        !db.has_table("accounts"),
        "nothing may run when the target is refused"
    );

    // `check` fails and says how to merge.
    let err = p.fail(&["check", "--offline"]);
    assert!(err.contains(&a) && err.contains(&b), "{err}");
    assert!(err.contains("cargo migrate merge"), "{err}");

    // A new revision refuses too, and explains --head and merge.
    let err = p.fail(&["revision", "-m", "more"]);
    assert!(err.contains("--head") && err.contains("merge"), "{err}");

    // history shows the branch point.
    let history = p.ok(&["history"]);
    assert!(
        history.contains(&format!("<base> -> {base} (branchpoint), create accounts")),
        "{history}"
    );

    // merge heads leaves one head, with empty sections.
    let out = p.ok(&["merge", "-m", "merge invoices and payments", "heads"]);
    let file = out.trim().strip_prefix("created ").unwrap().to_owned();
    let m = p.id_of(&file);
    let text = p.read(&file);
    assert!(
        text.contains(&format!("-- Revises: {a}, {b}\n"))
            || text.contains(&format!("-- Revises: {b}, {a}\n")),
        "{text}"
    );
    let body = text.split_once("-- migrate:up").unwrap().1;
    assert!(
        body.lines()
            .all(|l| l.trim().is_empty() || l.starts_with("-- migrate:down")),
        "{text}"
    );
    assert_eq!(
        p.ok(&["heads"]),
        format!("{m} (head), merge invoices and payments\n")
    );
    p.ok(&["check", "--offline"]);
    let history = p.ok(&["history"]);
    assert!(
        history.starts_with(&format!("{a}, {b} -> {m} (head) (mergepoint)"))
            || history.starts_with(&format!("{b}, {a} -> {m} (head) (mergepoint)")),
        "{history}"
    );

    // And the upgrade goes through.
    let out = p.ok(&["upgrade", "-v"]);
    assert_eq!(
        out.lines().filter(|l| l.starts_with("  -> ")).count(),
        4,
        "{out}"
    );
    assert!(db.has_table("invoices") && db.has_table("payments"));
    assert_eq!(
        p.ok(&["current"]),
        format!("{m} (head), merge invoices and payments\n")
    );
    p.ok(&["check"]);

    // One branch can be taken back alone by naming its revision.
    p.ok(&["downgrade", &base, "-v"]);
    assert!(db.has_table("accounts") && !db.has_table("invoices") && !db.has_table("payments"));
}

#[test]
fn upgrade_heads_applies_both_branches_without_a_merge() {
    let mut p = Project::new();
    let db = Scratch::blocking(Backend::Sqlite, p.path());
    p.url = Some(db.url.clone());
    let (_, a, b) = two_heads(&p);
    p.ok(&["upgrade", "heads"]);
    let current = p.ok(&["current"]);
    assert!(current.contains(&a) && current.contains(&b), "{current}");
    // Relative targets need a branch when the database is at two heads.
    let err = p.fail(&["downgrade", "-1"]);
    assert!(err.contains("ambiguous"), "{err}");
}

#[test]
fn branch_labels_and_splice() {
    let p = Project::new();
    p.ok(&["init", "--no-build-script"]);
    let f0 = p.revision("root", &[]);
    let f1 = p.revision("next", &[]);
    let (r0, r1) = (p.id_of(&f0), p.id_of(&f1));
    // Building on a non-head needs --splice.
    let err = p.fail(&["revision", "-m", "side", "--head", &r0]);
    assert!(
        err.contains("is not a head") && err.contains("--splice"),
        "{err}"
    );
    let fs = p.revision(
        "side",
        &["--head", &r0, "--splice", "--branch-label", "side"],
    );
    assert!(p.read(&fs).contains("-- Branch Labels: side\n"));
    // Labelled heads are allowed only if each has its own label.
    let err = p.fail(&["check", "--offline"]);
    assert!(err.contains("heads"), "{err}");
    // Label the other head by building on it with a label.
    p.revision("main line", &["--head", &r1, "--branch-label", "main"]);
    p.ok(&["check", "--offline"]);
    let out = p.ok(&["branches"]);
    assert!(out.contains(&format!("{r0} (branchpoint), root")), "{out}");
    assert!(out.contains("side@") && out.contains("main@"), "{out}");
    // A new revision on a branch by label.
    let f = p.revision("side two", &["--head", "side@head"]);
    assert!(p
        .read(&f)
        .contains(&format!("-- Revises: {}\n", p.id_of(&fs))));
    // Depends On by label resolves to the revision declaring it.
    let f = p.revision(
        "needs main",
        &["--head", "side@head", "--depends-on", "main"],
    );
    assert!(p.read(&f).contains("-- Depends On: "), "{}", p.read(&f));
    p.ok(&["check", "--offline"]);
}
