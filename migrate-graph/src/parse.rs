//! The migration file format: `-- Key: Value` header, then `-- migrate:up` and
//! `-- migrate:down` sections.

use crate::checksum::{normalize, Checksum};
use crate::revision::{has_sql, Down, HeaderLines, Revision, Section};
use crate::{is_valid_id, MAX_ID_LEN, RESERVED_IDS};
use std::borrow::Cow;
use std::ops::Range;

/// A file that is not a well-formed migration, with where and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {kind}")]
pub struct ParseError {
    /// The file name, relative to the migrations directory.
    pub file: String,
    /// 1-based line of the problem.
    pub line: usize,
    /// Byte range of the offending text in the normalized file, for rendering.
    pub span: Range<usize>,
    /// What is wrong.
    pub kind: ParseErrorKind,
}

/// What is wrong with a migration file. Each message says how to fix it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The bytes are not UTF-8.
    #[error("the file is not UTF-8 (invalid byte at offset {offset}); save it as UTF-8")]
    NotUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// A NUL byte, which no SQL driver accepts.
    #[error("the file contains a NUL byte; remove it (was the file saved as UTF-16?)")]
    NulByte,
    /// A required header line is absent.
    #[error("missing `-- {key}:` header line; add it above `-- migrate:up`")]
    MissingHeader {
        /// `Revision ID` or `Revises`.
        key: &'static str,
    },
    /// A header key given twice.
    #[error("`{key}:` is given twice; keep one")]
    DuplicateHeader {
        /// The repeated key.
        key: &'static str,
    },
    /// An id with characters outside `[A-Za-z0-9_]`, or a reserved word.
    #[error("invalid {what} `{value}`: use letters, digits and `_` only, and not `head`, `heads` or `base`")]
    BadId {
        /// `revision id`, `parent`, `dependency` or `branch label`.
        what: &'static str,
        /// The offending text.
        value: String,
    },
    /// A revision id longer than the version table's `revision` column.
    #[error("the revision id is {length} characters long; the version table stores at most {max}, so use a shorter id", max = MAX_ID_LEN)]
    IdTooLong {
        /// The id's length in characters.
        length: usize,
    },
    /// SQL before the `-- migrate:up` marker.
    #[error("SQL before `-- migrate:up`; move it below the marker")]
    SqlBeforeUp,
    /// No `-- migrate:up` line.
    #[error("missing `-- migrate:up` line; add it after the header")]
    MissingUp,
    /// No `-- migrate:down` line.
    #[error("missing `-- migrate:down` line; add it after the up SQL (write `-- migrate:down irreversible` if it cannot be undone)")]
    MissingDown,
    /// `-- migrate:down` before `-- migrate:up`.
    #[error("`-- migrate:down` comes before `-- migrate:up`; put the up section first")]
    DownBeforeUp,
    /// A marker given twice.
    #[error("second `-- migrate:{marker}` marker; a file has exactly one of each")]
    DuplicateMarker {
        /// `up` or `down`.
        marker: &'static str,
    },
    /// `-- migrate:something` that is neither up nor down.
    #[error(
        "unknown marker `-- migrate:{name}`; the markers are `-- migrate:up` and `-- migrate:down` (and `-- migrate:unchecked` in the header, `-- migrate:allow RULE reason` above a statement)"
    )]
    UnknownMarker {
        /// The text after `migrate:`.
        name: String,
    },
    /// An option on a marker line that is not understood.
    #[error("unknown option `{option}` on `-- migrate:{marker}`; options are `transaction:false`{extra}")]
    UnknownOption {
        /// `up` or `down`.
        marker: &'static str,
        /// The option text.
        option: String,
        /// Extra options valid on this marker.
        extra: &'static str,
    },
    /// `irreversible` but the down section has SQL.
    #[error("the down section is marked irreversible but holds SQL; remove the SQL or the `irreversible` option")]
    IrreversibleWithSql,
    /// `-- migrate:unchecked` below `-- migrate:up`.
    #[error("`-- migrate:unchecked` belongs in the header; move it above `-- migrate:up`")]
    MisplacedUnchecked,
    /// Up SQL without down SQL.
    #[error("the up section has SQL but the down section is empty; write the down SQL, or mark it `-- migrate:down irreversible`")]
    MissingDownSql,
}

