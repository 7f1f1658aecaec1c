//! Creating and dropping a whole database on a server, for the throw-away
//! databases the devtools work on.

use super::quote::ident;
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
}
