//! Hints inside a MySQL/MariaDB column's inline `ENUM (...)` list: at the end
//! of a label's line, `-- @renamed from=old` renames that label of the
//! column, as at the end of a `CREATE TYPE ... AS ENUM` label's line.

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::Token;

/// Where the table body's reader is in a column's `ENUM (...)` list.
#[derive(Debug, Default)]
pub(super) struct Labels {
    /// The previous code token at the body's top level was `ENUM`.
    after_enum: bool,
    /// Inside the list.
    open: bool,
    /// The last label read, with the line of the comma that ended it.
    label: Option<(String, Option<u64>)>,
}

impl Labels {
    /// Follows one code token of a column definition at `depth` (1: the
    /// table body's own level).
    pub(super) fn token(&mut self, token: &Token, depth: usize, line: u64) {
        match token {
            Token::LParen if depth == 1 && self.after_enum => {
                self.open = true;
                self.label = None;
            }
            Token::RParen if depth == 2 => self.open = false,
            Token::SingleQuotedString(label) if self.open && depth == 2 => {
                self.label = Some((label.clone(), None));
            }
            Token::Comma if self.open && depth == 2 => {
                if let Some((_, ended)) = &mut self.label {
                    *ended = Some(line);
                }
            }
            _ => {}
        }
        self.after_enum = depth == 1
            && matches!(token, Token::Word(w) if w.quote_style.is_none() && w.keyword == Keyword::ENUM);
    }

    /// Leaves any list: a new element of the body starts.
    pub(super) fn reset(&mut self) {
        *self = Labels::default();
    }

    /// The label a hint on `line` renames: the list is open and its last
    /// label ends on that line (or has not ended).
    pub(super) fn hinted(&self, line: u64) -> Option<&str> {
        let (label, ended) = self.label.as_ref().filter(|_| self.open)?;
        ended.is_none_or(|e| e == line).then_some(label.as_str())
    }
}
