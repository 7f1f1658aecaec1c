//! `test`, `check` and `squash` with migrations that act outside their
//! database (roles and users, another database's rows): on the default
//! private server, production keeps its rows, its role's password and its
//! grants. On a shared dev server the project opted in to, those
//! statements are listed as a warning before anything is replayed.

use super::harness::{servers, Production, Sandbox};
use crate::support::{Backend, Scratch};

fn migrations(s: &Sandbox, backend: Backend, p: &Production) {
    let (o, r) = (&p.other, &p.role);
    match backend {
        Backend::Postgres => {
            s.revision(
                1,
                "r1",
                "",
                &format!("CREATE TABLE t1 (id INT);\nCREATE ROLE {r};"),
                &format!("DROP TABLE t1;\nDROP ROLE IF EXISTS {r};"),
            );
            s.revision(
                2,
                "r2",
                "r1",
                &format!(
                    "CREATE TABLE t2 (id INT);\nALTER ROLE {r} PASSWORD 'changed-by-scratch';"
                ),
                "DROP TABLE t2;",
            );
        }
        _ => {
            s.revision(
                1,
                "r1",
                "",
                &format!("CREATE TABLE t1 (id INT);\nCREATE USER '{r}'@'%';"),
                &format!("DROP TABLE t1;\nDROP USER IF EXISTS '{r}'@'%';"),
            );
            s.revision(
                2,
                "r2",
                "r1",
                &format!("CREATE TABLE t2 (id INT);\nCREATE DATABASE IF NOT EXISTS {o};\nCREATE TABLE IF NOT EXISTS {o}.orders (id INT PRIMARY KEY, card TEXT);\nDELETE FROM {o}.orders;\nGRANT SELECT ON {o}.* TO '{r}'@'%';\nREVOKE ALL PRIVILEGES ON {o}.* FROM '{r}'@'%';"),
                "DROP TABLE t2;",
            );
        }
    }
    s.write(
        "schema.sql",
        "CREATE TABLE t1 (id INT);\nCREATE TABLE t2 (id INT);\n",
    );
}

#[test]
fn test_check_and_squash_leave_production_alone() {
    for backend in servers() {
        let Some(p) = Production::new(backend) else {
            continue;
        };
        let before = p.state();
        let dir = tempfile::tempdir().unwrap();
        let target = Scratch::blocking(backend, dir.path());
        let s = Sandbox::new(Some(&target.url), "schema = \"schema.sql\"\n");
        migrations(&s, backend, &p);
        let r = s.run(&["test"]);
        assert_eq!(r.code, 0, "{backend:?} test\n{}\n{}", r.stdout, r.stderr);
        assert_eq!(p.state(), before, "{backend:?} after test");
        let r = s.run(&["check"]);
        assert!(!r.stderr.contains("migrate-secret"), "{}", r.stderr);
        assert_eq!(p.state(), before, "{backend:?} after check: {}", r.stderr);
        let r = s.run(&["squash", "--to", "r2", "-m", "squashed"]);
        assert_eq!(r.code, 0, "{backend:?} squash\n{}\n{}", r.stdout, r.stderr);
        assert_eq!(p.state(), before, "{backend:?} after squash");
        // The database itself was only read: nothing was created in it.
        let tables = target.query_i64(&match backend {
            Backend::Postgres => {
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'".to_owned()
            }
            _ => format!(
                "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{}'",
                target.name
            ),
        });
        assert_eq!(tables, 0, "{backend:?}");
    }
}

#[test]
fn a_shared_dev_server_gets_a_warning_listing_statements_outside_one_database() {
    for backend in servers() {
        let server = backend.server_url().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let target = Scratch::blocking(backend, dir.path());
        let role = format!("w{}", crate::support::unique_name("r").replace('_', ""));
        let s = Sandbox::new(
            Some(&target.url),
            &format!(
                "dev_url = \"{server}\"\ndev_url_same_server = \"{}\"\n",
                target.name
            ),
        );
        let (up, down) = match backend {
            Backend::Postgres => (format!("CREATE ROLE {role};"), format!("DROP ROLE {role};")),
            _ => (
                format!("CREATE USER '{role}'@'%';"),
                format!("DROP USER '{role}'@'%';"),
            ),
        };
        s.revision(
            1,
            "r1",
            "",
            &format!("CREATE TABLE t1 (id INT);\n{up}"),
            &format!("DROP TABLE t1;\n{down}"),
        );
        let r = s.run(&["test"]);
        let cleanup = match backend {
            Backend::Postgres => format!("DROP ROLE IF EXISTS {role}"),
            _ => format!("DROP USER IF EXISTS '{role}'@'%'"),
        };
        super::harness::exec_on(&server, &cleanup);
        assert_eq!(r.code, 0, "{backend:?}\n{}\n{}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains("act outside one database"),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains("0001_r1.sql (up"), "{}", r.stderr);
        assert!(r.stderr.contains("0001_r1.sql (down"), "{}", r.stderr);
    }
}
