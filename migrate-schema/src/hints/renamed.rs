//! Reads `-- @renamed from=old` comments out of `schema.sql` with sqlparser's
//! tokenizer, so that strings, quoted identifiers and nested parentheses are
//! seen as the engine sees them. Nothing else of the file is interpreted: the
//! model comes from the catalog after the engine ran the file.

use sqlparser::dialect::{self, Dialect as SqlDialect};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer, Whitespace};

use super::Hints;
use crate::error::{HintError, HintErrorKind};
use crate::model::{Dialect, QualifiedName};

/// Collects the rename hints of one `schema.sql` file.
///
/// `-- @renamed from=old` on a line of its own right before `CREATE TABLE new`
/// renames table `old` to `new` (`from=schema.old` for another schema); at the
/// end of a column's line inside `CREATE TABLE t` it renames column `old` of
/// `t` to that column. `file` only names the file in errors.
pub fn rename_hints(dialect: Dialect, file: &str, sql: &str) -> Result<Hints, HintError> {
    let tokens = tokenize(dialect, sql).map_err(|(line, kind)| HintError::InFile {
        file: file.to_string(),
        line,
        kind,
    })?;
    let mut scan = Scan {
        dialect,
        hints: Hints::new(),
        pending_table: None,
        named: None,
        trailing: None,
    };
    scan.run(&tokens)
        .map_err(|(line, kind)| HintError::InFile {
            file: file.to_string(),
            line,
            kind,
        })?;
    Ok(scan.hints)
}

type Failure = (u64, HintErrorKind);

fn tokenize(dialect: Dialect, sql: &str) -> Result<Vec<TokenWithSpan>, Failure> {
    let engine: Box<dyn SqlDialect> = match dialect {
        Dialect::Postgres => Box::new(dialect::PostgreSqlDialect {}),
        Dialect::MySql => Box::new(dialect::MySqlDialect {}),
        Dialect::Sqlite => Box::new(dialect::SQLiteDialect {}),
    };
    Tokenizer::new(engine.as_ref(), sql)
        .tokenize_with_location()
        .map_err(|e| {
            let message = e.message.clone();
            (e.location.line, HintErrorKind::Tokenize { message })
        })
}

struct Scan {
    dialect: Dialect,
    hints: Hints,
    /// A table hint waiting for its CREATE TABLE: (old name text, line).
    pending_table: Option<(String, u64)>,
    /// The index or enum type the statement being read creates.
    named: Option<Named>,
    /// The index or enum type of the statement that ended on this line
    /// (its `;` line): a hint after the `;` on that line renames it.
    trailing: Option<(u64, Named)>,
}

/// A column definition inside a CREATE TABLE body, being read.
struct Element {
    column: Option<String>,
    /// The name of the constraint or index it defines (`CONSTRAINT name`,
    /// MySQL's `KEY name`, `UNIQUE KEY name`).
    item: Option<String>,
    /// Line of the comma that ended it, once it ended.
    ended_on: Option<u64>,
}

impl Scan {
    fn run(&mut self, tokens: &[TokenWithSpan]) -> Result<(), Failure> {
        let mut last_code_line = 0;
        let mut at_statement_start = true;
        let mut i = 0;
        while i < tokens.len() {
            let t = &tokens[i];
            let line = t.span.start.line;
            match &t.token {
                Token::Whitespace(Whitespace::SingleLineComment { comment, .. }) => {
                    if let Some(old) = directive(comment, line)? {
                        if let Some((_, named)) = self
                            .trailing
                            .take()
                            .filter(|(on, _)| *on == line && at_statement_start)
                        {
                            self.named_hint(old, &named, line)?;
                            i += 1;
                            continue;
                        }
                        if last_code_line == line || !at_statement_start {
                            return Err((line, HintErrorKind::NotBeforeTable));
                        }
                        if let Some((_, pending)) = self.pending_table.take() {
                            return Err((pending, HintErrorKind::NotBeforeTable));
                        }
                        self.pending_table = Some((old, line));
                    }
                }
                Token::Whitespace(_) => {}
                Token::SemiColon => {
                    at_statement_start = true;
                    last_code_line = line;
                    self.trailing = self.named.take().map(|n| (line, n));
                }
                _ if at_statement_start => {
                    at_statement_start = false;
                    self.trailing = None;
                    last_code_line = line;
                    i = self.statement(tokens, i)?;
                    continue;
                }
                _ => last_code_line = t.span.end.line,
            }
            i += 1;
        }
        match self.pending_table.take() {
            Some((_, line)) => Err((line, HintErrorKind::NotBeforeTable)),
            None => Ok(()),
        }
    }

