//! Desired-schema input runs confined: `USE`, `\connect`, `DROP DATABASE`,
//! another database's table, roles and users are refused with file and
//! line, on the private server and on a shared one, and production is
//! untouched; session settings apply to what follows; dev-url equal to the
//! target is refused; a failing `--to-cmd` shows no password.

use super::harness::{servers, Production, Sandbox};
use crate::support::{with_database, Backend, Scratch};

/// Desired schemas that try to leave the scratch database, with the line
/// and words the refusal must name.
fn hostile(backend: Backend, p: &Production) -> Vec<(String, &'static str, &'static str)> {
    let (o, r) = (&p.other, &p.role);
    match backend {
        Backend::Postgres => vec![
            (
                format!("\\connect {o}\nDROP TABLE orders;\nCREATE TABLE orders (id INT);\n"),
                ":1:",
                "psql command",
            ),
            (
                format!("CREATE TABLE t (id INT);\nDROP DATABASE {o};\n"),
                ":2:",
                "DROP DATABASE",
            ),
            (
                format!("CREATE TABLE t (id INT);\n\nDROP ROLE {r};\n"),
                ":3:",
                "role",
            ),
            (format!("ALTER ROLE {r} PASSWORD 'x';\n"), ":1:", "role"),
        ],
        _ => vec![
            (
                format!("USE {o};\nDROP TABLE IF EXISTS orders;\nCREATE TABLE orders (id INT);\n"),
                ":1:",
                "USE",
            ),
            (
                format!("CREATE TABLE t (id INT);\nDROP TABLE {o}.orders;\n"),
                ":2:",
                "names",
            ),
            (format!("DROP DATABASE {o};\n"), ":1:", "DROP DATABASE"),
            (
                format!("CREATE TABLE t (id INT);\nDROP USER '{r}'@'%';\n"),
                ":2:",
                "user",
            ),
        ],
    }
}

#[test]
fn a_desired_schema_leaving_its_database_is_refused_and_production_is_untouched() {
    for backend in servers() {
        let Some(p) = Production::new(backend) else {
            continue;
        };
        let before = p.state();
        let dir = tempfile::tempdir().unwrap();
        let target = Scratch::blocking(backend, dir.path());
        let server = backend.server_url().unwrap();
        // The private server (default), and the database's own server as a
        // shared dev server the project opted in to.
        let configs = [
            "schema = \"schema.sql\"\n".to_owned(),
            format!(
                "schema = \"schema.sql\"\ndev_url = \"{}\"\ndev_url_same_server = \"{}\"\n",
                server, target.name
            ),
        ];
        for config in &configs {
            for (schema, line, words) in hostile(backend, &p) {
                let s = Sandbox::new(Some(&target.url), config);
                s.write("schema.sql", &schema);
                let r = s.run(&["revision", "--autogenerate", "-m", "x"]);
                assert_eq!(
                    r.code, 1,
                    "{backend:?} {schema}\n{}\n{}",
                    r.stdout, r.stderr
                );
                assert!(
                    r.stderr.contains(&format!("schema.sql{line}")),
                    "{backend:?} {schema}: {}",
                    r.stderr
                );
                assert!(
                    r.stderr.contains(words),
                    "{backend:?} {schema}: {}",
                    r.stderr
                );
                assert!(!r.stderr.contains("migrate-secret"), "{}", r.stderr);
                let r = s.run(&["check"]);
                assert_eq!(
                    r.code, 1,
                    "check {backend:?} {schema}\n{}\n{}",
                    r.stdout, r.stderr
                );
                // The same text through --to-cmd.
                let r = s.run(&[
                    "revision",
                    "--autogenerate",
                    "-m",
                    "x",
                    "--to-cmd",
                    "cat schema.sql",
                ]);
                assert_eq!(r.code, 1, "{}", r.stderr);
                assert!(
                    r.stderr.contains(&format!("--to-cmd output{line}")),
                    "{}",
                    r.stderr
                );
                assert_eq!(p.state(), before, "{backend:?} {config} {schema}");
                assert_eq!(
                    std::fs::read_dir(s.path().join("migrations"))
                        .unwrap()
                        .count(),
                    0
                );
            }
        }
    }
}

#[test]
fn session_settings_of_the_desired_schema_reach_the_statements_after_them() {
    let Some(server) = Backend::Postgres.server_url() else {
        println!("SKIP: no PostgreSQL");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let target = Scratch::blocking(Backend::Postgres, dir.path());
    let _ = server;
    let s = Sandbox::new(Some(&target.url), "schema = \"schema.sql\"\n");
    let mut schema = String::from("CREATE SCHEMA app;\nSET search_path = app;\n");
    for k in 0..12 {
        schema.push_str(&format!("CREATE TABLE t{k} (id INT PRIMARY KEY);\n"));
    }
    s.write("schema.sql", &schema);
    let r = s.run(&["revision", "--autogenerate", "-m", "x"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let file = std::fs::read_dir(s.path().join("migrations"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(file).unwrap();
    let up = text.split("-- migrate:down").next().unwrap();
    for k in 0..12 {
        assert!(
            up.contains(&format!("\"app\".\"t{k}\"")),
            "t{k} is not in schema app:\n{up}"
        );
    }
}

#[test]
fn a_dev_url_on_the_databases_own_server_is_refused() {
    for backend in servers() {
        let server = backend.server_url().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let target = Scratch::blocking(backend, dir.path());
        let admin_db = if backend == Backend::Postgres {
            "postgres"
        } else {
            "mysql"
        };
        // Another database, and the host spelled another way.
        let dev = with_database(&server.replace("127.0.0.1", "localhost"), admin_db);
        let s = Sandbox::new(Some(&target.url), "schema = \"schema.sql\"\n");
        s.write("schema.sql", "CREATE TABLE t (id INT);\n");
        for args in [
            vec![
                "revision",
                "--autogenerate",
                "-m",
                "x",
                "--dev-url",
                dev.as_str(),
            ],
            vec!["test", "--dev-url", dev.as_str()],
        ] {
            let r = s.run(&args);
            assert_eq!(r.code, 1, "{backend:?} {args:?}\n{}", r.stderr);
            assert!(
                r.stderr.contains("is the server of the database"),
                "{}",
                r.stderr
            );
            assert!(r.stderr.contains("dev_url_same_server"), "{}", r.stderr);
            assert!(!r.stderr.contains("migrate-secret"), "{}", r.stderr);
        }
        // MIGRATE_DEV_URL is refused the same way.
        let r = crate::support::run_to_end(
            s.command(&["revision", "--autogenerate", "-m", "x"])
                .env("MIGRATE_DEV_URL", &dev),
        );
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(
            r.stderr.contains("is the server of the database"),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn a_failing_to_cmd_names_the_program_and_status_only() {
    let s = Sandbox::new(None, "dialect = \"sqlite\"\n");
    let r = s.run(&[
        "revision",
        "--autogenerate",
        "-m",
        "x",
        "--to-cmd",
        "PGPASSWORD=hunter2-secret false --password=hunter2-secret -phunter2-secret",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("`--to-cmd false` failed (exit status: 1)"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("hunter2"), "{}", r.stderr);
}
