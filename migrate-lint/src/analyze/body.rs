//! The statements inside a PL/pgSQL `DO` block or a routine, trigger or
//! event body, read so that a `DROP TABLE` there meets the same rules as
//! one at the top level.
//!
//! The grammar does not model procedural languages, so a body is cut at its
//! `;` tokens, each piece is read from its first statement keyword (after
//! `BEGIN`, `IF ... THEN`, `ELSE`, `LOOP`), and what sqlparser then parses
//! is linted. `EXECUTE 'literal'` is read the same way. Dynamic SQL built
//! from expressions cannot be known and is not read.

use migrate_graph::Dialect;
use sqlparser::dialect::{MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, Tokenizer};

/// The statement keywords a piece of a body is read from.
const STARTS: [Keyword; 10] = [
    Keyword::DROP,
    Keyword::TRUNCATE,
    Keyword::ALTER,
    Keyword::DELETE,
    Keyword::UPDATE,
    Keyword::INSERT,
    Keyword::REPLACE,
    Keyword::CREATE,
    Keyword::LOCK,
    Keyword::VACUUM,
];

fn all_tokens(text: &str, dialect: Dialect) -> Vec<Token> {
    let tokens = match dialect {
        Dialect::Postgres => Tokenizer::new(&PostgreSqlDialect {}, text).tokenize(),
        Dialect::MySql => Tokenizer::new(&MySqlDialect {}, text).tokenize(),
        Dialect::Sqlite => Tokenizer::new(&SQLiteDialect {}, text).tokenize(),
    };
    tokens.unwrap_or_default()
}

fn keyword(t: &Token) -> Option<Keyword> {
    match t {
        Token::Word(w) => Some(w.keyword),
        _ => None,
    }
}

/// What a statement's body is (`a DO block`, `function f`) and the
/// statements in it, or `None` when it has no body.
pub(crate) fn bodies(text: &str, dialect: Dialect) -> Option<(String, Vec<String>)> {
    // Only these can hold a body: the others are not tokenized a second time.
    let first = text.split(|c: char| !c.is_ascii_alphabetic()).next()?;
    if !["DO", "CREATE", "DELIMITER"]
        .iter()
        .any(|k| first.eq_ignore_ascii_case(k))
    {
        return None;
    }
    let tokens = all_tokens(text, dialect);
    let mut words: Vec<(usize, &Token)> = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| !matches!(t, Token::Whitespace(_)))
        .collect();
    // A MySQL client `DELIMITER` block: the statements follow its first line.
    if let Some((_, Token::Word(w))) = words.first() {
        if w.value.eq_ignore_ascii_case("DELIMITER") {
            let create = words
                .iter()
                .position(|(_, t)| keyword(t) == Some(Keyword::CREATE))?;
            words.drain(..create);
        }
    }
    let first = keyword(words.first()?.1)?;
    let what = match first {
        Keyword::DO if dialect == Dialect::Postgres => "a DO block".to_owned(),
        Keyword::CREATE => {
            let (at, kind) = words.iter().take(8).find_map(|(i, t)| match keyword(t)? {
                k
                @ (Keyword::FUNCTION | Keyword::PROCEDURE | Keyword::TRIGGER | Keyword::EVENT) => {
                    Some((*i, k))
                }
                _ => None,
            })?;
            let name = tokens[at + 1..]
                .iter()
                .find(|t| !matches!(t, Token::Whitespace(_)))
                .map(|t| t.to_string())
                .unwrap_or_default();
            format!("{} {name}", format!("{kind:?}").to_lowercase())
        }
        _ => return None,
    };
    let mut statements = Vec::new();
    if dialect == Dialect::Postgres {
        let mut after_as = false;
        for (_, t) in &words {
            match t {
                Token::DollarQuotedString(s) => statements.extend(inner(&s.value, dialect)),
                Token::SingleQuotedString(s) if after_as => statements.extend(inner(s, dialect)),
                _ => {}
            }
            after_as = keyword(t) == Some(Keyword::AS);
        }
    } else {
        // MySQL and SQLite: the body is what follows BEGIN (or an event's DO).
        let start = words
            .iter()
            .find(|(_, t)| matches!(keyword(t), Some(Keyword::BEGIN | Keyword::DO)))?
            .0;
        let body: String = tokens[start + 1..].iter().map(|t| t.to_string()).collect();
        statements.extend(inner(&body, dialect));
    }
    Some((what, statements))
}

/// The statements of a procedural body, each from its first statement
/// keyword to its `;`, and those of its `EXECUTE 'literal'`s.
fn inner(body: &str, dialect: Dialect) -> Vec<String> {
    let tokens = all_tokens(body, dialect);
    let mut out = Vec::new();
    for piece in tokens.split(|t| *t == Token::SemiColon) {
        let words: Vec<&Token> = piece
            .iter()
            .filter(|t| !matches!(t, Token::Whitespace(_)))
            .collect();
        let literal = words.windows(2).find_map(|w| match (keyword(w[0]), w[1]) {
            (Some(Keyword::EXECUTE), Token::SingleQuotedString(s)) => Some(s.clone()),
            (Some(Keyword::EXECUTE), Token::DollarQuotedString(d)) => Some(d.value.clone()),
            _ => None,
        });
        if let Some(literal) = literal {
            out.extend(inner(&literal, dialect));
            continue;
        }
        if let Some(start) = piece
            .iter()
            .position(|t| keyword(t).is_some_and(|k| STARTS.contains(&k)))
        {
            let text: String = piece[start..].iter().map(|t| t.to_string()).collect();
            out.push(text.trim().to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_found_in_procedural_bodies() {
        let pg = "DO $$ DECLARE n int; BEGIN IF true THEN DROP TABLE t; END IF; EXECUTE 'TRUNCATE u'; RAISE NOTICE 'x;'; END $$";
        let (what, got) = bodies(pg, Dialect::Postgres).unwrap();
        assert_eq!(what, "a DO block");
        assert_eq!(got, ["DROP TABLE t", "TRUNCATE u"]);
        let f = "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS 'BEGIN DELETE FROM t; END'";
        let (what, got) = bodies(f, Dialect::Postgres).unwrap();
        assert_eq!(
            (what.as_str(), got.as_slice()),
            ("function f", &["DELETE FROM t".to_owned()][..])
        );
        let my = "CREATE PROCEDURE p() BEGIN DECLARE x INT; DROP TABLE t; END";
        let (what, got) = bodies(my, Dialect::MySql).unwrap();
        assert_eq!(
            (what.as_str(), got.as_slice()),
            ("procedure p", &["DROP TABLE t".to_owned()][..])
        );
        assert!(bodies("SELECT 1", Dialect::Postgres).is_none());
    }
}