/// Reads file bytes as UTF-8 text, refusing invalid UTF-8 and NUL bytes with the
/// line where they occur.
///
/// ```
/// use migrate_graph::{decode, ParseErrorKind};
/// let e = decode("a.sql", b"SELECT 1;\n\xff").unwrap_err();
/// assert_eq!(e.line, 2);
/// assert!(matches!(e.kind, ParseErrorKind::NotUtf8 { .. }));
/// ```
pub fn decode<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, ParseError> {
    // Borrowed, so a 50 MB migration is not copied before it is parsed.
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        error_at(bytes, file, offset, ParseErrorKind::NotUtf8 { offset })
    })?;
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(error_at(bytes, file, offset, ParseErrorKind::NulByte));
    }
    Ok(text)
}

fn error_at(bytes: &[u8], file: &str, offset: usize, kind: ParseErrorKind) -> ParseError {
    let line = 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count();
    ParseError {
        file: file.to_owned(),
        line,
        span: offset..offset + 1,
        kind,
    }
}

const KEYS: [&str; 7] = [
    "Revision ID",
    "Revises",
    "Depends On",
    "Branch Labels",
    "Create Date",
    "Message",
    "Replaces",
];

/// A `-- migrate:` marker line.
struct Marker {
    up: bool,
    line: usize,
    /// Byte offset just past the marker line.
    body_start: usize,
    /// Byte offset of the marker line.
    start: usize,
    transaction: bool,
    irreversible: bool,
}

/// Parses one migration file. `text` may carry a BOM and CRLF line endings.
///
/// ```
/// use migrate_graph::parse_file;
/// let rev = parse_file(
///     "0001_users.sql",
///     "-- Revision ID: a1\r\n-- Revises:\r\n-- migrate:up\r\nCREATE TABLE users (id INT);\r\n-- migrate:down\r\nDROP TABLE users;\r\n",
/// )
/// .unwrap();
/// assert_eq!(rev.id, "a1");
/// assert!(rev.parents.is_empty());
/// assert_eq!(rev.up.sql, "CREATE TABLE users (id INT);");
/// ```
pub fn parse_file(file_name: &str, text: &str) -> Result<Revision, ParseError> {
    parse_with_layout(file_name, text).map(|(revision, _)| revision)
}

/// Where a parsed file keeps what [`Revision`] drops: the exact section
/// text, free header comments, and header lines given with empty values.
/// Ranges index `text`, the normalized file.
pub(crate) struct Layout<'a> {
    /// The file with CRLF folded to LF and the BOM dropped.
    pub text: Cow<'a, str>,
    /// Free `--` comment lines of the header, after the `--`, trimmed.
    pub comments: Vec<Range<usize>>,
    /// Between the `-- migrate:up` line and the `-- migrate:down` line.
    pub up_body: Range<usize>,
    /// After the `-- migrate:down` line.
    pub down_body: Range<usize>,
    /// Whether a `Create Date:` line is present (its value may be empty).
    pub has_create_date: bool,
    /// Whether a `Message:` line is present (its value may be empty).
    pub has_message: bool,
}

