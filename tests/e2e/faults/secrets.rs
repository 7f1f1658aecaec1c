//! Unreachable databases and wrong passwords: a clear error, and the
//! password never shown, in the CLI's output (every command that connects,
//! plain, verbose, `--json`, with `RUST_LOG=trace`) or in the runtime's
//! errors (`Display`, `Debug`, and every wrapped sqlx error in the chain),
//! including errors from a pool whose password stopped working after it
//! connected. (The server dying mid-run is in `restart`.)
//!
//! Issue 9 point 6, each through the real CLI: a raw `/`, `#` or `?` in the
//! password (the URL does not parse: only scheme and host are named), sqlx's
//! `?password=` parameter, a libpq `key=value` string, and a malformed `.env`
//! line (reported by line number only).

use crate::support::{cli_bin, unique_name, Backend, Scratch, MYSQL_ENV, POSTGRES_ENV};
use migrate_runtime::{ConnectFailure, Db, Error};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// `url` with its password replaced by `password` (and its user by `user`).
fn with_credentials(url: &str, user: Option<&str>, password: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let (userinfo, host) = rest.split_once('@').unwrap();
    let user = user.unwrap_or_else(|| userinfo.split(':').next().unwrap());
    format!("{scheme}://{user}:{password}@{host}")
}

fn with_password(url: &str, password: &str) -> String {
    with_credentials(url, None, password)
}

/// Every form in which a password might leak: as written and decoded.
fn forms(password: &str) -> Vec<String> {
    let decoded = password.replace("%40", "@").replace("%3A", ":");
    vec![password.to_owned(), decoded]
}

fn assert_clean(what: &str, text: &str, secrets: &[String]) {
    for s in secrets {
        assert!(
            !text.contains(s.as_str()),
            "{what}: the password leaked:\n{text}"
        );
    }
}

/// The error, its `Debug` form and every source in its chain.
fn everything_about(e: &Error) -> String {
    let mut all = format!("{e}\n{e:?}\n");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        all.push_str(&format!("{s}\n{s:?}\n"));
        source = s.source();
    }
    all
}

fn project() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("migrations");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("01_a1.sql"),
        "-- Revision ID: a1\n-- Revises:\n\n-- migrate:up\nCREATE TABLE t (x INT);\n\n-- migrate:down\nDROP TABLE t;\n",
    )
    .unwrap();
    tmp
}

/// The issue's URL shape on a given server: a raw `/`, `#` and `?` in the
/// password.
const RAW_PASSWORD: &str = "Se/cr#et?Pw1";

/// Pieces of [`RAW_PASSWORD`] that must not be printed either.
fn raw_password_pieces() -> Vec<String> {
    ["Se/cr", "cr#et", "et?Pw1", "Pw1", ":Se"]
        .map(str::to_owned)
        .to_vec()
}

/// `host:port` of a server URL.
fn host_port(url: &str) -> &str {
    let rest = url.split_once('@').map_or(url, |(_, r)| r);
    rest.split(['/', '?']).next().unwrap()
}

/// One CLI run with `DATABASE_URL` set or removed: exit code, stdout, stderr.
fn cli(project: &Path, args: &[&str], url: Option<&str>) -> (Option<i32>, String, String) {
    let mut cmd = Command::new(cli_bin());
    cmd.arg("migrate")
        .args(args)
        .current_dir(project)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "trace");
    if let Some(url) = url {
        cmd.env("DATABASE_URL", url);
    }
    let out = cmd.output().expect("running cargo-migrate");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs one CLI command against `url` and checks its output.
fn cli_refuses(
    project: &Path,
    url: &str,
    args: &[&str],
    via_flag: bool,
    secrets: &[String],
) -> String {
    let mut cmd = Command::new(cli_bin());
    cmd.arg("migrate")
        .args(args)
        .current_dir(project)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "trace")
        .env("RUST_BACKTRACE", "1");
    if via_flag {
        cmd.args(["--database-url", url]);
    } else {
        cmd.env("DATABASE_URL", url);
    }
    let out = cmd.output().expect("running cargo-migrate");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    let what = format!(
        "`cargo migrate {}` on {}",
        args.join(" "),
        migrate_runtime::redact_url(url)
    );
    assert_eq!(out.status.code(), Some(1), "{what}:\n{stdout}\n{stderr}");
    assert_clean(&what, &stdout, secrets);
    assert_clean(&what, &stderr, secrets);
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    if args.contains(&"--json") {
        return stderr.into_owned();
    }
    assert!(stderr.starts_with("error: "), "{what}: {stderr}");
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{what}: one error line: {stderr}"
    );
    stderr.into_owned()
}

