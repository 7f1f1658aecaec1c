//! Every user error is one clear `error:` line (plus an optional `hint:`) on
//! stderr, exit code 1, no panic, no password.

use super::branches::two_heads;
use super::harness::{Backend, Project, Scratch};

fn with_ids(ids: &[&str]) -> Project {
    let p = Project::new();
    p.ok(&["init", "--no-build-script"]);
    for id in ids {
        p.revision(&format!("rev {id}"), &["--rev-id", id]);
    }
    p
}

#[test]
fn ambiguous_prefix_lists_the_candidates() {
    let mut p = with_ids(&["abc111", "abc222", "fff333"]);
    let err = p.fail(&["show", "abc"]);
    assert!(err.starts_with("error: `abc` is ambiguous"), "{err}");
    assert!(
        err.contains("abc111 (") && err.contains("abc222 ("),
        "{err}"
    );
    assert!(!err.contains("fff333"), "{err}");
    // The same through the runtime's target resolution.
    let db = Scratch::blocking(Backend::Sqlite, p.path());
    p.url = Some(db.url.clone());
    let err = p.fail(&["upgrade", "abc"]);
    assert!(err.contains("abc111") && err.contains("abc222"), "{err}");
}

#[test]
fn unknown_revision_suggests_the_closest() {
    let p = with_ids(&["abc111", "abc222"]);
    let err = p.fail(&["show", "abc112"]);
    assert!(
        err.starts_with("error: no revision or branch label matches `abc112`"),
        "{err}"
    );
    assert!(err.contains("did you mean `abc111`"), "{err}");
    let err = p.fail(&["revision", "-m", "x", "--head", "zzz999"]);
    assert!(
        err.contains("no revision or branch label matches `zzz999`"),
        "{err}"
    );
}

#[test]
fn unreachable_database_names_host_and_port_but_not_the_password() {
    let mut p = with_ids(&["a1"]);
    for url in [
        "postgres://app:hunter2-very-secret@127.0.0.1:1/appdb",
        "mysql://app:hunter2-very-secret@127.0.0.1:1/appdb",
    ] {
        p.url = Some(url.to_owned());
        let run = p.run(&["current"]);
        assert_eq!(run.code, 1, "{run:?}");
        assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
        assert!(run.stderr.contains("127.0.0.1:1"), "{}", run.stderr);
        assert!(
            !run.stderr.contains("hunter2"),
            "password leaked: {}",
            run.stderr
        );
        assert!(!run.stdout.contains("hunter2"));
    }
    // The same with the URL given as a flag, and on the commands that write.
    p.url = None;
    let url = "postgres://app:hunter2-very-secret@127.0.0.1:1/appdb";
    let err = p.fail(&["upgrade", "--database-url", url]);
    assert!(
        err.contains("127.0.0.1:1") && !err.contains("hunter2"),
        "{err}"
    );
}

#[test]
fn wrong_password_is_not_printed() {
    let mut servers = Vec::new();
    for var in ["MIGRATE_TEST_POSTGRES_URL", "MIGRATE_TEST_MYSQL_URL"] {
        match std::env::var(var) {
            Ok(url) => servers.push(url),
            Err(_) => println!("skipping {var}: not set"),
        }
    }
    let mut p = with_ids(&["a1"]);
    for url in servers {
        let (before, after) = url.split_once("@").unwrap();
        let user = before.rsplit_once(':').unwrap().0;
        let bad = format!("{user}:Wr0ng-Passw0rd-42@{after}");
        p.url = Some(bad);
        let err = p.fail(&["current"]);
        assert!(!err.contains("Wr0ng-Passw0rd-42"), "password leaked: {err}");
        assert!(err.contains("***") || err.contains("password"), "{err}");
    }
}