/// [`parse_file`], keeping the [`Layout`] the writer needs to give back the
/// same text. Ranges are kept rather than strings so the runtime's load
/// path copies nothing extra.
pub(crate) fn parse_with_layout<'a>(
    file_name: &str,
    text: &'a str,
) -> Result<(Revision, Layout<'a>), ParseError> {
    // Hash the text as given: normalizing twice would fold `\r\r\n` twice.
    let checksum = Checksum::of(text);
    let normalized = normalize(text);
    let text: &str = &normalized;
    let err = |line: usize, span: Range<usize>, kind| ParseError {
        file: file_name.to_owned(),
        line,
        span,
        kind,
    };

    let mut values: [Option<(String, usize)>; KEYS.len()] = Default::default();
    let mut up: Option<Marker> = None;
    let mut down: Option<Marker> = None;
    let mut unchecked = false;
    let mut comments = Vec::new();
    let mut offset = 0;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let line_no = index + 1;
        let start = offset;
        offset += raw.len();
        let line = raw.trim();
        let span = start..start + raw.trim_end().len();
        if let Some(marker) = marker_text(line) {
            // Lint suppressions are comments to this parser; `unchecked`
            // is a header key.
            match marker.split_whitespace().next() {
                Some("allow") => continue,
                Some("unchecked") if up.is_none() => {
                    unchecked = true;
                    continue;
                }
                Some("unchecked") => {
                    return Err(err(line_no, span, ParseErrorKind::MisplacedUnchecked))
                }
                _ => {}
            }
            let m = parse_marker(marker, line_no, start, offset)
                .map_err(|k| err(line_no, span.clone(), k))?;
            match (m.up, &up, &down) {
                (true, Some(_), _) => {
                    return Err(err(
                        line_no,
                        span,
                        ParseErrorKind::DuplicateMarker { marker: "up" },
                    ))
                }
                (true, None, Some(_)) => {
                    return Err(err(line_no, span, ParseErrorKind::DownBeforeUp))
                }
                (false, None, _) => return Err(err(line_no, span, ParseErrorKind::DownBeforeUp)),
                (false, _, Some(_)) => {
                    return Err(err(
                        line_no,
                        span,
                        ParseErrorKind::DuplicateMarker { marker: "down" },
                    ))
                }
                (true, ..) => up = Some(m),
                (false, ..) => down = Some(m),
            }
            continue;
        }
        if up.is_some() || line.is_empty() {
            continue;
        }
        let Some(comment) = line.strip_prefix("--") else {
            return Err(err(line_no, span, ParseErrorKind::SqlBeforeUp));
        };
        let known = comment.split_once(':').and_then(|(key, value)| {
            let key = key.trim();
            KEYS.iter()
                .position(|known| known.eq_ignore_ascii_case(key))
                .map(|k| (k, value))
        });
        let Some((k, value)) = known else {
            let at = start
                + (raw.len() - raw.trim_start().len())
                + "--".len()
                + (comment.len() - comment.trim_start().len());
            comments.push(at..at + comment.trim().len());
            continue;
        };
        if values[k].is_some() {
            return Err(err(
                line_no,
                span,
                ParseErrorKind::DuplicateHeader { key: KEYS[k] },
            ));
        }
        values[k] = Some((value.trim().to_owned(), line_no));
    }

    let [id, revises, depends_on, labels, create_date, message, replaces] = values;
    let end = text.len();
    let Some((id, id_line)) = id else {
        return Err(err(
            1,
            0..0,
            ParseErrorKind::MissingHeader { key: "Revision ID" },
        ));
    };
    let Some((revises, revises_line)) = revises else {
        return Err(err(
            id_line,
            0..0,
            ParseErrorKind::MissingHeader { key: "Revises" },
        ));
    };
    let line_span = |line: usize| line_range(text, line);
    if !is_valid_id(&id) || RESERVED_IDS.contains(&id.as_str()) {
        return Err(err(
            id_line,
            line_span(id_line),
            ParseErrorKind::BadId {
                what: "revision id",
                value: id,
            },
        ));
    }
    if id.len() > MAX_ID_LEN {
        return Err(err(
            id_line,
            line_span(id_line),
            ParseErrorKind::IdTooLong { length: id.len() },
        ));
    }
    let list = |value: Option<(String, usize)>,
                what: &'static str|
     -> Result<(Vec<String>, usize), ParseError> {
        let Some((value, line)) = value else {
            return Ok((Vec::new(), 0));
        };
        let mut out = Vec::new();
        for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if !is_valid_id(item) || RESERVED_IDS.contains(&item) {
                return Err(err(
                    line,
                    line_span(line),
                    ParseErrorKind::BadId {
                        what,
                        value: item.to_owned(),
                    },
                ));
            }
            out.push(item.to_owned());
        }
        Ok((out, line))
    };
    let (parents, _) = list(Some((revises, revises_line)), "parent")?;
    let (depends_on, depends_line) = list(depends_on, "dependency")?;
    let (branch_labels, labels_line) = list(labels, "branch label")?;
    let (replaces, replaces_line) = list(replaces, "replaced revision")?;

    let Some(up) = up else {
        return Err(err(1, 0..end.min(1), ParseErrorKind::MissingUp));
    };
    let Some(down) = down else {
        let last = text.lines().count().max(1);
        return Err(err(last, line_span(last), ParseErrorKind::MissingDown));
    };
    let up_section = Section {
        sql: text[up.body_start..down.start].trim().to_owned(),
        transaction: up.transaction,
        line: first_line(text, up.body_start, up.line + 1),
    };
    let down_sql = text[down.body_start..].trim();
    let down_span = line_range(text, down.line);
    let down_section = if down.irreversible {
        if has_sql(down_sql) {
            return Err(err(
                down.line,
                down_span,
                ParseErrorKind::IrreversibleWithSql,
            ));
        }
        Down::Irreversible
    } else {
        if up_section.has_sql() && !has_sql(down_sql) {
            return Err(err(down.line, down_span, ParseErrorKind::MissingDownSql));
        }
        Down::Sql(Section {
            sql: down_sql.to_owned(),
            transaction: down.transaction,
            line: first_line(text, down.body_start, down.line + 1),
        })
    };

    let layout = Layout {
        comments,
        up_body: up.body_start..down.start,
        down_body: down.body_start..end,
        has_create_date: create_date.is_some(),
        has_message: message.is_some(),
        text: Cow::Borrowed(""),
    };
    let revision = Revision {
        id,
        parents,
        depends_on,
        branch_labels,
        replaces,
        create_date: create_date.map(|(v, _)| v).filter(|v| !v.is_empty()),
        message: message.map(|(v, _)| v).filter(|v| !v.is_empty()),
        up: up_section,
        down: down_section,
        file_name: file_name.to_owned(),
        checksum,
        lines: HeaderLines {
            id: id_line,
            revises: revises_line,
            depends_on: depends_line,
            branch_labels: labels_line,
            replaces: replaces_line,
            up: up.line,
            down: down.line,
        },
        unchecked,
    };
    Ok((
        revision,
        Layout {
            text: normalized,
            ..layout
        },
    ))
}

