//! Creating and dropping a whole database on a server, and the
//! administration around it, for the throw-away databases the devtools
//! work on: the comment that keeps a failed test's database, ending the
//! sessions left in one's own database, MariaDB grants (which `DROP
//! DATABASE` leaves behind), and the liveness mark.
//!
//! Names go in as quoted identifiers or literals, never as bare text.

use super::quote::{ident, literal};
use crate::model::Dialect;

/// `CREATE DATABASE name`; on PostgreSQL from `template0`: `template1`
/// holds whatever a DBA put there, which would leak into scratch work
/// (squashes, drift reports).
pub fn create_database(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::Postgres => format!(
            "CREATE DATABASE {} TEMPLATE template0",
            ident(dialect, name)
        ),
        Dialect::MySql | Dialect::Sqlite => format!("CREATE DATABASE {}", ident(dialect, name)),
    }
}

/// `DROP DATABASE IF EXISTS name`, never `WITH (FORCE)`: a database someone
/// is connected to is someone's, and the drop must fail rather than end
/// their sessions.
pub fn drop_database(dialect: Dialect, name: &str) -> String {
    format!("DROP DATABASE IF EXISTS {}", ident(dialect, name))
}

/// The comment on database `name` saying `text`: PostgreSQL's `COMMENT ON
/// DATABASE`, MariaDB's `ALTER DATABASE ... COMMENT` (MySQL has none).
pub fn comment_on_database(dialect: Dialect, name: &str, text: &str) -> String {
    let text = literal(dialect, text);
    match dialect {
        Dialect::Postgres => format!("COMMENT ON DATABASE {} IS {text}", ident(dialect, name)),
        Dialect::MySql | Dialect::Sqlite => {
            format!("ALTER DATABASE {} COMMENT = {text}", ident(dialect, name))
        }
    }
}

/// The other sessions in database `name`: on PostgreSQL a query that ends
/// them (`pg_terminate_backend`, one row each); on MariaDB/MySQL a query
/// listing their ids, each then ended by [`kill_session`].
pub fn other_sessions(dialect: Dialect, name: &str) -> String {
    let name = literal(dialect, name);
    match dialect {
        Dialect::Postgres => format!(
            "SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity \
             WHERE datname = {name} AND pid <> pg_backend_pid()"
        ),
        Dialect::MySql | Dialect::Sqlite => format!(
            "SELECT CAST(ID AS CHAR) FROM information_schema.PROCESSLIST \
             WHERE DB = {name} AND ID <> CONNECTION_ID()"
        ),
    }
}

/// `KILL <id>`: ends a MariaDB/MySQL session (an id is a number, so no
/// text reaches the statement).
pub fn kill_session(id: u64) -> String {
    format!("KILL {id}")
}

/// MariaDB/MySQL: the accounts holding database-level grants on `name`
/// (rows of user, host).
pub fn database_grantees(name: &str) -> String {
    format!(
        "SELECT CAST(User AS CHAR), CAST(Host AS CHAR) FROM mysql.db WHERE Db = {}",
        literal(Dialect::MySql, name)
    )
}

/// MariaDB/MySQL: the accounts holding table-level grants in `name` (rows
/// of user, host, table).
pub fn table_grantees(name: &str) -> String {
    format!(
        "SELECT CAST(User AS CHAR), CAST(Host AS CHAR), CAST(Table_name AS CHAR) \
         FROM mysql.tables_priv WHERE Db = {}",
        literal(Dialect::MySql, name)
    )
}

/// MariaDB/MySQL: revokes what `user`@`host` was granted on database
/// `name`, or on its `table` when given.
pub fn revoke_grants(name: &str, table: Option<&str>, user: &str, host: &str) -> String {
    let d = Dialect::MySql;
    let on = match table {
        Some(t) => format!("{}.{}", ident(d, name), ident(d, t)),
        None => format!("{}.*", ident(d, name)),
    };
    // MariaDB 10.11's `GRANT ... TO PUBLIC` is stored as user PUBLIC, host
    // '': revoked `FROM PUBLIC` (`'PUBLIC'@''` names no account).
    if (user, host) == ("PUBLIC", "") {
        return format!("REVOKE ALL PRIVILEGES ON {on} FROM PUBLIC");
    }
    format!(
        "REVOKE ALL PRIVILEGES ON {on} FROM {}@{}",
        literal(d, user),
        literal(d, host)
    )
}

/// Takes the liveness mark of database `name` on the session that runs it:
/// PostgreSQL's session advisory lock `key` (run on a connection to the
/// database itself: advisory locks are per database), MariaDB/MySQL's
/// server-wide named lock `name` without waiting (`0` when another session
/// holds it).
pub fn take_mark(dialect: Dialect, name: &str, key: i64) -> String {
    match dialect {
        Dialect::Postgres => format!("SELECT pg_advisory_lock({key})"),
        Dialect::MySql | Dialect::Sqlite => {
            format!("SELECT GET_LOCK({}, 0)", literal(dialect, name))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_statements_quote_the_name() {
        assert_eq!(
            create_database(Dialect::MySql, "s_1"),
            "CREATE DATABASE `s_1`"
        );
        assert_eq!(
            create_database(Dialect::Postgres, "s_1"),
            "CREATE DATABASE \"s_1\" TEMPLATE template0"
        );
        assert_eq!(
            drop_database(Dialect::Postgres, "s_1"),
            "DROP DATABASE IF EXISTS \"s_1\""
        );
    }

    #[test]
    fn administration_quotes_names_and_texts() {
        assert_eq!(
            comment_on_database(Dialect::Postgres, "s_1", "migrate: kept: it's"),
            "COMMENT ON DATABASE \"s_1\" IS 'migrate: kept: it''s'"
        );
        assert_eq!(
            comment_on_database(Dialect::MySql, "s_1", "a\\b"),
            "ALTER DATABASE `s_1` COMMENT = 'a\\\\b'"
        );
        assert!(other_sessions(Dialect::Postgres, "x'y").contains("datname = 'x''y'"));
        assert!(other_sessions(Dialect::MySql, "s_1").contains("DB = 's_1'"));
        assert_eq!(kill_session(42), "KILL 42");
        assert_eq!(
            revoke_grants("s_1", None, "app", "%"),
            "REVOKE ALL PRIVILEGES ON `s_1`.* FROM 'app'@'%'"
        );
        assert_eq!(
            revoke_grants("s_1", Some("t`x"), "app", "localhost"),
            "REVOKE ALL PRIVILEGES ON `s_1`.`t``x` FROM 'app'@'localhost'"
        );
        assert_eq!(
            revoke_grants("s_1", Some("t"), "PUBLIC", ""),
            "REVOKE ALL PRIVILEGES ON `s_1`.`t` FROM PUBLIC"
        );
        assert!(database_grantees("s'1").ends_with("WHERE Db = 's''1'"));
        assert!(table_grantees("s_1").ends_with("WHERE Db = 's_1'"));
        assert_eq!(
            take_mark(Dialect::Postgres, "s_1", -5),
            "SELECT pg_advisory_lock(-5)"
        );
        assert_eq!(
            take_mark(Dialect::MySql, "s_1", 0),
            "SELECT GET_LOCK('s_1', 0)"
        );
    }
}
