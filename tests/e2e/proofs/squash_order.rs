//! Squash fidelity, continued: objects written in the order of their real
//! dependencies (a SQL function reading a view, views over views, a
//! trigger after its function); MariaDB system versioning carried or
//! refused naming the table; a FORCE ROW LEVEL SECURITY table squashed by
//! a dev user that is not a superuser fails naming the table instead of
//! leaving its hidden rows out.

use super::{on, server, set};
use crate::support::{exec, rev, strings, unique_name, Backend};
use migrate_devtools::autogen::{Pipeline, SquashDraft};
use migrate_devtools::scratch::ScratchServer;
use migrate_runtime::{DatabaseUrl, Db, Migrations};

async fn squash_on(migrations: &Migrations, server: ScratchServer) -> Result<SquashDraft, String> {
    let mut p = Pipeline::new(migrations, server);
    let result = p.squash("heads", true).await;
    p.finish().await.unwrap();
    result.map_err(|e| format!("{e} / {e:?}"))
}

/// The squash's up run on a fresh scratch database; `query`'s first
/// column read back.
async fn replay(draft: &SquashDraft, b: Backend, query: &str) -> Vec<String> {
    let server = server(b);
    let scratch = server.create().await.unwrap();
    let mut result = Ok(());
    for statement in &draft.up {
        if result.is_ok() {
            result = exec(&scratch.db, statement).await;
        }
    }
    let rows = match result {
        Ok(()) => strings(&scratch.db, query).await,
        Err(e) => Err(e),
    };
    server.drop(scratch).await.unwrap();
    rows.expect("the squash replays")
}

/// Where the statement creating `name` stands in `up`.
fn position(up: &[String], create: &str) -> usize {
    up.iter()
        .position(|s| s.contains(create))
        .unwrap_or_else(|| panic!("`{create}` not in {up:#?}"))
}

async fn objects_follow_their_dependencies(b: Backend) {
    // Named so that an order by kind, then name, is wrong: `a_top` reads
    // `z_active`, and the function (written before views by kind) reads
    // the view too.
    let (function, use_function) = match b {
        Backend::Postgres => (
            "CREATE FUNCTION active_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM z_active $$;\nCREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.active := true; RETURN NEW; END $$;\nCREATE TRIGGER users_stamp BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION stamp();\n",
            "SELECT CAST(active_count() AS TEXT) || '/' || CAST((SELECT count(*) FROM a_top) AS TEXT)",
        ),
        _ => ("", "SELECT CAST((SELECT count(*) FROM a_top) AS CHAR)"),
    };
    let migrations = set(&[
        rev("a1", &[])
            .up("CREATE TABLE users (id INT PRIMARY KEY, active BOOLEAN NOT NULL);\nINSERT INTO users (id, active) VALUES (1, true), (2, false), (3, true);")
            .down("DROP TABLE users;"),
        rev("b2", &["a1"])
            .up(&format!("CREATE VIEW z_active AS SELECT id FROM users WHERE active;\nCREATE VIEW a_top AS SELECT id FROM z_active WHERE id > 1;\n{function}"))
            .down("SELECT 1;"),
    ]);
    let draft = squash_on(migrations, server(b))
        .await
        .expect("the squash passes");
    let (z, a) = (
        position(&draft.up, "z_active"),
        position(&draft.up, "a_top"),
    );
    assert!(z < a, "{:#?}", draft.up);
    if b == Backend::Postgres {
        let f = position(&draft.up, "FUNCTION public.active_count()");
        let t = position(&draft.up, "TRIGGER users_stamp");
        let s = position(&draft.up, "FUNCTION public.stamp()");
        assert!(z < f && s < t, "{:#?}", draft.up);
        assert_eq!(replay(&draft, b, use_function).await, ["2/1"]);
    } else {
        assert_eq!(replay(&draft, b, use_function).await, ["1"]);
    }
}
on!(objects_follow_their_dependencies: sqlite = Sqlite, postgres = Postgres, mysql = MySql);

