//! Creating and dropping a whole database on a server, for the throw-away
//! databases the devtools work on.

use super::quote::ident;
use crate::model::Dialect;

/// `CREATE DATABASE name`.
pub fn create_database(dialect: Dialect, name: &str) -> String {
    format!("CREATE DATABASE {}", ident(dialect, name))
}

/// `DROP DATABASE IF EXISTS name`; on PostgreSQL `WITH (FORCE)` (13+), so
/// that a connection a cancelled run left open does not keep it alive.
pub fn drop_database(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::Postgres => format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            ident(dialect, name)
        ),
        Dialect::MySql | Dialect::Sqlite => {
            format!("DROP DATABASE IF EXISTS {}", ident(dialect, name))
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
            drop_database(Dialect::Postgres, "s_1"),
            "DROP DATABASE IF EXISTS \"s_1\" WITH (FORCE)"
        );
    }
}
