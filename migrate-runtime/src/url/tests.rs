//! [`DatabaseUrl`] on every form a user writes, well-formed or not.

use super::*;

/// What one input must parse to. `None` fields are not checked.
struct Case {
    text: &'static str,
    dialect: Dialect,
    shown: &'static str,
    address: Option<&'static str>,
    database: Option<&'static str>,
    /// Each must be among the secrets; none may appear in `shown`.
    secrets: &'static [&'static str],
}

const fn case(
    text: &'static str,
    dialect: Dialect,
    shown: &'static str,
    address: Option<&'static str>,
    database: Option<&'static str>,
    secrets: &'static [&'static str],
) -> Case {
    Case {
        text,
        dialect,
        shown,
        address,
        database,
        secrets,
    }
}

use Dialect::{MySql, Postgres, Sqlite};

const CASES: &[Case] = &[
    case(
        "postgres://app:s3cret-pw@db:5432/orders",
        Postgres,
        "postgres://app:***@db:5432/orders",
        Some("db:5432"),
        Some("orders"),
        &["s3cret-pw"],
    ),
    case(
        "postgresql://app@db/orders",
        Postgres,
        "postgresql://app@db/orders",
        Some("db:5432"),
        Some("orders"),
        &[],
    ),
    case(
        "postgres://app:p%40ss%2Fw%23rd@db/x",
        Postgres,
        "postgres://app:***@db/x",
        Some("db:5432"),
        Some("x"),
        &["p%40ss%2Fw%23rd", "p@ss/w#rd"],
    ),
    // A raw `@` in the password: the last `@` ends the user part.
    case(
        "mysql://app:p@ss-word@db:3307/shop",
        MySql,
        "mysql://app:***@db:3307/shop",
        Some("db:3307"),
        Some("shop"),
        &["p@ss-word", "p%40ss-word"],
    ),
    // Characters the url crate encodes, written raw.
    case(
        "postgres://app:pa ss^{x}@db/x",
        Postgres,
        "postgres://app:***@db/x",
        Some("db:5432"),
        Some("x"),
        &["pa ss^{x}", "pa%20ss%5E%7Bx%7D"],
    ),
    case(
        "postgres://app@db/x?password=Qu3ry-Secret&sslmode=require",
        Postgres,
        "postgres://app@db/x?password=***&sslmode=require",
        Some("db:5432"),
        Some("x"),
        &["Qu3ry-Secret"],
    ),
    case(
        "postgres://app@db/x?sslmode=verify-full&sslpassword=K3y%2BPass+word",
        Postgres,
        "postgres://app@db/x?sslmode=verify-full&sslpassword=***",
        Some("db:5432"),
        Some("x"),
        &["K3y%2BPass+word", "K3y+Pass+word", "K3y+Pass word"],
    ),
    case(
        "postgres://app:Both-One@db/x?password=Both-Two",
        Postgres,
        "postgres://app:***@db/x?password=***",
        Some("db:5432"),
        Some("x"),
        &["Both-One", "Both-Two"],
    ),
    case(
        "postgres://app:v6-secret@[::1]:6543/x",
        Postgres,
        "postgres://app:***@[::1]:6543/x",
        Some("[::1]:6543"),
        Some("x"),
        &["v6-secret"],
    ),
    case(
        "mysql://root:v6-secret@[2001:db8::7]/x",
        MySql,
        "mysql://root:***@[2001:db8::7]/x",
        Some("[2001:db8::7]:3306"),
        Some("x"),
        &["v6-secret"],
    ),
    case(
        "postgres:///orders?host=/run/postgresql&user=app",
        Postgres,
        "postgres:///orders?host=/run/postgresql&user=app",
        Some("the Unix socket /run/postgresql"),
        Some("orders"),
        &[],
    ),
    case(
        "postgres://%2Fvar%2Frun%2Fpostgresql/orders",
        Postgres,
        "postgres://%2Fvar%2Frun%2Fpostgresql/orders",
        Some("the Unix socket /var/run/postgresql"),
        Some("orders"),
        &[],
    ),
    case(
        "mysql://app:sock-secret@localhost/shop?socket=/run/mysqld/mysqld.sock",
        MySql,
        "mysql://app:***@localhost/shop?socket=/run/mysqld/mysqld.sock",
        Some("the Unix socket /run/mysqld/mysqld.sock"),
        Some("shop"),
        &["sock-secret"],
    ),
    case(
        "mariadb://app:maria-secret@db/shop",
        MySql,
        "mariadb://app:***@db/shop",
        Some("db:3306"),
        Some("shop"),
        &["maria-secret"],
    ),
    case(
        "postgres://",
        Postgres,
        "postgres://",
        Some("localhost:5432"),
        None,
        &[],
    ),
    case(
        "sqlite:app.db",
        Sqlite,
        "sqlite:app.db",
        None,
        Some("app.db"),
        &[],
    ),
    case(
        "sqlite://rel.db",
        Sqlite,
        "sqlite://rel.db",
        None,
        Some("rel.db"),
        &[],
    ),
    case(
        "sqlite::memory:",
        Sqlite,
        "sqlite::memory:",
        None,
        Some(":memory:"),
        &[],
    ),
    case(
        "sqlite:///tmp/abs.db?mode=rwc",
        Sqlite,
        "sqlite:///tmp/abs.db?mode=rwc",
        None,
        Some("/tmp/abs.db"),
        &[],
    ),
    case(
        "SQLite:data/app db.sqlite?password=Sq1-Key",
        Sqlite,
        "sqlite:data/app db.sqlite?password=***",
        None,
        Some("data/app db.sqlite"),
        &["Sq1-Key"],
    ),
    case(
        "host=db port=6432 dbname=orders user=app password=Kv-Secret-1",
        Postgres,
        "host=db port=6432 dbname=orders user=app password=***",
        Some("db:6432"),
        Some("orders"),
        &["Kv-Secret-1"],
    ),
    case(
        "host = db  password = 'it\\'s a secret'  dbname=o",
        Postgres,
        "host=db password=*** dbname=o",
        Some("db:5432"),
        Some("o"),
        &["it's a secret", "'it\\'s a secret'"],
    ),
    case(
        "dbname='my db' password='Kv Secret\\\\2' host=/tmp",
        Postgres,
        "dbname='my db' password=*** host=/tmp",
        Some("the Unix socket /tmp"),
        Some("my db"),
        &["Kv Secret\\2", "'Kv Secret\\\\2'"],
    ),
];

