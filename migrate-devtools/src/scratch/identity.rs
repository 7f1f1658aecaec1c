//! Whether two URLs name the same server: the check that keeps a dev URL
//! from pointing scratch work at the database's own server.
//!
//! Two TCP addresses are the same server when their ports are equal and
//! their host names resolve to a common address (every loopback address
//! counts as one: a server listening on `localhost` answers on
//! `127.0.0.1` and `::1`). Two Unix sockets are the same when their paths
//! are (after resolving links). A socket and a loopback address with the
//! same port (PostgreSQL names its socket after its port) are taken to be
//! the same server: being wrong that way costs an explicit opt-in, being
//! wrong the other way costs the database.

use migrate_runtime::{DatabaseUrl, Dialect};
use std::net::{IpAddr, ToSocketAddrs};

/// Why `dev` is `target`'s server, or `None` when it is another one.
pub(crate) fn same_server(dev: &DatabaseUrl, target: &DatabaseUrl) -> Option<String> {
    if dev.dialect() != target.dialect() || dev.dialect() == Dialect::Sqlite {
        return None;
    }
    match (dev.socket(), target.socket()) {
        (Some(a), Some(b)) => {
            let same_path = canonical(a) == canonical(b);
            let same_port = dev.dialect() != Dialect::Postgres || dev.port() == target.port();
            (same_path && same_port).then(|| format!("both use the Unix socket {a}"))
        }
        (Some(socket), None) => loopback_match(target, dev.port(), socket),
        (None, Some(socket)) => loopback_match(dev, target.port(), socket),
        (None, None) => {
            let (port, other) = (dev.port()?, target.port()?);
            if port != other {
                return None;
            }
            let a = addresses(dev.host()?, port);
            let b = addresses(target.host()?, port);
            let common = a.iter().find(|x| b.contains(x))?;
            Some(format!(
                "{} and {} both reach {} port {port}",
                dev.host().unwrap_or_default(),
                target.host().unwrap_or_default(),
                if common.is_loopback() {
                    "this machine's".to_owned()
                } else {
                    common.to_string()
                }
            ))
        }
    }
}

/// The socket side against a TCP URL: the same when the TCP host is this
/// machine and the ports agree (MySQL sockets carry no port: any).
fn loopback_match(tcp: &DatabaseUrl, socket_port: Option<u16>, socket: &str) -> Option<String> {
    let port = tcp.port()?;
    let local = addresses(tcp.host()?, port).iter().any(IpAddr::is_loopback);
    let ports_agree = tcp.dialect() != Dialect::Postgres || socket_port == Some(port);
    (local && ports_agree).then(|| {
        format!(
            "the Unix socket {socket} and {}:{port} are both on this machine",
            tcp.host().unwrap_or_default()
        )
    })
}

/// The host's addresses, every loopback address folded into 127.0.0.1;
/// a host that does not resolve stands for itself (compared by name).
fn addresses(host: &str, port: u16) -> Vec<IpAddr> {
    let fold = |ip: IpAddr| {
        if ip.is_loopback() {
            IpAddr::from([127, 0, 0, 1])
        } else {
            ip
        }
    };
    match (host, port).to_socket_addrs() {
        Ok(addrs) => addrs.map(|a| fold(a.ip())).collect(),
        Err(_) => Vec::new(),
    }
}

fn canonical(path: &str) -> std::path::PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> DatabaseUrl {
        DatabaseUrl::parse(s).unwrap()
    }

    #[test]
    fn the_same_server_under_other_names_is_found() {
        let target = url("postgres://app:pw@127.0.0.1:5432/app");
        for dev in [
            "postgres://dev@localhost:5432/postgres",
            "postgres://dev@127.0.0.1/other",
            "postgres://dev@[::1]:5432/x",
            "postgres://dev@localhost/x?host=/var/run/postgresql",
        ] {
            assert!(same_server(&url(dev), &target).is_some(), "{dev}");
        }
        let my = url("mysql://app:pw@localhost/shop");
        assert!(same_server(&url("mysql://root@127.0.0.1:3306/x"), &my).is_some());
        assert!(same_server(
            &url("mysql://root@localhost/x?socket=/run/mysqld/mysqld.sock"),
            &my
        )
        .is_some());
    }

    #[test]
    fn other_servers_are_not_the_same() {
        let target = url("postgres://app:pw@127.0.0.1:5432/app");
        for dev in [
            "postgres://dev@127.0.0.1:5433/postgres",
            "postgres://dev@localhost/x?host=/tmp/private&port=5999",
            "mysql://dev@127.0.0.1:5432/x",
        ] {
            assert!(same_server(&url(dev), &target).is_none(), "{dev}");
        }
    }
}