/// Every command that connects, against refused ports, an unknown host, a
/// silent address and wrong passwords on the real servers (one of them
/// percent-encoded), with the URL from `DATABASE_URL` and from the flag.
#[test]
fn cli_never_prints_the_password() {
    let project = project();
    let mut urls = vec![
        "postgres://app:Secret-Refused-1@127.0.0.1:1/appdb".to_owned(),
        "mysql://app:Secret-Refused-2@127.0.0.1:1/appdb".to_owned(),
        "postgres://app:Secret-Dns-3@no-such-host.invalid:5432/appdb".to_owned(),
    ];
    for (env, password) in [
        (POSTGRES_ENV, "Wr0ng-Secret-4"),
        (MYSQL_ENV, "Wr%40ng%3ASecret-5"),
    ] {
        match std::env::var(env) {
            Ok(server) => urls.push(with_password(&server, password)),
            Err(_) => println!("SKIP wrong password on {env}: not set"),
        }
    }
    let commands: [&[&str]; 10] = [
        &["current"],
        &["current", "-v", "--json"],
        &["upgrade"],
        &["downgrade", "base"],
        &["stamp", "head"],
        &["stamp", "--accept-checksum", "a1"],
        &["resolve", "a1", "--applied"],
        &["history", "--indicate-current"],
        &["check"],
        &["check", "--json"],
    ];
    for url in &urls {
        let password = url.split_once("://").unwrap().1;
        let password = password
            .split_once('@')
            .unwrap()
            .0
            .split_once(':')
            .unwrap()
            .1;
        let secrets = forms(password);
        for (k, args) in commands.iter().enumerate() {
            cli_refuses(project.path(), url, args, k % 2 == 1, &secrets);
        }
    }

    // A server that accepts connections and never answers (hung, or a
    // firewall that swallows packets): the wait is bounded (10 s) and the
    // message says nothing answered. Both dialects at once.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in silent.incoming() {
            held.push(conn);
        }
    });
    let started = Instant::now();
    let waiting: Vec<_> = ["postgres", "mysql"]
        .into_iter()
        .map(|scheme| {
            let project = project.path().to_owned();
            let url = format!("{scheme}://app:Secret-Silent-6@127.0.0.1:{port}/appdb");
            std::thread::spawn(move || {
                let stderr = cli_refuses(
                    &project,
                    &url,
                    &["current"],
                    false,
                    &forms("Secret-Silent-6"),
                );
                assert!(stderr.contains("no answer within 10 s"), "{stderr}");
                assert!(
                    stderr.contains(&format!(
                        "hint: the server did not answer at 127.0.0.1:{port}"
                    )),
                    "{stderr}"
                );
            })
        })
        .collect();
    for w in waiting {
        w.join().expect("the silent-server check");
    }
    let took = started.elapsed();
    println!("a server that never answers: the CLI gave up after {took:?}");
    assert!(took < Duration::from_secs(20), "{took:?}");
}

