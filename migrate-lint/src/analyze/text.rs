//! Rules read from a statement's tokens rather than its syntax tree: the
//! constructs the grammar does not model (`DROP INDEX CONCURRENTLY`,
//! `VACUUM (FULL)`, MySQL's `ENGINE =` and `CONVERT TO CHARACTER SET`),
//! an enum label used by the transaction that added it, and the first
//! word of a statement for the MySQL implicit-commit rules.

use super::names::key;
use super::{Ctx, Found};
use crate::rules::Rule;
use migrate_graph::Dialect;
use sqlparser::ast::{Ident, ObjectName, ObjectNamePart};
use sqlparser::dialect::{MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, Tokenizer};

/// A statement's tokens without whitespace and comments; empty when the
/// tokenizer cannot read it.
pub(crate) fn tokens(text: &str, dialect: Dialect) -> Vec<Token> {
    let tokens = match dialect {
        Dialect::Postgres => Tokenizer::new(&PostgreSqlDialect {}, text).tokenize(),
        Dialect::MySql => Tokenizer::new(&MySqlDialect {}, text).tokenize(),
        Dialect::Sqlite => Tokenizer::new(&SQLiteDialect {}, text).tokenize(),
    };
    tokens
        .unwrap_or_default()
        .into_iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect()
}

fn keyword(t: &Token) -> Option<Keyword> {
    match t {
        Token::Word(w) => Some(w.keyword),
        _ => None,
    }
}

/// The findings of a statement kept unread ([`crate::Parsed::Opaque`]).
pub(crate) fn opaque(ctx: &mut Ctx<'_>, text: &str, out: &mut Found) {
    let tokens = tokens(text, ctx.dialect);
    let words: Vec<Keyword> = tokens.iter().filter_map(keyword).collect();
    let has = |k: Keyword| words.contains(&k);
    match (ctx.dialect, words.first()) {
        (Dialect::Postgres, Some(Keyword::VACUUM)) => vacuum(ctx, has(Keyword::FULL), out),
        (Dialect::Postgres, _) if ctx.transaction && has(Keyword::CONCURRENTLY) => out.push((
            Rule::ConcurrentlyInTransaction,
            "runs CONCURRENTLY in a section that runs in a transaction".into(),
        )),
        (Dialect::MySql, Some(Keyword::ALTER)) => {
            let Some(table) = altered_table(&tokens).map(|n| key(ctx.dialect, &n)) else {
                return;
            };
            if ctx.is_new(&table) {
                return;
            }
            if has(Keyword::ENGINE) {
                let what = format!("changes the storage engine of {}", ctx.describe(&table));
                out.push((Rule::ChangeEngine, what));
            }
            if has(Keyword::CONVERT) {
                let set = charset_after_convert(&tokens).unwrap_or_default();
                let what = format!(
                    "converts every text column of {} to character set {set}",
                    ctx.describe(&table)
                );
                out.push((Rule::ConvertCharset, what));
            }
        }
        _ => {}
    }
}

/// `VACUUM`: refused in a transaction; `FULL` rewrites under lock.
pub(super) fn vacuum(ctx: &Ctx<'_>, full: bool, out: &mut Found) {
    if ctx.transaction {
        out.push((
            Rule::VacuumInTransaction,
            "runs VACUUM in a section that runs in a transaction".into(),
        ));
    }
    if full {
        out.push((
            Rule::VacuumFull,
            "rewrites the table with VACUUM FULL".into(),
        ));
    }
}

/// The table of `ALTER [ONLINE | IGNORE] TABLE name ...`.
fn altered_table(tokens: &[Token]) -> Option<ObjectName> {
    let at = tokens
        .iter()
        .position(|t| keyword(t) == Some(Keyword::TABLE))?;
    let mut parts = Vec::new();
    let mut rest = tokens[at + 1..].iter();
    while let Some(Token::Word(w)) = rest.next() {
        let ident = match w.quote_style {
            Some(q) => Ident::with_quote(q, w.value.clone()),
            None => Ident::new(w.value.clone()),
        };
        parts.push(ObjectNamePart::Identifier(ident));
        if rest.next() != Some(&Token::Period) {
            break;
        }
    }
    (!parts.is_empty()).then_some(ObjectName(parts))
}

/// The `x` of `CONVERT TO CHARACTER SET x` (or `CHARSET x`).
fn charset_after_convert(tokens: &[Token]) -> Option<String> {
    let at = tokens
        .iter()
        .position(|t| keyword(t) == Some(Keyword::CONVERT))?;
    tokens[at..].windows(2).find_map(|w| match (&w[0], &w[1]) {
        (Token::Word(a), Token::Word(b))
            if a.keyword == Keyword::SET || a.keyword == Keyword::CHARSET =>
        {
            Some(b.value.to_lowercase())
        }
        _ => None,
    })
}

/// An enum label the transaction added, used by this statement: PostgreSQL
/// refuses it until the transaction that added it commits.
pub(crate) fn enum_use(ctx: &Ctx<'_>, text: &str, out: &mut Found) {
    if ctx.enum_labels.is_empty() {
        return;
    }
    for t in tokens(text, ctx.dialect) {
        if let Token::SingleQuotedString(s) = t {
            if ctx.enum_labels.contains(&s) {
                let what = format!("uses enum value '{s}', added in the same transaction");
                out.push((Rule::EnumValueInTransaction, what));
                return;
            }
        }
    }
}

/// Whether a statement is DDL, from its first word (the splitter starts a
/// statement at its first token).
pub(crate) fn is_ddl_text(text: &str) -> bool {
    let word = first_word(text);
    ["CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE"]
        .iter()
        .any(|k| word.eq_ignore_ascii_case(k))
}

/// Whether a statement that was not parsed changes rows, from its first word.
pub(crate) fn is_dml_text(text: &str) -> bool {
    let word = first_word(text);
    ["INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE"]
        .iter()
        .any(|k| word.eq_ignore_ascii_case(k))
}

fn first_word(text: &str) -> &str {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("")
}
