//! The mark that says a scratch or test database's owner is alive: a
//! session lock the server itself shows to every other session, held by a
//! connection of the owner for as long as the database lives.
//!
//! - PostgreSQL: `pg_advisory_lock` taken on a connection *to the scratch
//!   database itself* (advisory locks are per database, and `pg_locks`
//!   names the database). That connection also makes a `DROP DATABASE`
//!   without `FORCE` fail, so even a cleaner that ignored marks could not
//!   drop it.
//! - MariaDB/MySQL: `GET_LOCK('<database name>', 0)`, server-wide;
//!   `IS_FREE_LOCK` tells others.
//!
//! The mark dies with its connection: a killed process, a machine that
//! lost power, a container stopped by SIGKILL. So the cleaner needs no
//! clock, host name or process id, and cannot take a live run's database
//! for a leftover (the old rule dropped those of other hosts after an hour,
//! and those of the same host name in another PID namespace).

use super::admin::{AdminError, Conn};
use migrate_runtime::{DatabaseUrl, Dialect};

/// A held mark; [`Mark::release`] (or dropping it) frees it.
#[derive(Debug)]
pub(crate) struct Mark {
    conn: Conn,
}

impl Mark {
    /// Takes the mark of database `name` on the server of `admin`.
    pub(crate) async fn hold(admin: &DatabaseUrl, name: &str) -> Result<Mark, AdminError> {
        let d = admin.dialect();
        let url = match d {
            Dialect::Postgres => admin
                .with_database(name)
                .ok_or_else(|| AdminError::Connect("not a server URL".into()))?,
            _ => admin.clone(),
        };
        let sql = migrate_schema::database::take_mark(d, name, key(name));
        let mut conn = Conn::open(&url).await?;
        match conn.rows(&sql, &[]).await {
            // GET_LOCK answers 0 when someone else holds it: never for a
            // fresh random name, but then the mark is not ours.
            Ok(rows) if rows.first().and_then(|r| r.first()).map(String::as_str) == Some("0") => {
                conn.close().await;
                Err(AdminError::Sql(
                    format!("the lock {name} is held by another session").into(),
                ))
            }
            Ok(_) => Ok(Mark { conn }),
            Err(e) => {
                conn.close().await;
                Err(e)
            }
        }
    }

    /// Frees the mark by closing its connection.
    pub(crate) async fn release(self) {
        self.conn.close().await;
    }
}

/// The advisory lock key of a database name (FNV-1a, 64 bits), so that
/// the key says which database the lock stands for.
fn key(name: &str) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    hash as i64
}
