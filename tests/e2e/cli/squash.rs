//! `cargo migrate squash` on every backend: a 30-revision graph squashed at
//! revision 20. A fresh database, one at revision 7 and one at revision 25
//! reach the heads with the same schema and rows; after the replaced files
//! are deleted the directory still validates, a fresh database still
//! migrates, and a database left at revision 7 gets an error naming the
//! missing revisions.

use super::harness::{Backend, Project, Scratch};
use super::session::per_backend;
use migrate_devtools::autogen::read_live;
use migrate_runtime::Db;
use migrate_schema::{diff, Hints, Schema};

/// Revision `k` of the graph: a table referencing `t1`, an index (on
/// `name DESC` in revision 4, which the squashed schema must keep), a seed
/// row in revision 3, a column added to `t2` in revision 5.
fn revision(k: usize) -> (String, String) {
    let fk = if k > 1 {
        ",\n    t1_id INTEGER,\n    FOREIGN KEY (t1_id) REFERENCES t1 (id)"
    } else {
        ""
    };
    let order = if k == 4 { " DESC" } else { "" };
    let mut up = format!(
        "CREATE TABLE t{k} (\n    id INTEGER NOT NULL PRIMARY KEY,\n    name VARCHAR(50) NOT NULL{fk}\n);\nCREATE INDEX t{k}_name ON t{k} (name{order});\n"
    );
    let mut down = format!("DROP TABLE t{k};\n");
    if k == 3 {
        up.push_str("INSERT INTO t1 (id, name) VALUES (1, 'seed');\n");
        down = format!("DELETE FROM t1;\n{down}");
    }
    if k == 5 {
        up.push_str("ALTER TABLE t2 ADD COLUMN extra VARCHAR(20);\n");
        down = format!("ALTER TABLE t2 DROP COLUMN extra;\n{down}");
    }
    let parent = if k == 1 {
        String::new()
    } else {
        format!("r{:02}", k - 1)
    };
    (
        format!("migrations/2026_01_{k:02}_0000-r{k:02}.sql"),
        format!("-- Revision ID: r{k:02}\n-- Revises: {parent}\n-- migrate:up\n{up}-- migrate:down\n{down}"),
    )
}

fn project(backend: Backend) -> (Project, Scratch) {
    let mut p = Project::crate_dir();
    let db = Scratch::blocking(backend, p.path());
    p.url = Some(db.url.clone());
    p.ok(&["init"]);
    for k in 1..=30 {
        let (name, text) = revision(k);
        p.write(&name, &text);
    }
    (p, db)
}

