//! Scratch databases: where autogenerate, `check --schema`, the stairway,
//! squash, `schema dump` and the test helper replay migrations and run
//! desired-schema SQL, and nothing else is ever touched.
//!
//! Where they are made ([`ScratchServer::for_project`], the one entry point
//! for a command that has a database URL and maybe a dev URL):
//!
//! - SQLite: in memory.
//! - No dev server configured: a **private server** (`private/`), started
//!   from the installed PostgreSQL or MariaDB binaries in a temporary
//!   directory, on a Unix socket only, and removed on every path.
//! - A dev server (`--dev-url`, `dev_url`, `MIGRATE_DEV_URL`): used as
//!   given, but refused when it is the database's own server
//!   ([`ScratchError::SameServer`]) unless the caller says the project
//!   opted in.
//!
//! A scratch database on a server is named `migrate_scratch_<time>_<random>`,
//! created from `template0`, and marked alive for as long as it exists by a
//! lock its owner holds (`liveness.rs`). Every run drops its own databases
//! when it ends, on success and on error ([`ScratchServer::drop`]); the
//! Ctrl-C, SIGTERM and SIGHUP handlers call [`drop_live`]; and a dev
//! server's databases whose mark is free (their run died) are dropped by
//! the next run ([`ScratchServer::clean_leftovers`]), never `WITH (FORCE)`.
//!
//! # Imports
//!
//! `private`, `liveness` → `admin` → `confine`, `identity`, `names`

mod admin;
mod confine;
mod identity;
mod liveness;
mod names;
mod private;

pub use confine::{outside_one_database, outside_statements, strip_leading_comments, Outside};
pub(crate) use names::name_with;

use admin::{create_sql, drop_database, exec, list, mark_kept, AdminError};
use liveness::Mark;
use migrate_runtime::DatabaseUrl;
use migrate_runtime::{Db, Dialect};
use private::Private;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// What every scratch database's name starts with.
pub const SCRATCH_PREFIX: &str = "migrate_scratch_";

