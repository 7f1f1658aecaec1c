//! A tenant's pool that is migrated on first use: a service with many
//! tenants opens their pools as requests come, and pays for a tenant's
//! migration only when that tenant is first used, once.

use crate::db::Database;
use crate::error::Error;
use crate::migrator::Migrator;
use tokio::sync::OnceCell;

/// A pool that upgrades itself to the heads the first time
/// [`get`](Lazy::get) is called. Concurrent first calls wait for one
/// upgrade (which takes the database's migration lock, so other processes
/// serving the same tenant are safe too); a failed upgrade is tried again
/// on the next call.
///
/// ```no_run
/// # #[cfg(feature = "sqlite")]
/// # async fn run(migrations: &'static migrate_runtime::Migrations) -> Result<(), migrate_runtime::Error> {
/// use migrate_runtime::fleet::Lazy;
/// let pool = migrate_runtime::sqlx::SqlitePool::connect_lazy("sqlite:tenant_42.db").unwrap();
/// let tenant = Lazy::new(migrations.migrator(), pool);
/// let pool = tenant.get().await?; // migrated now, once
/// # let _ = pool; Ok(()) }
/// ```
pub struct Lazy<'m, D> {
    migrator: Migrator<'m>,
    db: D,
    migrated: OnceCell<()>,
}

impl<'m, D: Database> Lazy<'m, D> {
    /// `db`, to be upgraded by `migrator` before its first use.
    pub fn new(migrator: Migrator<'m>, db: D) -> Self {
        Lazy {
            migrator,
            db,
            migrated: OnceCell::new(),
        }
    }

    /// The pool, upgraded to the heads first if this is its first use.
    pub async fn get(&self) -> Result<&D, Error> {
        self.migrated
            .get_or_try_init(async || self.migrator.upgrade(&self.db, "heads").await.map(drop))
            .await?;
        Ok(&self.db)
    }

    /// Whether the upgrade has run.
    pub fn is_migrated(&self) -> bool {
        self.migrated.initialized()
    }

    /// The pool, migrated or not (to close it, say).
    pub fn pool(&self) -> &D {
        &self.db
    }
}