/// The hint names what failed, from the kind the runtime read off the
/// driver's error (I/O error kind, SQLSTATE, MySQL error number), and where
/// the server was expected: refused port, unknown host, and on the real
/// servers a wrong password and a missing database.
#[test]
fn connection_hints_come_from_the_failure_kind() {
    let mut p = with_ids(&["a1"]);
    let mut cases = vec![
        (
            "postgres://app:Hint-Secret-1@127.0.0.1:1/appdb".to_owned(),
            "hint: nothing answered at 127.0.0.1:1: start the server there".to_owned(),
        ),
        (
            "mariadb://app:Hint-Secret-1@127.0.0.1:1/appdb".to_owned(),
            "hint: nothing answered at 127.0.0.1:1: start the server there".to_owned(),
        ),
        (
            "mysql://app:Hint-Secret-1@no-such-host.invalid:3306/appdb".to_owned(),
            "hint: the host name `no-such-host.invalid` does not resolve".to_owned(),
        ),
    ];
    for var in ["MIGRATE_TEST_POSTGRES_URL", "MIGRATE_TEST_MYSQL_URL"] {
        let Ok(url) = std::env::var(var) else {
            println!("SKIP hints on {var}: not set");
            continue;
        };
        let (userinfo, after) = url.split_once('@').unwrap();
        let user = userinfo.rsplit_once(':').unwrap().0;
        let server = after.split('/').next().unwrap();
        let password = userinfo.rsplit_once(':').unwrap().1;
        cases.push((
            format!("{user}:Hint-Secret-1@{after}"),
            format!("hint: the server at {server} rejected the credentials"),
        ));
        cases.push((
            format!("{user}:{password}@{server}/no_such_db_4711"),
            format!(
                "hint: the server at {server} answered, but lacks the database `no_such_db_4711`"
            ),
        ));
    }
    for (url, hint) in cases {
        p.url = Some(url.clone());
        let err = p.fail(&["current"]);
        assert!(err.contains(&hint), "{url}: {err}");
        assert!(
            err.contains("(the URL comes from the DATABASE_URL environment variable)"),
            "{err}"
        );
        assert!(!err.contains("Hint-Secret"), "password leaked: {err}");
        // The driver's message is a cause of its own, not repeated in the error.
        let error_line = err.lines().next().unwrap();
        if let Some(cause) = err.lines().find_map(|l| l.strip_prefix("caused by: ")) {
            assert!(!error_line.contains(cause), "{err}");
        }
    }
}

#[test]
fn missing_database_url_says_how_to_give_one() {
    let p = with_ids(&["a1"]);
    let err = p.fail(&["upgrade"]);
    assert!(
        err.contains("--database-url") && err.contains("DATABASE_URL"),
        "{err}"
    );
}

#[test]
fn a_dot_env_file_provides_the_url() {
    let p = with_ids(&["a1"]);
    p.write(".env", "DATABASE_URL=sqlite:from_dotenv.db\n");
    p.ok(&["upgrade"]);
    assert!(p.path().join("from_dotenv.db").is_file());
    assert_eq!(p.ok(&["current"]), "a1 (head), rev a1\n");
}

#[test]
fn two_heads_refused_by_upgrade_head_and_check() {
    let mut p = Project::new();
    let db = Scratch::blocking(Backend::Sqlite, p.path());
    p.url = Some(db.url.clone());
    let (_, a, b) = two_heads(&p);
    let err = p.fail(&["upgrade", "head"]);
    assert!(err.contains(&a) && err.contains(&b), "{err}");
    let err = p.fail(&["upgrade", "head", "--sql", "--dialect", "postgres"]);
    assert!(err.contains(&a) && err.contains(&b), "{err}");
    let err = p.fail(&["check"]);
    assert!(err.contains(&a) && err.contains(&b), "{err}");
}

#[test]
fn bad_target_syntax() {
    let p = with_ids(&["a1", "b2"]);
    for bad in ["he ad", "a1+x", "+0", "@head", "a-b-c"] {
        let err = p.fail(&["upgrade", bad, "--sql", "--dialect", "sqlite"]);
        assert!(err.contains("is not a revision target"), "{bad}: {err}");
    }
    let err = p.fail(&["show", "a1:b2"]);
    assert!(err.contains("range"), "{err}");
}

#[test]
fn missing_migrations_directory() {
    let p = Project::new();
    for cmd in [
        &["heads"][..],
        &["history"],
        &["check"],
        &["revision", "-m", "x"],
    ] {
        let err = p.fail(cmd);
        assert!(
            err.contains("migrations directory migrations does not exist"),
            "{err}"
        );
        assert!(err.contains("cargo migrate init"), "{err}");
    }
    let err = p.fail(&["heads", "--source", "db/nope"]);
    assert!(err.contains("db/nope"), "{err}");
}

