//! Scratch databases: where autogenerate replays the migrations and runs
//! `schema.sql`, so that the engine itself normalizes both sides of a diff.
//!
//! On SQLite a scratch database is in memory. On PostgreSQL and MariaDB it is
//! a database created on a dev server (by default the server of the
//! database URL) and named `migrate_scratch_<pid>_<unix time>_<host>_<n>`:
//! the prefix makes leftovers recognisable, the pid and host say whether the
//! run that made it is still alive, the time how old it is. Every scratch
//! database is dropped when its run ends, on success and on error
//! ([`ScratchServer::drop`]); a run cut short by Ctrl-C drops what is still
//! registered with [`drop_live`] from its signal handler; and whatever a
//! killed run left behind (its process is gone, or it is older than an hour)
//! is dropped by the next run ([`ScratchServer::clean_leftovers`]).
//!
//! # Imports
//!
//! `admin`, `names`

use migrate_runtime::DatabaseUrl;
use migrate_runtime::{Db, Dialect};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

mod admin;
mod names;

pub(crate) use names::name_with;

use admin::{exec, list, AdminError};
use migrate_schema::{create_database, drop_database};
use names::{is_leftover, new_name};

/// What every scratch database's name starts with.
pub const SCRATCH_PREFIX: &str = "migrate_scratch_";

/// How old a leftover must be to be dropped when its process cannot be
/// checked (another host) or still exists (a reused pid).
pub const LEFTOVER_AGE: Duration = Duration::from_secs(3600);