/// The text after `-- migrate:` (or `--migrate:`), if this line is a marker.
fn marker_text(line: &str) -> Option<&str> {
    line.strip_prefix("--")?
        .trim_start()
        .strip_prefix("migrate:")
}

fn parse_marker(
    text: &str,
    line: usize,
    start: usize,
    body_start: usize,
) -> Result<Marker, ParseErrorKind> {
    let mut words = text.split_whitespace();
    let name = words.next().unwrap_or("");
    let up = match name {
        "up" => true,
        "down" => false,
        other => {
            return Err(ParseErrorKind::UnknownMarker {
                name: other.to_owned(),
            })
        }
    };
    let marker = if up { "up" } else { "down" };
    let mut m = Marker {
        up,
        line,
        body_start,
        start,
        transaction: true,
        irreversible: false,
    };
    for option in words {
        match option {
            "transaction:false" => m.transaction = false,
            "transaction:true" => m.transaction = true,
            "irreversible" if !up => m.irreversible = true,
            other => {
                return Err(ParseErrorKind::UnknownOption {
                    marker,
                    option: other.to_owned(),
                    extra: if up { "" } else { " and `irreversible`" },
                })
            }
        }
    }
    Ok(m)
}

/// The line a section's trimmed SQL starts on: `line` is the line at `body`,
/// and the blank lines the trim drops come before it.
fn first_line(text: &str, body: usize, line: usize) -> usize {
    let rest = &text[body..];
    let blank = &rest[..rest.len() - rest.trim_start().len()];
    line + blank.bytes().filter(|&b| b == b'\n').count()
}

