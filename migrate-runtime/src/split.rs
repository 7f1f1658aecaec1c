//! Splitting a migration section into statements.
//!
//! Migrations normally run whole, through the driver's multi-statement
//! execution, so this splitter decides nothing about what the database runs
//! except in two places: PostgreSQL `transaction:false` sections, whose
//! statements must each be sent alone (a multi-statement query is one implicit
//! transaction, where `CREATE INDEX CONCURRENTLY` is refused), and SQLite
//! sections over 64 KiB, which run in pieces of whole statements (one call
//! would be quadratic in the section's size). Elsewhere it
//! names the statement that failed and tells offline scripts whether a section
//! ends with a terminated statement.
//!
//! It understands what can hide a `;`: quotes of each dialect, comments,
//! PostgreSQL dollar quotes, and the `BEGIN ... END` bodies of SQLite triggers,
//! MySQL routines and PostgreSQL `BEGIN ATOMIC` functions.

// Offline scripts only ask whether a section is terminated; splitting and
// shortening serve the online path.
#![cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]

use crate::dialect::Dialect;

/// One statement of a section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Statement<'a> {
    /// The text, from its first token to before its `;`, trimmed.
    pub(crate) text: &'a str,
    /// The 1-based line of the section it starts on.
    pub(crate) line: usize,
}

/// The statements of `sql`, empty ones (only comments and blanks) left out.
pub(crate) fn split(sql: &str, dialect: Dialect) -> Vec<Statement<'_>> {
    scan(sql, dialect).0
}

/// Whether text appended after `sql` would start a new statement: the last
/// statement ends with `;`, or there is no statement at all.
pub(crate) fn is_terminated(sql: &str, dialect: Dialect) -> bool {
    scan(sql, dialect).1
}

/// A word token: its text, uppercased for keyword checks.
struct Word {
    upper: String,
}

fn scan<'a>(sql: &'a str, dialect: Dialect) -> (Vec<Statement<'a>>, bool) {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut start: Option<usize> = None;
    let mut words: Vec<Word> = Vec::new();
    let mut depth: i64 = 0;
    let mut block = false;
    let mut terminated = true;

    // Lines are counted from where the previous statement started (starts
    // only move forward), so a long section costs one pass, not one per
    // statement.
    let mut counted = (0, 1);
    let mut finish = |out: &mut Vec<Statement<'a>>, from: usize, to: usize| {
        let text = sql[from..to].trim();
        if !text.is_empty() {
            let (at, line) = &mut counted;
            *line += sql[*at..from].bytes().filter(|&c| c == b'\n').count();
            *at = from;
            out.push(Statement { text, line: *line });
        }
    };

    while i < b.len() {
        let c = b[i];
        // Comments and blanks do not start a statement.
        if c == b'-' && b.get(i + 1) == Some(&b'-') || c == b'#' && dialect == Dialect::MySql {
            i = b[i..]
                .iter()
                .position(|&x| x == b'\n')
                .map_or(b.len(), |p| i + p + 1);
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i = skip_block_comment(b, i, dialect == Dialect::Postgres);
            continue;
        }
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b';' {
            if start.is_some() && depth <= 0 {
                finish(&mut out, start.take().unwrap_or(i), i);
                words.clear();
                depth = 0;
                block = false;
                terminated = true;
            }
            i += 1;
            continue;
        }
        if start.is_none() {
            start = Some(i);
            terminated = false;
        }
        match c {
            b'\'' => {
                let backslash = dialect == Dialect::MySql
                    || dialect == Dialect::Postgres
                        && i > 0
                        && matches!(b[i - 1], b'E' | b'e')
                        && !is_word_byte(b.get(i.wrapping_sub(2)).copied());
                i = skip_quoted(b, i, b'\'', backslash);
            }
            b'"' => i = skip_quoted(b, i, b'"', dialect == Dialect::MySql),
            b'`' if dialect != Dialect::Postgres => i = skip_quoted(b, i, b'`', false),
            b'[' if dialect == Dialect::Sqlite => {
                i = b[i..]
                    .iter()
                    .position(|&x| x == b']')
                    .map_or(b.len(), |p| i + p + 1);
            }
            b'$' if dialect == Dialect::Postgres => match dollar_tag(b, i) {
                Some(tag) => {
                    let body = i + tag.len();
                    i = find(b, body, tag).map_or(b.len(), |p| p + tag.len());
                }
                None => i += 1,
            },
            _ if is_word_byte(Some(c)) => {
                let end = b[i..]
                    .iter()
                    .position(|&x| !is_word_byte(Some(x)))
                    .map_or(b.len(), |p| i + p);
                let upper = sql[i..end].to_ascii_uppercase();
                track_block(&mut words, &mut depth, &mut block, &upper, dialect);
                words.push(Word { upper });
                i = end;
            }
            _ => i += 1,
        }
    }
    if let Some(from) = start {
        finish(&mut out, from, b.len());
    }
    (out, terminated)
}

