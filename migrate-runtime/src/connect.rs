//! Connecting by URL: [`Db::connect`], with errors that never show the password.

use crate::db::Db;
use crate::dialect::Dialect;
use crate::error::{redact_url, Error};

const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

impl Db {
    /// Connects to `url`; the scheme picks the backend: `sqlite:` (`sqlite:app.db`,
    /// `sqlite://app.db`, `sqlite::memory:`), `postgres://` / `postgresql://`,
    /// `mysql://` / `mariadb://`.
    ///
    /// A SQLite file is created when missing, unless the URL sets `mode=` itself.
    /// Errors carry the URL with its password replaced by `***`, and never the
    /// password itself.
    pub async fn connect(url: &str) -> Result<Db, Error> {
        let dialect = Dialect::from_url(url).ok_or_else(|| Error::UnsupportedUrl {
            url: redact_url(url),
        })?;
        match dialect {
            #[cfg(feature = "sqlite")]
            Dialect::Sqlite => {
                use std::str::FromStr;
                let mut options = sqlx::sqlite::SqliteConnectOptions::from_str(url)
                    .map_err(|e| connect_error(url, e))?;
                let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
                if !query.split('&').any(|kv| kv.starts_with("mode=")) {
                    options = options.create_if_missing(true);
                }
                let mut pool =
                    sqlx::sqlite::SqlitePoolOptions::new().acquire_timeout(CONNECT_TIMEOUT);
                if options.get_filename().as_os_str().is_empty()
                    || url.contains(":memory:")
                    || url.contains("mode=memory")
                {
                    // An in-memory database lives as long as one connection to
                    // it: keep the pool's connections open.
                    pool = pool
                        .idle_timeout(None)
                        .max_lifetime(None)
                        .min_connections(1);
                }
                let pool = pool
                    .connect_with(options)
                    .await
                    .map_err(|e| connect_error(url, e))?;
                Ok(Db::Sqlite(pool))
            }
            #[cfg(feature = "postgres")]
            Dialect::Postgres => {
                use std::str::FromStr;
                let options = sqlx::postgres::PgConnectOptions::from_str(url)
                    .map_err(|e| connect_error(url, e))?;
                probe(url, &options).await?;
                let pool = sqlx::postgres::PgPoolOptions::new()
                    .acquire_timeout(CONNECT_TIMEOUT)
                    .connect_lazy_with(options);
                Ok(Db::Postgres(pool))
            }
            #[cfg(feature = "mysql")]
            Dialect::MySql => {
                use std::str::FromStr;
                // sqlx knows the `mysql` scheme only; MariaDB speaks the same protocol.
                let rewritten = match url.get(..10) {
                    Some(s) if s.eq_ignore_ascii_case("mariadb://") => {
                        format!("mysql://{}", &url[10..])
                    }
                    _ => url.to_owned(),
                };
                let options = sqlx::mysql::MySqlConnectOptions::from_str(&rewritten)
                    .map_err(|e| connect_error(url, e))?;
                probe(url, &options).await?;
                let pool = sqlx::mysql::MySqlPoolOptions::new()
                    .acquire_timeout(CONNECT_TIMEOUT)
                    .connect_lazy_with(options);
                Ok(Db::MySql(pool))
            }
            #[allow(unreachable_patterns)]
            _ => Err(Error::UnsupportedUrl {
                url: redact_url(url),
            }),
        }
    }
}

/// until its acquire timeout and then only says that it timed out.
/// Opens and closes one connection, so that a wrong port, host or password
/// fails at once with the driver's reason: a pool retries refused connections
#[cfg(any(feature = "postgres", feature = "mysql"))]
async fn probe<O>(url: &str, options: &O) -> Result<(), Error>
where
    O: sqlx::ConnectOptions,
    O::Connection: Sized,
{
    use sqlx::Connection;
    let timed_out = || Error::Connect {
        url: redact_url(url),
        source: format!("no answer within {} s", CONNECT_TIMEOUT.as_secs()).into(),
    };
    let conn = tokio::time::timeout(CONNECT_TIMEOUT, options.connect())
        .await
        .map_err(|_| timed_out())?
        .map_err(|e| connect_error(url, e))?;
    // A failed goodbye does not make the server unreachable.
    let _ = conn.close().await;
    Ok(())
}

/// A driver message that went through [`scrub`].
#[derive(Debug)]
struct Scrubbed(String);

impl std::fmt::Display for Scrubbed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Scrubbed {}

/// A connection failure, with the URL redacted. sqlx's own message is kept
/// because it says what went wrong (refused, unknown host, authentication);
/// the servers' authentication messages name the user, never the password,
/// but a configuration error could quote a URL fragment, so any occurrence of
/// the password is removed all the same.
fn connect_error(url: &str, error: sqlx::Error) -> Error {
    Error::Connect {
        url: redact_url(url),
        source: Box::new(Scrubbed(scrub(&error.to_string(), url))),
    }
}

/// Removes the URL's password from `message`, raw and percent-decoded.
pub(crate) fn scrub(message: &str, url: &str) -> String {
    let passwords = crate::error::url_passwords(url);
    // Replacing a very short password would mangle the message, and it
    // could still be guessed from the gaps: say nothing specific instead.
    if passwords.iter().any(|p| p.chars().count() < 4) {
        return "the driver's message is withheld because it might contain the password".to_owned();
    }
    passwords
        .iter()
        .fold(message.to_owned(), |m, p| m.replace(p.as_str(), "***"))
}