/// Byte range of 1-based `line` in `text`, without its line ending.
fn line_range(text: &str, line: usize) -> Range<usize> {
    let mut offset = 0;
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return offset..offset + raw.trim_end().len();
        }
        offset += raw.len();
    }
    text.len()..text.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ParseErrorKind as K;

    const GOOD: &str = "-- Revision ID: abc123\n-- Revises: p1, p2\n-- Depends On: d1\n-- Branch Labels: feature\n-- Create Date: 2026-11-21 12:00:00+00:00\n-- Message: create users table\n\n-- migrate:up\nCREATE TABLE users (id INT);\n\n-- migrate:down\nDROP TABLE users;\n";

    #[test]
    fn parses_every_header_field() {
        let r = parse_file("x.sql", GOOD).unwrap();
        assert_eq!(r.id, "abc123");
        assert_eq!(r.parents, ["p1", "p2"]);
        assert_eq!(r.depends_on, ["d1"]);
        assert_eq!(r.branch_labels, ["feature"]);
        assert_eq!(r.message(), "create users table");
        assert_eq!(r.create_date.as_deref(), Some("2026-11-21 12:00:00+00:00"));
        assert_eq!(r.up.sql, "CREATE TABLE users (id INT);");
        assert!(r.up.transaction);
        assert_eq!(r.down.section().unwrap().sql, "DROP TABLE users;");
        assert_eq!(r.lines.id, 1);
        assert_eq!(r.lines.revises, 2);
        assert_eq!(r.lines.up, 8);
        assert_eq!(r.lines.down, 11);
        assert_eq!(r.up.line, 9);
        assert_eq!(r.down.section().unwrap().line, 12);
    }

    #[test]
    fn ids_up_to_the_column_width_parse() {
        let text = |id: &str| {
            format!("-- Revision ID: {id}\n-- Revises:\n-- migrate:up\n-- migrate:down\n")
        };
        assert!(parse_file("x.sql", &text(&"a".repeat(MAX_ID_LEN))).is_ok());
        let e = parse_file("x.sql", &text(&"a".repeat(MAX_ID_LEN + 1))).unwrap_err();
        assert_eq!(e.to_string(), "x.sql:1: the revision id is 129 characters long; the version table stores at most 128, so use a shorter id");
    }

    #[test]
    fn crlf_and_bom_parse_and_hash_like_lf() {
        let windows = format!("\u{feff}{}", GOOD.replace('\n', "\r\n"));
        let a = parse_file("x.sql", GOOD).unwrap();
        let b = parse_file("x.sql", &windows).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn options_on_markers() {
        let text = "-- Revision ID: a\n-- Revises:\n-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (c);\n-- migrate:down irreversible\n";
        let r = parse_file("x.sql", text).unwrap();
        assert!(!r.up.transaction);
        assert_eq!(r.down, Down::Irreversible);
    }

    #[test]
    fn empty_sections_are_a_no_op_revision() {
        let r = parse_file(
            "m.sql",
            "-- Revision ID: m\n-- Revises: a, b\n-- migrate:up\n-- migrate:down\n",
        )
        .unwrap();
        assert!(!r.up.has_sql());
        assert!(r.is_merge());
    }

    #[test]
    fn unchecked_is_a_header_key_and_allow_a_comment() {
        let text = "-- Revision ID: a\n-- Revises:\n-- migrate:unchecked\n-- migrate:up\n-- migrate:allow drop-table gone\nDROP TABLE t;\n-- migrate:down irreversible\n";
        let r = parse_file("x.sql", text).unwrap();
        assert!(r.unchecked);
        assert_eq!(r.up.sql, "-- migrate:allow drop-table gone\nDROP TABLE t;");
        assert!(
            !parse_file("x.sql", &text.replace("-- migrate:unchecked\n", ""))
                .unwrap()
                .unchecked
        );
        let late = "-- Revision ID: a\n-- Revises:\n-- migrate:up\n-- migrate:unchecked\n-- migrate:down\n";
        let e = parse_file("x.sql", late).unwrap_err();
        assert_eq!((e.kind, e.line), (K::MisplacedUnchecked, 4));
    }

    #[test]
    fn free_comments_in_the_header_are_allowed() {
        let text = "-- a note for people\n-- Revision ID: a\n-- Revises:\n-- migrate:up\n-- migrate:down\n";
        assert!(parse_file("x.sql", text).is_ok());
    }

    /// (name, input, expected error kind, expected line)
    fn malformed() -> Vec<(&'static str, String, ParseErrorKind, usize)> {
        let h = "-- Revision ID: a\n-- Revises:\n";
        vec![
            ("missing header", "-- migrate:up\n-- migrate:down\n".into(), K::MissingHeader { key: "Revision ID" }, 1),
            ("missing revises", "-- Revision ID: a\n-- migrate:up\n-- migrate:down\n".into(), K::MissingHeader { key: "Revises" }, 1),
            ("missing up marker", format!("{h}CREATE TABLE t (id INT);\n"), K::SqlBeforeUp, 3),
            ("missing both markers", h.to_string(), K::MissingUp, 1),
            ("missing down marker", format!("{h}-- migrate:up\nSELECT 1;\n"), K::MissingDown, 4),
            ("down before up", format!("{h}-- migrate:down\nSELECT 1;\n-- migrate:up\n"), K::DownBeforeUp, 3),
            ("duplicate up", format!("{h}-- migrate:up\n-- migrate:up\n-- migrate:down\n"), K::DuplicateMarker { marker: "up" }, 4),
            ("duplicate down", format!("{h}-- migrate:up\n-- migrate:down\n-- migrate:down\n"), K::DuplicateMarker { marker: "down" }, 5),
            ("unknown marker option", format!("{h}-- migrate:up transaction:maybe\n-- migrate:down\n"), K::UnknownOption { marker: "up", option: "transaction:maybe".into(), extra: "" }, 3),
            ("irreversible on up", format!("{h}-- migrate:up irreversible\n-- migrate:down\n"), K::UnknownOption { marker: "up", option: "irreversible".into(), extra: "" }, 3),
            ("unknown marker", format!("{h}-- migrate:upgrade\n-- migrate:down\n"), K::UnknownMarker { name: "upgrade".into() }, 3),
            ("id too long", format!("-- Revision ID: {}\n-- Revises:\n-- migrate:up\n-- migrate:down\n", "a".repeat(129)), K::IdTooLong { length: 129 }, 1),
            ("bad id characters", "-- Revision ID: a-b\n-- Revises:\n-- migrate:up\n-- migrate:down\n".into(), K::BadId { what: "revision id", value: "a-b".into() }, 1),
            ("reserved id", "-- Revision ID: head\n-- Revises:\n-- migrate:up\n-- migrate:down\n".into(), K::BadId { what: "revision id", value: "head".into() }, 1),
            ("bad parent", "-- Revision ID: a\n-- Revises: x y\n-- migrate:up\n-- migrate:down\n".into(), K::BadId { what: "parent", value: "x y".into() }, 2),
            ("bad label", "-- Revision ID: a\n-- Revises:\n-- Branch Labels: ok, no way\n-- migrate:up\n-- migrate:down\n".into(), K::BadId { what: "branch label", value: "no way".into() }, 3),
            ("duplicate key", "-- Revision ID: a\n-- Revision ID: b\n-- Revises:\n-- migrate:up\n-- migrate:down\n".into(), K::DuplicateHeader { key: "Revision ID" }, 2),
            ("forgotten down", format!("{h}-- migrate:up\nCREATE TABLE t (id INT);\n-- migrate:down\n-- nothing here\n"), K::MissingDownSql, 5),
            ("irreversible with sql", format!("{h}-- migrate:up\nSELECT 1;\n-- migrate:down irreversible\nSELECT 2;\n"), K::IrreversibleWithSql, 5),
            ("crlf missing down", format!("{h}-- migrate:up\r\nSELECT 1;\r\n").replace('\n', "\r\n").replace("\r\r", "\r"), K::MissingDown, 4),
            ("bom missing header", "\u{feff}-- Revises:\n-- migrate:up\n-- migrate:down\n".into(), K::MissingHeader { key: "Revision ID" }, 1),
        ]
    }

    #[test]
    fn malformed_inputs_give_their_error_and_line() {
        for (name, input, kind, line) in malformed() {
            let e = parse_file("bad.sql", &input).expect_err(name);
            assert_eq!(e.kind, kind, "{name}");
            assert_eq!(e.line, line, "{name}: {e}");
            assert!(
                e.to_string().starts_with(&format!("bad.sql:{line}: ")),
                "{name}: {e}"
            );
        }
    }

    #[test]
    fn decode_reports_invalid_utf8_and_nul_with_line() {
        let e = decode("x.sql", b"-- a\n-- b\n\xff\n").unwrap_err();
        assert_eq!(e.kind, K::NotUtf8 { offset: 10 });
        assert_eq!(e.line, 3);
        let e = decode("x.sql", b"-- a\0").unwrap_err();
        assert_eq!(e.kind, K::NulByte);
        assert_eq!(decode("x.sql", b"ok").unwrap(), "ok");
    }
}
