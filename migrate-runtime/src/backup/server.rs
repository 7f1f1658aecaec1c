//! Where a server database is, read from the pool's own options (password
//! included: what the dump tools need to reach the same database).

/// A server database's address, user, password and URL parameters.
pub(crate) struct Server {
    pub(crate) host: Option<String>,
    pub(crate) port: Option<u16>,
    pub(crate) user: String,
    pub(crate) password: Option<String>,
    pub(crate) database: String,
    query: Vec<(String, String)>,
}

impl Server {
    /// From the pool's URL (`None`: a URL that did not parse).
    pub(crate) fn of(url: Option<&url::Url>) -> Server {
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let Some(url) = url else {
            return Server {
                host: None,
                port: None,
                user: String::new(),
                password: None,
                database: "database".to_owned(),
                query: Vec::new(),
            };
        };
        Server {
            host: url
                .host_str()
                .map(|h| decode(h.trim_start_matches('[').trim_end_matches(']'))),
            port: url.port(),
            user: decode(url.username()),
            password: url.password().map(decode),
            database: decode(url.path().trim_start_matches('/')),
            query: url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        }
    }

    /// The URL parameter `key` (the first of `keys` present), as given.
    pub(crate) fn param(&self, keys: &[&str]) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| keys.contains(&k.as_str()))
            .map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_options_are_decoded() {
        let u = url::Url::parse("postgres://app:p%40ss@db:6000/orders?sslmode=require").unwrap();
        let s = Server::of(Some(&u));
        assert_eq!(s.password.as_deref(), Some("p@ss"));
        assert_eq!((s.host.as_deref(), s.port), (Some("db"), Some(6000)));
        assert_eq!(s.database, "orders");
        assert_eq!(s.param(&["sslmode"]), Some("require"));
    }
}
