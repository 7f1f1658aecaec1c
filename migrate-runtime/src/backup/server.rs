//! How a server's own client programs (`pg_dump`, `pg_restore`,
//! `mariadb-dump`, `mariadb`) reach the database a URL names: the one home
//! of these connection parameters, used by backups here and by the
//! devtools' rehearsal copy and dump net.
//!
//! The password never goes on a command line, which `ps` shows every user:
//! libpq programs get it in `PGPASSWORD`, MariaDB/MySQL programs in a
//! `[client]` option file only this user can read
//! ([`ToolConnection::my_option_file`], written into a [`SecretDir`]). A Unix
//! socket (PostgreSQL's `?host=/dir`, MariaDB's `?socket=`) is used when the
//! URL names one: a private scratch server listens on nothing else. The
//! URL's TLS options go as each program takes them (`tls.rs`).

use super::private::SecretDir;
use super::tls::{self, Flavor, Params};
use crate::url::DatabaseUrl;
use std::path::Path;
use std::process::Command;

/// A server database's address, user, password and URL options, as the
/// server's client programs take them.
///
/// ```no_run
/// use migrate_runtime::{DatabaseUrl, SecretDir, ToolConnection};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let url: DatabaseUrl = "mysql://app:secret@db:3306/shop".parse()?;
/// let mut to = ToolConnection::of(&url);
/// let files = SecretDir::new()?;
/// to.write_inline_certificates(&files)?;
/// let options = files.write("client.cnf", &to.my_option_file())?;
/// let mut dump = to.my_command("mariadb-dump".as_ref(), &options);
/// dump.arg("--no-data").arg(&to.database);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct ToolConnection {
    /// The host name or address (`None`: the program's default).
    pub host: Option<String>,
    /// The TCP port (`None`: the program's default).
    pub port: Option<u16>,
    /// The user name (empty: the program's default).
    pub user: String,
    /// The database name.
    pub database: String,
    /// A Unix socket: its directory for PostgreSQL (`?host=/dir`), the
    /// socket file for MariaDB/MySQL (`?socket=`).
    pub socket: Option<String>,
    password: Option<String>,
    params: Params,
}

impl ToolConnection {
    /// The parameters of `url` (the driver's text, password included).
    pub fn of(url: &DatabaseUrl) -> ToolConnection {
        ToolConnection::from_url(url::Url::parse(&url.driver_text()).ok().as_ref())
    }

    /// From a parsed URL (`None`: a URL that did not parse, which reaches
    /// the programs' defaults).
    pub(crate) fn from_url(url: Option<&url::Url>) -> ToolConnection {
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let Some(url) = url else {
            return ToolConnection {
                host: None,
                port: None,
                user: String::new(),
                database: "database".to_owned(),
                socket: None,
                password: None,
                params: Params::default(),
            };
        };
        let params = Params::new(
            url.query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        );
        ToolConnection {
            host: url
                .host_str()
                .map(|h| decode(h.trim_start_matches('[').trim_end_matches(']'))),
            port: url.port(),
            user: decode(url.username()),
            database: decode(url.path().trim_start_matches('/')),
            socket: params
                .get(&["socket"])
                .or_else(|| params.get(&["host"]).filter(|h| h.starts_with('/')))
                .map(str::to_owned),
            password: url.password().map(decode),
            params,
        }
    }

    /// The password, for scrubbing it from a program's error output.
    pub fn password(&self) -> Option<&str> {
        self.password.as_deref()
    }

    /// The URL option `key` (the first of `keys` present), as given.
    pub fn param(&self, keys: &[&str]) -> Option<&str> {
        self.params.get(keys)
    }

    /// Writes the certificates and keys the URL holds inline (sqlx keeps a
    /// certificate given as PEM text in the URL) to 0600 files in `files`,
    /// and refers to those instead: the programs take files only. Until
    /// then an inline one is left out of the commands (never put on a
    /// command line, where a private key would be shown).
    pub fn write_inline_certificates(&mut self, files: &SecretDir) -> std::io::Result<()> {
        self.params.write_inline(files)
    }