#[test]
fn every_form_parses_to_its_parts() {
    assert!(CASES.len() >= 20);
    for c in CASES {
        let url = DatabaseUrl::parse(c.text).unwrap_or_else(|e| panic!("{}: {e}", c.text));
        assert_eq!(url.dialect(), c.dialect, "{}", c.text);
        let shown = url.to_string();
        assert_eq!(shown, c.shown, "{}", c.text);
        assert_eq!(format!("{url:?}"), format!("DatabaseUrl({shown:?})"));
        assert_eq!(url.address().as_deref(), c.address, "{}", c.text);
        assert_eq!(url.database(), c.database, "{}", c.text);
        for s in c.secrets {
            assert!(
                url.secrets().iter().any(|x| x == s),
                "{}: {s:?} not in {:?}",
                c.text,
                url.secrets()
            );
            if s.len() >= 4 {
                assert!(!shown.contains(s), "{}: {shown}", c.text);
            }
        }
        if c.secrets.is_empty() {
            assert!(url.secrets().is_empty(), "{}: {:?}", c.text, url.secrets());
        }
    }
}

#[test]
fn host_port_and_socket_are_separate() {
    let url = DatabaseUrl::parse("postgres://app:x@db.internal:6000/x").unwrap();
    assert_eq!(
        (url.host(), url.port(), url.socket()),
        (Some("db.internal"), Some(6000), None)
    );
    let url = DatabaseUrl::parse("postgres://[::1]/x").unwrap();
    assert_eq!(url.host(), Some("::1"));
    let url = DatabaseUrl::parse("postgres:///x?host=/run/pg&port=5433").unwrap();
    assert_eq!(
        (url.host(), url.port(), url.socket()),
        (None, Some(5433), Some("/run/pg"))
    );
    let url = DatabaseUrl::parse("sqlite:a.db").unwrap();
    assert_eq!((url.host(), url.port(), url.address()), (None, None, None));
}

/// The issue's example: a raw `/`, `#` and `?` in the password. Nothing of
/// the password is printed, the host is named, and the fix is said.
#[test]
fn a_url_that_does_not_parse_shows_only_scheme_and_host() {
    let password_parts = ["Se/cr", "cr#et", "et?Pw1", "Pw1", "app:Se"];
    for text in [
        "postgres://app:Se/cr#et?Pw1@host/db",
        "postgres://app:Se#cr/et?Pw1@host:5432/db",
        "mysql://app:Se?cr#et/Pw1@host/db",
        // Parses as host `app`, port 12 and a path holding the rest.
        "postgres://app:12/cr#et?Pw1@host/db",
        "postgres://app:12#cr?Pw1@host/db",
    ] {
        let err = DatabaseUrl::parse(text).unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, UrlError::Malformed { .. }), "{text}: {err:?}");
        assert!(message.contains("does not parse"), "{message}");
        assert!(message.contains("percent-encoded"), "{message}");
        assert!(message.contains("`host`"), "{text}: {message}");
        for part in password_parts {
            assert!(!message.contains(part), "{text}: {message}");
            assert!(!format!("{err:?}").contains(part), "{text}: {err:?}");
        }
        assert!(
            message.contains("%2F") && message.contains("%23"),
            "{message}"
        );
        // The loose reading still finds the password, to scrub it.
        let secrets = DatabaseUrl::secrets_of(text);
        assert!(
            secrets
                .iter()
                .any(|s| s.contains("Pw1") && s.contains("cr")),
            "{text}: {secrets:?}"
        );
    }
}

