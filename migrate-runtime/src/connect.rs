//! Connecting to the database a URL names, and telling why it failed.
//!
//! A failure is classified into a [`ConnectFailure`](crate::ConnectFailure) here, where the driver's
//! error still exists (its I/O error kind, PostgreSQL's SQLSTATE, MySQL's
//! error number), so that callers act on the kind and never on message text.
//! The driver's message is kept only as the error's source, scrubbed of every
//! form of the password.

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
mod online {
    use crate::db::Db;
    use crate::error::Error;
    use crate::failure::ConnectFailure;
    use crate::url::{DatabaseUrl, UrlError};
    use crate::Dialect;

    /// How long [`Db::connect`] waits for a server before giving up. sqlx retries
    /// refused connections until its acquire timeout; its 30 s default makes a
    /// typo in a port look like a hang.
    const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

    impl Db {
        /// Connects to `url`; the scheme picks the backend: `sqlite:` (`sqlite:app.db`,
        /// `sqlite://app.db`, `sqlite::memory:`), `postgres://` / `postgresql://`,
        /// `mysql://` / `mariadb://`, or a libpq `key=value` string (PostgreSQL).
        ///
        /// A SQLite file is created when missing, unless the URL sets `mode=` itself.
        /// Errors carry the URL with its password replaced by `***`, and never the
        /// password itself; a connection failure says why in its
        /// [`ConnectFailure`] kind.
        pub async fn connect(url: &str) -> Result<Db, Error> {
            Db::connect_url(&DatabaseUrl::parse(url)?).await
        }

        /// Connects to a parsed URL, as [`Db::connect`] does.
        pub async fn connect_url(url: &DatabaseUrl) -> Result<Db, Error> {
            let text = url.driver_text();
            match url.dialect() {
                #[cfg(feature = "sqlite")]
                Dialect::Sqlite => {
                    use std::str::FromStr;
                    let mut options = match sqlx::sqlite::SqliteConnectOptions::from_str(&text) {
                        Ok(options) => options,
                        Err(e) => return Err(connect_error(url, e).await),
                    };
                    if url.query_value("mode").is_none() {
                        options = options.create_if_missing(true);
                    }
                    let mut pool =
                        sqlx::sqlite::SqlitePoolOptions::new().acquire_timeout(CONNECT_TIMEOUT);
                    if options.get_filename().as_os_str().is_empty()
                        || text.contains(":memory:")
                        || url.query_value("mode").as_deref() == Some("memory")
                    {
                        // An in-memory database lives as long as one connection to
                        // it: keep the pool's connections open.
                        pool = pool
                            .idle_timeout(None)
                            .max_lifetime(None)
                            .min_connections(1);
                    }
                    match pool.connect_with(options).await {
                        Ok(pool) => Ok(Db::Sqlite(pool)),
                        Err(e) => Err(connect_error(url, e).await),
                    }
                }
                #[cfg(feature = "postgres")]
                Dialect::Postgres => {
                    use std::str::FromStr;
                    let options = match sqlx::postgres::PgConnectOptions::from_str(&text) {
                        Ok(options) => options,
                        Err(e) => return Err(connect_error(url, e).await),
                    };
                    probe(url, &options).await?;
                    let pool = sqlx::postgres::PgPoolOptions::new()
                        .acquire_timeout(CONNECT_TIMEOUT)
                        .connect_lazy_with(options);
                    Ok(Db::Postgres(pool))
                }
                #[cfg(feature = "mysql")]
                Dialect::MySql => {
                    use std::str::FromStr;
                    let options = match sqlx::mysql::MySqlConnectOptions::from_str(&text) {
                        Ok(options) => options,
                        Err(e) => return Err(connect_error(url, e).await),
                    };
                    probe(url, &options).await?;
                    let pool = sqlx::mysql::MySqlPoolOptions::new()
                        .acquire_timeout(CONNECT_TIMEOUT)
                        .connect_lazy_with(options);
                    Ok(Db::MySql(pool))
                }
                #[allow(unreachable_patterns)]
                dialect => Err(Error::UnsupportedUrl(UrlError::NotEnabled {
                    url: url.to_string(),
                    feature: dialect.name(),
                })),
            }
        }
    }

