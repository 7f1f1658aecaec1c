//! Which statements act outside the one database they run in: switching
//! to another database (`USE`, psql's `\connect`), making or dropping
//! databases, roles and users (they belong to the whole server), the
//! server's configuration (`ALTER SYSTEM`, `SET GLOBAL`), tablespaces, and,
//! on MySQL/MariaDB, grants and names qualified with another database
//! (`DROP TABLE shop.orders`, `GRANT ... ON shop.*`).
//!
//! The statement is read with sqlparser's tokenizer (so words inside
//! strings, quoted identifiers and comments never count), not parsed: a
//! dump's statements the grammar cannot read are classified all the same.
//! Desired-schema input that does any of this is refused (with file and
//! line, by the autogenerate pipeline); migrations replayed on a shared dev
//! server are listed as a warning.

use migrate_runtime::Dialect;
use sqlparser::dialect::{GenericDialect, MySqlDialect, PostgreSqlDialect};
use sqlparser::tokenizer::{Token, Tokenizer};

/// A statement that acts outside its database, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outside {
    /// What the statement does, e.g. "`DROP DATABASE` acts on another
    /// database".
    pub reason: String,
}

/// How `sql` acts outside the database it runs in, if it does.
/// `other_databases` are the names of the server's other databases (MySQL
/// qualifiers `db.table` naming one of them are caught); give none to
/// catch only the statement kinds.
pub fn outside_one_database(
    dialect: Dialect,
    sql: &str,
    other_databases: &[String],
) -> Option<Outside> {
    let out = |reason: String| Some(Outside { reason });
    let body = strip_leading_comments(sql);
    if let Some(meta) = body.strip_prefix('\\') {
        let command: String = meta.chars().take_while(|c| c.is_alphanumeric()).collect();
        return out(format!(
            "`\\{command}` is a psql command{}",
            if matches!(command.as_str(), "c" | "connect") {
                " that switches to another database"
            } else {
                ", not SQL"
            }
        ));
    }
    let tokens = tokens(dialect, sql)?;
    let words: Vec<String> = tokens
        .iter()
        .filter_map(|t| match t {
            Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_uppercase()),
            Token::Word(_) => Some(String::new()),
            _ => None,
        })
        .collect();
    let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    let mysql = dialect == Dialect::MySql;
    let global = |what: &str| {
        out(format!(
            "`{}` acts on {what}",
            words.iter().take(2).cloned().collect::<Vec<_>>().join(" ")
        ))
    };
    match w(0) {
        "USE" => return out("`USE` switches to another database".to_owned()),
        "ATTACH" | "DETACH" => return out(format!("`{}` opens another database file", w(0))),
        "CREATE" | "DROP" | "ALTER" | "RENAME" => {
            // CREATE OR REPLACE / DEFINER = ... / TEMPORARY come before the
            // object kind in some statements: look at the first kind word.
            let kind = words
                .iter()
                .skip(1)
                .map(String::as_str)
                .find(|k| !matches!(*k, "OR" | "REPLACE" | "IF" | "NOT" | "EXISTS" | "UNIQUE"))
                .unwrap_or("");
            match kind {
                "DATABASE" => return global("another database"),
                "SCHEMA" if mysql => {
                    return global("another database (a MySQL schema is a database)")
                }
                "ROLE" | "USER" | "GROUP" => {
                    return global("a role or user, which belongs to the whole server")
                }
                "TABLESPACE" => return global("a tablespace, which belongs to the whole server"),
                "SYSTEM" => return global("the server's configuration"),
                "SUBSCRIPTION" => {
                    return global("a subscription, which connects to another server")
                }
                "SERVER" if mysql => {
                    return global("a server definition, which belongs to the whole server")
                }
                _ => {}
            }
        }
        "GRANT" | "REVOKE" => {
            if mysql {
                return out(format!(
                    "`{}` changes a user's privileges (users belong to the whole server)",
                    w(0)
                ));
            }
            let on = words.iter().position(|x| x == "ON");
            match on.map(|i| w(i + 1)) {
                None => {
                    return out(format!(
                    "`{}` without ON changes role membership (roles belong to the whole server)",
                    w(0)
                ))
                }
                Some("DATABASE") | Some("TABLESPACE") => {
                    return out(format!(
                        "`{} ... ON {}` acts on {}",
                        w(0),
                        w(on.unwrap() + 1),
                        "an object of the whole server"
                    ))
                }
                _ => {}
            }
        }
        "SET"
            if mysql
                && (matches!(
                    w(1),
                    "GLOBAL" | "PERSIST" | "PERSIST_ONLY" | "PASSWORD" | "DEFAULT"
                ) || sql.contains("@@global")) =>
        {
            return out(
                "`SET` of a global variable or a password acts on the whole server".to_owned(),
            )
        }
        "FLUSH" | "KILL" | "SHUTDOWN" | "RESET" | "PURGE" | "INSTALL" | "UNINSTALL" | "CHANGE"
            if mysql =>
        {
            return out(format!("`{}` acts on the whole server", w(0)))
        }
        "COPY" if words.iter().any(|x| x == "PROGRAM") => {
            return out("`COPY ... PROGRAM` runs a program on the server".to_owned())
        }
        _ => {}
    }
    if mysql {
        let sig = significant(&tokens);
        // `db.name`: a word followed by a period, naming one of the
        // server's other databases.
        for pair in sig.windows(2) {
            if let [Token::Word(a), Token::Period] = pair {
                if other_databases
                    .iter()
                    .any(|d| d.eq_ignore_ascii_case(&a.value))
                {
                    return out(format!("`{}.` names the database {}", a.value, a.value));
                }
            }
        }
        // An object name in two parts where MySQL expects an object (after
        // TABLE, INTO, FROM, ...): the first part is a database, whether
        // or not this server has it.
        for triple in sig.windows(3) {
            if let [Token::Word(k), Token::Word(a), Token::Period] = triple {
                let object_follows = k.quote_style.is_none()
                    && matches!(
                        k.value.to_ascii_uppercase().as_str(),
                        "TABLE"
                            | "INTO"
                            | "FROM"
                            | "UPDATE"
                            | "JOIN"
                            | "VIEW"
                            | "REFERENCES"
                            | "TRIGGER"
                            | "PROCEDURE"
                            | "FUNCTION"
                            | "EXISTS"
                            | "LIKE"
                            | "EVENT"
                    );
                if object_follows {
                    return out(format!("`{}.` names another database", a.value));
                }
            }
        }
    }
    None
}

