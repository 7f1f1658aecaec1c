//! Where a command's database comes from: the service's own pool, or a URL
//! parsed once and connected to only when the command needs a database,
//! while the migrations load.

use super::error::CmdError;
use migrate_runtime::{DatabaseUrl, Db, Dialect, UrlError};

/// Where the database comes from.
pub enum Database<'a> {
    /// The service's own pool (`MigrateCommand::run_with`).
    Pool(&'a Db),
    /// A URL to connect to when the command needs it.
    Url {
        /// The URL as parsed, if one was given; a URL that does not parse
        /// fails only the commands that need it. (Boxed: a pool is a pointer.)
        url: Option<Box<Result<DatabaseUrl, UrlError>>>,
        /// The variable a missing URL's message says to set.
        env: String,
    },
}

impl Database<'_> {
    /// `text`, parsed once, or no URL; `env` is named when one is missing.
    pub fn url(text: Option<&str>, env: impl Into<String>) -> Database<'static> {
        Database::Url {
            url: text.map(|t| Box::new(DatabaseUrl::parse(t))),
            env: env.into(),
        }
    }

    /// The URL, parsed; `None` without one.
    fn parsed(&self) -> Result<Option<&DatabaseUrl>, CmdError> {
        match self {
            Database::Url { url: Some(url), .. } => {
                Ok(Some(url.as_ref().as_ref().map_err(Clone::clone)?))
            }
            _ => Ok(None),
        }
    }

    /// The error for a command that needs a database and has none.
    fn missing(&self, command: &'static str) -> CmdError {
        let env = match self {
            Database::Url { env, .. } => env.clone(),
            Database::Pool(_) => String::new(),
        };
        CmdError::NoDatabaseUrl { command, env }
    }

    /// The dialect of the pool or the URL (the application's offline
    /// scripts); `command` is named when there is neither.
    pub(crate) fn dialect(&self, command: &'static str) -> Result<Dialect, CmdError> {
        match (self, self.parsed()?) {
            (Database::Pool(db), _) => Ok(db.dialect()),
            (_, Some(url)) => Ok(url.dialect()),
            (_, None) => Err(self.missing(command)),
        }
    }

    /// The URL's dialect, or `None` without a URL (`cargo migrate`'s
    /// offline scripts, which then ask for `--dialect`).
    pub(crate) fn url_dialect(&self) -> Result<Option<Dialect>, CmdError> {
        Ok(self.parsed()?.map(DatabaseUrl::dialect))
    }

    /// Starts connecting (in the background, so that loading the migrations
    /// overlaps it), or fails at once when there is no URL.
    pub(crate) fn connect(&self, command: &'static str) -> Result<Pending<'_>, CmdError> {
        match (self, self.parsed()?) {
            (Database::Pool(db), _) => Ok(Pending::Pool(db)),
            (_, Some(url)) => {
                let url = url.clone();
                let task = tokio::spawn(async move { Db::connect_url(&url).await });
                Ok(Pending::Connecting(Abort(task)))
            }
            (_, None) => Err(self.missing(command)),
        }
    }
}

/// A database being connected to, or the pool.
pub(crate) enum Pending<'a> {
    /// The service's pool: used, never closed.
    Pool(&'a Db),
    /// A connection of this command's own: closed after use.
    Connecting(Abort),
}

/// A connect task, abandoned when the command fails before using it (the
/// migrations did not load, say): a slow server is not waited for.
pub(crate) struct Abort(tokio::task::JoinHandle<Result<Db, migrate_runtime::Error>>);

impl Drop for Abort {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Pending<'_> {
    /// Waits for the connection, runs `work` with it and closes it.
    pub(crate) async fn with<T>(
        self,
        work: impl AsyncFnOnce(&Db) -> Result<T, migrate_runtime::Error>,
    ) -> Result<T, CmdError> {
        match self {
            Pending::Pool(db) => Ok(work(db).await?),
            Pending::Connecting(mut task) => {
                let db = match (&mut task.0).await {
                    Ok(connected) => connected?,
                    // The task is neither cancelled nor panics unless the
                    // runtime is going away; report it like a failed write.
                    Err(e) => return Err(CmdError::Output(std::io::Error::other(e))),
                };
                let result = work(&db).await;
                db.close().await;
                Ok(result?)
            }
        }
    }
}