    /// Opens and closes one connection, so that a wrong port, host or password
    /// fails at once with the driver's reason: a pool retries refused connections
    /// until its acquire timeout and then only says that it timed out.
    #[cfg(any(feature = "postgres", feature = "mysql"))]
    async fn probe<O>(url: &DatabaseUrl, options: &O) -> Result<(), Error>
    where
        O: sqlx::ConnectOptions,
        O::Connection: Sized,
    {
        use sqlx::Connection;
        let conn = match tokio::time::timeout(CONNECT_TIMEOUT, options.connect()).await {
            Err(_) => {
                return Err(Error::Connect {
                    url: url.to_string(),
                    kind: ConnectFailure::Timeout,
                    source: format!("no answer within {} s", CONNECT_TIMEOUT.as_secs()).into(),
                })
            }
            Ok(Err(e)) => return Err(connect_error(url, e).await),
            Ok(Ok(conn)) => conn,
        };
        // A failed goodbye does not make the server unreachable.
        let _ = conn.close().await;
        Ok(())
    }

    /// A driver message that went through [`DatabaseUrl::scrub`].
    #[derive(Debug)]
    struct Scrubbed(String);

    impl std::fmt::Display for Scrubbed {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.0)
        }
    }

    impl std::error::Error for Scrubbed {}

    /// A connection failure, with the URL redacted and the failure classified.
    /// sqlx's own message is kept as the source because it says what went
    /// wrong in the driver's words; the servers' authentication messages name
    /// the user, never the password, but a configuration error could quote a
    /// URL fragment, so any occurrence of the password is removed all the same.
    async fn connect_error(url: &DatabaseUrl, error: sqlx::Error) -> Error {
        let mut kind = classify(url.dialect(), &error);
        if kind == ConnectFailure::Other
            && matches!(error, sqlx::Error::Io(_))
            && !resolves(url).await
        {
            kind = ConnectFailure::UnknownHost;
        }
        Error::Connect {
            url: url.to_string(),
            kind,
            source: Box::new(Scrubbed(url.scrub(&error.to_string()))),
        }
    }

    /// Whether the URL's host name resolves. The standard library reports a
    /// failed lookup with an I/O error of no stable kind, so a failure of
    /// unknown kind is checked by looking the host up again.
    async fn resolves(url: &DatabaseUrl) -> bool {
        let (Some(host), Some(port)) = (url.host(), url.port()) else {
            return true;
        };
        if url.socket().is_some() || host.parse::<std::net::IpAddr>().is_ok() {
            return true;
        }
        let lookup = tokio::net::lookup_host((host, port));
        // A resolver that hangs says nothing either way.
        !matches!(
            tokio::time::timeout(std::time::Duration::from_secs(5), lookup).await,
            Ok(Err(_))
        )
    }

    /// The kind of a connection failure, from the error's type and codes.
    fn classify(dialect: Dialect, error: &sqlx::Error) -> ConnectFailure {
        use std::io::ErrorKind;
        match error {
            sqlx::Error::Io(e) => match e.kind() {
                ErrorKind::ConnectionRefused => ConnectFailure::Refused,
                ErrorKind::TimedOut => ConnectFailure::Timeout,
                ErrorKind::HostUnreachable
                | ErrorKind::NetworkUnreachable
                | ErrorKind::AddrNotAvailable => ConnectFailure::Unreachable,
                // A Unix socket file that does not exist: nothing listens.
                ErrorKind::NotFound => ConnectFailure::Refused,
                _ => ConnectFailure::Other,
            },
            sqlx::Error::Tls(_) => ConnectFailure::Tls,
            sqlx::Error::Configuration(_) => ConnectFailure::Config,
            sqlx::Error::PoolTimedOut => ConnectFailure::Timeout,
            sqlx::Error::Database(db) => match dialect {
                Dialect::Postgres => match db.code().as_deref() {
                    Some("28P01" | "28000") => ConnectFailure::Auth,
                    Some("3D000") => ConnectFailure::UnknownDatabase,
                    Some("42501") => ConnectFailure::AccessDenied,
                    Some("53300") => ConnectFailure::TooManyConnections,
                    _ => ConnectFailure::Other,
                },
                Dialect::MySql => mysql_number(db.as_ref()).map_or(ConnectFailure::Other, |n| {
                    match n {
                        1045 | 1698 => ConnectFailure::Auth,
                        1044 => ConnectFailure::AccessDenied,
                        1049 => ConnectFailure::UnknownDatabase,
                        1040 | 1203 => ConnectFailure::TooManyConnections,
                        // Client-side numbers, for drivers that report them.
                        2002 | 2003 => ConnectFailure::Refused,
                        2005 => ConnectFailure::UnknownHost,
                        _ => ConnectFailure::Other,
                    }
                }),
                Dialect::Sqlite => {
                    let code: Option<i32> = db.code().and_then(|c| c.parse().ok());
                    // Extended result codes keep the primary code in the low byte.
                    match code.map(|c| c & 0xff) {
                        Some(14) => ConnectFailure::CannotOpen,
                        Some(23) => ConnectFailure::Auth,
                        _ => ConnectFailure::Other,
                    }
                }
            },
            _ => ConnectFailure::Other,
        }
    }

    #[cfg(feature = "mysql")]
    fn mysql_number(db: &dyn sqlx::error::DatabaseError) -> Option<u16> {
        db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()
            .map(|e| e.number())
    }

    #[cfg(not(feature = "mysql"))]
    fn mysql_number(_: &dyn sqlx::error::DatabaseError) -> Option<u16> {
        None
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn io_errors_are_classified_by_kind() {
            use std::io::{Error as IoError, ErrorKind};
            let io = |kind| sqlx::Error::Io(IoError::from(kind));
            for (kind, want) in [
                (ErrorKind::ConnectionRefused, ConnectFailure::Refused),
                (ErrorKind::TimedOut, ConnectFailure::Timeout),
                (ErrorKind::NotFound, ConnectFailure::Refused),
                (ErrorKind::NetworkUnreachable, ConnectFailure::Unreachable),
                (ErrorKind::PermissionDenied, ConnectFailure::Other),
            ] {
                assert_eq!(classify(Dialect::Postgres, &io(kind)), want, "{kind:?}");
            }
            assert_eq!(
                classify(Dialect::MySql, &sqlx::Error::PoolTimedOut),
                ConnectFailure::Timeout
            );
            assert_eq!(
                classify(Dialect::MySql, &sqlx::Error::Configuration("x".into())),
                ConnectFailure::Config
            );
        }

        #[cfg(feature = "sqlite")]
        #[tokio::test]
        async fn a_missing_directory_cannot_be_opened() {
            let dir = std::env::temp_dir().join("migrate-no-such-dir-4711/x.db");
            let err = Db::connect(&format!("sqlite:{}", dir.display()))
                .await
                .unwrap_err();
            let Error::Connect { kind, .. } = err else {
                panic!("{err:?}")
            };
            assert_eq!(kind, ConnectFailure::CannotOpen);
        }

        #[cfg(feature = "postgres")]
        #[tokio::test]
        async fn refused_and_unknown_hosts_are_told_apart() {
            for (url, want) in [
                (
                    "postgres://u:pw-secret@127.0.0.1:1/x",
                    ConnectFailure::Refused,
                ),
                (
                    "postgres://u:pw-secret@no-such-host.invalid/x",
                    ConnectFailure::UnknownHost,
                ),
            ] {
                let err = Db::connect(url).await.unwrap_err();
                let Error::Connect { kind, .. } = &err else {
                    panic!("{err:?}")
                };
                assert_eq!(*kind, want, "{url}: {err}");
                // The cause is in the source, once, not in the message.
                let source = std::error::Error::source(&err).unwrap().to_string();
                assert!(!err.to_string().contains(&source), "{err}");
                assert!(!format!("{err}{err:?}").contains("pw-secret"), "{err:?}");
            }
        }
    }
}
