//! Reading a live database's schema into [`migrate_schema::Schema`]: one
//! catalog reader per dialect, so that both sides of a diff (the migrations
//! replayed on a scratch database, and the desired state executed on
//! another) are normalized by the same engine and read by the same code.
//!
//! # Imports
//!
//! `mysql`, `postgres`, `sqlite`
//!
//! One layer: no dialect's reader uses another's.

#[cfg(feature = "mysql")]
mod mysql;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;

use migrate_runtime::{Action, Error};
use migrate_runtime::{BackendRef, Database};
use migrate_schema::Schema;

/// Reads the schema of the database behind `db`: every table with its
/// columns, keys, constraints, indexes and comments, PostgreSQL enum types
/// and schemas, and the objects not diffed (views, functions, triggers...)
/// by name. The tables named in `exclude` (the version table) are left out.
/// The result is canonical ([`Schema::canonicalize`]).
pub async fn read_schema<D: Database + ?Sized>(db: &D, exclude: &[&str]) -> Result<Schema, Error> {
    let failed = |e: sqlx::Error| Error::Database {
        action: Action::ReadCatalog,
        table: exclude.first().copied().unwrap_or_default().to_owned(),
        hint: None,
        source: Box::new(e),
    };
    let mut schema = match db.backend() {
        #[cfg(feature = "sqlite")]
        BackendRef::Sqlite(pool) => {
            let mut conn = pool.acquire().await.map_err(failed)?;
            sqlite::read(&mut conn, exclude).await.map_err(failed)?
        }
        #[cfg(feature = "postgres")]
        BackendRef::Postgres(pool) => {
            let mut conn = pool.acquire().await.map_err(failed)?;
            postgres::read(&mut conn, exclude).await.map_err(failed)?
        }
        #[cfg(feature = "mysql")]
        BackendRef::MySql(pool) => {
            let mut conn = pool.acquire().await.map_err(failed)?;
            mysql::read(&mut conn, exclude).await.map_err(failed)?
        }
        _ => {
            let e = sqlx::Error::Configuration(crate::NotBuilt(db.dialect()).to_string().into());
            return Err(failed(e));
        }
    };
    schema.canonicalize();
    Ok(schema)
}
