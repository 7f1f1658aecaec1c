//! Review of migrations before they ship: a danger lint and a syntax check,
//! with no database and no async.
//!
//! [`lint`] walks a [`MigrationSet`](migrate_graph::MigrationSet) in apply
//! order, reads each up section with the dialect's sqlparser grammar, and
//! reports the statements that lose data, break the running version of the
//! app, lock a busy table or fail outright: which rule, why, and the safe
//! pattern. It knows whether the table a statement touches existed before
//! the revision (the ancestors' effects, replayed: tables by full name, their
//! columns' types, their NOT NULL checks) or was created by it, and whether
//! the section runs in a transaction. The statements inside `DO` blocks and
//! routine, trigger and event bodies meet the same rules. `-- migrate:allow RULE reason`
//! above a statement accepts a finding; the reason is required.
//!
//! [`parse_section`] and [`check_syntax`] are the parse the lint uses, shared
//! with the `migrations!` macro's opt-in build-time check
//! (`migrations!("migrations", dialect = "postgres")`), so the macro and
//! `cargo migrate lint` read SQL the same way. A file whose SQL no grammar
//! reads says `-- migrate:unchecked` in its header.
//!
//! # Imports
//!
//! `lint` → `analyze`, `allow` → `history`, `rules`, `syntax`
#![deny(missing_docs)]

mod allow;
mod analyze;
mod history;
mod lint;
mod rules;
mod syntax;

#[cfg(test)]
mod tests;

pub use lint::{lint, Finding};
pub use rules::{Rule, Severity};
pub use syntax::{check_syntax, parse_section, parse_statements, Parsed, Statement, SyntaxError};
