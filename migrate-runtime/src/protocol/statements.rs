//! Every statement of the version table, built with its values.

use super::{state_text, Arg, RowState, Stmt, TableName, Values};
use crate::embedded::Migration;
use crate::types::Direction;
use crate::Dialect;
use migrate_graph::StampPlan;

/// The version table's statements in one dialect, for one table.
#[derive(Clone, Debug)]
pub(crate) struct VersionSql {
    dialect: Dialect,
    /// The table, quoted.
    quoted: String,
    display: String,
}

impl VersionSql {
    /// The statements of `table` in `dialect`.
    pub(crate) fn new(dialect: Dialect, table: &TableName) -> VersionSql {
        VersionSql::resolved(dialect, table, table)
    }

    /// The statements of `table` as a session resolved it (qualified with
    /// the schema it lives in), named in messages as the user wrote it.
    pub(crate) fn resolved(dialect: Dialect, table: &TableName, given: &TableName) -> VersionSql {
        let quote = |part: &str| match dialect {
            Dialect::MySql => format!("`{part}`"),
            Dialect::Sqlite | Dialect::Postgres => format!("\"{part}\""),
        };
        let quoted = match table.schema() {
            Some(s) => format!("{}.{}", quote(s), quote(table.name())),
            None => quote(table.name()),
        };
        VersionSql {
            dialect,
            quoted,
            display: given.display(),
        }
    }

    /// The dialect.
    pub(crate) fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The table as the user wrote it.
    pub(crate) fn display(&self) -> &str {
        &self.display
    }

    /// Whether DDL runs inside transactions (PostgreSQL, SQLite: yes; MySQL
    /// commits implicitly around every DDL statement).
    pub(crate) fn transactional_ddl(&self) -> bool {
        self.dialect != Dialect::MySql
    }