/// A table whose DEFAULT and CHECK call functions of the schema, and a
/// column of a domain: the squash creates those before the table, and the
/// functions' other uses (a view) after it.
async fn tables_after_what_they_call(b: Backend) {
    let migrations = set(&[
        rev("a1", &[])
            .up("CREATE FUNCTION next_code() RETURNS text LANGUAGE sql AS $$ SELECT 'c-' || (random() * 1000)::int $$;\nCREATE FUNCTION is_code(t text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT t LIKE 'c-%' $$;\nCREATE DOMAIN positive AS integer CHECK (VALUE > 0);\nCREATE TABLE items (id INT PRIMARY KEY, code TEXT NOT NULL DEFAULT next_code() CHECK (is_code(code)), qty positive NOT NULL);\nINSERT INTO items (id, qty) VALUES (1, 5), (2, 7);\nCREATE VIEW coded AS SELECT id FROM items WHERE is_code(code);")
            .down("DROP VIEW coded;\nDROP TABLE items;\nDROP DOMAIN positive;\nDROP FUNCTION is_code(text);\nDROP FUNCTION next_code();"),
    ]);
    let draft = squash_on(migrations, server(b))
        .await
        .expect("the squash passes");
    let table = position(&draft.up, "CREATE TABLE");
    for needed in ["next_code()", "is_code(", "DOMAIN"] {
        assert!(
            position(&draft.up, needed) < table,
            "{needed}: {:#?}",
            draft.up
        );
    }
    assert!(table < position(&draft.up, "VIEW"), "{:#?}", draft.up);
    assert_eq!(
        replay(&draft, b, "SELECT CAST(count(*) AS TEXT) FROM coded").await,
        ["2"]
    );
}
on!(tables_after_what_they_call: postgres = Postgres);

async fn system_versioning_is_carried_or_refused(b: Backend) {
    let migrations = set(&[rev("a1", &[])
        .up("CREATE TABLE prices (id INT PRIMARY KEY, amount INT) WITH SYSTEM VERSIONING;\nINSERT INTO prices VALUES (1, 10);\nUPDATE prices SET amount = 11;")
        .down("DROP TABLE prices;")]);
    match squash_on(migrations, server(b)).await {
        Ok(draft) => assert_eq!(
            replay(&draft, b, "SELECT TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'prices'").await,
            ["SYSTEM VERSIONED"],
            "{:#?}",
            draft.up
        ),
        Err(e) => assert!(e.contains("system versioning of table prices"), "{e}"),
    }
}
on!(system_versioning_is_carried_or_refused: mysql = MySql);

/// `url` with `user:password` as its credentials.
fn as_user(url: &str, user: &str, password: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    format!("{scheme}://{user}:{password}@{host}")
}

/// A FORCE ROW LEVEL SECURITY table whose policy hides rows from its owner
/// (the dev user, not a superuser): the squash fails naming the table.
async fn forced_row_security_fails_for_a_plain_dev_user(b: Backend) {
    let admin_url = b.server_url().expect("a server");
    let admin = Db::connect(&admin_url).await.expect("the test server");
    let role = unique_name("p18_dev");
    let password = "p18-dev-secret";
    exec(
        &admin,
        &format!("CREATE ROLE {role} LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS PASSWORD '{password}'"),
    )
    .await
    .expect("a role");
    let migrations = set(&[rev("a1", &[])
        .up("CREATE TABLE secrets (id INT PRIMARY KEY, holder TEXT NOT NULL);\nINSERT INTO secrets VALUES (1, 'someone else'), (2, current_user);\nALTER TABLE secrets ENABLE ROW LEVEL SECURITY;\nALTER TABLE secrets FORCE ROW LEVEL SECURITY;\nCREATE POLICY own ON secrets USING (holder = current_user);")
        .down("DROP TABLE secrets;")]);
    let url = DatabaseUrl::parse(&as_user(&admin_url, &role, password)).unwrap();
    let result = match ScratchServer::new(b.dialect(), &url) {
        Ok(server) => squash_on(migrations, server).await,
        Err(e) => Err(format!("no scratch server: {e}")),
    };
    // The role goes whatever happened (its scratch databases went with
    // the pipeline's finish).
    let dropped = exec(&admin, &format!("DROP ROLE {role}")).await;
    admin.close().await;
    dropped.expect("the role is dropped");
    let e = result.expect_err("hidden rows are not squashed");
    assert!(
        e.contains("reading the rows of table \"secrets\"") && e.contains("row-level security"),
        "{e}"
    );
    assert!(!e.contains(password), "{e}");
}
on!(forced_row_security_fails_for_a_plain_dev_user: postgres = Postgres);
