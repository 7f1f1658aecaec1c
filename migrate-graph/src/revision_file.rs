//! The one writer of the migration file format: [`RevisionFile`] holds what a
//! file says and renders it as the text [`parse_file`](crate::parse_file)
//! reads. Every tool that makes a file (`cargo migrate revision`, `merge`,
//! `squash`, autogenerate, benches and test helpers) goes through it, so
//! the header keys, their order and the marker lines are spelled once.
//!
//! The canonical form, which [`RevisionFile::render`] writes and
//! [`RevisionFile::parse`] gives back unchanged:
//!
//! ```text
//! -- Revision ID: <id>
//! -- Revises: <parent>, <parent>          (`-- Revises:` for a base)
//! -- Depends On: <id>, ...                (when any)
//! -- Branch Labels: <label>, ...          (when any)
//! -- Replaces: <id>, ...                  (when any)
//! -- Create Date: <date>                  (when given)
//! -- Message: <message>                   (when given)
//! -- migrate:unchecked                    (when set)
//!
//! -- <comment>                            (each free comment)
//! -- migrate:up[ transaction:false]
//! <up section text>
//! -- migrate:down[ transaction:false | irreversible]
//! <down section text>
//! ```

use crate::parse::{parse_with_layout, Layout};
use crate::revision::Down;
use crate::ParseError;

/// The contents of one migration file, as values.
///
/// Header values are single lines without surrounding spaces, and ids and
/// labels follow the id rules; section text is kept verbatim (blank lines
/// included) and holds no `-- migrate:` marker line. Such a value renders to
/// text that parses back to the same value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevisionFile {
    /// `Revision ID:`.
    pub id: String,
    /// `Revises:`; empty for a base, several for a merge point.
    pub parents: Vec<String>,
    /// `Depends On:`.
    pub depends_on: Vec<String>,
    /// `Branch Labels:`.
    pub branch_labels: Vec<String>,
    /// `Replaces:` (a squash revision).
    pub replaces: Vec<String>,
    /// `Create Date:`; `Some("")` writes the key with no value.
    pub create_date: Option<String>,
    /// `Message:`; `Some("")` writes the key with no value.
    pub message: Option<String>,
    /// `-- migrate:unchecked`: the build-time SQL check skips the file.
    pub unchecked: bool,
    /// Free comment lines (without the `-- `) right above `-- migrate:up`,
    /// for people reading the file.
    pub comments: Vec<String>,
    /// The `-- migrate:up` section.
    pub up: SectionText,
    /// The `-- migrate:down` section, or `irreversible`.
    pub down: DownText,
}

/// One section as written: its marker's option and the text below it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionText {
    /// Everything between this marker line and the next (or the end of the
    /// file), verbatim. Unless empty it ends with a line break; the
    /// renderer adds one when it is missing so the next marker keeps its
    /// own line.
    pub text: String,
    /// `false` writes `transaction:false` on the marker.
    pub transaction: bool,
}

/// The down section as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DownText {
    /// `-- migrate:down`, then SQL.
    Sql(SectionText),
    /// `-- migrate:down irreversible`, then text that holds no SQL (blank
    /// lines and comments saying why).
    Irreversible(String),
}

impl SectionText {
    /// A section run in a transaction, holding `text`.
    pub fn new(text: impl Into<String>) -> SectionText {
        SectionText {
            text: text.into(),
            transaction: true,
        }
    }
}

impl RevisionFile {
    /// A fresh revision `id` as `cargo migrate revision` lays it out before
    /// anyone writes SQL: a base with both sections empty (a valid no-op),
    /// a blank line in the up section to write on and one above each marker.
    pub fn new(id: impl Into<String>) -> RevisionFile {
        RevisionFile {
            id: id.into(),
            parents: Vec::new(),
            depends_on: Vec::new(),
            branch_labels: Vec::new(),
            replaces: Vec::new(),
            create_date: None,
            message: None,
            unchecked: false,
            comments: Vec::new(),
            up: SectionText::new("\n\n"),
            down: DownText::Sql(SectionText::new("\n")),
        }
    }

    /// Sets `Message:` from free text: a message is one header line, so
    /// line breaks are folded to spaces (and blank lines dropped) to keep
    /// the file parseable.
    pub fn with_message(mut self, message: &str) -> RevisionFile {
        let folded: Vec<&str> = message
            .split(['\r', '\n'])
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        self.message = Some(folded.join(" "));
        self
    }

