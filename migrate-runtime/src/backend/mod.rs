//! Database backends: one module per dialect behind one trait.
//!
//! Each dialect file holds two things:
//!
//! - the SQL text of the version table and its rows ([`DialectSql`]), always
//!   compiled, so that offline scripts (`cargo migrate upgrade --sql
//!   --dialect postgres`) need neither sqlx nor a database, and so that the
//!   online and offline paths write byte-for-byte the same statements;
//! - behind the dialect's cargo feature, a [`Session`]: one pooled connection
//!   that takes the migration lock and runs the work.
//!
//! The migrator (`engine.rs`) is generic over `Session` and holds no SQL of
//! its own.

// Without a backend feature only the offline scripts use this module, which
// leaves the statements and lock texts that only a session runs unused.
#![cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]

pub(crate) mod mysql;
pub(crate) mod postgres;
pub(crate) mod sqlite;

use crate::error::Error;
use crate::Dialect;

/// A validated version-table name: `table` or `schema.table`, each part made of
/// ASCII letters, digits and `_`, at most 63 characters (PostgreSQL's
/// identifier limit, the smallest of the three). Always quoted in SQL, so a
/// name that happens to be a keyword (`order`) works too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TableName {
    schema: Option<String>,
    name: String,
}

/// The longest identifier part accepted.
const MAX_IDENT: usize = 63;

impl TableName {
    /// Validates `text`; anything else is [`Error::InvalidTableName`], so no
    /// caller-supplied text ever reaches SQL unvalidated.
    pub(crate) fn parse(text: &str) -> Result<TableName, Error> {
        let invalid = || Error::InvalidTableName {
            name: text.to_owned(),
        };
        let ok = |part: &str| {
            !part.is_empty()
                && part.len() <= MAX_IDENT
                && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        };
        let (schema, name) = match text.split_once('.') {
            Some((schema, name)) => (Some(schema), name),
            None => (None, text),
        };
        if !ok(name) || schema.is_some_and(|s| !ok(s)) {
            return Err(invalid());
        }
        Ok(TableName {
            schema: schema.map(str::to_owned),
            name: name.to_owned(),
        })
    }

    /// The name as the user wrote it (`schema.table`), for messages and lock keys.
    pub(crate) fn display(&self) -> String {
        match &self.schema {
            Some(s) => format!("{s}.{}", self.name),
            None => self.name.clone(),
        }
    }

    /// The schema part, if any.
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    pub(crate) fn schema(&self) -> Option<&str> {
        self.schema.as_deref()
    }

    /// The table part.
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The parts, schema first.
    fn parts(&self) -> impl Iterator<Item = &str> {
        self.schema
            .as_deref()
            .into_iter()
            .chain(std::iter::once(self.name.as_str()))
    }
}

/// How a statement carries its values: bound parameters (online) or inline
/// literals (offline scripts a DBA reads and runs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Values {
    /// `$1` / `?` placeholders; [`Stmt::args`] holds the values.
    Bind,
    /// Literals in the text; [`Stmt::args`] is still filled but not needed.
    Inline,
}

/// One value of a version-table statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Arg {
    /// Text.
    Text(String),
    /// An integer.
    Int(i64),
}

/// A statement and the values its placeholders stand for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Stmt {
    /// The SQL text, without a trailing `;`.
    pub(crate) sql: String,
    /// Values, in placeholder order.
    pub(crate) args: Vec<Arg>,
}

/// Builds a statement's value list while the text is formatted.
pub(crate) struct Params<'d> {
    dialect: &'d dyn DialectSql,
    values: Values,
    args: Vec<Arg>,
}

impl Params<'_> {
    /// The placeholder or literal for the next value.
    pub(crate) fn push(&mut self, arg: Arg) -> String {
        let text = match (self.values, &arg) {
            (Values::Bind, _) => self.dialect.placeholder(self.args.len() + 1),
            (Values::Inline, Arg::Text(t)) => self.dialect.string_literal(t),
            (Values::Inline, Arg::Int(i)) => i.to_string(),
        };
        self.args.push(arg);
        text
    }

    /// A text value.
    pub(crate) fn text(&mut self, text: &str) -> String {
        self.push(Arg::Text(text.to_owned()))
    }

    /// Finishes the statement.
    pub(crate) fn finish(self, sql: String) -> Stmt {
        Stmt {
            sql,
            args: self.args,
        }
    }
}

