//! A database URL's TLS options, as each client program takes them, so
//! that a backup or a copy reaches the server as securely as the migrator
//! does: `sslmode`, `sslrootcert`, `sslcert`, `sslkey` become libpq's
//! `PGSSL*` variables for `pg_dump`; `ssl-mode`, `ssl-ca`, `ssl-cert`,
//! `ssl-key` become `mariadb-dump`'s `--ssl*` flags (or MySQL
//! `mysqldump`'s `--ssl-mode`).
//!
//! sqlx writes a certificate back into a URL as `file: <path>`, or as the
//! PEM text itself when it was given inline; the programs need a file, so
//! an inline one is written to a private directory first
//! ([`Params::write_inline`]) and left out until then.

use super::private::SecretDir;
use std::path::Path;

/// The certificate options: which URL keys name them, the libpq variable
/// and the MariaDB/MySQL flag each becomes.
const CERTIFICATES: [(&[&str], &str, &str); 3] = [
    (
        &["sslrootcert", "ssl-root-cert", "ssl-ca", "sslca"],
        "PGSSLROOTCERT",
        "--ssl-ca",
    ),
    (&["sslcert", "ssl-cert"], "PGSSLCERT", "--ssl-cert"),
    (&["sslkey", "ssl-key"], "PGSSLKEY", "--ssl-key"),
];

/// A URL's query options, in order.
#[derive(Clone, Debug, Default)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    pub(crate) fn new(pairs: Vec<(String, String)>) -> Params {
        Params(pairs)
    }

    /// The option `key` (the first of `keys` present), as given.
    pub(crate) fn get(&self, keys: &[&str]) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| keys.contains(&k.as_str()))
            .map(|(_, v)| v.as_str())
    }

    /// Writes each inline PEM certificate or key to a 0600 file in `files`
    /// and replaces the option by that file's path.
    pub(crate) fn write_inline(&mut self, files: &SecretDir) -> std::io::Result<()> {
        for (k, v) in &mut self.0 {
            if is_inline(v) {
                *v = files.write(&format!("{k}.pem"), v)?.display().to_string();
            }
        }
        Ok(())
    }
}

/// Whether a certificate option holds PEM text rather than naming a file.
fn is_inline(value: &str) -> bool {
    value.trim_start().starts_with("-----BEGIN")
}

/// The file a certificate option names (sqlx's `file: <path>` form or a
/// plain path); `None` for inline PEM text not written out yet.
fn certificate(value: &str) -> Option<String> {
    if let Some(path) = value.strip_prefix("file: ") {
        return Some(path.to_owned());
    }
    (!is_inline(value)).then(|| value.to_owned())
}

/// A libpq program's environment for the URL's TLS options.
pub(crate) fn pg_env(p: &Params) -> Vec<(&'static str, String)> {
    let mut env = Vec::new();
    if let Some(mode) = p.get(&["sslmode", "ssl-mode"]) {
        env.push(("PGSSLMODE", mode.to_owned()));
    }
    for (keys, var, _) in CERTIFICATES {
        if let Some(file) = p.get(keys).and_then(certificate) {
            env.push((var, file));
        }
    }
    env
}

/// Which command-line dialect a MariaDB/MySQL client program speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// `mariadb-dump` (Debian's `mysqldump` is a link to it): `--ssl`,
    /// `--skip-ssl`, `--ssl-verify-server-cert`.
    MariaDb,
    /// MySQL's own `mysqldump`: `--ssl-mode=...`.
    MySql,
}

impl Flavor {
    /// The flavor of `program`: MariaDB's when its name, or the name of the
    /// file it links to, says `mariadb`.
    pub(crate) fn of(program: &Path) -> Flavor {
        let names_mariadb = |p: &Path| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().contains("mariadb"))
        };
        let target = std::fs::canonicalize(program).unwrap_or_else(|_| program.to_owned());
        if names_mariadb(program) || names_mariadb(&target) {
            Flavor::MariaDb
        } else {
            Flavor::MySql
        }
    }
}

