//! A full session as a new user would run it, on every backend: init, three
//! revisions, SQL written by hand, check, upgrade, current, history,
//! downgrade -1, upgrade by prefix, stamp.

use super::harness::{Backend, Project, Scratch};

/// Generates one test per backend from a `fn(Backend)`, so each backend
/// passes or fails on its own line of the test report.
macro_rules! per_backend {
    ($body:ident: $($name:ident => $backend:expr),+ $(,)?) => {
        $(
            #[test]
            fn $name() {
                let backend = $backend;
                if !super::harness::Backend::all().contains(&backend) {
                    return;
                }
                $body(backend);
            }
        )+
    };
}
pub(crate) use per_backend;

per_backend!(new_user_session:
    new_user_session_sqlite => Backend::Sqlite,
    new_user_session_postgres => Backend::Postgres,
    new_user_session_mysql => Backend::MySql,
);

fn new_user_session(backend: Backend) {
    let mut p = Project::crate_dir();
    let db = Scratch::blocking(backend, p.path());
    p.url = Some(db.url.clone());

    // init: directory, config, build script line, and what to add to the code.
    let out = p.ok(&["init"]);
    assert!(p.path().join("migrations").is_dir());
    assert!(p.read("migrate.toml").contains("source = \"migrations\""));
    assert!(p
        .read("build.rs")
        .contains("println!(\"cargo:rerun-if-changed=migrations\");"));
    assert!(
        out.contains("static MIGRATIONS: Migrations = migrations!(\"migrations\");"),
        "{out}"
    );
    assert!(out.contains("MIGRATIONS.upgrade(&pool).await?"), "{out}");
    // A second init changes nothing.
    let build = p.read("build.rs");
    p.ok(&["init"]);
    assert_eq!(p.read("build.rs"), build);

    // Three revisions, each on top of the last.
    let f1 = p.revision("create users", &[]);
    let f2 = p.revision("add email", &[]);
    let f3 = p.revision("create posts", &[]);
    let (r1, r2, r3) = (p.id_of(&f1), p.id_of(&f2), p.id_of(&f3));
    for (f, id) in [(&f1, &r1), (&f2, &r2), (&f3, &r3)] {
        assert_eq!(id.len(), 12, "{id}");
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
            "{id}"
        );
        assert!(
            f.starts_with("migrations/") && f.ends_with(".sql") && f.contains(id.as_str()),
            "{f}"
        );
    }
    assert!(f1.ends_with(&format!("-{r1}_create_users.sql")), "{f1}");
    assert!(p.read(&f2).contains(&format!("-- Revises: {r1}\n")));
    assert!(p.read(&f3).contains(&format!("-- Revises: {r2}\n")));
    assert!(
        p.read(&f1)
            .contains("-- Message: create users\n-- migrate:up")
            || p.read(&f1)
                .contains("-- Message: create users\n\n-- migrate:up")
    );

    // Edit the SQL.
    p.fill(
        &f1,
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);",
        "DROP TABLE users;",
    );
    p.fill(
        &f2,
        "ALTER TABLE users ADD COLUMN email VARCHAR(200);",
        "ALTER TABLE users DROP COLUMN email;",
    );
    p.fill(
        &f3,
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL);",
        "DROP TABLE posts;",
    );

    // check: the files are fine; with the database, three revisions pend.
    let out = p.ok(&["check", "--offline"]);
    assert!(out.starts_with("ok: 3 revision(s)"), "{out}");
    let err = p.fail(&["check"]);
    assert!(err.contains("3 revision(s) pending"), "{err}");

    // upgrade head: quiet when piped.
    let out = p.ok(&["upgrade", "head"]);
    assert_eq!(
        out, "",
        "upgrade should be quiet when stdout is not a terminal"
    );
    assert!(db.has_table("users") && db.has_table("posts"));
    p.ok(&["check"]);

    // current and history.
    let out = p.ok(&["current"]);
    assert_eq!(out, format!("{r3} (head), create posts\n"));
    let out = p.ok(&["history"]);
    assert_eq!(
        out,
        format!("{r2} -> {r3} (head), create posts\n{r1} -> {r2}, add email\n<base> -> {r1}, create users\n")
    );
    let out = p.ok(&["history", "--indicate-current"]);
    assert!(
        out.starts_with(&format!("{r2} -> {r3} (head) (current), create posts\n")),
        "{out}"
    );

    // downgrade -1 reverts the last revision only.
    p.ok(&["downgrade", "-1"]);
    assert!(!db.has_table("posts"));
    assert!(db.has_table("users"));
    assert_eq!(p.ok(&["current"]), format!("{r2}, add email\n"));

    // upgrade by a unique prefix, with progress lines.
    let prefix = unique_prefix(&r3, &[&r1, &r2]);
    let out = p.ok(&["upgrade", &prefix, "-v"]);
    assert!(
        out.starts_with(&format!("  -> {r3}  create posts  (")),
        "{out}"
    );
    assert!(out.contains(" ms)\n"), "{out}");
    assert!(db.has_table("posts"));

    // stamp moves the record without running SQL.
    p.ok(&["stamp", &r1]);
    assert_eq!(p.ok(&["current"]), format!("{r1}, create users\n"));
    assert!(db.has_table("posts"), "stamp must not run SQL");
    let err = p.fail(&["check"]);
    assert!(err.contains("2 revision(s) pending"), "{err}");
    p.ok(&["stamp", "head"]);
    assert_eq!(p.ok(&["current"]), format!("{r3} (head), create posts\n"));
    p.ok(&["current", "--check-heads"]);

    // Back to base: every down section runs, newest first.
    let out = p.ok(&["downgrade", "base", "-v"]);
    let order: Vec<&str> = out
        .lines()
        .filter_map(|l| l.strip_prefix("  <- "))
        .map(|l| &l[..12])
        .collect();
    assert_eq!(order, [r3.as_str(), r2.as_str(), r1.as_str()], "{out}");
    assert!(!db.has_table("users"));
    assert_eq!(p.ok(&["current"]), "base (no revision applied)\n");
    let err = p.fail(&["current", "--check-heads"]);
    assert!(err.contains("not at the heads"), "{err}");
}

/// The shortest prefix of `id` that no other id shares (at least 4 chars).
pub(crate) fn unique_prefix(id: &str, others: &[&str]) -> String {
    (4..=id.len())
        .map(|n| &id[..n])
        .find(|p| others.iter().all(|o| !o.starts_with(p)))
        .unwrap_or(id)
        .to_owned()
}
