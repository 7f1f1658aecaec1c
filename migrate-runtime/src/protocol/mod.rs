//! The version-table protocol, in one home: the table's name rules, its
//! columns, the states a row can be in, and every statement the runtime (and
//! the offline scripts) write to it, each built together with its values so
//! that a placeholder and its value can never drift apart.
//!
//! Online runs bind the values ([`Values::Bind`]); offline scripts inline
//! them as literals ([`Values::Inline`]). Both call the same builders, so a
//! script a DBA runs writes byte-for-byte the rows an online run writes.
//!
//! # Imports
//!
//! `statements` → `table`

// Without a backend feature only the offline scripts use the protocol,
// which leaves the statements that only a session runs unused.
#![cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]

mod statements;
mod table;

pub(crate) use statements::VersionSql;
pub(crate) use table::TableName;

use crate::types::{Direction, RowState};

/// How a statement carries its values: bound parameters (online) or inline
/// literals (offline scripts a DBA reads and runs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Values {
    /// `$1` / `?` placeholders; [`Stmt::args`] holds the values.
    Bind,
    /// Literals in the text; [`Stmt::args`] is empty.
    Inline,
}

/// One value of a version-table statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Arg {
    /// Text.
    Text(String),
    /// An integer.
    Int(i64),
}

/// A statement and the values its placeholders stand for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Stmt {
    /// The SQL text, without a trailing `;`.
    pub(crate) sql: String,
    /// Values, in placeholder order (empty when inlined).
    pub(crate) args: Vec<Arg>,
    /// How many rows the statement must change for the record to be true,
    /// when that is known: a step's row is exactly one.
    pub(crate) expect_rows: Option<u64>,
}

/// The text a row's `state` column holds.
pub(crate) fn state_text(state: RowState) -> &'static str {
    match state {
        RowState::Applied => "applied",
        RowState::Started(Direction::Up) => "started_up",
        RowState::Started(Direction::Down) => "started_down",
        RowState::Failed(Direction::Up) => "failed_up",
        RowState::Failed(Direction::Down) => "failed_down",
    }
}

/// The state a `state` column's text stands for.
pub(crate) fn parse_state(text: &str) -> Option<RowState> {
    Some(match text {
        "applied" => RowState::Applied,
        "started_up" => RowState::Started(Direction::Up),
        "started_down" => RowState::Started(Direction::Down),
        "failed_up" => RowState::Failed(Direction::Up),
        "failed_down" => RowState::Failed(Direction::Down),
        _ => return None,
    })
}