    /// The file's text in the canonical form (see the module docs).
    pub fn render(&self) -> String {
        let up_len = self.up.text.len();
        let down_len = match &self.down {
            DownText::Sql(s) => s.text.len(),
            DownText::Irreversible(t) => t.len(),
        };
        let mut out = String::with_capacity(256 + up_len + down_len);
        let mut key = |key: &str, value: &str| {
            out.push_str("-- ");
            out.push_str(key);
            out.push(':');
            if !value.is_empty() {
                out.push(' ');
                out.push_str(value);
            }
            out.push('\n');
        };
        key("Revision ID", &self.id);
        key("Revises", &self.parents.join(", "));
        for (name, list) in [
            ("Depends On", &self.depends_on),
            ("Branch Labels", &self.branch_labels),
            ("Replaces", &self.replaces),
        ] {
            if !list.is_empty() {
                key(name, &list.join(", "));
            }
        }
        // An empty value keeps the space after the colon, as files written
        // before this writer did.
        for (name, value) in [
            ("Create Date", &self.create_date),
            ("Message", &self.message),
        ] {
            if let Some(value) = value {
                out.push_str(&format!("-- {name}: {value}\n"));
            }
        }
        if self.unchecked {
            out.push_str("-- migrate:unchecked\n");
        }
        out.push('\n');
        for comment in &self.comments {
            out.push_str("-- ");
            out.push_str(comment);
            out.push('\n');
        }
        let (down_option, down_text) = match &self.down {
            DownText::Sql(s) => (
                if s.transaction {
                    ""
                } else {
                    " transaction:false"
                },
                &s.text,
            ),
            DownText::Irreversible(text) => (" irreversible", text),
        };
        out.push_str("-- migrate:up");
        if !self.up.transaction {
            out.push_str(" transaction:false");
        }
        out.push('\n');
        out.push_str(&self.up.text);
        if !self.up.text.is_empty() && !self.up.text.ends_with('\n') {
            out.push('\n');
        }
        out.push_str("-- migrate:down");
        out.push_str(down_option);
        out.push('\n');
        out.push_str(down_text);
        out
    }

    /// Reads a file into its values with the one parser, keeping what
    /// [`Revision`](crate::Revision) drops (section text verbatim, free
    /// header comments, empty `Create Date:`/`Message:` values), so a file
    /// in the canonical form renders back to the same text.
    pub fn parse(file_name: &str, text: &str) -> Result<RevisionFile, ParseError> {
        let (revision, layout) = parse_with_layout(file_name, text)?;
        let Layout {
            text,
            comments,
            up_body,
            down_body,
            has_create_date,
            has_message,
        } = layout;
        let present = |value: Option<String>, line: bool| value.or(line.then(String::new));
        let down_text = text[down_body].to_owned();
        Ok(RevisionFile {
            create_date: present(revision.create_date, has_create_date),
            message: present(revision.message, has_message),
            comments: comments.into_iter().map(|r| text[r].to_owned()).collect(),
            up: SectionText {
                text: text[up_body].to_owned(),
                transaction: revision.up.transaction,
            },
            down: match revision.down {
                Down::Sql(section) => DownText::Sql(SectionText {
                    text: down_text,
                    transaction: section.transaction,
                }),
                Down::Irreversible => DownText::Irreversible(down_text),
            },
            id: revision.id,
            parents: revision.parents,
            depends_on: revision.depends_on,
            branch_labels: revision.branch_labels,
            replaces: revision.replaces,
            unchecked: revision.unchecked,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_revision_is_the_template_cargo_migrate_writes() {
        let mut file = RevisionFile::new("c3").with_message("merge\r\n  heads\n\n");
        file.parents = vec!["a1".into(), "b2".into()];
        file.depends_on = vec!["d4".into()];
        file.create_date = Some("2026-11-21 12:00:00+00:00".into());
        assert_eq!(
            file.render(),
            "-- Revision ID: c3\n-- Revises: a1, b2\n-- Depends On: d4\n\
             -- Create Date: 2026-11-21 12:00:00+00:00\n-- Message: merge heads\n\n\
             -- migrate:up\n\n\n-- migrate:down\n\n"
        );
        let rev = crate::parse_file("c3.sql", &file.render()).unwrap();
        assert_eq!(rev.parents, ["a1", "b2"]);
        assert_eq!(rev.message(), "merge heads");
        assert!(!rev.up.has_sql());
    }

    #[test]
    fn markers_comments_and_empty_values_are_written() {
        let mut file = RevisionFile::new("s1");
        file.parents = vec!["a1".into()];
        file.replaces = vec!["a1".into()];
        file.message = Some(String::new());
        file.unchecked = true;
        file.comments = vec!["what this squash holds".into()];
        file.up = SectionText {
            text: "CREATE INDEX CONCURRENTLY i ON t (c);".into(),
            transaction: false,
        };
        file.down = DownText::Irreversible("-- (why)\n".into());
        let text = file.render();
        assert_eq!(
            text,
            "-- Revision ID: s1\n-- Revises: a1\n-- Replaces: a1\n-- Message: \n\
             -- migrate:unchecked\n\n-- what this squash holds\n\
             -- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (c);\n\
             -- migrate:down irreversible\n-- (why)\n"
        );
        let rev = crate::parse_file("s1.sql", &text).unwrap();
        assert!(rev.unchecked && !rev.up.transaction);
        assert_eq!(rev.down, Down::Irreversible);
        assert_eq!(rev.message, None);
        let back = RevisionFile::parse("s1.sql", &text).unwrap();
        assert_eq!(back.message.as_deref(), Some(""));
        assert_eq!(back.render(), text);
    }

    #[test]
    fn parse_errors_are_the_parsers() {
        let e = RevisionFile::parse("x.sql", "-- Revises:\n-- migrate:up\n-- migrate:down\n")
            .unwrap_err();
        assert_eq!(
            e.kind,
            crate::ParseErrorKind::MissingHeader { key: "Revision ID" }
        );
    }
}