#[test]
fn parse_errors_show_file_line_and_caret() {
    let p = with_ids(&["a1"]);
    p.write(
        "migrations/0002_bad.sql",
        "-- Revision ID: b2\n-- Revises: a1\n\n-- migrate:up\nCREATE TABLE t (id INT);\n-- migrate:down\n",
    );
    let err = p.fail(&["heads"]);
    let expected = "error: the up section has SQL but the down section is empty; write the down SQL, or mark it `-- migrate:down irreversible`\n \
                    --> migrations/0002_bad.sql:6\n  |\n6 | -- migrate:down\n  | ^^^^^^^^^^^^^^^\n";
    assert_eq!(err, expected);
    // check reports the same, with exit 1.
    let err = p.fail(&["check"]);
    assert!(err.contains("--> migrations/0002_bad.sql:6"), "{err}");
}

#[test]
fn graph_errors_name_files_and_lines() {
    let p = with_ids(&["a1"]);
    p.write(
        "migrations/0002_x.sql",
        "-- Revision ID: a1\n-- Revises:\n-- migrate:up\n-- migrate:down\n",
    );
    p.write(
        "migrations/0003_y.sql",
        "-- Revision ID: c3\n-- Revises: zz9\n-- migrate:up\n-- migrate:down\n",
    );
    let err = p.fail(&["check"]);
    assert!(
        err.contains("revision id `a1` is declared by both"),
        "{err}"
    );
    assert!(
        err.contains("names `zz9`, which no migration declares"),
        "{err}"
    );
    assert!(err.contains("--> migrations/0003_y.sql:2\n"), "{err}");
    assert!(
        err.ends_with("error: check failed: 2 problem(s)\n"),
        "{err}"
    );
    let err = p.fail(&["heads"]);
    assert!(
        err.ends_with("error: 2 problems in migrations; fix them and run again\n"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let p = Project::new();
    let r = p.run(&["frobnicate"]);
    assert_eq!(r.code, 2, "{r:?}");
    let r = p.run(&["resolve", "abc"]);
    assert_eq!(r.code, 2, "{r:?}");
    let r = p.run(&["--help"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("Exit codes:") && r.stdout.contains("2  usage error"),
        "{}",
        r.stdout
    );
    let r = p.run(&["upgrade", "--help"]);
    assert!(r.stdout.contains("[env: DATABASE_URL"), "{}", r.stdout);
}

#[test]
fn the_password_in_database_url_env_is_not_shown_in_help() {
    let mut p = Project::new();
    p.url = Some("postgres://u:S3cretInHelp@h/db".into());
    let r = p.run(&["upgrade", "--help"]);
    assert_eq!(r.code, 0);
    assert!(!r.stdout.contains("S3cretInHelp"), "{}", r.stdout);
}

#[test]
fn revision_argument_errors() {
    let p = with_ids(&["a1"]);
    let err = p.fail(&["revision", "-m", "x", "--rev-id", "bad-id"]);
    assert!(err.contains("invalid revision id `bad-id`"), "{err}");
    let err = p.fail(&["revision", "-m", "x", "--rev-id", "a1"]);
    assert!(err.contains("already has it"), "{err}");
    let err = p.fail(&["revision", "-m", "x", "--branch-label", "head"]);
    assert!(err.contains("invalid branch label `head`"), "{err}");
    let err = p.fail(&["merge", "-m", "x", "heads"]);
    assert!(err.contains("nothing to merge"), "{err}");
    let f = p.revision("b", &["--rev-id", "b2"]);
    assert!(f.contains("b2"));
    let err = p.fail(&["merge", "-m", "x", "a1", "b2"]);
    assert!(err.contains("is an ancestor of"), "{err}");
}

#[test]
fn config_errors() {
    let p = with_ids(&["a1"]);
    p.write("migrate.toml", "sorce = \"db\"\n");
    let err = p.fail(&["heads"]);
    assert!(
        err.contains("invalid config file migrate.toml") && err.contains("sorce"),
        "{err}"
    );
    p.write("migrate.toml", "file_template = \"{slug}.sql\"\n");
    let err = p.fail(&["heads"]);
    assert!(err.contains("{rev}"), "{err}");
    let err = p.fail(&["heads", "--config", "nope.toml"]);
    assert!(err.contains("nope.toml"), "{err}");
}

#[test]
fn stamp_refuses_overlapping_targets_without_purge() {
    let mut p = with_ids(&["a1", "b2"]);
    let db = Scratch::blocking(Backend::Sqlite, p.path());
    p.url = Some(db.url.clone());
    let err = p.fail(&["stamp", "a1", "b2"]);
    assert!(err.contains("overlap"), "{err}");
    assert!(err.contains("--purge"), "{err}");
    p.ok(&["stamp", "a1", "b2", "--purge"]);
    assert_eq!(p.ok(&["current"]), "b2 (head), rev b2\n");
}

#[test]
fn drift_is_refused_until_accepted() {
    let mut p = Project::new();
    let db = Scratch::blocking(Backend::Sqlite, p.path());
    p.url = Some(db.url.clone());
    p.ok(&["init", "--no-build-script"]);
    let f = p.revision("create t", &[]);
    let id = p.id_of(&f);
    p.fill(&f, "CREATE TABLE t (id INTEGER);", "DROP TABLE t;");
    p.ok(&["upgrade"]);
    // A comment fixed after the fact.
    let text = p
        .read(&f)
        .replace("CREATE TABLE t", "-- the t table\nCREATE TABLE t");
    p.write(&f, &text);
    let err = p.fail(&["upgrade"]);
    assert!(
        err.contains(&format!("cargo migrate stamp --accept-checksum {id}")),
        "{err}"
    );
    let err = p.fail(&["check"]);
    assert!(err.contains("edited after it was applied"), "{err}");
    p.ok(&["stamp", "--accept-checksum", &id[..6]]);
    p.ok(&["upgrade"]);
    p.ok(&["check"]);
}

#[test]
fn a_failed_non_transactional_step_is_resolved_by_hand() {
    let mut p = Project::new();
    let db = Scratch::blocking(Backend::Sqlite, p.path());
    p.url = Some(db.url.clone());
    p.ok(&["init", "--no-build-script"]);
    let f = p.revision("half", &[]);
    let id = p.id_of(&f);
    let text = p.read(&f).replace(
        "-- migrate:up\n",
        "-- migrate:up transaction:false\nCREATE TABLE half (id INTEGER);\nINSERT INTO missing_table VALUES (1);\n",
    );
    p.write(
        &f,
        &text.replace("-- migrate:down\n", "-- migrate:down\nDROP TABLE half;\n"),
    );
    let err = p.fail(&["upgrade"]);
    assert!(err.contains(&id), "{err}");
    // The next run stops and points at `resolve`.
    let err = p.fail(&["upgrade"]);
    assert!(
        err.contains(&format!("cargo migrate resolve {id}")),
        "{err}"
    );
    let current = p.ok(&["current"]);
    assert!(
        current.contains(&id) && current.contains("failed"),
        "{current}"
    );
    let err = p.fail(&["check"]);
    assert!(err.contains("resolve"), "{err}");
    // The person checks the schema, undoes the partial work, resolves.
    db.exec_blocking("DROP TABLE half");
    p.ok(&["resolve", &id, "--rolled-back"]);
    let fixed = p
        .read(&f)
        .replace("INSERT INTO missing_table VALUES (1);\n", "");
    p.write(&f, &fixed);
    p.ok(&["upgrade"]);
    assert!(db.has_table("half"));
    let err = p.fail(&["resolve", &id, "--applied"]);
    assert!(err.contains(&id), "{err}");
}

#[test]
fn broken_pipe_is_success() {
    use std::io::Read;
    let p = Project::new();
    p.ok(&["init", "--no-build-script"]);
    // Enough history to overflow a pipe buffer.
    let mut parent = String::new();
    for i in 0..2000 {
        let id = format!("r{i:05}");
        p.write(
            &format!("migrations/{id}.sql"),
            &format!("-- Revision ID: {id}\n-- Revises: {parent}\n-- Message: revision number {i} with a long message\n-- migrate:up\n-- migrate:down\n"),
        );
        parent = id;
    }
    let mut child = p
        .command(&["history"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert_eq!(stderr, "");
}

#[test]
fn single_transaction_applies_all_or_nothing() {
    let mut p = Project::new();
    let db = Scratch::blocking(Backend::Sqlite, p.path());
    p.url = Some(db.url.clone());
    p.ok(&["init", "--no-build-script"]);
    let f1 = p.revision("one", &[]);
    p.fill(&f1, "CREATE TABLE one (id INTEGER);", "DROP TABLE one;");
    let f2 = p.revision("two", &[]);
    p.fill(&f2, "INSERT INTO missing VALUES (1);", "SELECT 1;");
    let err = p.fail(&["upgrade", "--single-transaction"]);
    assert!(err.contains(&p.id_of(&f2)), "{err}");
    assert!(
        !db.has_table("one"),
        "the first revision must be rolled back too"
    );
    assert_eq!(p.ok(&["current"]), "base (no revision applied)\n");
    // Without the flag, each revision commits on its own.
    p.fail(&["upgrade"]);
    assert!(db.has_table("one"));
}
