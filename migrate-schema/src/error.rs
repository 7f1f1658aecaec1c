//! Errors of this crate: user-written input that cannot be read (rename
//! hints in `schema.sql` and on the command line), and objects a catalog
//! gave no SQL to recreate from; models from catalogs are otherwise taken
//! as they are.

/// A rename hint that could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HintError {
    /// `--rename` was not `old=new`, `table.old=new` or `schema.table.old=new`.
    #[error("rename `{text}` is not `old=new` (table) or `table.old=new` (column): {reason}")]
    BadFlag {
        /// The flag's value.
        text: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A problem in a `schema.sql` file, with its place.
    #[error("{file}:{line}: {kind}")]
    InFile {
        /// The file, as the caller named it.
        file: String,
        /// 1-based line of the hint (or of the tokenizer error).
        line: u64,
        /// What is wrong.
        #[source]
        kind: HintErrorKind,
    },
}

/// What is wrong with a `-- @renamed` hint in `schema.sql`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HintErrorKind {
    /// The SQL could not be tokenized (an unterminated string or comment).
    #[error("cannot read the SQL around this line: {message}")]
    Tokenize {
        /// The tokenizer's message.
        message: String,
    },
    /// The hint does not say `from=old_name`.
    #[error("write the hint as `-- @renamed from=old_name`, not `{text}`")]
    Malformed {
        /// The comment's text.
        text: String,
    },
    /// A hint on its own line that no `CREATE TABLE` follows.
    #[error(
        "`-- @renamed` on its own line must be right before a CREATE TABLE, CREATE INDEX \
         or CREATE TYPE ... AS ENUM; for a column, constraint or enum label, put it at the \
         end of its line"
    )]
    NotBeforeTable,
    /// A hint inside a table body that is not on a column's line.
    #[error(
        "`-- @renamed` inside CREATE TABLE must end the line of a column or of a named \
         constraint or index (`CONSTRAINT name ...`, `KEY name ...`)"
    )]
    NotOnColumn,
    /// Two hints name the same object.
    #[error("`{name}` is renamed twice")]
    Duplicate {
        /// The renamed object.
        name: String,
    },
}

/// Objects outside the diff whose SQL cannot be written from what the
/// catalog gave (no definition, or no `CREATE` this dialect has).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("objects that cannot be recreated from the catalog: {}", objects.join(", "))]
pub struct NotRecreatable {
    /// `kind name` of each object.
    pub objects: Vec<String>,
}