/// The runtime's errors for wrong passwords and refused connections, and the
/// error of a pool whose password was changed after it connected (a wrapped
/// sqlx error from deep inside a run), carry no password anywhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runtime_errors_never_show_the_password() {
    for url in [
        "postgres://app:Secret-Refused-7@127.0.0.1:1/appdb",
        "mysql://app:Secret-Refused-8@127.0.0.1:1/appdb",
    ] {
        let err = Db::connect(url).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::Connect {
                    kind: ConnectFailure::Refused,
                    ..
                }
            ),
            "{err:?}"
        );
        let all = everything_about(&err);
        assert!(all.contains("app:***@127.0.0.1:1"), "{all}");
        assert_clean(
            url,
            &all,
            &forms(url.split(':').nth(2).unwrap().split('@').next().unwrap()),
        );
    }

    for backend in [Backend::Postgres, Backend::MySql] {
        let Some(scratch) = Scratch::new(backend).await else {
            continue;
        };
        let server = backend.server_url().unwrap();
        // Wrong passwords, plain and percent-encoded.
        for password in ["Wr0ng-Secret-9", "Wr%40ng%3ASecret-10"] {
            let err = Db::connect(&with_password(&scratch.url, password))
                .await
                .unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::Connect {
                        kind: ConnectFailure::Auth,
                        ..
                    }
                ),
                "{err:?}"
            );
            let all = everything_about(&err);
            assert!(all.contains(":***@"), "{all}");
            assert_clean(&format!("{backend:?}"), &all, &forms(password));
        }

        // A user whose password changes after its pool connected.
        let role = unique_name("fault_role");
        let (first, second) = ("First-Secret-11", "Second-Secret-12");
        let admin = Db::connect(&server).await.unwrap();
        let (create, alter, drop) = match backend {
            Backend::Postgres => (
                format!("CREATE ROLE {role} LOGIN PASSWORD '{first}'"),
                format!("ALTER ROLE {role} PASSWORD '{second}'"),
                format!("DROP ROLE IF EXISTS {role}"),
            ),
            _ => (
                format!("CREATE USER '{role}'@'127.0.0.1' IDENTIFIED BY '{first}'; GRANT ALL PRIVILEGES ON {}.* TO '{role}'@'127.0.0.1'", scratch.name),
                format!("ALTER USER '{role}'@'127.0.0.1' IDENTIFIED BY '{second}'"),
                format!("DROP USER IF EXISTS '{role}'@'127.0.0.1'"),
            ),
        };
        crate::support::exec(&admin, &create).await.unwrap();
        let url = with_credentials(&scratch.url, Some(&role), first);
        let db = Db::connect(&url).await.unwrap();
        crate::support::exec(&admin, &alter).await.unwrap();
        let set = crate::support::migrations(&[(
            "01_a1.sql".to_owned(),
            "-- Revision ID: a1\n-- Revises:\n\n-- migrate:up\nCREATE TABLE t (x INT);\n\n-- migrate:down\nDROP TABLE t;\n".to_owned(),
        )]);
        let err = set.upgrade(&db).await.unwrap_err();
        let all = everything_about(&err);
        println!("{backend:?}: a pool whose password changed: {err}");
        assert!(matches!(err, Error::Database { .. }), "{err:?}");
        assert_clean(&format!("{backend:?} pool"), &all, &forms(first));
        assert_clean(&format!("{backend:?} pool"), &all, &forms(second));
        assert_clean(
            &format!("{backend:?} pool Debug"),
            &format!("{db:?}"),
            &forms(first),
        );
        db.close().await;
        crate::support::exec(&admin, &drop).await.unwrap();
        admin.close().await;
    }
}

/// A raw `/`, `#` or `?` in the password: the URL does not parse, and the
/// message names the scheme and host, says to percent-encode, and shows no
/// part of the password (it used to say "the server is expected at app:Se").
#[test]
fn a_password_with_raw_special_characters_is_not_printed() {
    let project = project();
    let mut servers = vec![
        "postgres://app:x@127.0.0.1:1/appdb".to_owned(),
        "mysql://app:x@127.0.0.1:1/appdb".to_owned(),
    ];
    for env in [POSTGRES_ENV, MYSQL_ENV] {
        match std::env::var(env) {
            Ok(server) => servers.push(server),
            Err(_) => println!("SKIP raw password on {env}: not set"),
        }
    }
    let secrets = raw_password_pieces();
    for server in &servers {
        let url = with_password(server, RAW_PASSWORD);
        let host = host_port(&url).split(':').next().unwrap().to_owned();
        for (k, args) in [&["current"][..], &["upgrade"], &["downgrade", "base"]]
            .into_iter()
            .enumerate()
        {
            let stderr = cli_refuses(project.path(), &url, args, k % 2 == 1, &secrets);
            assert!(stderr.contains("does not parse"), "{stderr}");
            assert!(stderr.contains("percent-encoded"), "{stderr}");
            assert!(stderr.contains(&format!("`{host}`")), "{stderr}");
            assert!(!stderr.contains("expected at app"), "{stderr}");
        }
    }
}