/// A database of the same backend, at `target` (`None`: fresh).
fn database(p: &Project, backend: Backend, target: Option<&str>) -> Scratch {
    let db = Scratch::blocking(backend, p.path());
    if let Some(target) = target {
        let mut cmd = p.command(&["upgrade", target]);
        cmd.env("DATABASE_URL", &db.url);
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    db
}

fn on(p: &Project, db: &Scratch, args: &[&str]) -> super::harness::Run {
    let mut cmd = p.command(args);
    cmd.env("DATABASE_URL", &db.url);
    crate::support::run_to_end(&mut cmd)
}

fn schema(db: &Scratch) -> Schema {
    let url = db.url.clone();
    crate::support::on_own_runtime(move || async move {
        let db = Db::connect(&url).await.unwrap();
        let s = read_live(&db, "migrate_versions").await.unwrap();
        db.close().await;
        s
    })
}

fn rows(db: &Scratch) -> Vec<String> {
    let url = db.url.clone();
    crate::support::on_own_runtime(move || async move {
        let db = Db::connect(&url).await.unwrap();
        let mut rows = crate::support::version_rows(&db, "migrate_versions").await;
        db.close().await;
        rows.sort();
        rows
    })
}

per_backend!(squash_at_twenty:
    squash_at_twenty_sqlite => Backend::Sqlite,
    squash_at_twenty_postgres => Backend::Postgres,
    squash_at_twenty_mysql => Backend::MySql,
);

fn squash_at_twenty(backend: Backend) {
    let (p, reference) = project(backend);
    p.ok(&["upgrade"]);
    let want = schema(&reference);
    let at7 = database(&p, backend, Some("r07"));
    let at25 = database(&p, backend, Some("r25"));
    let stays_at7 = database(&p, backend, Some("r07"));
    // Never upgraded after the squash: its rows are the replaced ones.
    let legacy25 = database(&p, backend, Some("r25"));

    let r = p.run(&[
        "squash",
        "--to",
        "r20",
        "-m",
        "squash to twenty",
        "--with-data",
        "--rev-id",
        "sq20",
    ]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("replaces 20 revisions"), "{}", r.stdout);
    assert!(
        r.stderr.contains("1 row(s)") && r.stderr.contains("included"),
        "{}",
        r.stderr
    );
    let file = r
        .stdout
        .trim()
        .strip_prefix("created ")
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_owned();
    let text = p.read(&file);
    assert!(
        text.contains("-- Revises: r20\n-- Replaces: r01, r02,"),
        "{text}"
    );
    assert!(text.contains("INSERT INTO"), "{text}");
    assert!(
        ["\"name\" DESC)", "`name` DESC)"]
            .iter()
            .any(|key| text.contains(key)),
        "t4_name keeps its order: {text}"
    );
    assert!(text.contains("-- migrate:down\n"), "{text}");
    p.ok(&["check"]);
    let shown = p.ok(&["show", "sq20"]);
    assert!(
        shown.contains("Replaces: 20 revisions, r01 .. r20 (files present"),
        "{shown}"
    );
    // History draws the graph: r21 follows the squash, which follows r20.
    let history = p.ok(&["history"]);
    assert!(
        history.contains("sq20 -> r21,") && history.contains("r20 -> sq20,"),
        "{history}"
    );

    // Offline scripts follow the same rules: from base the squash runs
    // alone; from r07 the rest run and the squash is recorded in their place.
    let script = p.ok(&["upgrade", "--sql"]);
    assert!(
        script.contains("-- upgrade sq20") && !script.contains("-- upgrade r05"),
        "{script}"
    );
    let script = p.ok(&["upgrade", "r07:head", "--sql"]);
    assert!(
        script.contains("-- upgrade r08") && script.contains("-- record squash sq20"),
        "{script}"
    );
    assert!(!script.contains("-- upgrade sq20"), "{script}");

    // The squashed rows: the squash and what follows it.
    let expected: Vec<String> = std::iter::once("sq20".to_owned())
        .chain((21..=30).map(|k| format!("r{k}")))
        .map(|r| format!("{r}:applied"))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let fresh = database(&p, backend, None);
    for db in [&fresh, &at7, &at25] {
        let r = on(&p, db, &["upgrade"]);
        assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
        let got = schema(db);
        assert!(
            diff(&got, &want, &Hints::new()).is_empty(),
            "{:?}",
            diff(&got, &want, &Hints::new())
        );
        assert_eq!(rows(db), expected);
        assert_eq!(db.query_i64("SELECT COUNT(*) FROM t1"), 1);
        assert!(on(&p, db, &["current"]).stdout.contains("r30"));
    }

    // Stamp understands it: a fresh database stamped at r25 records the
    // squash, not the 20 revisions.
    let stamped = database(&p, backend, None);
    let r = on(&p, &stamped, &["stamp", "r25"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(rows(&stamped).len(), 6, "{:?}", rows(&stamped));
    assert!(rows(&stamped).contains(&"sq20:applied".to_owned()));

    // A database recorded at the squash cannot stop inside it.
    let r = on(&p, &fresh, &["downgrade", "r10"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("cannot stop at") && r.stderr.contains("sq20"),
        "{}",
        r.stderr
    );

    // Every database is past r20: the replaced files go.
    for k in 1..=20 {
        std::fs::remove_file(p.path().join(revision(k).0)).unwrap();
    }
    p.ok(&["check"]);
    let history = p.ok(&["history"]);
    assert!(
        history.contains("sq20") && !history.contains("r05"),
        "{history}"
    );
    let after = database(&p, backend, None);
    let r = on(&p, &after, &["upgrade"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(diff(&schema(&after), &want, &Hints::new()).is_empty());
    assert_eq!(rows(&after), expected);
    // Down through the squash to base leaves nothing.
    let r = on(&p, &after, &["downgrade", "base"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!after.has_table("t1") && !after.has_table("t25"));

    // A database still holding the replaced revisions' rows reverts
    // through the squash's down.
    let r = on(&p, &legacy25, &["downgrade", "base"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!legacy25.has_table("t1") && !legacy25.has_table("t25"));
    assert!(rows(&legacy25).is_empty(), "{:?}", rows(&legacy25));

    // The database left at r07 cannot go on, and is told why.
    let r = on(&p, &stays_at7, &["upgrade"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("7 of the 20 revisions")
            && r.stderr.contains("r08, r09")
            && r.stderr.contains("restore them"),
        "{}",
        r.stderr
    );
    assert_eq!(rows(&stays_at7).len(), 7);
}

per_backend!(squash_keeps_views_and_triggers:
    squash_keeps_views_and_triggers_sqlite => Backend::Sqlite,
    squash_keeps_views_and_triggers_postgres => Backend::Postgres,
    squash_keeps_views_and_triggers_mysql => Backend::MySql,
);

/// Objects outside the table model come from the catalog's definitions; the
/// seed rows are loaded before the triggers exist (an audit trigger would
/// log them twice); the down drops everything.
fn squash_keeps_views_and_triggers(backend: Backend) {
    let mut p = Project::crate_dir();
    let db = Scratch::blocking(backend, p.path());
    p.url = Some(db.url.clone());
    p.ok(&["init"]);
    let trigger = match backend {
        Backend::Sqlite => "CREATE TRIGGER users_log AFTER INSERT ON users BEGIN INSERT INTO audit (msg) VALUES (NEW.email); END;",
        Backend::Postgres => "CREATE FUNCTION log_user() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit (msg) VALUES (NEW.email); RETURN NEW; END $$;\nCREATE TRIGGER users_log AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION log_user();",
        Backend::MySql => "CREATE TRIGGER users_log AFTER INSERT ON users FOR EACH ROW INSERT INTO audit (msg) VALUES (NEW.email);",
    };
    let drop_routine = if backend == Backend::Postgres {
        "\nDROP FUNCTION log_user();"
    } else {
        ""
    };
    p.write(
        "migrations/001_a.sql",
        &format!(
            "-- Revision ID: a1\n-- Revises:\n-- migrate:up\n\
             CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL);\n\
             CREATE TABLE audit (id INTEGER NOT NULL PRIMARY KEY {}, msg VARCHAR(100));\n\
             {trigger}\n\
             INSERT INTO users (id, email) VALUES (1, 'seed@example.com');\n\
             CREATE VIEW emails AS SELECT email FROM users;\n\
             -- migrate:down\nDROP VIEW emails;\nDROP TABLE audit;\nDROP TABLE users;{drop_routine}\n",
            match backend {
                Backend::MySql => "AUTO_INCREMENT",
                Backend::Postgres => "GENERATED BY DEFAULT AS IDENTITY",
                Backend::Sqlite => "",
            }
        ),
    );
    let r = p.run(&[
        "squash",
        "--to",
        "a1",
        "-m",
        "squash",
        "--with-data",
        "--rev-id",
        "sq",
    ]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);

    p.ok(&["upgrade"]);
    assert_eq!(
        db.query_i64("SELECT COUNT(*) FROM audit"),
        1,
        "the seed row's audit row, once"
    );
    db.exec_blocking("INSERT INTO users (id, email) VALUES (2, 'new@example.com')");
    assert_eq!(
        db.query_i64("SELECT COUNT(*) FROM audit"),
        2,
        "the trigger fires"
    );
    assert_eq!(
        db.query_i64("SELECT COUNT(*) FROM emails"),
        2,
        "the view reads users"
    );
    assert_eq!(rows(&db), ["sq:applied"]);

    p.ok(&["downgrade", "base"]);
    assert!(!db.has_table("users") && !db.has_table("audit"));
    let left = schema(&db);
    assert!(
        left.tables.is_empty() && left.other_objects.is_empty(),
        "{left:?}"
    );
}