/// What every test database's name starts with (`#[migrate_devtools::test]`).
pub const TEST_PREFIX: &str = "migrate_test_";

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
    #[error("cannot create the scratch database {name} on {server}: the user of the dev server (--dev-url, MIGRATE_DEV_URL or dev_url) must be allowed to CREATE DATABASE there (or leave them unset: a private server is started)")]
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
    #[error("cannot drop the scratch database {name} on {server}; the next run drops it once nothing holds it, or drop it by hand")]
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
    #[error("the dev server {server} is {actual}, but the migrations are for {expected}: name a dev server of the same kind as the database")]
    Mismatch {
        /// The server's URL, password redacted.
        server: String,
        /// The dev server's dialect.
        actual: Dialect,
        /// The database's dialect.
        expected: Dialect,
    },
    /// The dev server is the database's own server.
    #[error("the dev server {dev} is the server of the database {target} ({reason}): scratch databases would be created, and migrations replayed, beside it. Leave dev_url unset (a private server is started), name another server, or, if that server is meant for it, add `dev_url_same_server = \"{database}\"` to migrate.toml")]
    SameServer {
        /// The dev URL, password redacted.
        dev: String,
        /// The database URL, password redacted.
        target: String,
        /// How the two were found to be one server.
        reason: String,
        /// The database's name, for the opt-in.
        database: String,
    },
    /// The private server could not be started.
    #[error("cannot start a private {dialect} server for scratch databases: {reason}; or name a server for them with dev_url in migrate.toml, --dev-url or MIGRATE_DEV_URL")]
    Private {
        /// Its kind.
        dialect: Dialect,
        /// What went wrong and what to do.
        reason: String,
    },
    /// Opening an in-memory SQLite database failed.
    #[error("cannot open an in-memory SQLite database")]
    Sqlite {
        /// The driver's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// Where scratch databases are made: in memory (SQLite), on a private
/// server, or on a dev server.
#[derive(Clone, Debug)]
pub struct ScratchServer {
    dialect: Dialect,
    place: Place,
}

#[derive(Clone, Debug)]
enum Place {
    Memory,
    /// A dev server named by the user, connected to its own database.
    Dev(Box<DatabaseUrl>),
    /// A private server, started on first use.
    Private(Arc<Lazy>),
}

#[derive(Debug)]
struct Lazy {
    target: Option<DatabaseUrl>,
    server: tokio::sync::OnceCell<Arc<Private>>,
}

/// One scratch database, open.
#[derive(Debug)]
pub struct ScratchDb {
    /// A pool on it.
    pub db: Db,
    /// Its name on the server; `None` in memory.
    pub name: Option<String>,
    /// Its liveness mark, held until it is dropped.
    mark: Option<Mark>,
}

struct Live {
    admin: DatabaseUrl,
    name: String,
    private: bool,
}

/// Scratch databases created and not yet dropped by this process.
static LIVE: Mutex<Vec<Live>> = Mutex::new(Vec::new());

impl ScratchServer {
    /// In-memory SQLite scratch databases.
    pub fn sqlite() -> ScratchServer {
        ScratchServer {
            dialect: Dialect::Sqlite,
            place: Place::Memory,
        }
    }

    /// Scratch databases on the dev server `dev`, used as given (its own
    /// database serves as the connection for CREATE and DROP). Commands
    /// call [`ScratchServer::for_project`], which also refuses the
    /// database's own server.
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
            place: match dialect {
                Dialect::Sqlite => Place::Memory,
                _ => Place::Dev(Box::new(dev.clone())),
            },
        })
    }

    /// Scratch databases on a private server of `dialect`, started on
    /// first use from the installed binaries and stopped when the last
    /// clone of this value is dropped. `target`, when given, is asked for
    /// its version (the same major version is preferred when installed).
    pub fn private(dialect: Dialect, target: Option<&DatabaseUrl>) -> ScratchServer {
        ScratchServer {
            dialect,
            place: match dialect {
                Dialect::Sqlite => Place::Memory,
                _ => Place::Private(Arc::new(Lazy {
                    target: target.cloned(),
                    server: tokio::sync::OnceCell::new(),
                })),
            },
        }
    }

    /// The scratch server of a command on the database `target` (if any),
    /// with the dev server `dev` (if configured):
    ///
    /// - SQLite: in memory;
    /// - a dev server: used as given, but refused when it is `target`'s
    ///   own server, unless `same_server_allowed` (the project opted in);
    /// - none: a private server ([`ScratchServer::private`]).
    pub fn for_project(
        dialect: Dialect,
        target: Option<&DatabaseUrl>,
        dev: Option<&DatabaseUrl>,
        same_server_allowed: bool,
    ) -> Result<ScratchServer, ScratchError> {
        if dialect == Dialect::Sqlite {
            return Ok(ScratchServer::sqlite());
        }
        let Some(dev) = dev else {
            return Ok(ScratchServer::private(dialect, target));
        };
        let server = ScratchServer::new(dialect, dev)?;
        if let Some(target) = target {
            server.check_target(target, same_server_allowed)?;
        }
        Ok(server)
    }

    /// Refuses a dev server that is `target`'s own server, unless
    /// `same_server_allowed` (the project opted in): what
    /// [`ScratchServer::for_project`] checks, for a server shared by the
    /// work on several databases (a fleet's rehearsals).
    pub fn check_target(
        &self,
        target: &DatabaseUrl,
        same_server_allowed: bool,
    ) -> Result<(), ScratchError> {
        let Place::Dev(dev) = &self.place else {
            return Ok(());
        };
        match identity::same_server(dev, target).filter(|_| !same_server_allowed) {
            Some(reason) => Err(ScratchError::SameServer {
                dev: dev.to_string(),
                target: target.to_string(),
                reason,
                database: target.database().unwrap_or_default().to_owned(),
            }),
            None => Ok(()),
        }
    }

    /// The dialect of the scratch databases.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Whether the scratch databases go to a server the user named (shared
    /// with other work), rather than in memory or on a private server.
    pub fn is_shared(&self) -> bool {
        matches!(self.place, Place::Dev(_))
    }

    /// Whether this is a private server (started or not).
    pub fn is_private(&self) -> bool {
        matches!(self.place, Place::Private(_))
    }

    /// Once the private server has started: what to tell the user about
    /// its version (when the database's differs).
    pub fn notice(&self) -> Option<String> {
        match &self.place {
            Place::Private(l) => l.server.get().and_then(|p| p.notice().map(str::to_owned)),
            _ => None,
        }
    }

    /// Once the private server has started: how long its start took.
    pub fn start_time(&self) -> Option<Duration> {
        match &self.place {
            Place::Private(l) => l.server.get().map(|p| p.start_time),
            _ => None,
        }
    }

    /// Starts the private server now (it starts on first use otherwise).
    pub async fn start(&self) -> Result<(), ScratchError> {
        self.admin().await.map(|_| ())
    }

    /// The server's own database, starting a private server first.
    async fn admin(&self) -> Result<Option<DatabaseUrl>, ScratchError> {
        match &self.place {
            Place::Memory => Ok(None),
            Place::Dev(url) => Ok(Some((**url).clone())),
            Place::Private(lazy) => {
                let dialect = self.dialect;
                let p = lazy
                    .server
                    .get_or_try_init(|| async {
                        Private::start(dialect, lazy.target.as_ref())
                            .await
                            .map_err(|reason| ScratchError::Private { dialect, reason })
                    })
                    .await?;
                Ok(Some(p.admin().clone()))
            }
        }
    }

    /// The URL of database `name` on the server (what the dump net hands to
    /// pg_dump and mariadb-dump); `None` in memory or before a private
    /// server has started.
    pub(crate) fn url(&self, name: &str) -> Option<DatabaseUrl> {
        let admin = match &self.place {
            Place::Memory => None,
            Place::Dev(url) => Some((**url).clone()),
            Place::Private(l) => l.server.get().map(|p| p.admin().clone()),
        };
        admin.and_then(|a| a.with_database(name))
    }

    /// The URL of database `name` on the server, password hidden; `None`
    /// in memory.
    pub(crate) fn shown(&self, name: &str) -> Option<String> {
        let admin = match &self.place {
            Place::Memory => None,
            Place::Dev(url) => Some((**url).clone()),
            Place::Private(l) => l.server.get().map(|p| p.admin().clone()),
        };
        admin
            .and_then(|a| a.with_database(name))
            .map(|u| u.to_string())
    }

    /// Creates a fresh, empty scratch database, marks it alive and
    /// registers it for [`drop_live`].
    pub async fn create(&self) -> Result<ScratchDb, ScratchError> {
        self.create_as(name_with(SCRATCH_PREFIX)).await
    }

    /// [`ScratchServer::create`] under the name `name` (ignored in memory).
    pub(crate) async fn create_as(&self, name: String) -> Result<ScratchDb, ScratchError> {
        let Some(admin) = self.admin().await? else {
            return Ok(ScratchDb {
                db: memory().await?,
                name: None,
                mark: None,
            });
        };
        let server = admin.to_string();
        exec(&admin, &create_sql(self.dialect, &name))
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
        register(&admin, &name, self.is_private());
        let url = admin
            .with_database(&name)
            .expect("a server URL takes a database name");
        let opened = match Mark::hold(&admin, &name).await {
            Ok(mark) => match Db::connect_url(&url).await {
                Ok(db) => Ok((db, mark)),
                Err(e) => {
                    mark.release().await;
                    Err(Box::new(e) as Box<dyn std::error::Error + Send + Sync>)
                }
            },
            Err(e) => Err(e.into_source()),
        };
        match opened {
            Ok((db, mark)) => Ok(ScratchDb {
                db,
                name: Some(name),
                mark: Some(mark),
            }),
            Err(source) => {
                if drop_database(&admin, &name, true).await.is_ok() {
                    unregister(&name);
                }
                Err(ScratchError::Connect { server, source })
            }
        }
    }

    /// Closes a scratch database, frees its mark and drops it.
    pub async fn drop(&self, scratch: ScratchDb) -> Result<(), ScratchError> {
        scratch.db.close().await;
        if let Some(mark) = scratch.mark {
            mark.release().await;
        }
        let Some(name) = scratch.name else {
            return Ok(());
        };
        let Some(admin) = self.admin().await? else {
            return Ok(());
        };
        match drop_database(&admin, &name, true).await {
            Ok(()) => {
                unregister(&name);
                Ok(())
            }
            Err(e) => Err(ScratchError::Drop {
                name,
                server: admin.to_string(),
                source: e.into_source(),
            }),
        }
    }

    /// Leaves a scratch database on its server, marked so that no cleaner
    /// drops it (a failed test's, for someone to look at); frees its
    /// liveness mark. Returns its URL, password hidden. On a private
    /// server nothing can be kept: it goes with the server.
    pub(crate) async fn keep(&self, scratch: ScratchDb, why: &str) -> Option<String> {
        scratch.db.close().await;
        if let Some(mark) = scratch.mark {
            mark.release().await;
        }
        let name = scratch.name?;
        let admin = self.admin().await.ok().flatten()?;
        unregister(&name);
        if self.is_private() {
            return None;
        }
        let _ = mark_kept(&admin, &name, why).await;
        admin.with_database(&name).map(|u| u.to_string())
    }

    /// [`ScratchServer::keep`] from synchronous code (a `Drop`): marks the
    /// database kept on a thread of its own; its pool and mark go when
    /// `scratch` is dropped.
    pub(crate) fn keep_blocking(&self, scratch: ScratchDb, why: &str) -> Option<String> {
        let name = scratch.name.clone()?;
        unregister(&name);
        let admin = match &self.place {
            Place::Dev(url) => (**url).clone(),
            _ => return None,
        };
        let shown = admin.with_database(&name).map(|u| u.to_string());
        std::thread::scope(|s| {
            s.spawn(|| {
                if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    let _ = rt.block_on(mark_kept(&admin, &name, why));
                }
            });
        });
        drop(scratch);
        shown
    }

    /// Drops the scratch and test databases that dead runs left on a dev
    /// server: those whose liveness mark is free, that are not marked kept,
    /// and that are older than a short grace period. Returns their names.
    /// Nothing to do in memory or on a private server.
    pub async fn clean_leftovers(&self) -> Result<Vec<String>, ScratchError> {
        let Place::Dev(admin) = &self.place else {
            return Ok(Vec::new());
        };
        let listed = list(admin).await.map_err(|e| ScratchError::Connect {
            server: admin.to_string(),
            source: e.into_source(),
        })?;
        let now = SystemTime::now();
        let mut dropped = Vec::new();
        for l in listed {
            let rest = l
                .name
                .strip_prefix(SCRATCH_PREFIX)
                .or_else(|| l.name.strip_prefix(TEST_PREFIX))
                .unwrap_or(&l.name);
            if l.live || l.kept || names::young(rest, now) {
                continue;
            }
            // Another run may drop it at the same time, or its owner may
            // have just connected: a failure is not this run's problem.
            if drop_database(admin, &l.name, false).await.is_ok() {
                dropped.push(l.name);
            }
        }
        Ok(dropped)
    }
}

/// Drops every scratch database this process created and has not dropped
/// yet, and stops its private servers: what the Ctrl-C, SIGTERM and SIGHUP
/// handlers call after cancelling the work. Returns the names it could not
/// drop.
pub async fn drop_live() -> Vec<String> {
    let live: Vec<Live> = std::mem::take(&mut *LIVE.lock().unwrap_or_else(|e| e.into_inner()));
    let mut failed = Vec::new();
    for l in live.into_iter().filter(|l| !l.private) {
        if drop_database(&l.admin, &l.name, true).await.is_err() {
            failed.push(l.name);
        }
    }
    private::stop_all();
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

fn register(admin: &DatabaseUrl, name: &str, private: bool) {
    LIVE.lock().unwrap_or_else(|e| e.into_inner()).push(Live {
        admin: admin.clone(),
        name: name.to_owned(),
        private,
    });
}

fn unregister(name: &str) {
    LIVE.lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|l| l.name != name);
}
