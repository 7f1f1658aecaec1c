//! Offline SQL scripts (`--sql`): what a DBA would run, version-table
//! statements included. The statements come from the version-table
//! [`protocol`](crate::protocol), the same builders the online path uses,
//! with values inlined instead of bound, so online and offline runs write
//! the same rows. Needs no database and no sqlx.

use crate::embedded::Migration;
use crate::error::Error;
use crate::migrator::Migrator;
use crate::protocol::{TableName, Values, VersionSql};
use crate::types::{Direction, RowState};
use crate::Dialect;
use migrate_graph::split::is_terminated;
use migrate_graph::{Anchor, Applied, Range, Spec, Target};

impl Migrator<'_> {
    /// The script that upgrades (or downgrades) over `range`, `FROM:TO` in
    /// the target grammar (`base:head`, `ae10:feature@head`, or a lone `TO`:
    /// from base when upgrading, from all heads when downgrading). `FROM` is
    /// taken as applied, with its ancestors.
    ///
    /// Starting from base, the script first creates the version table. Each
    /// revision's SQL is followed by its version-row `INSERT` (or `DELETE`),
    /// inside `BEGIN;` / `COMMIT;` on PostgreSQL and SQLite; `transaction:false`
    /// sections, and everything on MySQL, run without a transaction. The
    /// script stops at its first failed revision with the database's own
    /// client at its defaults (see `stop_at_first_failure`): a guard
    /// before each PostgreSQL revision, `.bail on` as the first line for the
    /// sqlite3 shell, the header's advice for MySQL.
    ///
    /// ```
    /// use migrate_runtime::{Dialect, Direction, Migrations};
    /// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/todo-service/migrations");
    /// let migrations = Migrations::from_dir(dir).unwrap();
    /// let script = migrations.migrator().offline_script(Dialect::Postgres, "base:head", Direction::Up).unwrap();
    /// assert!(script.starts_with("-- upgrade base:head"));
    /// assert!(script.contains("CREATE TABLE IF NOT EXISTS \"migrate_versions\""));
    /// assert!(script.contains("BEGIN;\nCREATE TABLE todos"));
    /// ```
    pub fn offline_script(
        &self,
        dialect: Dialect,
        range: &str,
        direction: Direction,
    ) -> Result<String, Error> {
        let table = TableName::parse(&self.options.table)?;
        let sql = VersionSql::new(dialect, &table);
        let graph = self.migrations.graph();
        let list = self.migrations.as_slice();
        let (start, plan) =
            graph.plan_offline(&Range::parse(range)?, direction == Direction::Up)?;
        // As online: a squash runs alone where nothing it replaces is
        // applied, and its row stands for what it replaces.
        let mut rows = graph.canonical_rows(&start);
        let plan = match direction {
            Direction::Up => graph.squash_upgrade(plan, &start),
            Direction::Down => graph.squash_downgrade(plan, &rows)?,
        };
        if direction == Direction::Down {
            if let Some(&i) = plan.iter().find(|&&i| list[i].is_irreversible()) {
                return Err(Error::Irreversible {
                    revision: list[i].id().to_owned(),
                    file: list[i].file_name().to_owned(),
                });
            }
        }
        let mut out = header(direction_name(direction), range, dialect, &table);
        out.push_str(stop_at_first_failure(dialect));
        if start.is_empty() && direction == Direction::Up {
            out.push_str(&sql.create_table());
            out.push_str(";\n\n");
        }
        let mut applied = start;
        // The revision before, and whether it should now be recorded.
        let mut before: Option<(&str, bool)> = None;
        for i in plan {
            if let Some(guard) = before.and_then(|(id, up)| sql.offline_guard(id, up)) {
                out.push_str("-- go on only if the revision above went through\n");
                push_line(&mut out, &guard);
                out.push('\n');
            }
            before = Some((list[i].id(), direction == Direction::Up));
            if direction == Direction::Up && graph.collapses(i, &applied) {
                let replaced: Vec<usize> = graph
                    .replaced_nodes(i)
                    .filter(|&m| rows.contains(m))
                    .collect();
                push_collapse(&mut out, &sql, &list[i], &replaced, list);
                for m in replaced {
                    rows.remove(m);
                }
            } else {
                push_step(&mut out, &sql, &list[i], direction);
            }
            if direction == Direction::Up {
                applied.insert(i);
                rows.insert(i);
            } else {
                rows.remove(i);
            }
        }
        Ok(out)
    }

    /// The script that stamps: version-table rows only, no migration SQL.
    /// `targets` are stamp targets as for [`Migrator::stamp`], or one `FROM:TO`
    /// range whose `FROM` is taken as the applied state to stamp from.
    /// Starting from base, the script first creates the version table. A
    /// SQLite script starts with `.bail on`, as upgrade scripts do.
    ///
    /// ```
    /// use migrate_runtime::{Dialect, Migrations};
    /// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/todo-service/migrations");
    /// let migrations = Migrations::from_dir(dir).unwrap();
    /// let script = migrations.migrator().offline_stamp(Dialect::MySql, &["head"], false).unwrap();
    /// assert!(script.contains("INSERT INTO `migrate_versions`"));
    /// assert!(!script.contains("BEGIN"));
    /// ```
    pub fn offline_stamp(
        &self,
        dialect: Dialect,
        targets: &[&str],
        purge: bool,
    ) -> Result<String, Error> {
        let table = TableName::parse(&self.options.table)?;
        let sql = VersionSql::new(dialect, &table);
        let graph = self.migrations.graph();
        let list = self.migrations.as_slice();
        let empty = Applied::empty(graph.len());
        let (start, to): (Applied, Vec<Spec>) = match targets {
            [one] => match Target::parse(one)? {
                Target::Range(Range { from, to }) => {
                    // The state at FROM is what upgrading from base to FROM applies.
                    let start = match from {
                        None => empty.clone(),
                        Some(from) => {
                            let to_from = Range {
                                from: None,
                                to: Some(from),
                            };
                            let (_, path) = graph.plan_offline(&to_from, true)?;
                            let mut set = empty.clone();
                            for i in path {
                                set.insert(i);
                            }
                            set
                        }
                    };
                    (start, vec![to.unwrap_or_else(|| Anchor::Heads.into())])
                }
                Target::Single(spec) => (empty.clone(), vec![spec]),
            },
            _ => (
                empty.clone(),
                targets
                    .iter()
                    .map(|t| Spec::parse(t))
                    .collect::<Result<_, _>>()?,
            ),
        };
        let plan = graph.plan_stamp(&to, if purge { &empty } else { &start }, purge)?;
        let mut after = start.clone();
        for &i in &plan.delete {
            after.remove(i);
        }
        for &i in &plan.insert {
            after.insert(i);
        }
        let before = if purge {
            empty
        } else {
            graph.canonical_rows(&start)
        };
        let plan = graph.rows_plan(&before, &graph.canonical_rows(&after));
        let mut out = header("stamp", &targets.join(" "), dialect, &table);
        if start.is_empty() {
            out.push_str(&sql.create_table());
            out.push_str(";\n\n");
        }
        // The same rule as online stamps: one transaction on every dialect.
        let in_tx = sql.stamp_in_transaction();
        if in_tx {
            push_line(&mut out, sql.begin());
        }
        for stmt in sql.stamp(Values::Inline, purge, &plan, list) {
            push_line(&mut out, &stmt.sql);
        }
        if in_tx {
            push_line(&mut out, "COMMIT");
        }
        Ok(out)
    }
}

