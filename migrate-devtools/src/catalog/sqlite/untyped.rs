//! A stored `CREATE TABLE` without its column types, for sqlparser.

use sqlparser::dialect::SQLiteDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

/// Where [`without_types`] is in a column list.
#[derive(Clone, Copy, PartialEq)]
enum At {
    /// Before the column list.
    Outside,
    /// At the start of a column or table constraint definition.
    Start,
    /// In a column's type.
    Type,
    /// In a column's constraints or a table constraint.
    Rest,
}

/// `sql` with its columns' declared types left out. SQLite takes any
/// sequence of names as a type (`UNSIGNED BIG INT`, `VARYING CHARACTER(255)`,
/// its documentation's own examples); sqlparser reads only the types it
/// knows, and the reader takes types from the pragmas anyway.
pub(super) fn without_types(sql: &str) -> Option<String> {
    const STOP: &[&str] = &[
        "CONSTRAINT",
        "PRIMARY",
        "NOT",
        "UNIQUE",
        "CHECK",
        "DEFAULT",
        "COLLATE",
        "REFERENCES",
        "GENERATED",
        "AS",
    ];
    const TABLE_CONSTRAINT: &[&str] = &["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"];
    let keyword = |token: &Token, list: &[&str]| {
        matches!(token, Token::Word(w) if w.quote_style.is_none()
            && list.iter().any(|k| w.value.eq_ignore_ascii_case(k)))
    };
    let tokens = Tokenizer::new(&SQLiteDialect {}, sql).tokenize().ok()?;
    let mut out = String::with_capacity(sql.len());
    let (mut at, mut depth) = (At::Outside, 0usize);
    for token in tokens {
        let keep = match (&token, at) {
            (Token::LParen, At::Outside) => {
                at = At::Start;
                depth = 1;
                true
            }
            (_, At::Outside) | (Token::Whitespace(_), _) => true,
            (Token::LParen, _) => {
                depth += 1;
                at != At::Type
            }
            (Token::RParen, _) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    at = At::Outside;
                    true
                } else {
                    at != At::Type
                }
            }
            (Token::Comma, _) if depth == 1 => {
                at = At::Start;
                true
            }
            (_, At::Start) => {
                at = if keyword(&token, TABLE_CONSTRAINT) {
                    At::Rest
                } else {
                    At::Type
                };
                true
            }
            (_, At::Type) if depth == 1 && keyword(&token, STOP) => {
                at = At::Rest;
                true
            }
            // A bare `NULL` says nothing, and sqlparser reads no type-less `x NULL`.
            (_, At::Type) => false,
            (_, At::Rest) => true,
        };
        if keep {
            out.push_str(&token.to_string());
        }
    }
    Some(out)
}
