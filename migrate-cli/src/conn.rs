//! Where the command's database comes from: the service's own pool, or a
//! URL connected to only when the command needs a database.

use super::error::CmdError;
use migrate_runtime::{Db, Dialect};

/// Where the database comes from.
pub(crate) enum Conn<'a> {
    /// The service's own pool.
    Given(&'a Db),
    /// A URL to connect to when the command needs it.
    Url(Option<String>),
}

impl Conn<'_> {
    /// The URL, for scrubbing messages.
    pub(crate) fn url(&self) -> Option<&str> {
        match self {
            Conn::Url(u) => u.as_deref(),
            Conn::Given(_) => None,
        }
    }

    /// The dialect of offline scripts.
    pub(crate) fn dialect(&self, command: &'static str) -> Result<Dialect, CmdError> {
        match self {
            Conn::Given(db) => Ok(db.dialect()),
            Conn::Url(Some(url)) => Ok(migrate_runtime::DatabaseUrl::parse(url)?.dialect()),
            Conn::Url(None) => Err(CmdError::NoDatabaseUrl { command }),
        }
    }

    /// Runs `work` with the database, connecting (and closing) if needed.
    pub(crate) async fn with<T>(
        &self,
        command: &'static str,
        work: impl AsyncFnOnce(&Db) -> Result<T, CmdError>,
    ) -> Result<T, CmdError> {
        match self {
            Conn::Given(db) => work(db).await,
            Conn::Url(None) => Err(CmdError::NoDatabaseUrl { command }),
            Conn::Url(Some(url)) => {
                let db = Db::connect(url).await?;
                let result = work(&db).await;
                db.close().await;
                result
            }
        }
    }
}
