//! Hints on the statements beside CREATE TABLE: `CREATE [UNIQUE] INDEX
//! name ON table` (the hint on the line before it, or after its `;` on
//! the same line, renames index `old` of that table) and `CREATE TYPE
//! name AS ENUM (...)` (the hint before it, or at the end of its `(`
//! line, renames the type; at the end of a label's line, the label).

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan, Whitespace};

use super::{directive, Failure, Scan};
use crate::error::HintErrorKind;
use crate::model::QualifiedName;

/// What a CREATE statement other than CREATE TABLE makes, for a hint
/// after its `;`.
#[derive(Debug, Clone)]
pub(super) enum Named {
    /// An index of a table.
    Index {
        /// The table (its desired name).
        table: QualifiedName,
        /// The index.
        name: String,
    },
    /// An enum type.
    Enum(QualifiedName),
}

impl Scan {
    /// Reads a `CREATE [UNIQUE] INDEX` or `CREATE TYPE ... AS ENUM` whose
    /// first word after CREATE is at `code[0]`; the index after what it
    /// read, or `None` when the statement is neither.
    pub(super) fn other_create(
        &mut self,
        tokens: &[TokenWithSpan],
        code: &[usize],
        pending: Option<(String, u64)>,
    ) -> Result<Option<usize>, Failure> {
        let mut j = code[0];
        let kw = |j: usize| match tokens.get(j).map(|t| &t.token) {
            Some(Token::Word(w)) if w.quote_style.is_none() => Some(w.keyword),
            _ => None,
        };
        if kw(j) == Some(Keyword::TYPE) {
            return self.enum_type(tokens, next(tokens, j), pending).map(Some);
        }
        if kw(j) == Some(Keyword::UNIQUE) {
            j = next(tokens, j);
        }
        if kw(j) != Some(Keyword::INDEX) {
            return Ok(None);
        }
        j = next(tokens, j);
        if kw(j) == Some(Keyword::CONCURRENTLY) {
            j = next(tokens, j);
        }
        if kw(j) == Some(Keyword::IF) {
            j = next(tokens, next(tokens, next(tokens, j)));
        }
        let (name, after) = self.name(tokens, j);
        let name = name.filter(|_| kw(after) == Some(Keyword::ON));
        let Some(name) = name else {
            return match pending {
                Some((_, line)) => Err((line, HintErrorKind::NotBeforeTable)),
                None => Ok(Some(after)),
            };
        };
        let mut j = next(tokens, after);
        if kw(j) == Some(Keyword::ONLY) {
            j = next(tokens, j);
        }
        let (table, after) = self.name(tokens, j);
        let Some(table) = table else {
            return match pending {
                Some((_, line)) => Err((line, HintErrorKind::NotBeforeTable)),
                None => Ok(Some(after)),
            };
        };
        let table = self.default_namespace(table);
        let named = Named::Index {
            table,
            name: name.name,
        };
        if let Some((old, line)) = pending {
            self.named_hint(old, &named, line)?;
        }
        self.named = Some(named);
        Ok(Some(after))
    }