#[test]
fn garbage_and_foreign_schemes_are_refused_without_echo() {
    let kind = |t: &str| DatabaseUrl::parse(t).unwrap_err();
    assert_eq!(kind(""), UrlError::Empty);
    assert_eq!(kind("   "), UrlError::Empty);
    assert_eq!(kind("just some words"), UrlError::NoScheme);
    assert_eq!(kind("/tmp/app.db"), UrlError::NoScheme);
    assert!(matches!(kind("postgres:db"), UrlError::Malformed { .. }));
    assert!(matches!(
        kind("postgres://u:p@[::1/x"),
        UrlError::Malformed { .. }
    ));
    assert!(matches!(
        kind("host='unclosed password=x"),
        UrlError::Malformed { .. }
    ));
    assert!(matches!(
        kind("host=db password"),
        UrlError::Malformed { .. }
    ));
    let err = kind("oracle://app:Not-Shown-1@db/x");
    assert_eq!(
        err,
        UrlError::Unsupported {
            shown: "oracle://app:***@db/x".into()
        }
    );
    // A scheme that is really a user name: nothing after it is shown.
    let err = kind("app:Not-Shown-2@db/x");
    assert_eq!(
        err,
        UrlError::Unsupported {
            shown: "app:".into()
        }
    );
    let err = kind("redis://app:Not#Shown-3@db/x");
    assert!(!err.to_string().contains("Shown"), "{err}");
    // The key=value error names the host but no value.
    let err = kind("host=db.internal password='Not Shown-4");
    assert!(err.to_string().contains("`db.internal`"), "{err}");
    assert!(!err.to_string().contains("Shown"), "{err}");
}

#[test]
fn scrub_removes_every_form() {
    let url = DatabaseUrl::parse("postgres://app:s%40cret-pw@db/x?sslpassword=k3y-pass").unwrap();
    assert_eq!(
        url.scrub("bad s@cret-pw and s%40cret-pw, key k3y-pass"),
        "bad *** and ***, key ***"
    );
    let plain = DatabaseUrl::parse("sqlite:app.db").unwrap();
    assert_eq!(plain.scrub("nothing"), "nothing");
    let short = DatabaseUrl::parse("postgres://u:abc@h/d").unwrap();
    assert!(!short.scrub("pw abc").contains("abc"));
}

#[test]
fn urls_in_text_are_redacted_without_knowing_them() {
    assert_eq!(
        DatabaseUrl::redact_in("see `mysql://root:pw@h/db` now"),
        "see `mysql://root:***@h/db` now"
    );
    assert_eq!(
        DatabaseUrl::redact_in("to postgres://a:b@h:1/x: refused"),
        "to postgres://a:***@h:1/x: refused"
    );
    assert_eq!(
        DatabaseUrl::redact_in("to postgres://h/x?password=pw: refused"),
        "to postgres://h/x?password=***: refused"
    );
    assert_eq!(
        DatabaseUrl::redact_in("(postgres://a:Se/cr#et@h/x)"),
        "(postgres://***)"
    );
    assert_eq!(
        DatabaseUrl::redact_in("docs at https://example.org/x."),
        "docs at https://example.org/x."
    );
}

#[test]
fn the_driver_gets_what_sqlx_reads() {
    let text = |t: &str| DatabaseUrl::parse(t).unwrap().driver_text().into_owned();
    assert_eq!(text("mariadb://u:p@h/x"), "mysql://u:p@h/x");
    assert_eq!(text("MariaDB://u:p@h/x"), "mysql://u:p@h/x");
    assert_eq!(text("postgres://u:p@h/x"), "postgres://u:p@h/x");
    assert_eq!(text("SQLITE:a.db"), "sqlite:a.db");
    assert_eq!(text("sqlite://a.db?mode=ro"), "sqlite://a.db?mode=ro");
    let kv = text("host=db port=6432 user=app password='a b&c' dbname=o sslpassword=z");
    let url = ::url::Url::parse(&kv).unwrap();
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert_eq!(
        pairs,
        [
            ("host".into(), "db".into()),
            ("port".into(), "6432".into()),
            ("user".into(), "app".into()),
            ("password".into(), "a b&c".into()),
            ("dbname".into(), "o".into()),
        ]
    );
    let url = DatabaseUrl::parse("sqlite:a.db?mode=ro&cache=shared").unwrap();
    assert_eq!(url.query_value("mode").as_deref(), Some("ro"));
    assert_eq!(url.query_value("x"), None);
}
