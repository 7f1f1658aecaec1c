//! `cargo migrate test` end to end on each backend: exit codes, the text
//! and `--json` reports, `--only`, `--from`, and `schema` in migrate.toml.

use super::cases;
use crate::support::{cli_bin, files, run_to_end, Backend, Ran, Rev};
use std::path::Path;

/// A project directory with `revs` in `migrations/`, and the database URL
/// the command gets: a SQLite file (never opened: the stairway runs in
/// memory) or the backend's server, where temporary databases are made.
struct Project {
    dir: tempfile::TempDir,
    url: String,
}

impl Project {
    fn new(backend: Backend, revs: &[Rev]) -> Project {
        let dir = tempfile::Builder::new()
            .prefix("stairway-cli-")
            .tempdir()
            .unwrap();
        std::fs::create_dir(dir.path().join("migrations")).unwrap();
        for (name, text) in files(revs) {
            std::fs::write(dir.path().join("migrations").join(name), text).unwrap();
        }
        let url = backend
            .server_url()
            .unwrap_or_else(|| format!("sqlite:{}", dir.path().join("app.db").display()));
        Project { dir, url }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, args: &[&str]) -> Ran {
        let mut cmd = std::process::Command::new(cli_bin());
        cmd.arg("migrate")
            .arg("test")
            .args(args)
            .current_dir(self.path());
        for var in [
            "MIGRATE_SOURCE",
            "MIGRATE_CONFIG",
            "MIGRATE_TABLE",
            "MIGRATE_DEV_URL",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("DATABASE_URL", &self.url);
        run_to_end(&mut cmd)
    }

    fn json(&self, args: &[&str], code: i32) -> serde_json::Value {
        let mut all = vec!["--json"];
        all.extend(args);
        let r = self.run(&all);
        assert_eq!(r.code, code, "{}\n{}", r.stdout, r.stderr);
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
    }
}

macro_rules! per_backend {
    ($($case:ident),+ $(,)?) => {
        $(
            mod $case {
                use crate::support::Backend;

                #[test]
                fn sqlite() {
                    super::$case(Backend::Sqlite);
                }

                #[test]
                fn postgres() {
                    if Backend::all().contains(&Backend::Postgres) {
                        super::$case(Backend::Postgres);
                    }
                }

                #[test]
                fn mysql() {
                    if Backend::all().contains(&Backend::MySql) {
                        super::$case(Backend::MySql);
                    }
                }
            }
        )+
    };
}

per_backend!(
    failing_revision_exits_1,
    passing_graph_exits_0,
    json_only_and_from,
    schema_in_config,
);

fn failing_revision_exits_1(backend: Backend) {
    let p = Project::new(backend, &cases::forgets_index());
    let r = p.run(&[]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("ok            a1 (a1.sql)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("FAILED        b2 (b2.sql): after the downgrade"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("CREATE INDEX") && r.stdout.contains("t_name_idx"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr
            .contains("error: the stairway test failed: revision b2 (b2.sql)"),
        "{}",
        r.stderr
    );
    // The password of the server never shows.
    if let Some(pw) = migrate_runtime::DatabaseUrl::parse(&p.url)
        .unwrap()
        .secrets()
        .first()
    {
        assert!(!r.stdout.contains(pw.as_str()) && !r.stderr.contains(pw.as_str()));
    }
}

fn passing_graph_exits_0(backend: Backend) {
    let p = Project::new(backend, &cases::with_irreversible());
    let r = p.run(&[]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    // What was left out on purpose is said, and does not fail the run
    // (SQLite has no grants or owners).
    let unchecked =
        "not compared  grants, owners and default privileges (--privileges compares them)";
    assert_eq!(
        r.stdout.contains(unchecked),
        backend != Backend::Sqlite,
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("irreversible  b2 (b2.sql): stepped over"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&format!(
            "ok: 3 revision(s) checked on {}, 1 irreversible stepped over",
            backend.dialect()
        )),
        "{}",
        r.stdout
    );
    let p = Project::new(backend, &cases::order_dependent());
    let r = p.run(&[]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("FAILED        heads: the apply order and heads reversed (c, b) end in different schemas"),
        "{}",
        r.stdout
    );
}

fn json_only_and_from(backend: Backend) {
    let p = Project::new(backend, &cases::forgets_index());
    let v = p.json(&[], 1);
    assert_eq!(v["dialect"], backend.dialect().to_string());
    assert_eq!(
        v["unchecked"].as_array().map(Vec::len),
        Some(usize::from(backend != Backend::Sqlite)),
        "{v:#}"
    );
    assert_eq!(v["passed"], false);
    assert!(v["heads"].is_null() && v["schema"].is_null(), "{v:#}");
    let revs = v["revisions"].as_array().unwrap();
    // The walk goes on after b2: c3 is judged too.
    assert_eq!(revs.len(), 3);
    assert_eq!(revs[2]["outcome"], "passed", "{v:#}");
    assert_eq!(revs[0]["id"], "a1");
    assert_eq!(revs[0]["file"], "a1.sql");
    assert_eq!(revs[0]["message"], "revision a1");
    assert_eq!(revs[0]["outcome"], "passed");
    assert!(revs[0]["stage"].is_null());
    assert_eq!(revs[1]["outcome"], "failed");
    assert_eq!(revs[1]["stage"], "down");
    assert!(revs[1]["error"].is_null());
    // The model's SQL first, then the dump's words naming the index.
    let d = revs[1]["differences"].as_array().unwrap();
    assert!(d[0].as_str().unwrap().starts_with("CREATE INDEX"), "{v:#}");
    assert!(
        d[1..]
            .iter()
            .any(|x| x.as_str().unwrap().contains("t_name_idx")),
        "{v:#}"
    );

    // --only: that revision alone; c3 is fine on its own.
    let v = p.json(&["--only", "c3"], 0);
    let ids: Vec<&str> = v["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["c3"]);
    // --from: that revision and the ones after it.
    // b2 fails; the walk goes on to c3.
    let v = p.json(&["--from", "b2"], 1);
    assert_eq!(v["revisions"].as_array().unwrap().len(), 2, "{v:#}");
    assert_eq!(v["revisions"][0]["id"], "b2");
    assert_eq!(v["revisions"][0]["outcome"], "failed");
    assert_eq!(v["revisions"][1]["outcome"], "passed");
    let p = Project::new(backend, &cases::data_migration());
    let v = p.json(&["--from", "b2"], 0);
    let ids: Vec<&str> = v["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["b2", "c3"]);
    // An unknown revision is a usage problem, said as such.
    let r = p.run(&["--only", "nope"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("cannot check `nope`"), "{}", r.stderr);
    let r = p.run(&["--only", "b2", "--from", "a1"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

fn schema_in_config(backend: Backend) {
    let p = Project::new(backend, &cases::two_heads());
    std::fs::write(p.path().join("migrate.toml"), "schema = \"schema.sql\"\n").unwrap();
    std::fs::write(
        p.path().join("schema.sql"),
        "CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(50));\nCREATE TABLE tb (id INTEGER);\n",
    )
    .unwrap();
    let v = p.json(&[], 1);
    assert_eq!(v["heads"]["passed"], true, "{v:#}");
    assert_eq!(v["schema"]["passed"], false, "{v:#}");
    assert!(
        v["schema"]["actual"]
            .as_str()
            .unwrap()
            .ends_with("schema.sql"),
        "{v:#}"
    );
    let d = v["schema"]["differences"].to_string();
    assert!(d.contains("DROP TABLE") && d.contains("tc"), "{v:#}");
    let r = p.run(&[]);
    assert!(
        r.stderr
            .contains("the migrations do not end in the desired schema"),
        "{}",
        r.stderr
    );
}