/// Why a scratch database could not be created or dropped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScratchError {
    /// The dev server could not be reached.
    #[error("cannot connect to the dev server {server} for scratch databases")]
    Connect {
        /// The server's URL, password redacted.
        server: String,
        /// The driver's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// `CREATE DATABASE` failed (most often: the user lacks the privilege).
    #[error("cannot create the scratch database {name} on {server}: the migrations and the desired schema run on temporary databases; pass --dev-url (or set `dev_url` in migrate.toml) naming a server and a user allowed to CREATE DATABASE")]
    Create {
        /// The database it tried to create.
        name: String,
        /// The server's URL, password redacted.
        server: String,
        /// The database's message.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// `DROP DATABASE` failed; the next run drops it, or drop it by hand.
    #[error("cannot drop the scratch database {name} on {server}; the next run drops it, or drop it by hand")]
    Drop {
        /// The database.
        name: String,
        /// The server's URL, password redacted.
        server: String,
        /// The database's message.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The dev server speaks another dialect than the database.
    #[error("the dev server {server} is {actual}, but the migrations are for {expected}: pass a --dev-url of the same kind as the database")]
    Mismatch {
        /// The server's URL, password redacted.
        server: String,
        /// The dev server's dialect.
        actual: Dialect,
        /// The database's dialect.
        expected: Dialect,
    },
    /// Opening an in-memory SQLite database failed.
    #[error("cannot open an in-memory SQLite database")]
    Sqlite {
        /// The driver's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// Where scratch databases are made: in memory (SQLite) or on a dev server.
#[derive(Clone, Debug)]
pub struct ScratchServer {
    dialect: Dialect,
    /// The dev server, connected to its own database for CREATE/DROP.
    admin: Option<DatabaseUrl>,
}

/// One scratch database, open.
#[derive(Debug)]
pub struct ScratchDb {
    /// A pool on it.
    pub db: Db,
    /// Its name on the dev server; `None` in memory.
    pub name: Option<String>,
}

struct Live {
    admin: DatabaseUrl,
    dialect: Dialect,
    name: String,
}

/// Scratch databases created and not yet dropped by this process.
static LIVE: Mutex<Vec<Live>> = Mutex::new(Vec::new());

impl ScratchServer {
    /// In-memory SQLite scratch databases.
    pub fn sqlite() -> ScratchServer {
        ScratchServer {
            dialect: Dialect::Sqlite,
            admin: None,
        }
    }

    /// Scratch databases for migrations of `dialect` on the server of
    /// `dev` (the database URL itself when no dev URL is given: its own
    /// database serves as the connection for CREATE and DROP).
    pub fn new(dialect: Dialect, dev: &DatabaseUrl) -> Result<ScratchServer, ScratchError> {
        if dev.dialect() != dialect {
            return Err(ScratchError::Mismatch {
                server: dev.to_string(),
                actual: dev.dialect(),
                expected: dialect,
            });
        }
        Ok(ScratchServer {
            dialect,
            admin: (dialect != Dialect::Sqlite).then(|| dev.clone()),
        })
    }

    /// The dialect of the scratch databases.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The URL of database `name` on the dev server (what the dump net hands
    /// to pg_dump and mariadb-dump); `None` in memory.
    pub(crate) fn url(&self, name: &str) -> Option<DatabaseUrl> {
        self.admin.as_ref().and_then(|a| a.with_database(name))
    }

    /// The URL of database `name` on the dev server, password hidden;
    /// `None` in memory.
    pub(crate) fn shown(&self, name: &str) -> Option<String> {
        self.admin
            .as_ref()
            .and_then(|a| a.with_database(name))
            .map(|u| u.to_string())
    }

    /// Creates a fresh, empty scratch database and registers it for
    /// [`drop_live`].
    pub async fn create(&self) -> Result<ScratchDb, ScratchError> {
        self.create_as(new_name()).await
    }

    /// [`ScratchServer::create`] under the name `name` (ignored in memory).
    pub(crate) async fn create_as(&self, name: String) -> Result<ScratchDb, ScratchError> {
        let Some(admin) = &self.admin else {
            return Ok(ScratchDb {
                db: memory().await?,
                name: None,
            });
        };
        let server = admin.to_string();
        exec(admin, &create_database(self.dialect, &name))
            .await
            .map_err(|e| match e {
                AdminError::Connect(source) => ScratchError::Connect {
                    server: server.clone(),
                    source,
                },
                AdminError::Sql(source) => ScratchError::Create {
                    name: name.clone(),
                    server: server.clone(),
                    source,
                },
            })?;
        register(admin, self.dialect, &name);
        let url = admin
            .with_database(&name)
            .expect("a server URL takes a database name");
        match Db::connect_url(&url).await {
            Ok(db) => Ok(ScratchDb {
                db,
                name: Some(name),
            }),
            Err(e) => {
                if exec(admin, &drop_database(self.dialect, &name))
                    .await
                    .is_ok()
                {
                    unregister(&name);
                }
                Err(ScratchError::Connect {
                    server,
                    source: Box::new(e),
                })
            }
        }
    }

    /// Closes a scratch database and drops it from the server.
    pub async fn drop(&self, scratch: ScratchDb) -> Result<(), ScratchError> {
        scratch.db.close().await;
        let (Some(admin), Some(name)) = (&self.admin, scratch.name) else {
            return Ok(());
        };
        let result = exec(admin, &drop_database(self.dialect, &name)).await;
        match result {
            Ok(()) => {
                unregister(&name);
                Ok(())
            }
            Err(AdminError::Connect(source) | AdminError::Sql(source)) => Err(ScratchError::Drop {
                name,
                server: admin.to_string(),
                source,
            }),
        }
    }

    /// Drops the scratch databases that earlier runs left on the server:
    /// those whose process is gone (same host) or that are older than
    /// [`LEFTOVER_AGE`]. Returns their names.
    pub async fn clean_leftovers(&self) -> Result<Vec<String>, ScratchError> {
        let Some(admin) = &self.admin else {
            return Ok(Vec::new());
        };
        let server = admin.to_string();
        let names = list(admin, self.dialect).await.map_err(|e| match e {
            AdminError::Connect(source) | AdminError::Sql(source) => {
                ScratchError::Connect { server, source }
            }
        })?;
        let mut dropped = Vec::new();
        for name in names {
            if is_leftover(&name, SystemTime::now()) {
                // Another run may drop it at the same time: IF EXISTS, and a
                // failure here is not this run's problem.
                if exec(admin, &drop_database(self.dialect, &name))
                    .await
                    .is_ok()
                {
                    dropped.push(name);
                }
            }
        }
        Ok(dropped)
    }
}

/// Drops every scratch database this process created and has not dropped
/// yet: what a Ctrl-C handler calls after cancelling the work. Returns the
/// names it could not drop.
pub async fn drop_live() -> Vec<String> {
    let live: Vec<Live> = std::mem::take(&mut *LIVE.lock().unwrap_or_else(|e| e.into_inner()));
    let mut failed = Vec::new();
    for l in live {
        if exec(&l.admin, &drop_database(l.dialect, &l.name))
            .await
            .is_err()
        {
            failed.push(l.name);
        }
    }
    failed
}

#[cfg(not(feature = "sqlite"))]
async fn memory() -> Result<Db, ScratchError> {
    Err(ScratchError::Sqlite {
        source: "the `sqlite` feature of migrate-runtime is not enabled".into(),
    })
}

#[cfg(feature = "sqlite")]
async fn memory() -> Result<Db, ScratchError> {
    use std::str::FromStr;
    let options = sqlx::sqlite::SqliteConnectOptions::from_str("sqlite::memory:").map_err(|e| {
        ScratchError::Sqlite {
            source: Box::new(e),
        }
    })?;
    // One connection for the pool's whole life: an in-memory database lives
    // and dies with its connection.
    sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(options)
        .await
        .map(Db::Sqlite)
        .map_err(|e| ScratchError::Sqlite {
            source: Box::new(e),
        })
}

fn register(admin: &DatabaseUrl, dialect: Dialect, name: &str) {
    LIVE.lock().unwrap_or_else(|e| e.into_inner()).push(Live {
        admin: admin.clone(),
        dialect,
        name: name.to_owned(),
    });
}

fn unregister(name: &str) {
    LIVE.lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|l| l.name != name);
}
