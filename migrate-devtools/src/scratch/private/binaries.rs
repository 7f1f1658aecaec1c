//! Finding the installed server binaries (PostgreSQL's `initdb` and
//! `postgres`, MariaDB's `mariadb-install-db` and `mariadbd`) and the
//! operating-system user a private server runs as.
//!
//! PostgreSQL is looked for on `PATH`, then in the package directories
//! (`/usr/lib/postgresql/<major>/bin` on Debian, `/usr/pgsql-<major>/bin`
//! on Red Hat, `/usr/local/pgsql/bin`, Homebrew's); MariaDB on `PATH`, then
//! in `/usr/sbin`, `/usr/bin`, `/usr/local/bin` and `/usr/local/sbin`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// One installed PostgreSQL: its `bin` directory and major version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PgInstall {
    /// Holds `initdb` and `postgres`.
    pub bin: PathBuf,
    /// `15` for PostgreSQL 15.x.
    pub major: u32,
}

/// Every PostgreSQL installation with both `initdb` and `postgres`, newest
/// first, each directory once.
pub(crate) fn postgres_installs() -> Vec<PgInstall> {
    let mut dirs: Vec<PathBuf> = path_dirs();
    for pattern_root in ["/usr/lib/postgresql", "/usr/local/Cellar/postgresql"] {
        if let Ok(entries) = std::fs::read_dir(pattern_root) {
            for e in entries.flatten() {
                dirs.push(e.path().join("bin"));
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir("/usr") {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with("pgsql") {
                dirs.push(e.path().join("bin"));
            }
        }
    }
    dirs.push(PathBuf::from("/usr/local/pgsql/bin"));
    dirs.push(PathBuf::from("/opt/homebrew/bin"));
    let mut found: Vec<PgInstall> = Vec::new();
    for dir in dirs {
        if !(is_exec(&dir.join("initdb")) && is_exec(&dir.join("postgres"))) {
            continue;
        }
        let real = std::fs::canonicalize(&dir).unwrap_or(dir);
        if found.iter().any(|f| f.bin == real) {
            continue;
        }
        if let Some(major) = version_of(&real.join("postgres")).and_then(|v| major_of(&v)) {
            found.push(PgInstall { bin: real, major });
        }
    }
    found.sort_by_key(|i| std::cmp::Reverse(i.major));
    found
}

/// MariaDB's binaries: `mariadb-install-db` (or `mysql_install_db`) and
/// `mariadbd` (or `mysqld`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MariaInstall {
    /// The data directory initialiser.
    pub install_db: PathBuf,
    /// The server.
    pub server: PathBuf,
    /// `10` for MariaDB 10.11 (what `--version` says first).
    pub major: Option<u32>,
}

/// The MariaDB installation, if both programs are found.
pub(crate) fn mariadb_install() -> Option<MariaInstall> {
    let install_db = find(&["mariadb-install-db", "mysql_install_db"])?;
    let server = find(&["mariadbd", "mysqld"])?;
    let major = version_of(&server).and_then(|v| {
        // "mariadbd  Ver 10.11.19-MariaDB-0+deb12u1 for ...".
        v.split_whitespace()
            .skip_while(|w| *w != "Ver")
            .nth(1)
            .and_then(major_of)
    });
    Some(MariaInstall {
        install_db,
        server,
        major,
    })
}

fn find(names: &[&str]) -> Option<PathBuf> {
    let mut dirs = path_dirs();
    for d in ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"] {
        dirs.push(PathBuf::from(d));
    }
    names
        .iter()
        .flat_map(|n| dirs.iter().map(move |d| d.join(n)))
        .find(|p| is_exec(p))
}

fn path_dirs() -> Vec<PathBuf> {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default()
}

fn is_exec(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// What `program --version` prints, first line.
fn version_of(program: &Path) -> Option<String> {
    let out = Command::new(program).arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().next().map(str::to_owned)
}

/// The first number of the first word that starts with a digit:
/// `postgres (PostgreSQL) 15.14 (Debian ...)` → 15, `10.11.19-MariaDB` → 10.
pub(crate) fn major_of(text: &str) -> Option<u32> {
    text.split_whitespace()
        .find(|w| w.starts_with(|c: char| c.is_ascii_digit()))
        .and_then(|w| {
            w.split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|n| n.parse().ok())
        })
}

/// The account a private server runs as: `None` to run as ourselves; as
/// root (PostgreSQL refuses to run as root), `postgres` when the package
/// created it, else `nobody`.
pub(crate) fn server_user() -> Option<(u32, u32, String)> {
    if !is_root() {
        return None;
    }
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    for wanted in ["postgres", "nobody"] {
        for line in passwd.lines() {
            let f: Vec<&str> = line.split(':').collect();
            if f.len() >= 4 && f[0] == wanted {
                if let (Ok(uid), Ok(gid)) = (f[2].parse(), f[3].parse()) {
                    return Some((uid, gid, wanted.to_owned()));
                }
            }
        }
    }
    Some((65534, 65534, "nobody".to_owned()))
}

/// Whether this process runs as root (the owner of `/proc/self` is uid 0).
pub(crate) fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majors_come_from_the_first_version_word() {
        assert_eq!(
            major_of("postgres (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)"),
            Some(15)
        );
        assert_eq!(major_of("10.11.19-MariaDB-0+deb12u1"), Some(10));
        assert_eq!(major_of("PostgreSQL 16beta1"), Some(16));
        assert_eq!(major_of("no digits"), None);
    }
}
