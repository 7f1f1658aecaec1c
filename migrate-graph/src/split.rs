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
//!
//! Validation has no dialect (the macro does not know the database), so it
//! reads a section as any dialect could (`split_any`): every construct that
//! hides a `;` in one dialect hides it here, so a statement this reading
//! finds at the top level is one in every dialect.

mod lex;

use crate::dialect::Dialect;
use lex::{delimiter_block, dollar_tag, find, is_word_byte, skip_block_comment, skip_quoted};

/// One statement of a section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement<'a> {
    /// The text, from its first token to before its `;`, trimmed.
    pub text: &'a str,
    /// The 1-based line of the section it starts on.
    pub line: usize,
}

/// The statements of `sql`, empty ones (only comments and blanks) left out.
///
/// ```
/// use migrate_graph::{split::split, Dialect};
/// let s = split("CREATE TABLE a (x TEXT DEFAULT ';');\n-- done\nSELECT 1", Dialect::Sqlite);
/// assert_eq!(s.len(), 2);
/// assert_eq!((s[1].text, s[1].line), ("SELECT 1", 3));
/// ```
pub fn split(sql: &str, dialect: Dialect) -> Vec<Statement<'_>> {
    scan(sql, &Rules::of(dialect)).0
}

/// Whether text appended after `sql` would start a new statement: the last
/// statement ends with `;`, or there is no statement at all.
pub fn is_terminated(sql: &str, dialect: Dialect) -> bool {
    scan(sql, &Rules::of(dialect)).1
}

/// The statements of `sql` as [`split`] reads them, except that a MySQL
/// client `DELIMITER` block (a routine written for the `mysql` client) is one
/// statement, as a reader that checks syntax needs.
///
/// ```
/// use migrate_graph::{split::split_with_delimiters, Dialect};
/// let sql = "DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END//\nDELIMITER ;\nSELECT 2;";
/// assert_eq!(split_with_delimiters(sql, Dialect::MySql).len(), 2);
/// ```
pub fn split_with_delimiters(sql: &str, dialect: Dialect) -> Vec<Statement<'_>> {
    let rules = Rules {
        delimiters: true,
        ..Rules::of(dialect)
    };
    scan(sql, &rules).0
}

/// The statements of `sql` read as any dialect could: every quote, comment and
/// body of every dialect hides a `;`, parentheses do too, and a MySQL client
/// `DELIMITER` block is one statement. `backslash` says whether `\` escapes a
/// quote in every string (MySQL's reading) or only in `E'...'` (the others').
pub(crate) fn split_any(sql: &str, backslash: bool) -> Vec<Statement<'_>> {
    scan(sql, &Rules::any(backslash)).0
}

/// What hides a `;` in one reading of a section.
struct Rules {
    /// `#` starts a comment (MySQL).
    hash_comments: bool,
    /// `/* */` comments nest (PostgreSQL).
    nested_comments: bool,
    /// `\` escapes a quote in every `'...'` and `"..."` string (MySQL).
    backslash: bool,
    /// `\` escapes a quote in `E'...'` strings (PostgreSQL).
    e_strings: bool,
    /// `` `...` `` quotes identifiers (SQLite, MySQL).
    backticks: bool,
    /// `[...]` quotes identifiers (SQLite).
    brackets: bool,
    /// `$tag$ ... $tag$` quotes text (PostgreSQL).
    dollar_quotes: bool,
    /// `CREATE <kind>` statements whose `BEGIN ... END` body holds `;`.
    block_kinds: &'static [Kw],
    /// `BEGIN ATOMIC` opens a body (PostgreSQL).
    atomic: bool,
    /// Every dialect at once: `ALTER` as well as `CREATE` may carry a body,
    /// `BEGIN NOT ATOMIC` opens one (MariaDB), `;` inside parentheses hides,
    /// and `DELIMITER` blocks (the MySQL client's) are one statement.
    any: bool,
    /// A MySQL client `DELIMITER` block is one statement.
    delimiters: bool,
}

