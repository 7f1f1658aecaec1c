//! What differs between the dialects, as one trait: lock statements, row
//! decoding quirks, how a section runs, which errors mean what, and which
//! session settings a migration may leave changed. Each dialect file
//! implements it; everything else is shared in [`Session`](super::Session).
//! Also the short read of the version table every run makes ([`Brief`]),
//! which a dialect may hand back packed into one text.

use super::{Driver, SqlFailure};
use crate::protocol::TableName;
use crate::Dialect;
use sqlx::SqlStr;
use std::future::Future;

/// The connection type of a backend.
pub(crate) type Conn<B> = <<B as Backend>::Db as sqlx::Database>::Connection;
/// The row type of a backend.
pub(crate) type Row<B> = <<B as Backend>::Db as sqlx::Database>::Row;

/// What a database error means to the runtime, decided where the driver's
/// error (its SQLSTATE or error number) still exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorClass {
    /// The table (or its schema) does not exist.
    MissingTable,
    /// A column the version table must have is missing: a table of that
    /// name exists but belongs to something else.
    MissingColumn,
    /// The database is busy or a lock wait timed out (SQLite's
    /// `database is locked`, PostgreSQL's `lock_timeout`, MySQL's lock wait
    /// timeouts).
    LockWait,
    /// Anything else.
    Other,
}

