//! Every command of `todo-service migrate`, its output and exit code.

use super::{app, expect, REVS};
use crate::support::{Backend, Scratch};
use serde_json::Value;

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

#[test]
fn every_command_and_its_exit_code() {
    for backend in Backend::all() {
        let dir = tempfile::tempdir().unwrap();
        let db = Scratch::blocking(backend, dir.path());
        let run = |args: &[&str]| app(&db.url, dir.path(), args);

        let r = run(&["heads"]);
        expect(&r, 0);
        assert_eq!(r.stdout, format!("{} (head), seed welcome todo\n", REVS[2]));
        let r = run(&["heads", "--json"]);
        assert_eq!(json(&r.stdout)["heads"][0]["id"], REVS[2]);

        let r = run(&["current"]);
        expect(&r, 0);
        assert_eq!(r.stdout, "base (no revision applied)\n", "{backend:?}");

        let r = run(&["check"]);
        expect(&r, 1);
        assert!(r.stderr.contains("3 revision(s) pending"), "{r:?}");

        let r = run(&["upgrade", REVS[1]]);
        expect(&r, 0);
        // Piped and not verbose: quiet, as `cargo migrate` is.
        assert_eq!(r.stdout, "");
        assert!(db.has_table("todos"), "{backend:?}");
        let r = run(&["current", "--json"]);
        let current = json(&r.stdout);
        assert_eq!(current["heads"][0]["id"], REVS[1]);
        assert_eq!(current["pending"][0], REVS[2]);
        assert_eq!(current["at_heads"], false);

        let r = run(&["upgrade", "-v"]);
        expect(&r, 0);
        assert!(
            r.stdout
                .starts_with(&format!("  -> {}  seed welcome todo  (", REVS[2])),
            "{r:?}"
        );
        assert!(r.stdout.contains("applied 1 revision(s) in"));
        assert!(r
            .stdout
            .ends_with(&format!("; the database is at {}\n", REVS[2])));

        let r = run(&["upgrade", "-v"]);
        expect(&r, 0);
        assert_eq!(
            r.stdout,
            format!("nothing to do: the database is at {}\n", REVS[2])
        );

        let r = run(&["check"]);
        expect(&r, 0);
        assert_eq!(
            r.stdout,
            format!(
                "ok: 3 revision(s), head {}; the database is up to date\n",
                REVS[2]
            )
        );
        let r = run(&["check", "--json"]);
        expect(&r, 0);
        assert_eq!(json(&r.stdout)["ok"], true);

        let r = run(&["current", "-v"]);
        expect(&r, 0);
        assert!(
            r.stdout.starts_with(&format!(
                "{} (head), seed welcome todo\n    Path: ",
                REVS[2]
            )),
            "{r:?}"
        );

        let r = run(&["history"]);
        expect(&r, 0);
        assert_eq!(
            r.stdout,
            format!(
                "{} -> {} (head), seed welcome todo\n{} -> {}, add due date\n<base> -> {}, create todos\n",
                REVS[1], REVS[2], REVS[0], REVS[1], REVS[0]
            )
        );
        let r = run(&["history", "-r", "-1:", "--json"]);
        expect(&r, 0);
        let revs = json(&r.stdout)["revisions"].as_array().unwrap().clone();
        assert_eq!(revs.len(), 2, "{r:?}");
        assert_eq!(revs[0]["id"], REVS[2]);

        // A wrong target: a clear error, nothing changed.
        let r = run(&["upgrade", "nope"]);
        expect(&r, 1);
        assert!(
            r.stderr.starts_with("error: ") && r.stderr.contains("`nope`"),
            "{r:?}"
        );
        let r = run(&["downgrade", "zzz", "--yes"]);
        expect(&r, 1);
        // Usage errors: clap's, exit 2.
        expect(&run(&["downgrade"]), 2);
        expect(&run(&["frobnicate"]), 2);

        let r = run(&["downgrade", "-1", "-v", "--yes"]);
        expect(&r, 0);
        assert!(
            r.stdout
                .starts_with(&format!("  <- {}  seed welcome todo  (", REVS[2])),
            "{r:?}"
        );
        assert!(r.stdout.contains("reverted 1 revision(s) in"));

        let r = run(&["upgrade", "--sql"]);
        expect(&r, 0);
        assert!(r.stdout.contains("CREATE TABLE"), "{r:?}");
        let r = run(&["downgrade", &format!("{}:{}", REVS[2], REVS[1]), "--sql"]);
        expect(&r, 0);

        // stamp and resolve want --yes when stdin is not a terminal.
        let r = run(&["stamp", "head"]);
        expect(&r, 2);
        assert!(r.stderr.contains("pass --yes"), "{r:?}");
        let r = run(&["current", "--json"]);
        assert_eq!(
            json(&r.stdout)["heads"][0]["id"],
            REVS[1],
            "stamp without --yes changed the record"
        );
        let r = run(&["stamp", "head", "--yes"]);
        expect(&r, 0);
        assert_eq!(
            r.stdout,
            format!(
                "recorded as applied: {}\nthe database is at {}\n",
                REVS[2], REVS[2]
            )
        );
        let r = run(&["resolve", REVS[2], "--applied"]);
        expect(&r, 2);
        assert!(r.stderr.contains("pass --yes"), "{r:?}");
        let r = run(&["resolve", REVS[2], "--applied", "--yes"]);
        expect(&r, 1);
        assert!(r.stderr.contains("not started or failed"), "{r:?}");
        expect(&run(&["resolve", REVS[2]]), 2);
    }
}

#[test]
fn a_database_ahead_of_the_binary_gets_a_clear_error() {
    for backend in Backend::all() {
        let dir = tempfile::tempdir().unwrap();
        let db = Scratch::blocking(backend, dir.path());
        let run = |args: &[&str]| app(&db.url, dir.path(), args);
        expect(&run(&["upgrade", REVS[1]]), 0);
        // What a newer build applied: a revision this one does not know.
        db.exec_blocking(&format!(
            "INSERT INTO migrate_versions (revision, checksum) VALUES ('ffee00000001', '{}')",
            "0".repeat(64)
        ));

        let r = run(&["upgrade"]);
        expect(&r, 1);
        assert!(
            r.stderr.contains("ffee00000001") && r.stderr.contains("this build does not contain"),
            "{backend:?}: {r:?}"
        );
        assert_eq!(
            db.query_i64("SELECT COUNT(*) FROM todos"),
            0,
            "the upgrade went on"
        );
        let r = run(&["current"]);
        expect(&r, 0);
        assert!(
            r.stdout.contains("ffee00000001 (not in this build)"),
            "{r:?}"
        );
        let r = run(&["check", "--json"]);
        expect(&r, 1);
        let report = json(&r.stdout);
        assert!(
            report["problems"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["kind"] == "unknown"),
            "{r:?}"
        );
        // An older build may go on when told to.
        let r = run(&["upgrade", "--allow-unknown"]);
        expect(&r, 0);
        assert_eq!(db.query_i64("SELECT COUNT(*) FROM todos"), 1);
    }
}
