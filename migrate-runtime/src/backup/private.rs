//! Backups hold the whole database: every file and directory this module
//! makes is readable by its owner only (0600 files, 0700 directories), on
//! every backend, whatever the umask.
//!
//! An existing backup directory that other users can enter is refused, not
//! tightened: it may be `/tmp`, a home directory or a shared mount, whose
//! mode is not this tool's to change (running as root in a container, it
//! could). The message gives the `chmod` that makes it private.

use super::BackupError;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Makes `dir` (and its missing parents) private, or checks that an
/// existing one is; then proves it writable. Fails before anything runs.
#[cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]
pub(crate) fn directory(dir: &Path) -> Result<(), BackupError> {
    let err = |source| BackupError::Directory {
        dir: dir.to_owned(),
        source,
    };
    if dir.is_dir() {
        open_to_others(dir).map_err(err)?.map_or(Ok(()), |mode| {
            Err(BackupError::OpenDirectory {
                dir: dir.to_owned(),
                mode,
            })
        })?;
    } else {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(dir).map_err(err)?;
    }
    let probe = dir.join(format!(".migrate-backup-probe-{}", std::process::id()));
    file(&probe).map_err(err)?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// The mode of `dir` when group or others have any access to it.
#[cfg(unix)]
#[cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]
fn open_to_others(dir: &Path) -> std::io::Result<Option<u32>> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir)?.permissions().mode() & 0o7777;
    Ok((mode & 0o077 != 0).then_some(mode))
}

#[cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]
#[cfg(not(unix))]
fn open_to_others(_dir: &Path) -> std::io::Result<Option<u32>> {
    Ok(None)
}

/// Creates `path` empty, readable and writable by its owner only (0600).
/// The dump tools and `VACUUM INTO` then write into it and keep its mode:
/// the data is never in a file others could open, not even for a moment.
#[cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]
pub(crate) fn file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let f = options.open(path)?;
    // An existing file keeps its old mode through `open`: set it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    drop(f);
    Ok(())
}

/// A temporary directory only this user can enter (0700, its files 0600),
/// removed on drop: where a MariaDB/MySQL option file holding the password
/// (and a certificate given inline in the URL) lives while a client program
/// runs. Keep it until the program has ended.
#[derive(Debug)]
pub struct SecretDir(PathBuf);

/// Tells apart two directories made in the same nanosecond.
static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl SecretDir {
    /// Creates it under the system's temporary directory.
    pub fn new() -> std::io::Result<SecretDir> {
        let nanos = SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "migrate-private-{}-{nanos}-{n}",
            std::process::id()
        ));
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(&dir)?;
        Ok(SecretDir(dir))
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `text` to a new 0600 file `name` inside it (an existing
    /// `name` is an error: nothing is overwritten).
    pub fn write(&self, name: &str, text: &str) -> std::io::Result<PathBuf> {
        use std::io::Write;
        let path = self.0.join(name);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        options.open(&path)?.write_all(text.as_bytes())?;
        Ok(path)
    }
}

impl Drop for SecretDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        p.metadata().unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn the_secret_file_is_private_and_removed() {
        let dir = SecretDir::new().unwrap();
        let file = dir.write("x.cnf", "[client]\n").unwrap();
        assert_eq!(mode(&file), 0o600);
        assert_eq!(mode(&dir.0), 0o700);
        let root = dir.0.clone();
        drop(dir);
        assert!(!root.exists());
    }

    #[test]
    fn new_directories_and_files_are_private_and_open_ones_refused() {
        let root = SecretDir::new().unwrap();
        let nested = root.0.join("a/b");
        directory(&nested).unwrap();
        assert_eq!((mode(&root.0.join("a")), mode(&nested)), (0o700, 0o700));
        let f = nested.join("x.sql");
        std::fs::write(&f, "old").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
        file(&f).unwrap();
        assert_eq!(mode(&f), 0o600);
        assert_eq!(std::fs::read(&f).unwrap(), b"");
        std::fs::set_permissions(&nested, std::fs::Permissions::from_mode(0o750)).unwrap();
        let err = directory(&nested).unwrap_err();
        assert!(
            matches!(err, BackupError::OpenDirectory { mode: 0o750, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("chmod 700"), "{err}");
        assert_eq!(mode(&nested), 0o750, "refused, not changed");
    }
}