/// Row states as stored in the `state` column.
pub(crate) mod state {
    /// Applied and finished.
    pub(crate) const APPLIED: &str = "applied";
    /// A non-transactional upgrade began and has not finished.
    pub(crate) const STARTED_UP: &str = "started_up";
    /// A non-transactional downgrade began and has not finished.
    pub(crate) const STARTED_DOWN: &str = "started_down";
    /// A non-transactional upgrade failed part-way.
    pub(crate) const FAILED_UP: &str = "failed_up";
    /// A non-transactional downgrade failed part-way.
    pub(crate) const FAILED_DOWN: &str = "failed_down";
}

/// The SQL text one dialect speaks for the version table. Implemented by a
/// unit struct in each dialect file; the defaults are the ANSI statements
/// every supported dialect accepts once its quoting and placeholders are
/// plugged in.
pub(crate) trait DialectSql: Sync + AsDyn {
    /// Which dialect this is.
    fn dialect(&self) -> Dialect;

    /// Quotes one identifier part (already validated by [`TableName::parse`]).
    fn quote_ident(&self, ident: &str) -> String;

    /// The `n`th (1-based) bind placeholder.
    fn placeholder(&self, n: usize) -> String;

    /// A string literal.
    fn string_literal(&self, text: &str) -> String {
        format!("'{}'", text.replace('\'', "''"))
    }

    /// Whether DDL runs inside transactions (PostgreSQL, SQLite: yes; MySQL
    /// commits implicitly around every DDL statement).
    fn transactional_ddl(&self) -> bool;

    /// `CREATE TABLE IF NOT EXISTS` for the version table.
    fn create_table(&self, table: &TableName) -> String;

    /// Reads every row: revision, checksum, state, applied_at as text, duration_ms.
    fn select_rows(&self, table: &TableName) -> String;

    /// Reads what a migrator needs of every row: revision, checksum, state.
    fn select_brief(&self, table: &TableName) -> String {
        format!(
            "SELECT revision, checksum, state FROM {}",
            self.table(table)
        )
    }

    /// Starts a transaction.
    fn begin(&self) -> &'static str {
        "BEGIN"
    }

    /// Commits it.
    fn commit(&self) -> &'static str {
        "COMMIT"
    }

    /// Rolls it back.
    fn rollback(&self) -> &'static str {
        "ROLLBACK"
    }

    /// The quoted table name.
    fn table(&self, table: &TableName) -> String {
        table
            .parts()
            .map(|p| self.quote_ident(p))
            .collect::<Vec<_>>()
            .join(".")
    }

    /// Records a revision with a state (`applied`, or `started_up` before a
    /// non-transactional step).
    fn insert_row(
        &self,
        table: &TableName,
        values: Values,
        revision: &str,
        checksum: &str,
        state: &str,
        duration_ms: i64,
    ) -> Stmt {
        let mut p = params(self.as_dyn(), values);
        let sql = format!(
            "INSERT INTO {} (revision, checksum, state, duration_ms) VALUES ({}, {}, {}, {})",
            self.table(table),
            p.text(revision),
            p.text(checksum),
            p.text(state),
            p.push(Arg::Int(duration_ms)),
        );
        p.finish(sql)
    }

    /// Records `rows` applied revisions in one statement, with bound values in
    /// the column order of [`DialectSql::insert_row`] (row after row): the
    /// version rows of a grouped run, sent in a few round trips instead of
    /// one per revision.
    fn insert_rows(&self, table: &TableName, rows: usize) -> String {
        let mut sql = format!(
            "INSERT INTO {} (revision, checksum, state, duration_ms) VALUES ",
            self.table(table)
        );
        for r in 0..rows {
            if r > 0 {
                sql.push_str(", ");
            }
            let n = 4 * r;
            sql.push_str(&format!(
                "({}, {}, {}, {})",
                self.placeholder(n + 1),
                self.placeholder(n + 2),
                self.placeholder(n + 3),
                self.placeholder(n + 4)
            ));
        }
        sql
    }

    /// Marks a started row applied once its SQL ran.
    fn finish_row(
        &self,
        table: &TableName,
        values: Values,
        revision: &str,
        checksum: &str,
        duration_ms: i64,
    ) -> Stmt {
        let mut p = params(self.as_dyn(), values);
        let sql = format!(
            "UPDATE {} SET state = {}, checksum = {}, duration_ms = {}, applied_at = CURRENT_TIMESTAMP WHERE revision = {}",
            self.table(table),
            p.text(state::APPLIED),
            p.text(checksum),
            p.push(Arg::Int(duration_ms)),
            p.text(revision),
        );
        p.finish(sql)
    }

    /// Changes a row's state (started, failed, back to applied).
    fn set_state(&self, table: &TableName, values: Values, revision: &str, state: &str) -> Stmt {
        let mut p = params(self.as_dyn(), values);
        let sql = format!(
            "UPDATE {} SET state = {} WHERE revision = {}",
            self.table(table),
            p.text(state),
            p.text(revision)
        );
        p.finish(sql)
    }

    /// Rewrites a row's checksum (accepting an intentional edit).
    fn set_checksum(
        &self,
        table: &TableName,
        values: Values,
        revision: &str,
        checksum: &str,
    ) -> Stmt {
        let mut p = params(self.as_dyn(), values);
        let sql = format!(
            "UPDATE {} SET checksum = {} WHERE revision = {}",
            self.table(table),
            p.text(checksum),
            p.text(revision)
        );
        p.finish(sql)
    }

    /// Forgets a revision.
    fn delete_row(&self, table: &TableName, values: Values, revision: &str) -> Stmt {
        let mut p = params(self.as_dyn(), values);
        let sql = format!(
            "DELETE FROM {} WHERE revision = {}",
            self.table(table),
            p.text(revision)
        );
        p.finish(sql)
    }

    /// Forgets every revision (`stamp --purge`).
    fn delete_all(&self, table: &TableName) -> Stmt {
        Stmt {
            sql: format!("DELETE FROM {}", self.table(table)),
            args: Vec::new(),
        }
    }
}