/// One dialect's side of a session. The value lives as long as the session
/// and holds what the dialect learned when the session opened (the schema
/// the table resolved to, the lock's name, the session settings to restore).
pub(crate) trait Backend: Send + Sized + 'static {
    /// The sqlx database.
    type Db: Driver;

    /// The dialect.
    const DIALECT: Dialect;

    /// Whether [`Backend::try_xact_lock`] is a real transaction-scoped lock.
    const HAS_XACT_LOCK: bool = false;

    /// Whether a transactional section may go out in the same call as the
    /// previous step's commit and its own transaction's start
    /// ([`Session::commit_begin_and_run`](super::Session::commit_begin_and_run)):
    /// only where the database prepares and runs one statement at a time,
    /// so that a broken section fails where it is, after the commit. SQLite
    /// does; PostgreSQL parses a whole text before running any of it, and
    /// would then not commit the step before.
    const CHAINS_SECTIONS: bool = matches!(Self::DIALECT, Dialect::Sqlite);

    /// Where to look for the holder when the lock wait times out.
    const LOCK_HINT: &'static str;

    /// What to do when a statement waited too long for a lock another
    /// session holds (or, on SQLite, found the database locked).
    const LOCK_WAIT_HINT: &'static str;

    /// Prepares a session on a fresh connection: resolves the version table
    /// to the schema it lives in (so a migration that changes the search
    /// path cannot move it) and records the session settings to restore.
    fn open(
        conn: &mut Conn<Self>,
        table: &TableName,
    ) -> impl Future<Output = Result<(Self, TableName), sqlx::Error>> + Send;

    /// One non-blocking attempt at the session lock, held until
    /// [`Backend::unlock`] or until the connection ends.
    fn try_lock(
        &mut self,
        conn: &mut Conn<Self>,
    ) -> impl Future<Output = Result<bool, sqlx::Error>> + Send;

    /// Releases the session lock; `false` when the server says it was not
    /// held (the connection then must not go back to the pool).
    fn unlock(
        &mut self,
        conn: &mut Conn<Self>,
    ) -> impl Future<Output = Result<bool, sqlx::Error>> + Send;

    /// One non-blocking attempt at a lock that ends with the transaction.
    fn try_xact_lock(
        &mut self,
        _conn: &mut Conn<Self>,
    ) -> impl Future<Output = Result<bool, sqlx::Error>> + Send {
        async { Ok(true) }
    }

    /// The statement that opens a transaction.
    fn begin_sql() -> &'static str {
        "BEGIN"
    }

    /// A text column that must not be NULL. The default is the driver's
    /// checked decoding; a dialect overrides it only for a quirk.
    fn text(row: &Row<Self>, index: usize) -> Result<String, sqlx::Error> {
        Self::Db::text(row, index)
    }

    /// A text column that may be NULL.
    fn opt_text(row: &Row<Self>, index: usize) -> Result<Option<String>, sqlx::Error> {
        Self::Db::opt_text(row, index)
    }

    /// An integer column that must not be NULL.
    fn int(row: &Row<Self>, index: usize) -> Result<i64, sqlx::Error> {
        Self::Db::int(row, index)
    }

    /// Reads (revision, checksum, state) of every row, or `None` when the
    /// table does not exist. The default reads plain rows.
    fn read_brief(
        &mut self,
        conn: &mut Conn<Self>,
        select: &str,
        _packed: &str,
    ) -> impl Future<Output = Result<Option<Brief>, sqlx::Error>> + Send {
        let select = super::sql_str(select);
        async move {
            let rows = match Self::Db::fetch_bound(conn, select, &[]).await {
                Ok(rows) => rows,
                Err(e) if Self::classify(&e) == ErrorClass::MissingTable => return Ok(None),
                Err(e) => return Err(e),
            };
            rows.iter()
                .map(|r| Ok([Self::text(r, 0)?, Self::text(r, 1)?, Self::text(r, 2)?]))
                .collect::<Result<Vec<_>, sqlx::Error>>()
                .map(|rows| Some(Brief::Rows(rows)))
        }
    }

    /// Runs a migration section. `in_transaction` says whether a
    /// transaction is open around it; outside one, each statement must
    /// commit on its own. `done` hears of each statement as it finishes
    /// (its number in the section and the rows it changed). The default
    /// runs it whole.
    fn run_section(
        &mut self,
        conn: &mut Conn<Self>,
        sql: &str,
        _in_transaction: bool,
        done: super::Finished<'_>,
    ) -> impl Future<Output = Result<(), SqlFailure>> + Send {
        let statements: Vec<SqlStr> = match done {
            Some(_) => migrate_graph::split::split(sql, Self::DIALECT)
                .iter()
                .map(|s| super::sql_str(s.text))
                .collect(),
            None => Vec::new(),
        };
        let sql = super::sql_str(sql);
        async move {
            let Some(done) = done else {
                return Self::Db::run_many(conn, sql, None).await;
            };
            for (k, statement) in statements.into_iter().enumerate() {
                match Self::Db::execute(conn, statement).await {
                    Ok(rows) => done(k, rows).await,
                    Err(source) => {
                        return Err(SqlFailure {
                            statement: Some(k),
                            position: None,
                            source,
                        })
                    }
                }
            }
            Ok(())
        }
    }

    /// What an error of this driver means.
    fn classify(error: &sqlx::Error) -> ErrorClass;

    /// Sets how long migration SQL waits for a lock held by someone else
    /// (PostgreSQL `lock_timeout`, MySQL `lock_wait_timeout`, SQLite's busy
    /// timeout), for the rest of the session; restored when it ends.
    fn set_statement_lock_timeout(
        &mut self,
        conn: &mut Conn<Self>,
        timeout: std::time::Duration,
    ) -> impl Future<Output = Result<(), sqlx::Error>> + Send;

    /// Puts back what a migration may have changed in the session: the
    /// settings as they were when the session opened (`at_end`) or as the
    /// run set them. Returns `false` when that is not possible, and the
    /// connection must then be closed rather than returned to the pool.
    fn restore(
        &mut self,
        conn: &mut Conn<Self>,
        at_end: bool,
    ) -> impl Future<Output = Result<bool, sqlx::Error>> + Send;

    /// Whether [`Backend::restore`] must run after every step (settings a
    /// migration can change inside a transaction) or only after steps that
    /// ran outside one and at the end.
    const RESTORE_EVERY_STEP: bool = true;

    /// A query for the settings [`Backend::restore`] puts back, sent in the
    /// same round trip as a transactional step's version row so that the
    /// check after every step costs no round trip of its own; its row goes
    /// to [`Backend::settings_kept`]. `None`: the step calls `restore`.
    const STEP_SETTINGS: Option<&'static str> = None;

    /// Whether the row of [`Backend::STEP_SETTINGS`] shows the settings as
    /// the run wants them; when not, the session calls `restore`.
    fn settings_kept(&self, _row: &Row<Self>) -> Result<bool, sqlx::Error> {
        Ok(false)
    }

    /// Called when a session is dropped without being closed (a panic, a
    /// cancelled future) with its connection detached from the pool when it
    /// may hold a lock or a transaction. The default drops the connection,
    /// which ends both on the server.
    fn abandon(self, conn: Option<<Self::Db as sqlx::Database>::Connection>) {
        drop(conn);
    }

    /// The server's id of this session (PostgreSQL's backend pid, MySQL's
    /// connection id), for [`Backend::waiting_for`].
    fn session_id(&self) -> Option<i64> {
        None
    }

    /// What the session `id` is waiting for, asked on another connection
    /// of `pool` while a step runs long; `None` when the database cannot
    /// tell or the session waits for nothing.
    fn waiting_for(
        _pool: &sqlx::Pool<Self::Db>,
        _id: i64,
    ) -> impl Future<Output = Result<Option<String>, sqlx::Error>> + Send {
        async { Ok(None) }
    }
}

