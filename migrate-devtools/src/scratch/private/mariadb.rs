//! A private MariaDB: `mariadb-install-db` into the private directory, then
//! `mariadbd` with networking off (`--skip-networking`), its socket in that
//! directory, durability off. As root it runs as root (`--user=root`, which
//! MariaDB accepts when told); otherwise as the calling user.

use super::binaries::{is_root, mariadb_install};
use super::process::{private_dir, run_setup, Watched};
use super::template;
use super::Started;

/// Starts one.
pub(super) fn start() -> Result<Started, String> {
    let install = mariadb_install().ok_or_else(|| super::NO_MARIADB.to_owned())?;
    let dir = private_dir(None).map_err(|e| format!("cannot create a private directory: {e}"))?;
    let data = dir.join("data");
    let user: Vec<String> = if is_root() {
        vec!["--user=root".into()]
    } else {
        Vec::new()
    };
    let mut setup: Vec<String> = vec!["--no-defaults".into()];
    setup.extend(user.iter().cloned());
    setup.extend([
        format!("--datadir={}", data.display()),
        "--auth-root-authentication-method=normal".into(),
        "--skip-test-db".into(),
        "--skip-name-resolve".into(),
    ]);
    let initialised = if template::restore(&install.install_db, "mariadb", &data) {
        Ok(())
    } else {
        run_setup(&install.install_db, &setup, None, &dir)
            .inspect(|()| template::store(&install.install_db, "mariadb", &data))
    };
    if let Err(e) = initialised {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(e);
    }
    let socket = dir.join("mysqld.sock");
    let mut args: Vec<String> = vec!["--no-defaults".into()];
    args.extend(user);
    args.extend([
        format!("--datadir={}", data.display()),
        format!("--socket={}", socket.display()),
        format!("--pid-file={}", dir.join("mariadbd.pid").display()),
        format!("--tmpdir={}", dir.display()),
        "--skip-networking".into(),
        "--skip-name-resolve".into(),
        "--skip-log-bin".into(),
        "--character-set-server=utf8mb4".into(),
        "--collation-server=utf8mb4_general_ci".into(),
        "--innodb-buffer-pool-size=32M".into(),
        "--innodb-flush-log-at-trx-commit=0".into(),
        "--innodb-doublewrite=0".into(),
        "--innodb-buffer-pool-load-at-startup=0".into(),
        "--innodb-buffer-pool-dump-at-shutdown=0".into(),
    ]);
    let watched = match Watched::spawn(&dir, &install.server, &args, "KILL", None) {
        Ok(w) => w,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e);
        }
    };
    Ok(Started {
        watched,
        url: format!("mysql://root@localhost/mysql?socket={}", socket.display()),
        major: install.major,
        product: "MariaDB",
    })
}