    /// Starts a transaction in a script.
    pub(crate) fn begin(&self) -> &'static str {
        match self.dialect {
            Dialect::MySql => "START TRANSACTION",
            Dialect::Sqlite | Dialect::Postgres => "BEGIN",
        }
    }

    /// `CREATE TABLE IF NOT EXISTS` for the version table.
    pub(crate) fn create_table(&self) -> String {
        let columns = match self.dialect {
            Dialect::Sqlite => {
                "revision TEXT NOT NULL PRIMARY KEY,\n    \
                 checksum TEXT NOT NULL,\n    \
                 state TEXT NOT NULL DEFAULT 'applied',\n    \
                 applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    \
                 duration_ms INTEGER NOT NULL DEFAULT 0\n)"
            }
            Dialect::Postgres => {
                "revision VARCHAR(128) NOT NULL PRIMARY KEY,\n    \
                 checksum VARCHAR(64) NOT NULL,\n    \
                 state VARCHAR(16) NOT NULL DEFAULT 'applied',\n    \
                 applied_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    \
                 duration_ms BIGINT NOT NULL DEFAULT 0\n)"
            }
            // ascii_bin keeps revision ids case-sensitive, as they are everywhere else.
            Dialect::MySql => {
                "revision VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,\n    \
                 checksum VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,\n    \
                 state VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT 'applied',\n    \
                 applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),\n    \
                 duration_ms BIGINT NOT NULL DEFAULT 0\n) ENGINE=InnoDB"
            }
        };
        format!(
            "CREATE TABLE IF NOT EXISTS {} (\n    {columns}",
            self.quoted
        )
    }

    /// Reads every row: revision, checksum, state, applied_at as text, duration_ms.
    pub(crate) fn select_rows(&self) -> String {
        let text = match self.dialect {
            Dialect::MySql => "CHAR",
            Dialect::Sqlite | Dialect::Postgres => "TEXT",
        };
        format!(
            "SELECT revision, checksum, state, CAST(applied_at AS {text}), duration_ms FROM {}",
            self.quoted
        )
    }

    /// Reads what a migrator needs of every row: revision, checksum, state.
    pub(crate) fn select_brief(&self) -> String {
        format!("SELECT revision, checksum, state FROM {}", self.quoted)
    }

    /// The aggregated form of [`VersionSql::select_brief`] (SQLite): the
    /// row count, the count of rows with no NULL in the three columns, then
    /// each column's values joined by ASCII RS, in one row.
    pub(crate) fn select_packed(&self) -> String {
        format!(
            "SELECT count(*), min(count(revision), count(checksum), count(state)), \
             group_concat(revision, char(30)), group_concat(checksum, char(30)), \
             group_concat(state, char(30)) FROM {}",
            self.quoted
        )
    }

    fn params(&self, values: Values) -> Params<'_> {
        Params {
            sql: self,
            values,
            args: Vec::new(),
        }
    }

    /// Records a revision in a state: `applied` for a finished step, or
    /// `started_up` before a non-transactional one.
    pub(crate) fn insert(
        &self,
        values: Values,
        revision: &str,
        checksum: &str,
        state: RowState,
        duration_ms: i64,
    ) -> Stmt {
        let mut p = self.params(values);
        let sql = format!(
            "INSERT INTO {} (revision, checksum, state, duration_ms) VALUES ({}, {}, {}, {})",
            self.quoted,
            p.text(revision),
            p.text(checksum),
            p.text(state_text(state)),
            p.int(duration_ms),
        );
        p.finish(sql, Some(1))
    }

    /// Records several applied revisions in one statement (a grouped run's
    /// rows, a few round trips instead of one per revision): each row is
    /// (revision, checksum, duration).
    pub(crate) fn insert_many(&self, values: Values, rows: &[(&str, &str, i64)]) -> Stmt {
        let mut p = self.params(values);
        let mut sql = format!(
            "INSERT INTO {} (revision, checksum, state, duration_ms) VALUES ",
            self.quoted
        );
        for (k, (revision, checksum, ms)) in rows.iter().enumerate() {
            if k > 0 {
                sql.push_str(", ");
            }
            let row = format!(
                "({}, {}, {}, {})",
                p.text(revision),
                p.text(checksum),
                p.text(state_text(RowState::Applied)),
                p.int(*ms)
            );
            sql.push_str(&row);
        }
        p.finish(sql, Some(rows.len() as u64))
    }

    /// Marks a started row applied once its SQL ran. Matches only a row
    /// still `started_up`, so a row that someone resolved meanwhile is not
    /// silently overwritten (the count then says 0).
    pub(crate) fn finish(&self, values: Values, revision: &str, checksum: &str, ms: i64) -> Stmt {
        let mut p = self.params(values);
        let sql = format!(
            "UPDATE {} SET state = {}, checksum = {}, duration_ms = {}, applied_at = CURRENT_TIMESTAMP WHERE revision = {} AND state = {}",
            self.quoted,
            p.text(state_text(RowState::Applied)),
            p.text(checksum),
            p.int(ms),
            p.text(revision),
            p.text(state_text(RowState::Started(Direction::Up))),
        );
        p.finish(sql, Some(1))
    }

    /// Moves a row from one state to another; matches only a row in `from`.
    pub(crate) fn set_state(
        &self,
        values: Values,
        revision: &str,
        from: RowState,
        to: RowState,
    ) -> Stmt {
        let mut p = self.params(values);
        let sql = format!(
            "UPDATE {} SET state = {} WHERE revision = {} AND state = {}",
            self.quoted,
            p.text(state_text(to)),
            p.text(revision),
            p.text(state_text(from)),
        );
        p.finish(sql, Some(1))
    }

    /// Rewrites a row's checksum (accepting an intentional edit).
    pub(crate) fn set_checksum(&self, values: Values, revision: &str, checksum: &str) -> Stmt {
        let mut p = self.params(values);
        let sql = format!(
            "UPDATE {} SET checksum = {} WHERE revision = {}",
            self.quoted,
            p.text(checksum),
            p.text(revision)
        );
        p.finish(sql, Some(1))
    }

    /// Forgets a revision.
    pub(crate) fn delete(&self, values: Values, revision: &str) -> Stmt {
        let mut p = self.params(values);
        let sql = format!(
            "DELETE FROM {} WHERE revision = {}",
            self.quoted,
            p.text(revision)
        );
        p.finish(sql, Some(1))
    }

    /// Forgets several revisions, each of which has a row (a squash's
    /// replaced revisions when the squash is recorded in their place).
    pub(crate) fn delete_many(&self, values: Values, revisions: &[&str]) -> Stmt {
        let mut p = self.params(values);
        let list: Vec<String> = revisions.iter().map(|r| p.text(r)).collect();
        let sql = format!(
            "DELETE FROM {} WHERE revision IN ({})",
            self.quoted,
            list.join(", ")
        );
        p.finish(sql, Some(revisions.len() as u64))
    }

    /// An offline script's guard before the next revision (PostgreSQL): when
    /// `revision`, the one before, is not where it should be (recorded as
    /// applied when `applied`, else gone), it failed; the guard then makes
    /// the session read-only, so that nothing after it runs or is recorded
    /// whatever the client does after an error (psql goes on by default).
    /// A `DO` block, so plain SQL for any client. `None` on other dialects.
    pub(crate) fn offline_guard(&self, revision: &str, applied: bool) -> Option<String> {
        if self.dialect != Dialect::Postgres {
            return None;
        }
        let mut p = self.params(Values::Inline);
        let id = p.text(revision);
        let (row, state) = if applied {
            let state = p.text(state_text(RowState::Applied));
            (
                format!(
                    "NOT EXISTS (SELECT 1 FROM {} WHERE revision = {id} AND state = {state})",
                    self.quoted
                ),
                "applied",
            )
        } else {
            (
                format!(
                    "EXISTS (SELECT 1 FROM {} WHERE revision = {id})",
                    self.quoted
                ),
                "reverted",
            )
        };
        Some(format!(
            "DO $migrate$ BEGIN IF current_setting('default_transaction_read_only') = 'off' AND {row} THEN \
             PERFORM set_config('default_transaction_read_only', 'on', false); \
             RAISE WARNING 'migrate: revision % was not {state}, so it failed: nothing after it runs (this session is now read-only)', {id}; \
             END IF; END $migrate$"
        ))
    }

    /// Forgets every revision (`stamp --purge`).
    pub(crate) fn delete_all(&self) -> Stmt {
        Stmt {
            sql: format!("DELETE FROM {}", self.quoted),
            args: Vec::new(),
            expect_rows: None,
        }
    }

    /// Whether a stamp's rows are written in one transaction. Stamp writes
    /// are plain DML, transactional on every supported dialect (InnoDB
    /// included), so the rule is the same for all of them, online and in
    /// offline scripts.
    pub(crate) fn stamp_in_transaction(&self) -> bool {
        true
    }

    /// The statements of a stamp `plan` over the migrations `list`: after a
    /// purge (if asked), the deletes, then the inserts, in the plan's order.
    pub(crate) fn stamp(
        &self,
        values: Values,
        purge: bool,
        plan: &StampPlan,
        list: &[Migration],
    ) -> Vec<Stmt> {
        let mut out = Vec::with_capacity(plan.delete.len() + plan.insert.len() + 1);
        if purge {
            out.push(self.delete_all());
        }
        out.extend(
            plan.delete
                .iter()
                .map(|&i| self.delete(values, list[i].id())),
        );
        out.extend(plan.insert.iter().map(|&i| {
            let m = &list[i];
            self.insert(values, m.id(), &m.checksum().to_hex(), RowState::Applied, 0)
        }));
        out
    }
}

