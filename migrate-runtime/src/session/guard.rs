//! The fate of a session's pooled connection.

/// Owns a session's pooled connection and decides its fate on drop: a
/// connection that may hold the migration lock, an open transaction, or a
/// session a migration changed beyond repair is detached from the pool and
/// closed (the server then frees the lock and rolls back), never handed to
/// the application in that state. That covers panics in a hook and futures
/// dropped mid-run, where no async cleanup can run.
pub(crate) struct Guard<DB: sqlx::Database> {
    conn: Option<sqlx::pool::PoolConnection<DB>>,
    /// A session lock tied to the connection is held: the one record of it.
    pub(super) locked: bool,
    /// A transaction is open: the one record of it.
    pub(super) in_tx: bool,
    /// The connection is not fit for the pool, whatever happens next.
    pub(super) tainted: bool,
}

impl<DB: sqlx::Database> Guard<DB> {
    /// Wraps a freshly acquired connection.
    pub(crate) fn new(conn: sqlx::pool::PoolConnection<DB>) -> Guard<DB> {
        Guard {
            conn: Some(conn),
            locked: false,
            in_tx: false,
            tainted: false,
        }
    }

    /// The connection.
    pub(crate) fn conn(&mut self) -> &mut DB::Connection {
        self.conn
            .as_mut()
            .expect("the connection is only taken on close")
    }

    /// Detaches the connection from the pool if it may hold a lock, an open
    /// transaction or a changed session: dropping (or closing) it then ends
    /// all of them.
    pub(crate) fn take_dirty(&mut self) -> Option<DB::Connection> {
        if self.locked || self.in_tx || self.tainted {
            self.conn.take().map(|conn| conn.detach())
        } else {
            None
        }
    }
}

impl<DB: sqlx::Database> Drop for Guard<DB> {
    fn drop(&mut self) {
        // Dropping the detached connection closes its socket (or, for
        // SQLite, its handle), which releases the lock and rolls back.
        drop(self.take_dirty());
    }
}