/// Keeps `depth` for statements whose bodies contain `;`.
fn track_block(
    words: &mut [Word],
    depth: &mut i64,
    block: &mut bool,
    word: &str,
    dialect: Dialect,
) {
    let prev = words.last().map(|w| w.upper.as_str());
    if words.len() < 8 && !*block {
        // `CREATE [TEMP] TRIGGER`, `CREATE [DEFINER=...] PROCEDURE` and the like.
        let creates = words.first().is_some_and(|w| w.upper == "CREATE");
        *block = creates
            && match dialect {
                Dialect::Sqlite => word == "TRIGGER",
                Dialect::MySql => matches!(word, "TRIGGER" | "PROCEDURE" | "FUNCTION" | "EVENT"),
                Dialect::Postgres => false,
            };
    }
    match word {
        "ATOMIC" if dialect == Dialect::Postgres && prev == Some("BEGIN") => {
            *block = true;
            *depth += 1;
        }
        "BEGIN" if *block && dialect != Dialect::Postgres => *depth += 1,
        "CASE" if *block && prev != Some("END") => *depth += 1,
        // MySQL closes `IF`, `LOOP`, `WHILE` and `REPEAT` with `END IF` etc.;
        // their openers are not counted, so neither are these.
        "IF" | "LOOP" | "WHILE" | "REPEAT" if *block && prev == Some("END") => *depth += 1,
        _ => {}
    }
    if word == "END" && *block {
        *depth -= 1;
    }
}

fn is_word_byte(c: Option<u8>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80)
}

fn skip_quoted(b: &[u8], open: usize, quote: u8, backslash: bool) -> usize {
    let mut i = open + 1;
    while i < b.len() {
        if backslash && b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == quote {
            if b.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    b.len()
}

fn skip_block_comment(b: &[u8], open: usize, nested: bool) -> usize {
    let mut depth = 0;
    let mut i = open;
    while i + 1 < b.len() {
        if b[i] == b'/' && b[i + 1] == b'*' {
            depth += 1;
            i += 2;
            if !nested && depth > 1 {
                depth = 1;
            }
            continue;
        }
        if b[i] == b'*' && b[i + 1] == b'/' {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
            continue;
        }
        i += 1;
    }
    b.len()
}

/// `$tag$` at `at`, if it is a dollar quote (not a `$1` parameter).
fn dollar_tag(b: &[u8], at: usize) -> Option<&[u8]> {
    let mut j = at + 1;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] >= 0x80) {
        j += 1;
    }
    if j < b.len() && b[j] == b'$' && !b.get(at + 1).is_some_and(|c| c.is_ascii_digit()) {
        Some(&b[at..=j])
    } else {
        None
    }
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// A statement shortened for an error message: whitespace folded, at most
/// 80 characters.
pub(crate) fn shorten(text: &str) -> String {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.chars().count() <= 80 {
        folded
    } else {
        format!("{}...", folded.chars().take(77).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str, d: Dialect) -> Vec<&str> {
        split(sql, d).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn plain_statements_and_lines() {
        let sql = "-- a comment; not a statement\nCREATE TABLE a (x INT);\n\nINSERT INTO a VALUES (1);\n-- trailing\n";
        let s = split(sql, Dialect::Postgres);
        assert_eq!(s.len(), 2);
        assert_eq!(
            s[0],
            Statement {
                text: "CREATE TABLE a (x INT)",
                line: 2
            }
        );
        assert_eq!(s[1].line, 4);
        assert!(is_terminated(sql, Dialect::Postgres));
        assert!(!is_terminated(
            "SELECT 1\n-- no semicolon",
            Dialect::Postgres
        ));
        assert!(is_terminated("-- only a comment", Dialect::Postgres));
    }

    #[test]
    fn quotes_and_comments_hide_semicolons() {
        let sql = "INSERT INTO t VALUES ('a;b', 'it''s;'); /* x; */ SELECT \"c;d\"; SELECT 1";
        assert_eq!(
            texts(sql, Dialect::Sqlite),
            [
                "INSERT INTO t VALUES ('a;b', 'it''s;')",
                "SELECT \"c;d\"",
                "SELECT 1"
            ]
        );
        assert_eq!(
            texts(r"SELECT 'a\';b'; SELECT 2", Dialect::MySql),
            [r"SELECT 'a\';b'", "SELECT 2"]
        );
        assert_eq!(
            texts("SELECT 1 # x;\n; SELECT 2", Dialect::MySql),
            ["SELECT 1 # x;", "SELECT 2"]
        );
        assert_eq!(
            texts("SELECT E'a\\';b'; SELECT 2", Dialect::Postgres).len(),
            2
        );
    }

    #[test]
    fn dollar_quotes_and_parameters() {
        let sql = "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\nSELECT $1; SELECT $$a;b$$";
        assert_eq!(
            texts(sql, Dialect::Postgres),
            [
                "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql",
                "SELECT $1",
                "SELECT $$a;b$$"
            ]
        );
    }

    #[test]
    fn bodies_with_semicolons() {
        let sqlite = "CREATE TRIGGER t AFTER INSERT ON a BEGIN INSERT INTO b VALUES (CASE WHEN 1 THEN 2 END); DELETE FROM c; END;\nSELECT 1;";
        assert_eq!(split(sqlite, Dialect::Sqlite).len(), 2);
        let mysql =
            "CREATE PROCEDURE p() BEGIN IF 1 THEN SELECT 1; END IF; SELECT 2; END;\nSELECT 3;";
        assert_eq!(split(mysql, Dialect::MySql).len(), 2);
        let pg = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\nSELECT 3;";
        assert_eq!(split(pg, Dialect::Postgres).len(), 2);
        // Outside such statements, BEGIN is a transaction and CASE an expression.
        assert_eq!(
            split(
                "BEGIN; SELECT CASE WHEN 1 THEN 2 END; COMMIT;",
                Dialect::Sqlite
            )
            .len(),
            3
        );
    }

    #[test]
    fn shorten_folds_and_cuts() {
        assert_eq!(shorten("SELECT\n   1"), "SELECT 1");
        assert_eq!(shorten(&"x ".repeat(100)).chars().count(), 80);
    }
}