/// sqlx's `?password=` parameter (and `sslpassword=`): redacted in the
/// URL shown, on a refused port and against the real server.
#[test]
fn a_password_in_the_query_string_is_not_printed() {
    let project = project();
    let mut cases = vec![
        (
            "postgres://app@127.0.0.1:1/appdb?password=Qp-Secret-13&sslpassword=Qp-Secret-14"
                .to_owned(),
            "nothing answered at 127.0.0.1:1",
        ),
        (
            "mysql://app@127.0.0.1:1/appdb?password=Qp-Secret-13".to_owned(),
            "nothing answered at 127.0.0.1:1",
        ),
    ];
    match std::env::var(POSTGRES_ENV) {
        Ok(server) => {
            let (user_part, rest) = server.split_once('@').unwrap();
            let user = user_part
                .split("://")
                .nth(1)
                .unwrap()
                .split(':')
                .next()
                .unwrap();
            cases.push((
                format!("postgres://{user}@{rest}?password=Qp-Secret-13"),
                "rejected the credentials",
            ));
        }
        Err(_) => println!("SKIP ?password= on {POSTGRES_ENV}: not set"),
    }
    let secrets = ["Qp-Secret-13".to_owned(), "Qp-Secret-14".to_owned()];
    for (url, advice) in &cases {
        for (k, args) in [&["current"][..], &["upgrade"]].into_iter().enumerate() {
            let stderr = cli_refuses(project.path(), url, args, k % 2 == 1, &secrets);
            assert!(stderr.contains("password=***"), "{stderr}");
            assert!(stderr.contains(advice), "{url}: {stderr}");
        }
    }
}

/// A libpq `key=value` connection string: shown with `password=***`, on a
/// refused port, and against the real server with a wrong password (a
/// quoted one with spaces) and with the right one.
#[test]
fn a_key_value_connection_string_is_not_printed() {
    let project = project();
    let refused = "host=127.0.0.1 port=1 user=app password=Kv-Secret-15 dbname=appdb";
    let secrets = vec!["Kv-Secret-15".to_owned()];
    for (k, args) in [&["current"][..], &["upgrade"]].into_iter().enumerate() {
        let stderr = cli_refuses(project.path(), refused, args, k % 2 == 1, &secrets);
        assert!(stderr.contains("password=***"), "{stderr}");
        assert!(
            stderr.contains("nothing answered at 127.0.0.1:1"),
            "{stderr}"
        );
    }
    let Ok(server) = std::env::var(POSTGRES_ENV) else {
        println!("SKIP key=value on {POSTGRES_ENV}: not set");
        return;
    };
    let url = migrate_runtime::DatabaseUrl::parse(&server).unwrap();
    let user = server
        .split("://")
        .nth(1)
        .unwrap()
        .split(':')
        .next()
        .unwrap();
    let key_value = |password: &str| {
        format!(
            "host={} port={} user={user} password={password} dbname={}",
            url.host().unwrap(),
            url.port().unwrap(),
            url.database().unwrap()
        )
    };
    let wrong = key_value("'Kv Wrong-Secret-16'");
    let stderr = cli_refuses(
        project.path(),
        &wrong,
        &["current"],
        false,
        &["Kv Wrong-Secret-16".to_owned(), "Wrong-Secret".to_owned()],
    );
    assert!(stderr.contains("rejected the credentials"), "{stderr}");
    // The right password connects: the form is supported, not only hidden.
    let password = server
        .split_once("://")
        .unwrap()
        .1
        .split_once('@')
        .unwrap()
        .0;
    let password = password.split_once(':').unwrap().1;
    let (code, stdout, stderr) = cli(project.path(), &["current"], Some(&key_value(password)));
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(!stderr.contains(password), "{stderr}");
}

/// A malformed `.env` line other than `DATABASE_URL`: named by file and
/// line number, its text never printed, and the other lines still read.
#[test]
fn a_malformed_dot_env_line_is_reported_by_number_only() {
    let project = project();
    let env = project.path().join(".env");
    std::fs::write(
        &env,
        "# settings\nDATABASE_URL=sqlite:from_dotenv.db\nexport API_KEY hunter2-Secret-17\nAPI_TOKEN=\"hunter2-Secret-18\n",
    )
    .unwrap();
    let (code, stdout, stderr) = cli(project.path(), &["current"], None);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert_eq!(stdout, "base (no revision applied)\n");
    assert_clean(".env", &stderr, &["hunter2".to_owned(), "API_".to_owned()]);
    assert!(
        stderr.contains("warning: ignoring line 3 of .env:")
            && stderr.contains("warning: ignoring line 4 of .env:"),
        "{stderr}"
    );
    assert!(project.path().join("from_dotenv.db").is_file());

    // A bad line before the URL no longer hides it.
    std::fs::write(
        &env,
        "API_TOKEN hunter2-Secret-19\nDATABASE_URL=sqlite:second.db\n",
    )
    .unwrap();
    let (code, stdout, stderr) = cli(project.path(), &["upgrade"], None);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert_clean(
        ".env",
        &format!("{stdout}{stderr}"),
        &["hunter2".to_owned()],
    );
    assert!(stderr.contains("ignoring line 1 of .env"), "{stderr}");
    assert!(project.path().join("second.db").is_file());
}
