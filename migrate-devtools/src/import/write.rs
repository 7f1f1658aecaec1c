//! Turning the other tool's migrations into our files, through the one
//! writer (`RevisionFile`), and checking them with the one validator.

use super::error::ImportError;
use super::source::Source;
use migrate_graph::{DownText, RevisionFile, SectionText, SourceFile};
use migrate_runtime::Tool;

/// One file the import writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedFile {
    /// Its name in the migrations directory.
    pub name: String,
    /// Its text.
    pub text: String,
}

/// The words of `message`, joined by `_`, lowercased, at most 40 characters.
fn slug(message: &str) -> String {
    let mut out = String::new();
    for word in message
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
    {
        if out.len() + word.len() + 1 > 40 {
            break;
        }
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    out
}

/// The section text, ending with a line break.
fn body(text: &str) -> String {
    let mut t = text.replace("\r\n", "\n");
    if !t.is_empty() && !t.ends_with('\n') {
        t.push('\n');
    }
    t
}

/// A revision's file for `source`, revising `parent`.
pub(crate) fn revision(
    tool: Tool,
    source: &Source,
    parents: Vec<String>,
) -> Result<RevisionFile, ImportError> {
    let id = tool
        .revision_id(&source.version)
        .ok_or_else(|| ImportError::BadVersion {
            file: source.file.clone(),
            version: source.version.clone(),
        })?;
    let mut file = RevisionFile::new(id).with_message(&source.name);
    file.parents = parents;
    let provenance = tool.provenance(&source.file, source.checksum.as_deref());
    file.up = SectionText {
        text: format!("{provenance}\n{}", body(&source.up)),
        transaction: source.up_tx,
    };
    file.down = match &source.down {
        Some(down) if has_sql(down) => DownText::Sql(SectionText {
            text: body(down),
            transaction: source.down_tx,
        }),
        Some(_) => DownText::Irreversible(format!("-- the {tool} down file holds no SQL\n")),
        None => DownText::Irreversible(format!(
            "-- {tool} kept no down migration for this version\n"
        )),
    };
    Ok(file)
}

/// Whether `text` holds a statement (not only blanks and comments), by the
/// one statement splitter.
fn has_sql(text: &str) -> bool {
    let probe = format!(
        "-- Revision ID: p\n-- Revises:\n-- migrate:up\n{}\n-- migrate:down\nSELECT 1;\n",
        body(text)
    );
    migrate_graph::parse_file("probe.sql", &probe).is_ok_and(|r| r.up.has_sql())
}

/// The file name of `file`.
pub(crate) fn file_name(file: &RevisionFile) -> String {
    let slug = slug(file.message.as_deref().unwrap_or(""));
    if slug.is_empty() {
        format!("{}.sql", file.id)
    } else {
        format!("{}_{slug}.sql", file.id)
    }
}

/// Renders `files` and checks that they load as a valid set.
pub(crate) fn render(files: &[RevisionFile]) -> Result<Vec<ImportedFile>, ImportError> {
    let out: Vec<ImportedFile> = files
        .iter()
        .map(|f| ImportedFile {
            name: file_name(f),
            text: f.render(),
        })
        .collect();
    let sources: Vec<SourceFile> = out
        .iter()
        .map(|f| SourceFile::new(f.name.clone(), f.text.clone().into_bytes()))
        .collect();
    migrate_graph::load(&sources).map_err(|e| ImportError::Invalid {
        reason: e.to_string(),
    })?;
    Ok(out)
}