/// A parameter list for a dialect.
fn params(dialect: &dyn DialectSql, values: Values) -> Params<'_> {
    Params {
        dialect,
        values,
        args: Vec::new(),
    }
}

/// Upcasting helper, so that the trait's default methods can hand `self` to
/// [`Params`] as a `dyn DialectSql`.
pub(crate) trait AsDyn {
    /// `self` as a trait object.
    fn as_dyn(&self) -> &dyn DialectSql;
}

impl<T: DialectSql> AsDyn for T {
    fn as_dyn(&self) -> &dyn DialectSql {
        self
    }
}

/// The SQL text of a dialect.
pub(crate) fn sql_for(dialect: Dialect) -> &'static dyn DialectSql {
    match dialect {
        Dialect::Sqlite => &sqlite::Sql,
        Dialect::Postgres => &postgres::Sql,
        Dialect::MySql => &mysql::Sql,
    }
}

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
mod online;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
pub(crate) use online::{
    bound, fields, BackendRef, Bind, Brief, Guard, RawRow, Session, SqlFailure, RECORD_SEP,
};
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
pub use online::{Database, Db};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_are_validated() {
        assert!(TableName::parse("migrate_versions").is_ok());
        assert!(TableName::parse("app.migrate_versions").is_ok());
        assert!(TableName::parse("Order").is_ok());
        for bad in [
            "",
            "a.b.c",
            ".t",
            "t.",
            "t; DROP TABLE users",
            "t\"",
            "t`",
            "t--",
            "ta ble",
            "tä",
            &"x".repeat(64),
        ] {
            assert!(
                matches!(TableName::parse(bad), Err(Error::InvalidTableName { .. })),
                "{bad:?} was accepted"
            );
        }
        assert!(TableName::parse(&"x".repeat(63)).is_ok());
    }

    #[test]
    fn statements_bind_or_inline_the_same_values() {
        let t = TableName::parse("app.versions").unwrap();
        let pg = sql_for(Dialect::Postgres);
        let bound = pg.insert_row(&t, Values::Bind, "a1", "00ff", state::APPLIED, 7);
        assert_eq!(
            bound.sql,
            r#"INSERT INTO "app"."versions" (revision, checksum, state, duration_ms) VALUES ($1, $2, $3, $4)"#
        );
        assert_eq!(bound.args.len(), 4);
        let inline = pg.insert_row(&t, Values::Inline, "a1", "00ff", state::APPLIED, 7);
        assert_eq!(
            inline.sql,
            r#"INSERT INTO "app"."versions" (revision, checksum, state, duration_ms) VALUES ('a1', '00ff', 'applied', 7)"#
        );
        let my = sql_for(Dialect::MySql).delete_row(&t, Values::Bind, "a1");
        assert_eq!(my.sql, "DELETE FROM `app`.`versions` WHERE revision = ?");
        assert_eq!(
            sql_for(Dialect::MySql).string_literal("it's \\"),
            r"'it''s \\'"
        );
    }
}
