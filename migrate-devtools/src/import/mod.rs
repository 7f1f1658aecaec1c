//! `cargo migrate import`: another tool's migration directory in, our
//! migration files out, keeping its order, versions (as revision ids),
//! messages, down sections and no-transaction markers, and saying what it
//! could not carry. The same input gives the same files, byte for byte, so
//! an import can be run again.
//!
//! Each imported up section starts with a provenance line
//! (`-- imported from sqlx 20240101_users.sql checksum ...`): `adopt`
//! compares the checksum there with the one the tool recorded when it
//! applied the file.
//!
//! # Imports
//!
//! `alembic` → `write` → `source` → `checksum`, `error`

mod alembic;
pub mod checksum;
mod error;
mod source;
mod write;

pub use error::ImportError;
pub use write::ImportedFile;

use migrate_graph::Dialect;
use migrate_runtime::Tool;
use std::path::Path;

/// What an import produced.
#[derive(Clone, Debug)]
pub struct Import {
    /// The files, in apply order.
    pub files: Vec<ImportedFile>,
    /// Files of the other tool not carried over, each with why.
    pub not_carried: Vec<String>,
    /// Revisions written without a down section (irreversible).
    pub irreversible: Vec<String>,
    /// Revisions written with a TODO: their SQL could not be produced
    /// (Alembic's offline mode failed for them), each with why.
    pub todo: Vec<String>,
}

/// Reads `dir`, laid out as `tool` lays out migrations, into our files.
/// For Alembic, `dir` holds `alembic.ini` and `dialect` is the one its
/// offline SQL is split with (default PostgreSQL).
pub fn import_with(
    tool: Tool,
    dir: &Path,
    dialect: Option<Dialect>,
) -> Result<Import, ImportError> {
    if tool == Tool::Alembic {
        let a = alembic::import(dir, dialect.unwrap_or(Dialect::Postgres))?;
        return Ok(Import {
            files: a.files,
            not_carried: Vec::new(),
            irreversible: a.irreversible,
            todo: a.todo,
        });
    }
    import(tool, dir)
}

/// Reads `dir`, laid out as `tool` lays out migrations, into our files
/// (Alembic: see [`import_with`]).
pub fn import(tool: Tool, dir: &Path) -> Result<Import, ImportError> {
    if tool == Tool::Alembic {
        return import_with(tool, dir, None);
    }
    let read = source::read(tool, dir)?;
    if read.sources.is_empty() {
        return Err(ImportError::Empty {
            dir: dir.to_owned(),
            tool,
        });
    }
    let mut files = Vec::with_capacity(read.sources.len());
    let mut parent: Option<String> = None;
    let mut irreversible = Vec::new();
    for s in &read.sources {
        let file = write::revision(tool, s, parent.iter().cloned().collect())?;
        if matches!(file.down, migrate_graph::DownText::Irreversible(_)) {
            irreversible.push(file.id.clone());
        }
        parent = Some(file.id.clone());
        files.push(file);
    }
    Ok(Import {
        files: write::render(&files)?,
        not_carried: read.not_carried,
        irreversible,
        todo: Vec::new(),
    })
}

impl Import {
    /// Writes the files into `dir` (created if missing). A file of the same
    /// name is overwritten: importing again gives the same text.
    pub fn write_to(&self, dir: &Path) -> Result<(), ImportError> {
        let io = |path: &Path| {
            let path = path.to_owned();
            move |e| ImportError::Io { path, source: e }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        for f in &self.files {
            let path = dir.join(&f.name);
            std::fs::write(&path, &f.text).map_err(io(&path))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Imports `files` (name, text) written into a fresh directory as `tool`'s.
    fn imported(tool: Tool, files: &[(&str, &str)]) -> Import {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        import(tool, dir.path()).unwrap()
    }

    #[test]
    fn no_transaction_markers_are_carried() {
        let sqlx = imported(
            Tool::Sqlx,
            &[
                ("1_users.sql", "CREATE TABLE users (id INT);\n"),
                (
                    "2_index.sql",
                    "-- no-transaction\nCREATE INDEX CONCURRENTLY u ON users (id);\n",
                ),
            ],
        );
        let texts: Vec<&str> = sqlx.files.iter().map(|f| f.text.as_str()).collect();
        assert!(!texts[0].contains("transaction:false"), "{}", texts[0]);
        assert!(
            texts[1].contains("-- migrate:up transaction:false"),
            "{}",
            texts[1]
        );

        let dbmate = imported(
            Tool::Dbmate,
            &[(
                "20240101000000_index.sql",
                "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY u ON users (id);\n\
                 -- migrate:down\nDROP INDEX u;\n",
            )],
        );
        let text = &dbmate.files[0].text;
        assert!(text.contains("-- migrate:up transaction:false"), "{text}");
        assert!(text.contains("-- migrate:down\nDROP INDEX u;"), "{text}");
        assert!(
            !text.contains("-- migrate:down transaction:false"),
            "{text}"
        );
    }
}
