//! What scripts and project setup rely on: `--json` shapes, `migrate.toml`
//! and its precedence, and `init` with an existing build script.

use super::harness::{Backend, Project, Scratch};
use serde_json::Value;

fn json(p: &Project, args: &[&str]) -> Value {
    let out = p.ok(args);
    serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("`{}` is not JSON ({e}):\n{out}", args.join(" ")))
}

#[test]
fn json_outputs_are_stable() {
    let mut p = Project::new();
    let db = Scratch::blocking(Backend::Sqlite, p.path());
    p.url = Some(db.url.clone());
    p.ok(&["init", "--no-build-script"]);
    p.revision("first", &["--rev-id", "aaa111"]);
    p.revision("second", &["--rev-id", "bbb222", "--branch-label", "main"]);
    p.ok(&["upgrade", "aaa111"]);

    let heads = json(&p, &["heads", "--json"]);
    assert_eq!(heads["heads"][0]["id"], "bbb222");
    assert_eq!(heads["heads"][0]["parents"][0], "aaa111");
    assert_eq!(heads["heads"][0]["branch_labels"][0], "main");
    assert_eq!(heads["heads"][0]["is_head"], true);
    assert!(heads["heads"][0]["file"]
        .as_str()
        .unwrap()
        .starts_with("migrations/"));

    let history = json(&p, &["history", "--json", "--indicate-current"]);
    let revs = history["revisions"].as_array().unwrap();
    assert_eq!(revs.len(), 2);
    assert_eq!(revs[0]["id"], "bbb222");
    assert_eq!(revs[0]["current"], false);
    assert_eq!(revs[1]["current"], true);
    assert_eq!(history["current"][0], "aaa111");

    let current = json(&p, &["current", "--json"]);
    assert_eq!(current["heads"][0]["id"], "aaa111");
    assert!(current["heads"][0]["applied_at"].is_string());
    assert_eq!(current["pending"][0], "bbb222");
    assert_eq!(current["at_heads"], false);

    let show = json(&p, &["show", "main", "--json"]);
    assert_eq!(show["id"], "bbb222");
    assert_eq!(show["checksum"].as_str().unwrap().len(), 64);
    assert_eq!(show["up_sql"], "");

    let branches = json(&p, &["branches", "--json"]);
    assert_eq!(branches["labels"][0]["label"], "main");
    assert_eq!(branches["branch_points"].as_array().unwrap().len(), 0);

    // check --json: the report on stdout, exit 1 with one error line.
    let r = p.run(&["check", "--json"]);
    assert_eq!(r.code, 1, "{r:?}");
    let check: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(check["ok"], false);
    assert_eq!(check["database_checked"], true);
    assert_eq!(check["problems"][0]["kind"], "pending");
    assert!(r.stderr.starts_with("error: check failed"), "{}", r.stderr);
    p.ok(&["upgrade"]);
    let check = json(&p, &["check", "--json"]);
    assert_eq!(check["ok"], true);
    assert_eq!(check["heads"][0], "bbb222");
}

#[test]
fn history_ranges_and_verbose() {
    let mut p = Project::new();
    let db = Scratch::blocking(Backend::Sqlite, p.path());
    p.url = Some(db.url.clone());
    p.ok(&["init", "--no-build-script"]);
    for id in ["a1", "b2", "c3", "d4"] {
        p.revision(&format!("rev {id}"), &["--rev-id", id]);
    }
    let ids = |out: &str| {
        out.lines()
            .map(|l| l.split(" -> ").nth(1).unwrap()[..2].to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&p.ok(&["history", "-r", "b2:c3"])), ["c3", "b2"]);
    assert_eq!(ids(&p.ok(&["history", "-r", "c3:"])), ["d4", "c3"]);
    assert_eq!(ids(&p.ok(&["history", "-r", ":b2"])), ["b2", "a1"]);
    // Relative ranges count from the database's current revision.
    p.ok(&["upgrade", "b2"]);
    assert_eq!(
        ids(&p.ok(&["history", "-r", "-1:"])),
        ["d4", "c3", "b2", "a1"]
    );
    assert_eq!(ids(&p.ok(&["history", "-r", "+1:"])), ["d4", "c3"]);
    let out = p.ok(&["history", "-v", "-r", "d4:"]);
    assert!(
        out.starts_with("Rev: d4 (head)\nParent: c3\nPath: migrations/"),
        "{out}"
    );
    assert!(out.contains("\n    rev d4\n"), "{out}");
    let out = p.ok(&["show", "c3"]);
    assert!(out.starts_with("Rev: c3\nParent: b2\n"), "{out}");
    assert!(out.contains("-- migrate:up\n-- migrate:down\n"), "{out}");
}

