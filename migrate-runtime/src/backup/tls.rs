//! A database URL's TLS options, as each dump tool takes them, so that a
//! backup reaches the server as securely as the migrator does: `sslmode`,
//! `sslrootcert`, `sslcert`, `sslkey` become libpq's `PGSSL*` variables for
//! `pg_dump`; `ssl-mode`, `ssl-ca`, `ssl-cert`, `ssl-key` become
//! `mariadb-dump`'s `--ssl*` flags (or MySQL `mysqldump`'s `--ssl-mode`).
//!
//! sqlx writes a certificate back into a URL as `file: <path>`, or as the
//! PEM text itself when it was given inline; the tools need a file, so an
//! inline one is written to the private temporary directory.

use super::private::SecretDir;
use super::server::Server;
use std::path::Path;

/// `pg_dump`'s environment for the URL's TLS options.
pub(crate) fn pg_env(
    s: &Server,
    secret: &mut Option<SecretDir>,
) -> std::io::Result<Vec<(&'static str, String)>> {
    let mut env = Vec::new();
    if let Some(mode) = s.param(&["sslmode", "ssl-mode"]) {
        env.push(("PGSSLMODE", mode.to_owned()));
    }
    for (keys, var) in [
        (
            &["sslrootcert", "ssl-root-cert", "ssl-ca"][..],
            "PGSSLROOTCERT",
        ),
        (&["sslcert", "ssl-cert"], "PGSSLCERT"),
        (&["sslkey", "ssl-key"], "PGSSLKEY"),
    ] {
        if let Some(v) = s.param(keys) {
            env.push((var, certificate(v, var, secret)?));
        }
    }
    Ok(env)
}

/// Which command-line dialect a MariaDB/MySQL dump tool speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// `mariadb-dump` (Debian's `mysqldump` is a link to it): `--ssl`,
    /// `--skip-ssl`, `--ssl-verify-server-cert`.
    MariaDb,
    /// MySQL's own `mysqldump`: `--ssl-mode=...`.
    MySql,
}

impl Flavor {
    /// The flavor of `tool`: MariaDB's when its name, or the name of the
    /// file it links to, says `mariadb`.
    pub(crate) fn of(tool: &Path) -> Flavor {
        let names_mariadb = |p: &Path| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().contains("mariadb"))
        };
        let target = std::fs::canonicalize(tool).unwrap_or_else(|_| tool.to_owned());
        if names_mariadb(tool) || names_mariadb(&target) {
            Flavor::MariaDb
        } else {
            Flavor::MySql
        }
    }
}

/// `mariadb-dump` / `mysqldump` flags for the URL's TLS options.
pub(crate) fn my_args(
    s: &Server,
    flavor: Flavor,
    secret: &mut Option<SecretDir>,
) -> std::io::Result<Vec<String>> {
    let mut args = Vec::new();
    if let Some(mode) = s.param(&["ssl-mode", "sslmode"]) {
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
                    // PREFERRED: the tool's own default.
                    _ => &[],
                }
                .iter()
                .map(|a| (*a).to_owned()),
            ),
        }
    }
    for (key, flag) in [
        ("ssl-ca", "--ssl-ca"),
        ("ssl-cert", "--ssl-cert"),
        ("ssl-key", "--ssl-key"),
    ] {
        if let Some(v) = s.param(&[key, &key.replace('-', "")]) {
            args.push(format!("{flag}={}", certificate(v, key, secret)?));
        }
    }
    Ok(args)
}

/// The file a certificate option names: sqlx's `file: <path>` form, a
/// plain path, or inline PEM text written to a private file.
fn certificate(value: &str, name: &str, secret: &mut Option<SecretDir>) -> std::io::Result<String> {
    if let Some(path) = value.strip_prefix("file: ") {
        return Ok(path.to_owned());
    }
    if !value.trim_start().starts_with("-----BEGIN") {
        return Ok(value.to_owned());
    }
    if secret.is_none() {
        *secret = Some(SecretDir::new()?);
    }
    let dir = secret.as_ref().expect("created above");
    Ok(dir
        .write(&format!("{name}.pem"), value)?
        .display()
        .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(url: &str) -> Server {
        Server::of(Some(&url::Url::parse(url).unwrap()))
    }

    #[test]
    fn mariadb_and_mysql_flags_follow_the_ssl_mode() {
        let s = server("mysql://u@h/d?ssl-mode=VERIFY_IDENTITY&ssl-ca=file%3A+%2Fetc%2Fca.pem");
        let mut secret = None;
        let maria = my_args(&s, Flavor::MariaDb, &mut secret).unwrap();
        assert_eq!(
            maria,
            ["--ssl", "--ssl-verify-server-cert", "--ssl-ca=/etc/ca.pem"]
        );
        let mysql = my_args(&s, Flavor::MySql, &mut secret).unwrap();
        assert_eq!(
            mysql,
            ["--ssl-mode=VERIFY_IDENTITY", "--ssl-ca=/etc/ca.pem"]
        );
        let off = server("mysql://u@h/d?ssl-mode=DISABLED");
        assert_eq!(
            my_args(&off, Flavor::MariaDb, &mut secret).unwrap(),
            ["--skip-ssl"]
        );
        let req = server("mysql://u@h/d?ssl-mode=REQUIRED&ssl-cert=%2Fc.pem&ssl-key=%2Fk.pem");
        assert_eq!(
            my_args(&req, Flavor::MariaDb, &mut secret).unwrap(),
            [
                "--ssl",
                "--skip-ssl-verify-server-cert",
                "--ssl-cert=/c.pem",
                "--ssl-key=/k.pem"
            ]
        );
        assert!(my_args(
            &server("mysql://u@h/d?ssl-mode=PREFERRED"),
            Flavor::MariaDb,
            &mut secret
        )
        .unwrap()
        .is_empty());
        assert!(secret.is_none(), "no inline certificate, no file");
    }

    #[test]
    fn pg_dump_gets_libpq_variables_and_inline_certificates_become_files() {
        let pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        let url = format!(
            "postgres://u@h/d?sslmode=verify-full&sslrootcert={}&sslcert=file%3A+%2Fc.pem",
            percent_encoding::utf8_percent_encode(pem, percent_encoding::NON_ALPHANUMERIC)
        );
        let mut secret = None;
        let env = pg_env(&server(&url), &mut secret).unwrap();
        assert_eq!(env[0], ("PGSSLMODE", "verify-full".to_owned()));
        assert_eq!(env[2], ("PGSSLCERT", "/c.pem".to_owned()));
        let root = &env[1].1;
        assert_eq!(std::fs::read_to_string(root).unwrap(), pem);
        drop(secret);
        assert!(
            !Path::new(root).exists(),
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
