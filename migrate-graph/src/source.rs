//! Reading a migrations directory. The one piece of I/O in the core, so that the
//! macro and the CLI list and read files the same way.

use std::path::{Path, PathBuf};

/// One migration file's name and raw bytes. Decoding happens in [`load`](crate::load)
/// so that a non-UTF-8 file is reported like any other parse error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// The file name inside the migrations directory.
    pub name: String,
    /// The file's bytes, as read.
    pub contents: Vec<u8>,
    /// Where the file was read from; empty for files made in memory.
    pub path: PathBuf,
}

impl SourceFile {
    /// A file made in memory, as tests and tools build them.
    pub fn new(name: impl Into<String>, contents: impl Into<Vec<u8>>) -> SourceFile {
        SourceFile {
            name: name.into(),
            contents: contents.into(),
            path: PathBuf::new(),
        }
    }
}

/// A migrations directory that could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// The directory does not exist.
    #[error("migrations directory {} does not exist; create it with `cargo migrate init` or point at the right one", .dir.display())]
    NotFound {
        /// The directory.
        dir: PathBuf,
    },
    /// The path exists but is not a directory.
    #[error("{} is not a directory; the migrations source must be a directory of .sql files", .dir.display())]
    NotADirectory {
        /// The path.
        dir: PathBuf,
    },
    /// A file name that is not UTF-8 cannot be referenced or sorted portably.
    #[error("file name {} in the migrations directory is not UTF-8; rename it", .path.display())]
    BadFileName {
        /// The path.
        path: PathBuf,
    },
    /// A `.sql` entry that is a broken symbolic link.
    #[error("{} is a symbolic link to a file that does not exist; fix or remove the link", .path.display())]
    BrokenLink {
        /// The path of the link.
        path: PathBuf,
    },
    /// Any other I/O failure, with the path.
    #[error("cannot read {}: {source}", .path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// Reads every `*.sql` file directly inside `dir`, sorted by name.
///
/// Symbolic links to files are followed (a shared migration kept elsewhere);
/// broken links, unreadable files and non-UTF-8 names are errors rather than
/// silently skipped. Hidden files, sub-directories and files with other
/// extensions (a README, say) are not migrations and are left alone.
pub fn read_dir(dir: &Path) -> Result<Vec<SourceFile>, SourceError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(SourceError::NotFound {
                dir: dir.to_owned(),
            })
        }
        Err(_) if dir.exists() && !dir.is_dir() => {
            return Err(SourceError::NotADirectory {
                dir: dir.to_owned(),
            })
        }
        Err(source) => {
            return Err(SourceError::Io {
                path: dir.to_owned(),
                source,
            })
        }
    };
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| SourceError::Io {
            path: dir.to_owned(),
            source,
        })?;
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            return Err(SourceError::BadFileName { path });
        };
        if name.starts_with('.') || !name.to_ascii_lowercase().ends_with(".sql") {
            continue;
        }
        // `file_type` comes with the directory listing; only a link needs a
        // second look to see what it points at.
        let kind = entry.file_type().map_err(|source| SourceError::Io {
            path: path.clone(),
            source,
        })?;
        let is_file = if kind.is_symlink() {
            match std::fs::metadata(&path) {
                Ok(meta) => meta.is_file(),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    return Err(SourceError::BrokenLink { path })
                }
                Err(source) => return Err(SourceError::Io { path, source }),
            }
        } else {
            kind.is_file()
        };
        if !is_file {
            continue;
        }
        let contents = std::fs::read(&path).map_err(|source| SourceError::Io {
            path: path.clone(),
            source,
        })?;
        files.push(SourceFile {
            name,
            contents,
            path,
        });
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            let dir =
                std::env::temp_dir().join(format!("migrate-graph-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn reads_sql_files_sorted_and_skips_the_rest() {
        let tmp = TempDir::new("sorted");
        std::fs::write(tmp.0.join("b.sql"), "b").unwrap();
        std::fs::write(tmp.0.join("a.SQL"), "a").unwrap();
        std::fs::write(tmp.0.join("README.md"), "docs").unwrap();
        std::fs::write(tmp.0.join(".hidden.sql"), "x").unwrap();
        std::fs::create_dir(tmp.0.join("sub.sql")).unwrap();
        let files = read_dir(&tmp.0).unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["a.SQL", "b.sql"]);
        assert_eq!(files[0].contents, b"a");
        assert_eq!(files[0].path, tmp.0.join("a.SQL"));
    }

    #[cfg(unix)]
    #[test]
    fn follows_symlinks_and_reports_broken_ones() {
        let tmp = TempDir::new("links");
        let outside = TempDir::new("links-target");
        std::fs::write(outside.0.join("shared.sql"), "shared").unwrap();
        std::os::unix::fs::symlink(outside.0.join("shared.sql"), tmp.0.join("0001_shared.sql"))
            .unwrap();
        let files = read_dir(&tmp.0).unwrap();
        assert_eq!(files[0].contents, b"shared");

        std::os::unix::fs::symlink(outside.0.join("gone.sql"), tmp.0.join("0002_gone.sql"))
            .unwrap();
        let err = read_dir(&tmp.0).unwrap_err();
        assert!(matches!(err, SourceError::BrokenLink { .. }), "{err}");
        assert!(err.to_string().contains("0002_gone.sql"), "{err}");
    }

    #[test]
    fn missing_directory_and_file_instead_of_directory() {
        let tmp = TempDir::new("missing");
        let err = read_dir(&tmp.0.join("nope")).unwrap_err();
        assert!(matches!(err, SourceError::NotFound { .. }));
        assert!(err.to_string().contains("cargo migrate init"), "{err}");
        std::fs::write(tmp.0.join("file"), "").unwrap();
        let err = read_dir(&tmp.0.join("file")).unwrap_err();
        assert!(matches!(err, SourceError::NotADirectory { .. }), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_file_names_are_an_error() {
        use std::os::unix::ffi::OsStrExt;
        let tmp = TempDir::new("names");
        let name = std::ffi::OsStr::from_bytes(b"bad\xff.sql");
        std::fs::write(tmp.0.join(name), "x").unwrap();
        assert!(matches!(
            read_dir(&tmp.0),
            Err(SourceError::BadFileName { .. })
        ));
    }
}
