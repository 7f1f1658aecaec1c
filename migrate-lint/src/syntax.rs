//! Reading a section with a dialect's grammar: the one parse the lint and the
//! `migrations!` macro's build-time check share.
//!
//! A section is first split into statements by migrate-graph's splitter (so
//! a bad statement does not hide the ones after it, and each keeps its line),
//! then each statement is parsed by sqlparser with the dialect's grammar.
//! Some real-world constructs are beyond that grammar: PL/pgSQL `DO` blocks,
//! MySQL client `DELIMITER` blocks, routine, trigger and event bodies in
//! languages sqlparser does not model, `DROP INDEX CONCURRENTLY`. When such a
//! statement does not parse it is kept as [`Parsed::Opaque`]: accepted
//! unread, never a failure the user cannot fix.

use migrate_graph::split::split_with_delimiters;
use migrate_graph::{Dialect, Revision, Section};
use sqlparser::ast::Statement as Ast;
use sqlparser::dialect::{MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Token, Tokenizer};

/// One statement of a section, read.
#[derive(Clone, Debug)]
pub struct Statement<'a> {
    /// The statement's text, from its first token to before its `;`.
    pub text: &'a str,
    /// The 1-based line of the file it starts on.
    pub line: usize,
    /// The 1-based column (in characters) it starts at.
    pub column: usize,
    /// Byte offset of `text` in the section's SQL.
    pub offset: usize,
    /// What the parser made of it.
    pub parsed: Parsed,
}

impl<'a> Statement<'a> {
    /// The statement's place and text, with an empty [`Parsed::Opaque`]
    /// instead of its syntax tree.
    pub(crate) fn clone_text(&self) -> Statement<'a> {
        Statement {
            text: self.text,
            line: self.line,
            column: self.column,
            offset: self.offset,
            parsed: Parsed::Opaque,
        }
    }
}

/// What the dialect's grammar made of a statement.
#[derive(Clone, Debug)]
pub enum Parsed {
    /// Parsed: usually one statement.
    Ast(Vec<Ast>),
    /// A construct the grammar does not read (a `DO` block, a `DELIMITER`
    /// block, a routine or trigger body): accepted without being read.
    Opaque,
    /// A syntax error at a place in the file.
    Error(SyntaxError),
}

/// A syntax error, located in the migration file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct SyntaxError {
    /// The file name, relative to the migrations directory.
    pub file: String,
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// What the parser expected and found.
    pub message: String,
}

/// Reads every statement of `section` (of `file`) with `dialect`'s grammar.
///
/// ```
/// use migrate_graph::{Dialect, Section};
/// use migrate_lint::{parse_section, Parsed};
/// let section = Section { sql: "CREATE TABLE t (id INT);\nSELEC 1;".into(), transaction: true, line: 7 };
/// let s = parse_section("a.sql", &section, Dialect::Postgres);
/// assert!(matches!(s[0].parsed, Parsed::Ast(_)));
/// let Parsed::Error(e) = &s[1].parsed else { panic!() };
/// assert_eq!((e.line, e.column), (8, 1));
/// ```
pub fn parse_section<'a>(
    file: &'a str,
    section: &'a Section,
    dialect: Dialect,
) -> Vec<Statement<'a>> {
    parse_statements(file, section, dialect).collect()
}

/// [`parse_section`], one statement at a time, so that a huge data
/// migration is never held as syntax trees all at once.
pub fn parse_statements<'a>(
    file: &'a str,
    section: &'a Section,
    dialect: Dialect,
) -> impl Iterator<Item = Statement<'a>> + 'a {
    let sql = section.sql.as_str();
    split_with_delimiters(sql, dialect)
        .into_iter()
        .map(move |s| {
            let offset = s.text.as_ptr() as usize - sql.as_ptr() as usize;
            let line_start = sql[..offset].rfind('\n').map_or(0, |p| p + 1);
            let column = sql[line_start..offset].chars().count() + 1;
            let line = section.line + s.line - 1;
            let parsed = match parse_statement(s.text, dialect) {
                Ok(ast) => Parsed::Ast(ast),
                Err(_) if is_opaque(s.text, dialect) => Parsed::Opaque,
                Err((at_line, at_column, message)) => Parsed::Error(SyntaxError {
                    file: file.to_owned(),
                    line: line + at_line - 1,
                    column: if at_line == 1 {
                        column + at_column - 1
                    } else {
                        at_column
                    },
                    message,
                }),
            };
            Statement {
                text: s.text,
                line,
                column,
                offset,
                parsed,
            }
        })
}

/// The syntax errors of a revision's sections, or none for a file whose
/// header says `-- migrate:unchecked`. This is the build-time check.
pub fn check_syntax(revision: &Revision, dialect: Dialect) -> Vec<SyntaxError> {
    if revision.unchecked {
        return Vec::new();
    }
    let sections = std::iter::once(&revision.up).chain(revision.down.section());
    sections
        .flat_map(|section| parse_statements(&revision.file_name, section, dialect))
        .filter_map(|s| match s.parsed {
            Parsed::Error(e) => Some(e),
            _ => None,
        })
        .collect()
}

