//! A private PostgreSQL: `initdb` into the private directory, then
//! `postgres` listening on a Unix socket in that directory only
//! (`listen_addresses = ''`), durability off (everything is thrown away).

use super::binaries::{postgres_installs, server_user};
use super::process::{private_dir, run_setup, Watched};
use super::template;
use super::Started;

/// Starts one, preferring major version `prefer`.
pub(super) fn start(prefer: Option<u32>) -> Result<Started, String> {
    let installs = postgres_installs();
    let Some(chosen) = prefer
        .and_then(|m| installs.iter().find(|i| i.major == m))
        .or_else(|| installs.first())
        .cloned()
    else {
        return Err(super::NO_POSTGRES.to_owned());
    };
    let user = server_user();
    let ids = user.as_ref().map(|(u, g, _)| (*u, *g));
    let dir = private_dir(ids).map_err(|e| format!("cannot create a private directory: {e}"))?;
    let data = dir.join("data");
    let initdb = chosen.bin.join("initdb");
    let setup = if template::restore(&initdb, "pg", &data) {
        Ok(())
    } else {
        run_setup(
            &initdb,
            &[
                "-D".into(),
                data.display().to_string(),
                "-U".into(),
                "postgres".into(),
                "-A".into(),
                "trust".into(),
                "-E".into(),
                "UTF8".into(),
                "--no-locale".into(),
                "--no-sync".into(),
            ],
            ids,
            &dir,
        )
        .inspect(|()| template::store(&initdb, "pg", &data))
    };
    if let Err(e) = setup {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(e);
    }
    let mut args: Vec<String> = vec!["-D".into(), data.display().to_string()];
    for (k, v) in [
        ("listen_addresses", "".to_owned()),
        ("unix_socket_directories", dir.display().to_string()),
        ("unix_socket_permissions", "0700".to_owned()),
        ("port", "5432".to_owned()),
        ("fsync", "off".to_owned()),
        ("synchronous_commit", "off".to_owned()),
        ("full_page_writes", "off".to_owned()),
        ("max_connections", "100".to_owned()),
        ("logging_collector", "off".to_owned()),
    ] {
        args.push("-c".into());
        args.push(format!("{k}={v}"));
    }
    let watched = match Watched::spawn(&dir, &chosen.bin.join("postgres"), &args, "QUIT", ids) {
        Ok(w) => w,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e);
        }
    };
    Ok(Started {
        watched,
        url: format!(
            "postgres://postgres@localhost/postgres?host={}&port=5432",
            dir.display()
        ),
        major: Some(chosen.major),
        product: "PostgreSQL",
    })
}