/// The statements of `migrations` (up and down sections) that act outside
/// one database, as `file:line: reason`: what to warn about before they
/// are replayed on a shared dev server. Lines count from the section's
/// first line.
pub fn outside_statements(
    migrations: &migrate_runtime::Migrations,
    dialect: Dialect,
) -> Vec<String> {
    let mut found = Vec::new();
    for m in migrations.as_slice() {
        for (section, sql) in [("up", Some(m.up_sql())), ("down", m.down_sql())] {
            let Some(sql) = sql else { continue };
            for statement in migrate_graph::split::split(sql, dialect) {
                if let Some(o) = outside_one_database(dialect, statement.text, &[]) {
                    found.push(format!(
                        "{} ({section}, statement at line {} of the section): {}",
                        m.file_name(),
                        statement.line,
                        o.reason
                    ));
                }
            }
        }
    }
    found
}

fn tokens(dialect: Dialect, sql: &str) -> Option<Vec<Token>> {
    let first = match dialect {
        Dialect::MySql => Tokenizer::new(&MySqlDialect {}, sql).tokenize(),
        Dialect::Postgres => Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize(),
        Dialect::Sqlite => Tokenizer::new(&GenericDialect {}, sql).tokenize(),
    };
    first
        .or_else(|_| Tokenizer::new(&GenericDialect {}, sql).tokenize())
        .ok()
}

fn significant(tokens: &[Token]) -> Vec<Token> {
    tokens
        .iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .cloned()
        .collect()
}

/// The text after leading blanks and `--` / `/* */` comments.
pub fn strip_leading_comments(sql: &str) -> &str {
    let mut rest = sql.trim_start();
    loop {
        if let Some(after) = rest.strip_prefix("--") {
            rest = after
                .find('\n')
                .map_or("", |i| &after[i + 1..])
                .trim_start();
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after
                .find("*/")
                .map_or("", |i| &after[i + 2..])
                .trim_start();
        } else {
            return rest;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(d: Dialect, sql: &str) -> bool {
        outside_one_database(d, sql, &["shop".to_owned()]).is_some()
    }

    #[test]
    fn statements_leaving_the_database_are_found() {
        for sql in [
            "USE shop",
            "DROP DATABASE shop",
            "CREATE SCHEMA shop",
            "DROP USER 'batch'@'%'",
            "CREATE USER IF NOT EXISTS x",
            "GRANT SELECT ON shop.* TO x",
            "SET GLOBAL max_connections = 10",
            "DROP TABLE IF EXISTS shop.orders",
            "INSERT INTO `shop`.orders VALUES (1)",
            "-- a comment\nUSE shop",
            "RENAME USER a TO b",
            "DELETE FROM elsewhere.orders",
        ] {
            assert!(refused(Dialect::MySql, sql), "{sql}");
        }
        for sql in [
            "\\connect shop",
            "\\c shop\nCREATE TABLE t (id int)",
            "DROP ROLE IF EXISTS batch",
            "ALTER ROLE batch PASSWORD 'x'",
            "ALTER SYSTEM SET work_mem = '1GB'",
            "CREATE DATABASE other",
            "CREATE TABLESPACE t LOCATION '/x'",
            "GRANT batch TO app",
            "GRANT CONNECT ON DATABASE shop TO x",
            "COPY t FROM PROGRAM 'id'",
        ] {
            assert!(refused(Dialect::Postgres, sql), "{sql}");
        }
    }

    #[test]
    fn ordinary_schema_statements_pass() {
        for sql in [
            "CREATE TABLE orders (id INT, note TEXT DEFAULT 'USE shop')",
            "SELECT o.id FROM orders o",
            "CREATE INDEX i ON orders (id)",
            "/* DROP DATABASE shop */ CREATE TABLE t (id INT)",
            "SET NAMES utf8mb4",
        ] {
            assert!(!refused(Dialect::MySql, sql), "{sql}");
        }
        for sql in [
            "CREATE SCHEMA app",
            "SET search_path = app",
            "GRANT SELECT ON TABLE orders TO app",
            "CREATE TABLE \"DATABASE\" (id int)",
            "COMMENT ON TABLE t IS 'DROP ROLE x'",
        ] {
            assert!(!refused(Dialect::Postgres, sql), "{sql}");
        }
    }
}