/// Parses one statement; an error carries the 1-based line and column in
/// `text` and the parser's message without its location.
pub(crate) fn parse_statement(
    text: &str,
    dialect: Dialect,
) -> Result<Vec<Ast>, (usize, usize, String)> {
    let result = match dialect {
        Dialect::Postgres => Parser::parse_sql(&PostgreSqlDialect {}, text),
        Dialect::MySql => Parser::parse_sql(&MySqlDialect {}, text),
        Dialect::Sqlite => Parser::parse_sql(&SQLiteDialect {}, text),
    };
    result.map_err(|e| {
        let message = match e {
            ParserError::TokenizerError(m) | ParserError::ParserError(m) => m,
            ParserError::RecursionLimitExceeded => "the statement nests too deeply".to_owned(),
        };
        locate(&message, text)
    })
}

/// Splits sqlparser's ` at Line: L, Column: C` suffix off its message. The
/// message is the library's, not SQL; without a location the error is put
/// at the end of the statement (sqlparser's `found: EOF`).
fn locate(message: &str, text: &str) -> (usize, usize, String) {
    let end = || {
        let line = text.lines().count().max(1);
        let column = text.lines().last().map_or(0, |l| l.chars().count()) + 1;
        (line, column)
    };
    let Some((head, at)) = message.rsplit_once(" at Line: ") else {
        let (line, column) = end();
        return (line, column, message.to_owned());
    };
    let mut parts = at.split(", Column: ");
    let line = parts.next().and_then(|l| l.trim().parse().ok());
    let column = parts.next().and_then(|c| c.trim().parse().ok());
    match (line, column) {
        (Some(line), Some(column)) if line > 0 => (line, column, head.to_owned()),
        _ => {
            let (line, column) = end();
            (line, column, head.to_owned())
        }
    }
}

/// The first keywords of a statement (at most eight), read by sqlparser's
/// tokenizer; empty when it cannot tokenize the text.
pub(crate) fn head_keywords(text: &str, dialect: Dialect) -> Vec<Keyword> {
    let tokens = match dialect {
        Dialect::Postgres => Tokenizer::new(&PostgreSqlDialect {}, text).tokenize(),
        Dialect::MySql => Tokenizer::new(&MySqlDialect {}, text).tokenize(),
        Dialect::Sqlite => Tokenizer::new(&SQLiteDialect {}, text).tokenize(),
    };
    tokens
        .unwrap_or_default()
        .into_iter()
        .filter_map(|t| match t {
            Token::Word(w) => Some(w.keyword),
            _ => None,
        })
        .take(8)
        .collect()
}

/// Whether a statement the grammar refused is one of the constructs it is
/// known not to read, so that it is accepted unread.
fn is_opaque(text: &str, dialect: Dialect) -> bool {
    // A client `DELIMITER` block: not SQL the server sees.
    let first_word = text.split_whitespace().next().unwrap_or("");
    if first_word.eq_ignore_ascii_case("DELIMITER") {
        return true;
    }
    let head = head_keywords(text, dialect);
    match head.first() {
        // PL/pgSQL anonymous blocks.
        Some(Keyword::DO) => dialect == Dialect::Postgres,
        // Bodies in procedural languages: routines, triggers, events.
        Some(Keyword::CREATE) => head.iter().take(6).any(|k| {
            matches!(
                k,
                Keyword::FUNCTION
                    | Keyword::PROCEDURE
                    | Keyword::TRIGGER
                    | Keyword::EVENT
                    | Keyword::AGGREGATE
            )
        }),
        // SQLite's `PRAGMA foreign_keys = OFF`, which sqlparser 0.64 refuses
        // (its grammar knows `PRAGMA x = 1` but not keyword values).
        Some(Keyword::PRAGMA) => dialect == Dialect::Sqlite,
        // `VACUUM (FULL, ANALYZE) t`.
        Some(Keyword::VACUUM) => dialect == Dialect::Postgres,
        // MySQL's `ENGINE =` and `CONVERT TO CHARACTER SET`.
        Some(Keyword::ALTER) => {
            dialect == Dialect::MySql
                && head.get(1) == Some(&Keyword::TABLE)
                && (head.contains(&Keyword::ENGINE) || head.contains(&Keyword::CONVERT))
        }
        // `DROP INDEX CONCURRENTLY`, `REINDEX ... CONCURRENTLY`.
        Some(Keyword::DROP | Keyword::REINDEX) => {
            dialect == Dialect::Postgres && head.contains(&Keyword::CONCURRENTLY)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(sql: &str) -> Section {
        Section {
            sql: sql.to_owned(),
            transaction: true,
            line: 10,
        }
    }

    #[test]
    fn errors_are_located_in_the_file() {
        let s = section("CREATE TABLE t (id INT);\n  ALTER TABLE t ADD COLUMN;");
        let parsed = parse_section("f.sql", &s, Dialect::Postgres);
        let Parsed::Error(e) = &parsed[1].parsed else {
            panic!("{parsed:?}")
        };
        assert_eq!((e.file.as_str(), e.line), ("f.sql", 11));
        assert_eq!(e.column, 27, "{e}");
        assert!(!e.message.contains("Line:"), "{e}");
    }

    #[test]
    fn real_world_bodies_are_accepted() {
        let pg = "DO $$ BEGIN RAISE NOTICE 'x;'; END $$;\nDROP INDEX CONCURRENTLY i;";
        for s in parse_section("f.sql", &section(pg), Dialect::Postgres) {
            assert!(matches!(s.parsed, Parsed::Opaque), "{s:?}");
        }
        let my = "DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END//\nDELIMITER ;\nCREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW SET NEW.x = 1;";
        let my = section(my);
        let parsed = parse_section("f.sql", &my, Dialect::MySql);
        assert_eq!(parsed.len(), 2, "{parsed:?}");
        assert!(parsed.iter().all(|s| matches!(s.parsed, Parsed::Opaque)));
    }
}