const SQLITE_BLOCKS: &[Kw] = &[Kw::Trigger];
const MYSQL_BLOCKS: &[Kw] = &[Kw::Trigger, Kw::Procedure, Kw::Function, Kw::Event];

impl Rules {
    fn of(dialect: Dialect) -> Rules {
        let none = Rules {
            hash_comments: false,
            nested_comments: false,
            backslash: false,
            e_strings: false,
            backticks: false,
            brackets: false,
            dollar_quotes: false,
            block_kinds: &[],
            atomic: false,
            any: false,
            delimiters: false,
        };
        match dialect {
            Dialect::Sqlite => Rules {
                backticks: true,
                brackets: true,
                block_kinds: SQLITE_BLOCKS,
                ..none
            },
            Dialect::Postgres => Rules {
                nested_comments: true,
                e_strings: true,
                dollar_quotes: true,
                atomic: true,
                ..none
            },
            Dialect::MySql => Rules {
                hash_comments: true,
                backslash: true,
                backticks: true,
                block_kinds: MYSQL_BLOCKS,
                ..none
            },
        }
    }

    fn any(backslash: bool) -> Rules {
        Rules {
            hash_comments: true,
            nested_comments: true,
            backslash,
            e_strings: true,
            backticks: true,
            brackets: true,
            dollar_quotes: true,
            block_kinds: MYSQL_BLOCKS,
            atomic: true,
            any: true,
            delimiters: true,
        }
    }
}

/// The keywords that open and close bodies; every other word is `Other`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kw {
    Create,
    Alter,
    Trigger,
    Procedure,
    Function,
    Event,
    Begin,
    Not,
    Atomic,
    Case,
    End,
    If,
    Loop,
    While,
    Repeat,
    Other,
}

impl Kw {
    /// The keyword `word` spells, in any case. No allocation: a section may
    /// hold millions of words.
    fn of(word: &[u8]) -> Kw {
        let mut buf = [0u8; 9];
        let Some(upper) = buf.get_mut(..word.len()) else {
            return Kw::Other;
        };
        upper.copy_from_slice(word);
        upper.make_ascii_uppercase();
        match &*upper {
            b"CREATE" => Kw::Create,
            b"ALTER" => Kw::Alter,
            b"TRIGGER" => Kw::Trigger,
            b"PROCEDURE" => Kw::Procedure,
            b"FUNCTION" => Kw::Function,
            b"EVENT" => Kw::Event,
            b"BEGIN" => Kw::Begin,
            b"NOT" => Kw::Not,
            b"ATOMIC" => Kw::Atomic,
            b"CASE" => Kw::Case,
            b"END" => Kw::End,
            b"IF" => Kw::If,
            b"LOOP" => Kw::Loop,
            b"WHILE" => Kw::While,
            b"REPEAT" => Kw::Repeat,
            _ => Kw::Other,
        }
    }
}

/// What the body tracking needs of the current statement's words so far.
#[derive(Default)]
struct Words {
    first: Option<Kw>,
    prev: Option<Kw>,
    before_prev: Option<Kw>,
    count: usize,
}

impl Words {
    fn push(&mut self, kw: Kw) {
        self.first.get_or_insert(kw);
        self.before_prev = self.prev.replace(kw);
        self.count += 1;
    }
}