#[test]
fn config_file_and_precedence() {
    let mut p = Project::new();
    p.write("migrate.toml", "source = \"db/migrations\"\ntable = \"schema_versions\"\nfile_template = \"{rev}-{slug}.sql\"\ndatabase_url_env = \"APP_DB\"\n");
    std::fs::create_dir_all(p.path().join("db/migrations")).unwrap();
    let f = p.revision("Create Users!", &["--rev-id", "c0ffee"]);
    assert_eq!(f, "db/migrations/c0ffee-create_users.sql");
    // --source beats the config and MIGRATE_SOURCE; MIGRATE_SOURCE beats the config.
    std::fs::create_dir_all(p.path().join("other")).unwrap();
    let out = p.ok(&["revision", "-m", "x", "--source", "other"]);
    assert!(out.contains("other/"), "{out}");
    let r = p
        .command(&["heads"])
        .env("MIGRATE_SOURCE", "other")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&r.stdout).contains(", x\n"));

    // The URL comes from the variable the config names, and the table name from the config.
    let db = Scratch::blocking(Backend::Sqlite, p.path());
    let r = p
        .command(&["upgrade"])
        .env("APP_DB", &db.url)
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(db.has_table("schema_versions"));
    // A typed --database-url wins over both variables.
    let other = Scratch::blocking(Backend::Sqlite, p.path());
    p.url = Some("sqlite:/nonexistent/dir/x.db".into());
    let r = p
        .command(&["upgrade", "--database-url", &other.url, "--table", "v2"])
        .env("APP_DB", &db.url)
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(other.has_table("v2"));
}

#[test]
fn init_respects_an_existing_build_script() {
    // A build script with a main: the line is inserted at its start.
    let p = Project::crate_dir();
    p.write(
        "build.rs",
        "fn main() {\n    println!(\"cargo:rustc-env=X=1\");\n}\n",
    );
    let out = p.ok(&["init"]);
    assert!(out.contains("updated  build.rs"), "{out}");
    assert_eq!(
        p.read("build.rs"),
        "fn main() {\n    println!(\"cargo:rerun-if-changed=migrations\");\n    println!(\"cargo:rustc-env=X=1\");\n}\n"
    );

    // A build script without `fn main() {`: left alone, the line printed.
    let p = Project::crate_dir();
    p.write("build.rs", "include!(\"gen.rs\");\n");
    let out = p.ok(&["init"]);
    assert_eq!(p.read("build.rs"), "include!(\"gen.rs\");\n");
    assert!(
        out.contains("    println!(\"cargo:rerun-if-changed=migrations\");\n"),
        "{out}"
    );

    // `build = "tools/build.rs"` in Cargo.toml is the script to edit.
    let p = Project::crate_dir();
    p.write(
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nbuild = \"tools/build.rs\"\n",
    );
    p.write("tools/build.rs", "fn main() {}\n");
    p.ok(&["init", "--source", "db"]);
    assert!(p.read("tools/build.rs").contains("rerun-if-changed=db\""));
    assert!(p.read("migrate.toml").contains("source = \"db\""));
    assert!(!p.path().join("build.rs").exists());

    // No Cargo.toml: nothing to attach a build script to.
    let p = Project::new();
    let out = p.ok(&["init"]);
    assert!(out.contains("no Cargo.toml"), "{out}");
    assert!(!p.path().join("build.rs").exists());
}