fn direction_name(direction: Direction) -> &'static str {
    match direction {
        Direction::Up => "upgrade",
        Direction::Down => "downgrade",
    }
}

/// The script's first lines: for SQLite `.bail on` first of all (see
/// [`stop_at_first_failure`]), then what it does, for which dialect and
/// version table.
fn header(what: &str, range: &str, dialect: Dialect, table: &TableName) -> String {
    let (bail, why) = match dialect {
        Dialect::Sqlite => (
            ".bail on\n",
            "-- `.bail on` above makes the sqlite3 shell, which goes on after an error by default, \
             stop at the first one. With another client, delete that line and stop at the first error.\n",
        ),
        Dialect::Postgres | Dialect::MySql => ("", ""),
    };
    format!(
        "{bail}-- {what} {range}\n-- dialect: {}, version table: {}\n-- generated by migrate; review before running\n{why}\n",
        dialect.name(),
        table.display()
    )
}

/// How the script stops at its first failed revision with the database's
/// own client at its defaults, said in its header (and, for SQLite, done).
///
/// - PostgreSQL: psql goes on after an error; each revision after the
///   first is preceded by a guard (`VersionSql::offline_guard`) that turns
///   the session read-only when the one before is not recorded, so nothing
///   later runs or is recorded. A `transaction:false` revision runs
///   statement by statement outside a transaction: a failure inside one is
///   only stopped by `ON_ERROR_STOP`.
/// - MySQL/MariaDB: the `mysql`/`mariadb` client stops at the first error
///   unless `--force`; DDL commits at once, so no guard in SQL could undo
///   a half-run revision, and none is added.
/// - SQLite: the `sqlite3` shell goes on after an error, and a failed
///   statement leaves its transaction open, so the revision's row would be
///   recorded and committed. Plain SQL cannot stop it: every SQLite script
///   (stamps too) starts with the shell's `.bail on` ([`header`]; another
///   client fails on that first line, before anything runs), so nothing
///   is added here.
fn stop_at_first_failure(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => "-- stops at a failed revision with any client: each revision checks that the one before \
             it is recorded, and if not makes the session read-only.\n\
             -- transaction:false revisions run statement by statement: to stop inside one, run \
             with `psql -v ON_ERROR_STOP=1`.\n\n",
        Dialect::MySql => "-- run it with the mysql or mariadb client without --force: it stops at the first error. \
             MySQL commits DDL at once: a revision that failed half-way stays half-applied, unrecorded.\n\n",
        Dialect::Sqlite => "",
    }
}