/// The separator of [`Brief::Packed`]'s values (ASCII RS).
pub(crate) const RECORD_SEP: char = '\x1e';

/// What a migrator needs of every version-table row: revision, checksum and
/// state. Read once per run, under the lock; kept as the database sent it
/// so that an up-to-date launch allocates nothing per row.
#[derive(Debug)]
pub(crate) enum Brief {
    /// Each column aggregated by the database into one text, values
    /// separated by RS, in the same row order. Only made by
    /// [`Brief::packed`], which checks that no value contained a separator.
    Packed {
        /// The revisions, the checksums and the states.
        columns: [String; 3],
        /// How many rows.
        count: usize,
    },
    /// One entry per row.
    Rows(Vec<[String; 3]>),
}

impl Brief {
    /// Wraps three aggregated columns if each splits into exactly `count`
    /// values; `None` means a value held a separator, and the caller reads
    /// the rows one by one instead. The caller has made sure no row holds a
    /// NULL (which the aggregate would skip: a NULL and a separator in one
    /// column would cancel out).
    ///
    /// A separator inside a value adds a value to its column, so the counts
    /// catch them all. (One aggregate per column, not one of concatenated
    /// records: SQLite's `||` copies each row's values, which cost as much
    /// as the read itself.)
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    pub(crate) fn packed(columns: [Option<String>; 3], count: usize) -> Option<Brief> {
        let columns = columns.map(Option::unwrap_or_default);
        let fits = |c: &String| match count {
            0 => c.is_empty(),
            n => c.split(RECORD_SEP).count() == n,
        };
        columns
            .iter()
            .all(fits)
            .then_some(Brief::Packed { columns, count })
    }

    /// (revision, checksum, state) of each row, borrowed.
    pub(crate) fn records(&self) -> Box<dyn Iterator<Item = (&str, &str, &str)> + '_> {
        match self {
            Brief::Packed { count: 0, .. } => Box::new(std::iter::empty()),
            Brief::Packed {
                columns: [r, c, s], ..
            } => Box::new(
                r.split(RECORD_SEP)
                    .zip(c.split(RECORD_SEP))
                    .zip(s.split(RECORD_SEP))
                    .map(|((r, c), s)| (r, c, s)),
            ),
            Brief::Rows(rows) => Box::new(
                rows.iter()
                    .map(|[r, c, s]| (r.as_str(), c.as_str(), s.as_str())),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn join(values: &[&str]) -> Option<String> {
        Some(values.join(&RECORD_SEP.to_string()))
    }

    #[test]
    fn packed_reads_are_checked_for_separators_in_values() {
        let brief = Brief::packed(
            [
                join(&["aa01", "bb02"]),
                join(&["00ff", "11ee"]),
                join(&["applied", "started_up"]),
            ],
            2,
        )
        .unwrap();
        let rows: Vec<_> = brief.records().collect();
        assert_eq!(
            rows,
            [("aa01", "00ff", "applied"), ("bb02", "11ee", "started_up")]
        );
        // An empty table aggregates to NULL.
        assert_eq!(
            Brief::packed([None, None, None], 0)
                .unwrap()
                .records()
                .count(),
            0
        );
        assert!(Brief::packed([Some("x".into()), None, None], 0).is_none());
        // A separator in a value makes one value more than rows...
        let states = join(&["applied", "applied"]);
        assert!(Brief::packed(
            [join(&["x\x1ey", "b"]), join(&["0", "1"]), states.clone()],
            2
        )
        .is_none());
        // ...even when one column's extra value and another's missing one
        // (a NULL the aggregate skipped) could line up.
        assert!(Brief::packed(
            [join(&["r1\x1er2"]), join(&["c1", "c2"]), join(&["applied"])],
            2
        )
        .is_none());
        assert!(Brief::packed([join(&["r1", "r2"]), join(&["c1"]), states], 2).is_none());
        // Empty values are fine.
        assert!(Brief::packed([join(&[""]), join(&[""]), join(&[""])], 1).is_some());
    }
}
