//! The databases a migrator runs on: the application's own sqlx pools, or a
//! [`Db`] chosen by URL.

use crate::Dialect;

/// A database the migrator can run on: a sqlx pool of an enabled backend
/// (`SqlitePool`, `PgPool`, `MySqlPool`, as the crate's features enable
/// them) or a [`Db`].
///
/// The trait is sealed: the runtime needs to know each backend's locking and
/// transaction rules, so only the types listed here implement it.
pub trait Database: sealed::Sealed + Send + Sync {
    /// The SQL dialect of this database.
    fn dialect(&self) -> Dialect;

    /// The pool behind this value.
    #[doc(hidden)]
    fn backend(&self) -> BackendRef<'_>;
}

pub use sealed::BackendRef;

mod sealed {
    /// Only the runtime's own types implement [`Database`](super::Database).
    pub trait Sealed {}

    /// Which pool a [`Database`](super::Database) is.
    ///
    /// Non-exhaustive: which variants exist depends on the runtime's
    /// features, which another crate in the build may turn on.
    #[derive(Clone, Copy, Debug)]
    #[non_exhaustive]
    pub enum BackendRef<'a> {
        /// SQLite.
        #[cfg(feature = "sqlite")]
        Sqlite(&'a sqlx::SqlitePool),
        /// PostgreSQL.
        #[cfg(feature = "postgres")]
        Postgres(&'a sqlx::PgPool),
        /// MySQL or MariaDB.
        #[cfg(feature = "mysql")]
        MySql(&'a sqlx::MySqlPool),
    }
}

#[cfg(feature = "sqlite")]
impl sealed::Sealed for sqlx::SqlitePool {}
#[cfg(feature = "sqlite")]
impl Database for sqlx::SqlitePool {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }
    fn backend(&self) -> BackendRef<'_> {
        BackendRef::Sqlite(self)
    }
}

#[cfg(feature = "postgres")]
impl sealed::Sealed for sqlx::PgPool {}
#[cfg(feature = "postgres")]
impl Database for sqlx::PgPool {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }
    fn backend(&self) -> BackendRef<'_> {
        BackendRef::Postgres(self)
    }
}

#[cfg(feature = "mysql")]
impl sealed::Sealed for sqlx::MySqlPool {}
#[cfg(feature = "mysql")]
impl Database for sqlx::MySqlPool {
    fn dialect(&self) -> Dialect {
        Dialect::MySql
    }
    fn backend(&self) -> BackendRef<'_> {
        BackendRef::MySql(self)
    }
}

/// A connection pool of whichever backend a URL names: what applications use
/// when the database is chosen by configuration (`DATABASE_URL`).
///
/// ```no_run
/// # async fn run() -> Result<(), migrate_runtime::Error> {
/// use migrate_runtime::{Db, Dialect};
/// let db = Db::connect("sqlite:app.db").await?; // creates app.db if missing
/// assert_eq!(db.dialect(), Dialect::Sqlite);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Db {
    /// A SQLite pool.
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::SqlitePool),
    /// A PostgreSQL pool.
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgPool),
    /// A MySQL or MariaDB pool.
    #[cfg(feature = "mysql")]
    MySql(sqlx::MySqlPool),
}

/// How long [`Db::connect`] waits for a server before giving up. sqlx retries
/// refused connections until its acquire timeout; its 30 s default makes a
/// typo in a port look like a hang.
impl Db {
    /// The SQL dialect of this database.
    pub fn dialect(&self) -> Dialect {
        Database::dialect(self)
    }

    /// Closes every connection of the pool, waiting for checked-out ones.
    pub async fn close(&self) {
        match self {
            #[cfg(feature = "sqlite")]
            Db::Sqlite(p) => p.close().await,
            #[cfg(feature = "postgres")]
            Db::Postgres(p) => p.close().await,
            #[cfg(feature = "mysql")]
            Db::MySql(p) => p.close().await,
        }
    }
}

impl sealed::Sealed for Db {}
impl Database for Db {
    fn dialect(&self) -> Dialect {
        match self {
            #[cfg(feature = "sqlite")]
            Db::Sqlite(_) => Dialect::Sqlite,
            #[cfg(feature = "postgres")]
            Db::Postgres(_) => Dialect::Postgres,
            #[cfg(feature = "mysql")]
            Db::MySql(_) => Dialect::MySql,
        }
    }
    fn backend(&self) -> BackendRef<'_> {
        match self {
            #[cfg(feature = "sqlite")]
            Db::Sqlite(p) => BackendRef::Sqlite(p),
            #[cfg(feature = "postgres")]
            Db::Postgres(p) => BackendRef::Postgres(p),
            #[cfg(feature = "mysql")]
            Db::MySql(p) => BackendRef::MySql(p),
        }
    }
}

impl<T: Database + ?Sized> sealed::Sealed for &T {}
impl<T: Database + ?Sized> Database for &T {
    fn dialect(&self) -> Dialect {
        (**self).dialect()
    }
    fn backend(&self) -> BackendRef<'_> {
        (**self).backend()
    }
}

#[cfg(feature = "sqlite")]
impl From<sqlx::SqlitePool> for Db {
    fn from(pool: sqlx::SqlitePool) -> Db {
        Db::Sqlite(pool)
    }
}

#[cfg(feature = "postgres")]
impl From<sqlx::PgPool> for Db {
    fn from(pool: sqlx::PgPool) -> Db {
        Db::Postgres(pool)
    }
}

#[cfg(feature = "mysql")]
impl From<sqlx::MySqlPool> for Db {
    fn from(pool: sqlx::MySqlPool) -> Db {
        Db::MySql(pool)
    }
}