fn push_line(out: &mut String, statement: &str) {
    out.push_str(statement);
    out.push_str(";\n");
}

/// A squash recorded in place of the revisions it replaces, which ran.
fn push_collapse(
    out: &mut String,
    sql: &VersionSql,
    m: &Migration,
    replaced: &[usize],
    list: &[Migration],
) {
    out.push_str(&format!(
        "-- record squash {} ({}) in place of the {} revisions it replaces\n",
        m.id(),
        m.file_name(),
        replaced.len()
    ));
    push_line(out, sql.begin());
    let ids: Vec<&str> = replaced.iter().map(|&i| list[i].id()).collect();
    if !ids.is_empty() {
        push_line(out, &sql.delete_many(Values::Inline, &ids).sql);
    }
    let sum = m.checksum().to_hex();
    push_line(
        out,
        &sql.insert(Values::Inline, m.id(), &sum, RowState::Applied, 0)
            .sql,
    );
    push_line(out, "COMMIT");
    out.push('\n');
}

fn push_step(out: &mut String, sql: &VersionSql, m: &Migration, direction: Direction) {
    let (body, in_tx) = match direction {
        Direction::Up => (m.up_sql(), m.up_transaction()),
        Direction::Down => (m.down_sql().unwrap_or_default(), m.down_transaction()),
    };
    let transactional = in_tx && sql.transactional_ddl();
    out.push_str(&format!(
        "-- {} {} ({})",
        direction_name(direction),
        m.id(),
        m.file_name()
    ));
    if !m.message().is_empty() {
        out.push_str(&format!(": {}", m.message()));
    }
    out.push('\n');
    if !in_tx {
        out.push_str("-- transaction:false: runs outside a transaction\n");
    }
    if transactional {
        push_line(out, sql.begin());
    }
    let body = body.trim();
    if !body.is_empty() {
        out.push_str(body);
        // A section may end without `;` (or with a comment after its last
        // statement); the version-table statement must not run into it.
        out.push_str(if is_terminated(body, sql.dialect()) {
            "\n"
        } else {
            "\n;\n"
        });
    }
    let record = match direction {
        Direction::Up => sql.insert(
            Values::Inline,
            m.id(),
            &m.checksum().to_hex(),
            RowState::Applied,
            0,
        ),
        Direction::Down => sql.delete(Values::Inline, m.id()),
    };
    push_line(out, &record.sql);
    if transactional {
        push_line(out, "COMMIT");
    }
    out.push('\n');
}