/// Builds a statement's value list while its text is formatted.
struct Params<'s> {
    sql: &'s VersionSql,
    values: Values,
    args: Vec<Arg>,
}

impl Params<'_> {
    fn push(&mut self, arg: Arg) -> String {
        match self.values {
            Values::Bind => {
                self.args.push(arg);
                match self.sql.dialect {
                    Dialect::Postgres => format!("${}", self.args.len()),
                    Dialect::Sqlite | Dialect::MySql => "?".to_owned(),
                }
            }
            Values::Inline => match arg {
                Arg::Text(t) => string_literal(self.sql.dialect, &t),
                Arg::Int(i) => i.to_string(),
            },
        }
    }

    fn text(&mut self, text: &str) -> String {
        self.push(Arg::Text(text.to_owned()))
    }

    fn int(&mut self, value: i64) -> String {
        self.push(Arg::Int(value))
    }

    fn finish(self, sql: String, expect_rows: Option<u64>) -> Stmt {
        Stmt {
            sql,
            args: self.args,
            expect_rows,
        }
    }
}

/// A string literal. MySQL treats backslash as an escape unless
/// NO_BACKSLASH_ESCAPES is set; doubling it is right either way for the
/// texts written here (ids, hex, states), which never hold one.
fn string_literal(dialect: Dialect, text: &str) -> String {
    match dialect {
        Dialect::MySql => format!("'{}'", text.replace('\\', "\\\\").replace('\'', "''")),
        Dialect::Sqlite | Dialect::Postgres => format!("'{}'", text.replace('\'', "''")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::parse_state;

    #[test]
    fn statements_bind_or_inline_the_same_values() {
        let t = TableName::parse("app.versions").unwrap();
        let pg = VersionSql::new(Dialect::Postgres, &t);
        let bound = pg.insert(Values::Bind, "a1", "00ff", RowState::Applied, 7);
        assert_eq!(
            bound.sql,
            r#"INSERT INTO "app"."versions" (revision, checksum, state, duration_ms) VALUES ($1, $2, $3, $4)"#
        );
        assert_eq!(
            bound.args,
            [
                Arg::Text("a1".into()),
                Arg::Text("00ff".into()),
                Arg::Text("applied".into()),
                Arg::Int(7)
            ]
        );
        let inline = pg.insert(Values::Inline, "a1", "00ff", RowState::Applied, 7);
        assert_eq!(
            inline.sql,
            r#"INSERT INTO "app"."versions" (revision, checksum, state, duration_ms) VALUES ('a1', '00ff', 'applied', 7)"#
        );
        assert!(inline.args.is_empty());
        let my = VersionSql::new(Dialect::MySql, &t);
        let delete = my.delete(Values::Bind, "a1");
        assert_eq!(
            delete.sql,
            "DELETE FROM `app`.`versions` WHERE revision = ?"
        );
        assert_eq!(delete.args, [Arg::Text("a1".into())]);
        assert_eq!(string_literal(Dialect::MySql, "it's \\"), r"'it''s \\'");
        let finish = pg.finish(Values::Bind, "a1", "00ff", 3);
        assert!(finish.sql.ends_with("WHERE revision = $4 AND state = $5"));
        assert_eq!(finish.args[3], Arg::Text("a1".into()));
        assert_eq!(finish.args[4], Arg::Text("started_up".into()));
    }

    #[test]
    fn insert_many_numbers_every_placeholder() {
        let t = TableName::parse("v").unwrap();
        let pg = VersionSql::new(Dialect::Postgres, &t);
        let s = pg.insert_many(Values::Bind, &[("a", "1", 0), ("b", "2", 5)]);
        assert!(
            s.sql.ends_with("($1, $2, $3, $4), ($5, $6, $7, $8)"),
            "{}",
            s.sql
        );
        assert_eq!(s.args.len(), 8);
        assert_eq!(s.expect_rows, Some(2));
        assert_eq!(
            s.sql,
            pg.insert_many(Values::Bind, &[("x", "y", 1), ("z", "w", 2)])
                .sql,
            "the text does not depend on the values, so it is prepared once"
        );
    }

    #[test]
    fn states_round_trip() {
        for s in [
            RowState::Applied,
            RowState::Started(Direction::Up),
            RowState::Started(Direction::Down),
            RowState::Failed(Direction::Up),
            RowState::Failed(Direction::Down),
        ] {
            assert_eq!(parse_state(state_text(s)), Some(s));
        }
        assert_eq!(parse_state("done"), None);
    }
}
