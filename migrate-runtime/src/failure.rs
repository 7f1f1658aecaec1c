//! Why a connection could not be made, as a kind callers act on: its own
//! module, so that both the error type and the code that connects can name
//! it without importing each other.

use std::fmt;

/// Why a connection could not be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConnectFailure {
    /// Nothing listens at the address: the TCP connection was refused, or
    /// the Unix socket does not exist.
    Refused,
    /// No answer within the connect timeout (10 s), or the operating
    /// system gave up waiting.
    Timeout,
    /// The host name does not resolve.
    UnknownHost,
    /// The network has no route to the host.
    Unreachable,
    /// The server rejected the user name or password (PostgreSQL 28P01 and
    /// 28000, MySQL 1045 and 1698, SQLite's authorization error).
    Auth,
    /// The user may not use that database (PostgreSQL 42501, MySQL 1044).
    AccessDenied,
    /// The server has no database of that name (PostgreSQL 3D000, MySQL 1049).
    UnknownDatabase,
    /// The server has no connection left (PostgreSQL 53300, MySQL 1040).
    TooManyConnections,
    /// The TLS handshake failed.
    Tls,
    /// The driver refused an option in the URL.
    Config,
    /// SQLite could not open or create the database file.
    CannotOpen,
    /// Anything else: the error's source says what.
    Other,
}

impl fmt::Display for ConnectFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConnectFailure::Refused => "the connection was refused; check that the server is running at that host and port",
            ConnectFailure::Timeout => "the server did not answer in time; check the host, the port and any firewall in between",
            ConnectFailure::UnknownHost => "the host name does not resolve; check its spelling",
            ConnectFailure::Unreachable => "the network cannot reach the host; check the address and the network",
            ConnectFailure::Auth => "the server rejected the user name or password; check the credentials in the URL",
            ConnectFailure::AccessDenied => "the user may not use this database; grant it access, or use another user",
            ConnectFailure::UnknownDatabase => "the server has no database of that name; create it, or fix the name in the URL",
            ConnectFailure::TooManyConnections => "the server has no connection to spare; retry later, or raise its connection limit",
            ConnectFailure::Tls => "the TLS handshake failed; check the URL's ssl options and the certificates",
            ConnectFailure::Config => "the driver refused an option in the URL; fix it",
            ConnectFailure::CannotOpen => "SQLite cannot open the database file; check that its directory exists and is writable",
            ConnectFailure::Other => "the driver reported an error; check that the server is running and the URL, user and password are right",
        })
    }
}