    /// Reads a statement starting at `start`; returns the index after its table
    /// body if it is a CREATE TABLE, else `start + 1`.
    fn statement(&mut self, tokens: &[TokenWithSpan], start: usize) -> Result<usize, Failure> {
        let pending = self.pending_table.take();
        let code: Vec<usize> = (start..tokens.len())
            .filter(|&j| !matches!(tokens[j].token, Token::Whitespace(_)))
            .take(12)
            .collect();
        let word = |j: usize| match &tokens[j].token {
            Token::Word(w) if w.quote_style.is_none() => Some(w.keyword),
            _ => None,
        };
        let mut k = 0;
        if word(code[k]) != Some(Keyword::CREATE) {
            return match pending {
                Some((_, line)) => Err((line, HintErrorKind::NotBeforeTable)),
                None => Ok(start + 1),
            };
        }
        k += 1;
        while k < code.len()
            && matches!(
                word(code[k]),
                Some(Keyword::TEMP | Keyword::TEMPORARY | Keyword::UNLOGGED)
                    | Some(Keyword::GLOBAL | Keyword::LOCAL)
            )
        {
            k += 1;
        }
        if k < code.len() && word(code[k]) != Some(Keyword::TABLE) {
            // CREATE [UNIQUE] INDEX or CREATE TYPE ... AS ENUM.
            if let Some(next) = self.other_create(tokens, &code[k..], pending.clone())? {
                return Ok(next);
            }
        }
        if k >= code.len() || word(code[k]) != Some(Keyword::TABLE) {
            return match pending {
                Some((_, line)) => Err((line, HintErrorKind::NotBeforeTable)),
                None => Ok(start + 1),
            };
        }
        k += 1;
        if k + 2 < code.len()
            && word(code[k]) == Some(Keyword::IF)
            && word(code[k + 1]) == Some(Keyword::NOT)
        {
            k += 3;
        }
        // The name: word (. word)*
        let mut parts = Vec::new();
        let mut j = code.get(k).copied().unwrap_or(tokens.len());
        while j < tokens.len() {
            match &tokens[j].token {
                Token::Word(w) => parts.push(self.ident(w.value.clone(), w.quote_style)),
                Token::Period => {}
                Token::Whitespace(_) => {}
                _ => break,
            }
            j += 1;
        }
        let table = match parts.as_slice() {
            [schema, name] => QualifiedName::in_schema(schema.clone(), name.clone()),
            [.., name] => QualifiedName::new(name.clone()),
            [] => return Ok(start + 1),
        };
        let table = self.default_namespace(table);
        if let Some((old, _)) = pending {
            self.table_hint(old, &table, tokens[start].span.start.line)?;
        }
        if !matches!(tokens.get(j).map(|t| &t.token), Some(Token::LParen)) {
            return Ok(j);
        }
        self.body(tokens, j + 1, &table)
    }

    /// Reads a table body after its `(`; returns the index after the closing `)`.
    fn body(
        &mut self,
        tokens: &[TokenWithSpan],
        mut j: usize,
        table: &QualifiedName,
    ) -> Result<usize, Failure> {
        let mut depth = 1;
        let mut element = Element {
            column: None,
            item: None,
            ended_on: None,
        };
        let mut starting = true;
        // After `CONSTRAINT` / `KEY` and the like: the next word names it.
        let mut naming = false;
        let mut labels = labels::Labels::default();
        while j < tokens.len() {
            let t = &tokens[j];
            let line = t.span.start.line;
            if !matches!(t.token, Token::Whitespace(_)) {
                labels.token(&t.token, depth, line);
            }
            match &t.token {
                Token::Whitespace(Whitespace::SingleLineComment { comment, .. }) => {
                    if let Some(old) = directive(comment, line)? {
                        if let (Some(label), Some(column)) = (labels.hinted(line), &element.column)
                        {
                            let key = (table.clone(), column.clone(), old);
                            let label = label.to_owned();
                            if self
                                .hints
                                .column_labels
                                .insert(key, label.clone())
                                .is_some()
                            {
                                let name = format!("{table}.{column}.{label}");
                                return Err((line, HintErrorKind::Duplicate { name }));
                            }
                            j += 1;
                            continue;
                        }
                        if starting && element.column.is_none() && element.ended_on.is_none() {
                            // At the end of the `CREATE TABLE name (` line,
                            // before any column: the table's own rename.
                            self.table_hint(old, table, line)?;
                            j += 1;
                            continue;
                        }
                        let open = element.ended_on.is_none_or(|ended| ended == line);
                        if let Some(item) = element.item.clone().filter(|_| open) {
                            let key = (table.clone(), old);
                            if self.hints.indexes.insert(key, item.clone()).is_some() {
                                let name = format!("{table}.{item}");
                                return Err((line, HintErrorKind::Duplicate { name }));
                            }
                            j += 1;
                            continue;
                        }
                        let Some(column) = element.column.clone().filter(|_| open) else {
                            return Err((line, HintErrorKind::NotOnColumn));
                        };
                        let key = (table.clone(), old);
                        if self.hints.columns.insert(key, column).is_some() {
                            let name = format!("{table}.{}", element.column.unwrap_or_default());
                            return Err((line, HintErrorKind::Duplicate { name }));
                        }
                    }
                }
                Token::Whitespace(_) => {}
                Token::LParen => {
                    depth += 1;
                    naming = false;
                }
                Token::RParen => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(j + 1);
                    }
                }
                Token::Comma if depth == 1 => {
                    element.ended_on = Some(line);
                    starting = true;
                    labels.reset();
                }
                token => {
                    if starting && depth == 1 {
                        starting = false;
                        element = Element {
                            column: self.column_name(token),
                            item: None,
                            ended_on: None,
                        };
                        naming = element.column.is_none() && names_next(token);
                    } else if naming && depth == 1 {
                        match token {
                            Token::Word(w)
                                if w.quote_style.is_none()
                                    && matches!(w.keyword, Keyword::KEY | Keyword::INDEX) => {}
                            Token::Word(w) => {
                                naming = false;
                                element.item = Some(self.ident(w.value.clone(), w.quote_style));
                            }
                            _ => naming = false,
                        }
                    }
                }
            }
            j += 1;
        }
        Ok(j)
    }

    fn column_name(&self, token: &Token) -> Option<String> {
        let Token::Word(w) = token else { return None };
        let constraint = matches!(
            w.keyword,
            Keyword::CONSTRAINT
                | Keyword::PRIMARY
                | Keyword::UNIQUE
                | Keyword::FOREIGN
                | Keyword::CHECK
                | Keyword::KEY
                | Keyword::INDEX
                | Keyword::FULLTEXT
                | Keyword::SPATIAL
                | Keyword::EXCLUDE
                | Keyword::LIKE
        );
        (w.quote_style.is_some() || !constraint).then(|| self.ident(w.value.clone(), w.quote_style))
    }

    /// PostgreSQL folds unquoted names to lowercase; the others keep them.
    fn ident(&self, value: String, quote: Option<char>) -> String {
        if quote.is_none() && self.dialect == Dialect::Postgres {
            value.to_lowercase()
        } else {
            value
        }
    }
}

