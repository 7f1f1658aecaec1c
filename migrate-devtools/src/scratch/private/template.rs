//! A cache of freshly initialised data directories, one per server binary:
//! `initdb` and `mariadb-install-db` take seconds (ten on a busy two-core
//! machine), a copy of their result a fraction of that. The cache lives in
//! the user's cache directory (`$XDG_CACHE_HOME/migrate`, else
//! `~/.cache/migrate`), never in a shared temporary directory where another
//! user could plant one; without a home directory nothing is cached. An
//! entry is written under a temporary name and renamed into place, so a
//! half-written one is never used.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".cache"))
        })?;
    Some(base.join("migrate").join("scratch-templates"))
}

/// The entry for `program` (the initialiser's path and size name it, so an
/// upgraded package gets a new one) and `flavour` (`pg`, `mariadb`).
fn entry(program: &Path, flavour: &str) -> Option<PathBuf> {
    let size = std::fs::metadata(program).ok()?.len();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in program
        .display()
        .to_string()
        .bytes()
        .chain(size.to_le_bytes())
    {
        hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    Some(root()?.join(format!("{flavour}-{hash:016x}")))
}

/// Copies the cached data directory for `program` to `dest`; `false` when
/// there is none (or the copy failed: `dest` is then removed).
pub(crate) fn restore(program: &Path, flavour: &str, dest: &Path) -> bool {
    let Some(cached) = entry(program, flavour).filter(|p| p.is_dir()) else {
        return false;
    };
    if copy(&cached, dest) {
        return true;
    }
    let _ = std::fs::remove_dir_all(dest);
    false
}

/// Stores a copy of the fresh data directory `data` for `program` (best
/// effort: a failure only means the next start initialises again).
pub(crate) fn store(program: &Path, flavour: &str, data: &Path) {
    let Some(target) = entry(program, flavour) else {
        return;
    };
    let Some(parent) = target.parent() else {
        return;
    };
    if std::fs::create_dir_all(parent).is_err() {
        return;
    }
    let partial = parent.join(format!(
        ".partial-{}-{:x}",
        std::process::id(),
        crate::scratch::names::random()
    ));
    if copy(data, &partial) && std::fs::rename(&partial, &target).is_ok() {
        return;
    }
    let _ = std::fs::remove_dir_all(&partial);
}

/// `cp -a`: owners, modes and links kept (the server insists on a data
/// directory only its user can read).
fn copy(from: &Path, to: &Path) -> bool {
    Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .is_ok_and(|s| s.success())
}