    /// `name AS ENUM ( labels )` from `j`; the index after the `)`.
    fn enum_type(
        &mut self,
        tokens: &[TokenWithSpan],
        j: usize,
        pending: Option<(String, u64)>,
    ) -> Result<usize, Failure> {
        let (name, mut j) = self.name(tokens, j);
        let kw = |j: usize| match tokens.get(j).map(|t| &t.token) {
            Some(Token::Word(w)) if w.quote_style.is_none() => Some(w.keyword),
            _ => None,
        };
        let is_enum = kw(j) == Some(Keyword::AS) && kw(next(tokens, j)) == Some(Keyword::ENUM);
        let Some(name) = name.filter(|_| is_enum) else {
            return match pending {
                Some((_, line)) => Err((line, HintErrorKind::NotBeforeTable)),
                None => Ok(j),
            };
        };
        let name = self.default_namespace(name);
        let named = Named::Enum(name.clone());
        if let Some((old, line)) = pending {
            self.named_hint(old, &named, line)?;
        }
        self.named = Some(named.clone());
        j = next(tokens, next(tokens, j));
        if !matches!(tokens.get(j).map(|t| &t.token), Some(Token::LParen)) {
            return Ok(j);
        }
        // The labels: (label, line of the comma that ended it).
        let mut label: Option<(String, Option<u64>)> = None;
        j += 1;
        while j < tokens.len() {
            let line = tokens[j].span.start.line;
            match &tokens[j].token {
                Token::Whitespace(Whitespace::SingleLineComment { comment, .. }) => {
                    if let Some(old) = directive(comment, line)? {
                        match &label {
                            None => self.named_hint(old, &named, line)?,
                            Some((value, ended)) if ended.is_none_or(|e| e == line) => {
                                let key = (name.clone(), old);
                                if self.hints.enum_values.insert(key, value.clone()).is_some() {
                                    let name = format!("{name}.{value}");
                                    return Err((line, HintErrorKind::Duplicate { name }));
                                }
                            }
                            Some(_) => return Err((line, HintErrorKind::NotOnColumn)),
                        }
                    }
                }
                Token::SingleQuotedString(value) => label = Some((value.clone(), None)),
                Token::Comma => {
                    if let Some((_, ended)) = &mut label {
                        *ended = Some(line);
                    }
                }
                Token::RParen => return Ok(j + 1),
                _ => {}
            }
            j += 1;
        }
        Ok(j)
    }

    /// A name `word (. word)*` starting at `j` (the first code token);
    /// the index of the code token after it.
    fn name(&self, tokens: &[TokenWithSpan], mut j: usize) -> (Option<QualifiedName>, usize) {
        let mut parts = Vec::new();
        loop {
            match tokens.get(j).map(|t| &t.token) {
                Some(Token::Word(w)) if parts.is_empty() || after_period(tokens, j) => {
                    parts.push(self.ident(w.value.clone(), w.quote_style));
                }
                Some(Token::Period) => {}
                _ => break,
            }
            j = next(tokens, j);
        }
        let name = match parts.as_slice() {
            [schema, name] => Some(QualifiedName::in_schema(schema.clone(), name.clone())),
            [.., name] => Some(QualifiedName::new(name.clone())),
            [] => None,
        };
        (name, j)
    }

    /// Records that the index or enum type `named` was called `old`.
    pub(super) fn named_hint(
        &mut self,
        old: String,
        named: &Named,
        line: u64,
    ) -> Result<(), Failure> {
        let duplicate = match named {
            Named::Index { table, name } => self
                .hints
                .indexes
                .insert((table.clone(), old), name.clone())
                .is_some(),
            Named::Enum(name) => {
                let old = match QualifiedName::parse(&old) {
                    QualifiedName {
                        schema: None,
                        name: bare,
                    } => QualifiedName {
                        schema: name.schema.clone(),
                        name: bare,
                    },
                    qualified => self.default_namespace(qualified),
                };
                self.hints.enums.insert(old, name.clone()).is_some()
            }
        };
        if duplicate {
            let name = match named {
                Named::Index { table, name } => format!("{table}.{name}"),
                Named::Enum(name) => name.to_string(),
            };
            return Err((line, HintErrorKind::Duplicate { name }));
        }
        Ok(())
    }
}

/// The index of the next token after `j` that is not whitespace.
fn next(tokens: &[TokenWithSpan], j: usize) -> usize {
    let mut k = j + 1;
    while k < tokens.len() && matches!(tokens[k].token, Token::Whitespace(_)) {
        k += 1;
    }
    k
}

/// Whether the code token before `j` is a `.`.
fn after_period(tokens: &[TokenWithSpan], j: usize) -> bool {
    tokens[..j]
        .iter()
        .rev()
        .find(|t| !matches!(t.token, Token::Whitespace(_)))
        .is_some_and(|t| t.token == Token::Period)
}