/// Whether an element starting with `token` names what it defines next
/// (`CONSTRAINT name`, `KEY name`, `UNIQUE [KEY] name`...).
fn names_next(token: &Token) -> bool {
    matches!(token, Token::Word(w) if w.quote_style.is_none() && matches!(
        w.keyword,
        Keyword::CONSTRAINT
            | Keyword::KEY
            | Keyword::INDEX
            | Keyword::UNIQUE
            | Keyword::FULLTEXT
            | Keyword::SPATIAL
    ))
}

/// The old name of a `@renamed from=old` comment, `None` for other comments.
fn directive(comment: &str, line: u64) -> Result<Option<String>, Failure> {
    let text = comment.trim();
    let Some(rest) = text.strip_prefix("@renamed") else {
        return Ok(None);
    };
    let malformed = || {
        let text = text.to_string();
        (line, HintErrorKind::Malformed { text })
    };
    if !rest.starts_with(char::is_whitespace) {
        return Err(malformed());
    }
    let value = rest.trim().strip_prefix("from=").ok_or_else(malformed)?;
    // A quoted old name may hold spaces: `from="old name"`.
    let (old, after) = match value.chars().next() {
        Some(q @ ('"' | '`')) => {
            let inner = &value[1..];
            let end = inner.find(q).ok_or_else(malformed)?;
            (&inner[..end], &inner[end + 1..])
        }
        _ => value.split_once(char::is_whitespace).unwrap_or((value, "")),
    };
    if old.is_empty() || !after.trim().is_empty() {
        return Err(malformed());
    }
    Ok(Some(old.to_string()))
}

mod labels;
mod others;
#[cfg(test)]
mod tests;

use others::Named;

impl Scan {
    /// Records that table `old` (in `table`'s namespace unless qualified)
    /// is now `table`.
    fn table_hint(&mut self, old: String, table: &QualifiedName, line: u64) -> Result<(), Failure> {
        let old = match QualifiedName::parse(&old) {
            QualifiedName { schema: None, name } => QualifiedName {
                schema: table.schema.clone(),
                name,
            },
            qualified => qualified,
        };
        let old = self.default_namespace(old);
        if self
            .hints
            .tables
            .insert(old.clone(), table.clone())
            .is_some()
        {
            let name = old.to_string();
            return Err((line, HintErrorKind::Duplicate { name }));
        }
        Ok(())
    }

    /// Readers name PostgreSQL's default namespace `None` (see
    /// [`QualifiedName::schema`]): `public.events` in a hint is the same
    /// table as `events`, so a table can be moved out of `public` by hint.
    fn default_namespace(&self, name: QualifiedName) -> QualifiedName {
        match (&name.schema, self.dialect) {
            (Some(schema), Dialect::Postgres) if schema == "public" => {
                QualifiedName::new(name.name)
            }
            _ => name,
        }
    }
}