/// A MariaDB/MySQL program's flags for the URL's TLS options.
pub(crate) fn my_args(p: &Params, flavor: Flavor) -> Vec<String> {
    let mut args = Vec::new();
    if let Some(mode) = p.get(&["ssl-mode", "sslmode"]) {
        let mode = mode.to_ascii_uppercase().replace('-', "_");
        match flavor {
            Flavor::MySql => args.push(format!("--ssl-mode={mode}")),
            Flavor::MariaDb => args.extend(
                match mode.as_str() {
                    "DISABLED" => &["--skip-ssl"][..],
                    // As sqlx: encrypted, the certificate not checked
                    // (newer clients check it by default).
                    "REQUIRED" => &["--ssl", "--skip-ssl-verify-server-cert"],
                    // MariaDB's client checks the host name too: stricter
                    // than VERIFY_CA, never weaker.
                    "VERIFY_CA" | "VERIFY_IDENTITY" => &["--ssl", "--ssl-verify-server-cert"],
                    // PREFERRED: the program's own default.
                    _ => &[],
                }
                .iter()
                .map(|a| (*a).to_owned()),
            ),
        }
    }
    for (keys, _, flag) in CERTIFICATES {
        if let Some(file) = p.get(keys).and_then(certificate) {
            args.push(format!("{flag}={file}"));
        }
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(url: &str) -> Params {
        Params::new(
            url::Url::parse(url)
                .unwrap()
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    #[test]
    fn mariadb_and_mysql_flags_follow_the_ssl_mode() {
        let s = params("mysql://u@h/d?ssl-mode=VERIFY_IDENTITY&ssl-ca=file%3A+%2Fetc%2Fca.pem");
        assert_eq!(
            my_args(&s, Flavor::MariaDb),
            ["--ssl", "--ssl-verify-server-cert", "--ssl-ca=/etc/ca.pem"]
        );
        assert_eq!(
            my_args(&s, Flavor::MySql),
            ["--ssl-mode=VERIFY_IDENTITY", "--ssl-ca=/etc/ca.pem"]
        );
        let off = params("mysql://u@h/d?ssl-mode=DISABLED");
        assert_eq!(my_args(&off, Flavor::MariaDb), ["--skip-ssl"]);
        let req = params("mysql://u@h/d?ssl-mode=REQUIRED&ssl-cert=%2Fc.pem&ssl-key=%2Fk.pem");
        assert_eq!(
            my_args(&req, Flavor::MariaDb),
            [
                "--ssl",
                "--skip-ssl-verify-server-cert",
                "--ssl-cert=/c.pem",
                "--ssl-key=/k.pem"
            ]
        );
        assert!(my_args(&params("mysql://u@h/d?ssl-mode=PREFERRED"), Flavor::MariaDb).is_empty());
    }

    #[test]
    fn libpq_variables_and_inline_certificates_become_files() {
        let pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        let url = format!(
            "postgres://u@h/d?sslmode=verify-full&sslrootcert={}&sslcert=file%3A+%2Fc.pem",
            percent_encoding::utf8_percent_encode(pem, percent_encoding::NON_ALPHANUMERIC)
        );
        let mut p = params(&url);
        // Inline text is never passed on as if it were a file.
        assert_eq!(
            pg_env(&p),
            [
                ("PGSSLMODE", "verify-full".to_owned()),
                ("PGSSLCERT", "/c.pem".to_owned())
            ]
        );
        let files = SecretDir::new().unwrap();
        p.write_inline(&files).unwrap();
        let env = pg_env(&p);
        assert_eq!(env[0], ("PGSSLMODE", "verify-full".to_owned()));
        assert_eq!(env[2], ("PGSSLCERT", "/c.pem".to_owned()));
        let root = env[1].1.clone();
        assert_eq!(std::fs::read_to_string(&root).unwrap(), pem);
        drop(files);
        assert!(
            !Path::new(&root).exists(),
            "removed with the secret directory"
        );
    }

    #[test]
    fn debian_mysqldump_is_mariadb() {
        assert_eq!(
            Flavor::of(Path::new("/usr/bin/mariadb-dump")),
            Flavor::MariaDb
        );
        assert_eq!(
            Flavor::of(Path::new("/opt/mysql/bin/mysqldump")),
            Flavor::MySql
        );
    }
}
