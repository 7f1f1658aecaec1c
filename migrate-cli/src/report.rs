//! The one renderer of errors for both command lines: an `error:` line,
//! `caused by:` lines, an optional `hint:`, passwords removed. Each command
//! line keeps its own error enum and the hints only it can give (the
//! commands it names); what a runtime error or a database URL calls for is
//! said here, once.

use super::exit;
use migrate_runtime::{ConnectFailure, DatabaseUrl, Redactor};
use std::error::Error as StdError;
use std::fmt::Write as _;
use std::io::Write as _;

/// What a command line knows about the run when it reports an error: the
/// secrets to keep off the screen, the database URL (for the hints of
/// failed connections) and where that URL came from.
#[derive(Debug, Default)]
pub struct Reporter {
    redactor: Redactor,
    url: Option<DatabaseUrl>,
    origin: Option<String>,
}

impl Reporter {
    /// For a run against `url`. `origin` says where the URL came from, as
    /// hints end it: `--database-url`, `the DATABASE_URL environment
    /// variable`, `DATABASE_URL in the .env file`.
    pub fn for_url(url: &str, origin: Option<String>) -> Reporter {
        Reporter {
            redactor: Redactor::for_url(url),
            url: DatabaseUrl::parse(url).ok(),
            origin,
        }
    }

    /// The scrubber of everything this reporter prints.
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// Prints `err` on stderr (see [`lines`]) with `hint`, passwords
    /// removed, and returns its exit code: [`exit::FAILURE`], the code of
    /// every error but a usage error.
    pub fn report(&self, err: &(dyn StdError + 'static), hint: Option<&str>) -> u8 {
        self.eprint(&lines(err, hint));
        exit::FAILURE
    }

    /// The hint for a runtime error where its message alone does not say
    /// what to do: a failed connection (from the kind the runtime read off
    /// the driver's error, naming where the server was expected) and a URL
    /// that names no supported database, each saying where the URL came
    /// from, since a URL from a forgotten `.env` or shell variable is a
    /// common surprise.
    pub fn hint(&self, err: &migrate_runtime::Error) -> Option<String> {
        match err {
            migrate_runtime::Error::Connect { kind, .. } => {
                let advice = connect_hint(*kind, self.url.as_ref()?);
                Some(match &self.origin {
                    Some(origin) => format!("{advice} (the URL comes from {origin})"),
                    None => advice,
                })
            }
            migrate_runtime::Error::UnsupportedUrl(_) => self.url_hint(),
            _ => None,
        }
    }

    /// The hint for a database URL that does not parse: where it came from.
    pub fn url_hint(&self) -> Option<String> {
        self.origin
            .as_ref()
            .map(|origin| format!("the URL comes from {origin}"))
    }

    /// Prints already formatted diagnostic text on stderr, passwords removed.
    pub fn eprint(&self, text: &str) {
        let text = self.redactor.scrub(text);
        // Nothing sensible is left to do if stderr itself is gone.
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
}

/// `err` as both command lines print it: `error: <message>`, then each
/// underlying cause not already in the message as `caused by: ...`, then
/// `hint: ...` when one is given. Newline-terminated, not yet scrubbed.
pub fn lines(err: &(dyn StdError + 'static), hint: Option<&str>) -> String {
    let mut text = String::new();
    let message = err.to_string();
    let _ = writeln!(text, "error: {message}");
    let mut seen = message;
    let mut cause = err.source();
    while let Some(c) = cause {
        let line = c.to_string();
        if !seen.contains(&line) {
            let _ = writeln!(text, "caused by: {line}");
            seen.push_str(&line);
        }
        cause = c.source();
    }
    if let Some(hint) = hint {
        let _ = writeln!(text, "hint: {hint}");
    }
    text
}

/// What to do about a failed connection, naming where the server was
/// expected.
fn connect_hint(kind: ConnectFailure, url: &DatabaseUrl) -> String {
    let at = url.address().unwrap_or_else(|| "the database".to_owned());
    let db = url
        .database()
        .map_or_else(String::new, |d| format!(" `{d}`"));
    match kind {
        ConnectFailure::Refused => format!(
            "nothing answered at {at}: start the server there, or fix the host and port in the URL"
        ),
        ConnectFailure::Timeout => format!(
            "the server did not answer at {at}: check that it is up, the host and port in the URL, and any firewall in between"
        ),
        ConnectFailure::UnknownHost => format!(
            "the host name `{}` does not resolve: fix it in the URL",
            url.host().unwrap_or_default()
        ),
        ConnectFailure::Unreachable => format!(
            "the network cannot reach {at}: check the address in the URL and the network"
        ),
        ConnectFailure::Auth => format!(
            "the server at {at} rejected the credentials (the password is not shown): fix the user name and password in the URL"
        ),
        ConnectFailure::AccessDenied => format!(
            "the server at {at} does not let this user use the database{db}: grant access, or connect as another user"
        ),
        ConnectFailure::UnknownDatabase => format!(
            "the server at {at} answered, but lacks the database{db}: create it, or fix its name in the URL"
        ),
        ConnectFailure::TooManyConnections => format!(
            "the server at {at} has no connection to spare: retry later, or raise its connection limit"
        ),
        ConnectFailure::Tls => format!(
            "TLS with {at} failed: check the URL's ssl options (sslmode, ssl-mode) and the certificates"
        ),
        ConnectFailure::Config => {
            "the driver refused an option in the URL: check its query parameters".to_owned()
        }
        ConnectFailure::CannotOpen => format!(
            "SQLite cannot open{db}: check that its directory exists and is writable, or fix the path in the URL"
        ),
        _ => format!("the server is expected at {at}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_hints_come_from_the_kind() {
        let url = DatabaseUrl::parse("postgres://app:pw-secret@db:6000/orders").unwrap();
        let hint = |kind| connect_hint(kind, &url);
        assert!(hint(ConnectFailure::Refused).starts_with("nothing answered at db:6000"));
        assert!(hint(ConnectFailure::Timeout).contains("did not answer at db:6000"));
        assert!(hint(ConnectFailure::Auth).contains("rejected the credentials"));
        assert!(hint(ConnectFailure::UnknownDatabase).contains("lacks the database `orders`"));
        assert!(hint(ConnectFailure::UnknownHost).contains("`db`"));
        let v6 = DatabaseUrl::parse("mysql://u@[::1]/x").unwrap();
        assert!(connect_hint(ConnectFailure::Refused, &v6).contains("[::1]:3306"));
        let sqlite = DatabaseUrl::parse("sqlite:/nope/x.db").unwrap();
        assert!(connect_hint(ConnectFailure::CannotOpen, &sqlite).contains("`/nope/x.db`"));
    }

    #[derive(Debug, thiserror::Error)]
    #[error("cannot do it: {0}")]
    struct Outer(#[source] Inner);

    #[derive(Debug, thiserror::Error)]
    #[error("inner trouble")]
    struct Inner(#[source] std::io::Error);

    #[test]
    fn causes_already_in_the_message_are_not_repeated() {
        let err = Outer(Inner(std::io::Error::other("disk full")));
        assert_eq!(
            lines(&err, Some("free some space")),
            "error: cannot do it: inner trouble\ncaused by: disk full\nhint: free some space\n"
        );
    }

    #[test]
    fn hints_say_where_the_url_came_from() {
        let r = Reporter::for_url("oracle://u:pw@h/db", Some("--database-url".to_owned()));
        assert_eq!(
            r.url_hint().as_deref(),
            Some("the URL comes from --database-url")
        );
        assert_eq!(Reporter::default().url_hint(), None);
    }
}