fn scan<'a>(sql: &'a str, rules: &Rules) -> (Vec<Statement<'a>>, bool) {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut start: Option<usize> = None;
    let mut words = Words::default();
    let mut depth: i64 = 0;
    let mut parens: usize = 0;
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
        if c == b'-' && b.get(i + 1) == Some(&b'-') || c == b'#' && rules.hash_comments {
            i = b[i..]
                .iter()
                .position(|&x| x == b'\n')
                .map_or(b.len(), |p| i + p + 1);
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i = skip_block_comment(b, i, rules.nested_comments);
            continue;
        }
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b';' {
            if start.is_some() && depth <= 0 && parens == 0 {
                finish(&mut out, start.take().unwrap_or(i), i);
                words = Words::default();
                depth = 0;
                block = false;
                terminated = true;
            }
            i += 1;
            continue;
        }
        if start.is_none() {
            if rules.delimiters {
                if let Some(end) = delimiter_block(b, i) {
                    finish(&mut out, i, end);
                    terminated = true;
                    i = end;
                    continue;
                }
            }
            start = Some(i);
            terminated = false;
        }
        match c {
            b'\'' => {
                let backslash = rules.backslash
                    || rules.e_strings
                        && i > 0
                        && matches!(b[i - 1], b'E' | b'e')
                        && !is_word_byte(b.get(i.wrapping_sub(2)).copied());
                i = skip_quoted(b, i, b'\'', backslash);
            }
            b'"' => i = skip_quoted(b, i, b'"', rules.backslash),
            b'`' if rules.backticks => i = skip_quoted(b, i, b'`', false),
            b'[' if rules.brackets => {
                i = b[i..]
                    .iter()
                    .position(|&x| x == b']')
                    .map_or(b.len(), |p| i + p + 1);
            }
            b'$' if rules.dollar_quotes => match dollar_tag(b, i) {
                Some(tag) => {
                    let body = i + tag.len();
                    i = find(b, body, tag).map_or(b.len(), |p| p + tag.len());
                }
                None => i += 1,
            },
            b'(' if rules.any => {
                parens += 1;
                i += 1;
            }
            b')' if rules.any => {
                parens = parens.saturating_sub(1);
                i += 1;
            }
            _ if is_word_byte(Some(c)) => {
                let end = b[i..]
                    .iter()
                    .position(|&x| !is_word_byte(Some(x)))
                    .map_or(b.len(), |p| i + p);
                let kw = Kw::of(&b[i..end]);
                track_block(&words, &mut depth, &mut block, kw, rules);
                words.push(kw);
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
fn track_block(words: &Words, depth: &mut i64, block: &mut bool, word: Kw, rules: &Rules) {
    let prev = words.prev;
    if words.count < 8 && !*block {
        // `CREATE [TEMP] TRIGGER`, `CREATE [DEFINER=...] PROCEDURE` and the like.
        let creates =
            words.first == Some(Kw::Create) || rules.any && words.first == Some(Kw::Alter);
        *block = creates && rules.block_kinds.contains(&word);
    }
    // PostgreSQL's `BEGIN ATOMIC`; MariaDB's `BEGIN NOT ATOMIC` at the top level.
    let atomic = rules.atomic && prev == Some(Kw::Begin)
        || rules.any && prev == Some(Kw::Not) && words.before_prev == Some(Kw::Begin);
    match word {
        // Where `BEGIN` already opened the body it is not opened twice.
        Kw::Atomic if atomic && !(*block && rules.any) => {
            *block = true;
            *depth += 1;
        }
        Kw::Begin if *block && !rules.block_kinds.is_empty() => *depth += 1,
        Kw::Case if *block && prev != Some(Kw::End) => *depth += 1,
        // MySQL closes `IF`, `LOOP`, `WHILE` and `REPEAT` with `END IF` etc.;
        // their openers are not counted, so neither are these.
        Kw::If | Kw::Loop | Kw::While | Kw::Repeat if *block && prev == Some(Kw::End) => {
            *depth += 1
        }
        _ => {}
    }
    if word == Kw::End && *block {
        *depth -= 1;
    }
}

/// A statement shortened for an error message: whitespace folded, at most
/// 80 characters.
///
/// ```
/// assert_eq!(migrate_graph::split::shorten("SELECT\n   1"), "SELECT 1");
/// ```
pub fn shorten(text: &str) -> String {
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