    /// A libpq program (`pg_dump`, `pg_restore`, `psql`) reaching this
    /// server: host (or socket directory), port and user as options, the
    /// password in `PGPASSWORD`, the TLS options in `PGSSL*`. The caller
    /// adds the database (`--dbname`) and its own options.
    pub fn pg_command(&self, program: &Path) -> Command {
        let mut cmd = Command::new(program);
        cmd.arg("--no-password");
        if let Some(h) = self.socket.as_ref().or(self.host.as_ref()) {
            cmd.arg(format!("--host={h}"));
        }
        if let Some(p) = self.port {
            cmd.arg(format!("--port={p}"));
        }
        if !self.user.is_empty() {
            cmd.arg(format!("--username={}", self.user));
        }
        cmd.env_remove("PGPASSWORD");
        if let Some(pw) = &self.password {
            cmd.env("PGPASSWORD", pw);
        }
        cmd.envs(tls::pg_env(&self.params));
        cmd
    }

    /// The `[client]` option file text holding the password, for
    /// [`ToolConnection::my_command`]; write it with [`SecretDir::write`].
    pub fn my_option_file(&self) -> String {
        let pw = self.password.as_deref().unwrap_or("");
        let escaped = pw.replace('\\', "\\\\").replace('"', "\\\"");
        format!("[client]\npassword=\"{escaped}\"\n")
    }

    /// A MariaDB/MySQL program (`mariadb-dump`, `mysqldump`, `mariadb`)
    /// reaching this server: the option file `options` (the password) first,
    /// as the programs require, then the socket or host and port over TCP,
    /// the user and the TLS flags of the program's flavor. The caller adds
    /// the database and its own options.
    pub fn my_command(&self, program: &Path, options: &Path) -> Command {
        let mut cmd = Command::new(program);
        cmd.arg(format!("--defaults-extra-file={}", options.display()));
        if let Some(socket) = &self.socket {
            cmd.args(["--protocol=SOCKET", &format!("--socket={socket}")]);
        } else {
            if let Some(h) = &self.host {
                cmd.arg(format!("--host={h}"));
            }
            if let Some(p) = self.port {
                cmd.arg(format!("--port={p}"));
            }
            // sqlx connects over TCP; `localhost` would make the program
            // use the default socket, which may be another server.
            cmd.arg("--protocol=TCP");
        }
        if !self.user.is_empty() {
            cmd.arg(format!("--user={}", self.user));
        }
        cmd.args(tls::my_args(&self.params, Flavor::of(program)));
        cmd.env_remove("MYSQL_PWD");
        cmd
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(url: &str) -> ToolConnection {
        ToolConnection::from_url(Some(&url::Url::parse(url).unwrap()))
    }

    fn args(cmd: &Command) -> Vec<String> {
        cmd.get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn server_options_are_decoded() {
        let s = of("postgres://app:p%40ss@db:6000/orders?sslmode=require");
        assert_eq!(s.password(), Some("p@ss"));
        assert_eq!((s.host.as_deref(), s.port), (Some("db"), Some(6000)));
        assert_eq!(s.database, "orders");
        assert_eq!(s.param(&["sslmode"]), Some("require"));
    }

    #[test]
    fn the_password_is_never_an_argument() {
        let pg = of("postgres://app:hunter2@db:6000/orders?sslmode=require");
        let cmd = pg.pg_command(Path::new("pg_dump"));
        assert!(!args(&cmd).iter().any(|a| a.contains("hunter2")));
        let env: Vec<_> = cmd.get_envs().collect();
        assert!(env.contains(&("PGPASSWORD".as_ref(), Some("hunter2".as_ref()))));
        assert!(env.contains(&("PGSSLMODE".as_ref(), Some("require".as_ref()))));
        let my = of("mysql://app:hunter2@db/shop");
        let cmd = my.my_command(Path::new("mariadb-dump"), Path::new("/x/client.cnf"));
        let a = args(&cmd);
        assert_eq!(a[0], "--defaults-extra-file=/x/client.cnf");
        assert!(!a.iter().any(|a| a.contains("hunter2")), "{a:?}");
        assert!(my.my_option_file().contains("password=\"hunter2\""));
    }

    #[test]
    fn sockets_are_reached_by_their_path() {
        let pg = of("postgres://u@localhost/d?host=%2Ftmp%2Fpriv");
        assert!(args(&pg.pg_command(Path::new("pg_dump"))).contains(&"--host=/tmp/priv".into()));
        let my = of("mysql://u@localhost/d?socket=%2Ftmp%2Fpriv%2Fmysqld.sock");
        let a = args(&my.my_command(Path::new("mariadb"), Path::new("c.cnf")));
        assert!(a.contains(&"--protocol=SOCKET".into()), "{a:?}");
        assert!(
            a.contains(&"--socket=/tmp/priv/mysqld.sock".into()),
            "{a:?}"
        );
        assert!(!a.iter().any(|a| a.starts_with("--host")), "{a:?}");
    }
}
