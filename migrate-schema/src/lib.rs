//! The schema layer behind `cargo migrate revision --autogenerate`: a model of
//! a database schema, a diff between two models, and SQL drafts rendered from
//! the diff for PostgreSQL, MySQL/MariaDB and SQLite. No database, no async.
//!
//! Catalog readers (in the runtime's backends) fill [`Schema`] from the
//! engine's catalogs after the engine ran the DDL, so both sides of a diff are
//! normalized by the same engine. [`draft`] then turns two schemas into a
//! migration draft; the down section is a second [`draft`] in the other
//! direction with [`Hints::reversed`].
//!
//! ```
//! use migrate_schema::*;
//!
//! let mut users = Table::new("users");
//! users.columns.push(Column::new("id", ColumnType::new(Dialect::Postgres, "integer")));
//! let current = Schema { tables: vec![users.clone()], ..Schema::default() };
//! let mut desired = current.clone();
//! desired.tables[0]
//!     .columns
//!     .push(Column::new("email", ColumnType::new(Dialect::Postgres, "text")));
//!
//! let up = draft(&current, &desired, &Hints::new(), Dialect::Postgres);
//! assert_eq!(up.sql(), ["ALTER TABLE \"users\" ADD COLUMN \"email\" text;"]);
//! ```
//!
//! # Filling the model from a catalog
//!
//! The diff compares text for equality, so each reader must hand it what its
//! engine prints, the same way on both scratch databases:
//!
//! - **Names** are the catalog's exact names; [`QualifiedName::schema`] is
//!   `None` for the default namespace (`public`, the connection's database,
//!   `main`). PostgreSQL namespaces other than `public` and the system ones go
//!   in [`Schema::schemas`].
//! - **Types**: [`ColumnType::new`] with `format_type(atttypid, atttypmod)` on
//!   PostgreSQL, `COLUMN_TYPE` on MySQL (with `unsigned`, without the charset),
//!   the declared type on SQLite. Enum columns on PostgreSQL carry the type's
//!   name as `format_type` prints it.
//! - **Defaults and expressions** are SQL ready to render: `pg_get_expr` for
//!   defaults, generated columns, check constraints (without `CHECK (...)`),
//!   index expressions and predicates; `COLUMN_DEFAULT` on MySQL quoted when it
//!   is a literal (MariaDB already quotes); `dflt_value` on SQLite. A column
//!   whose `nextval(...)` default draws from a sequence it owns (what `serial`
//!   makes) is read as `serial` / `bigserial` / `smallserial` with no default,
//!   and the sequence is not listed: a draft then writes `serial`, which
//!   creates the sequence again.
//! - **Constraints**: names as the catalog has them; `None` where the engine
//!   stores none (SQLite). Unique constraints go in [`Table::uniques`]; an index
//!   that backs a constraint (a primary key, a unique constraint, SQLite's
//!   `sqlite_autoindex_*`) is not listed again in [`Table::indexes`]. On MySQL
//!   the index InnoDB creates for a foreign key *is* listed: it outlives the
//!   key, so the diff must see it to drop it.
//! - **Comments**: `None` when there is none (MySQL prints an empty string).
//! - **Identity**: PostgreSQL `attidentity` `a`/`d` → [`Identity::Always`] /
//!   [`Identity::ByDefault`]; MySQL `auto_increment` in `EXTRA` and SQLite
//!   `AUTOINCREMENT` → [`Identity::AutoIncrement`].
//! - **SQLite** pragmas (`table_xinfo`, `index_list`, `index_xinfo`,
//!   `foreign_key_list`) give columns, keys, indexes and foreign keys, but not
//!   check constraints, generation expressions, collations, `AUTOINCREMENT` or
//!   partial-index predicates: those exist only in `sqlite_master.sql`, the text
//!   SQLite stores (and rewrites on renames), read with sqlparser's parser.
//! - **Everything else** the reader sees (views, materialized views, functions,
//!   procedures, triggers, free sequences, domains, extensions) goes in
//!   [`Schema::other_objects`], with its definition text when the catalog has
//!   one, so that drafts list what they do not generate.
//! - Finally [`Schema::canonicalize`], so output and snapshots are stable.
//!
//! # Drafts
//!
//! [`draft`] diffs, renders and warns. Renames come only from [`Hints`]: read
//! them from each `schema.sql` file with [`rename_hints`] and from
//! `--rename` values with [`Hints::add_flag`], then [`Hints::merge`] them.
//! Identifiers are always quoted in the SQL it writes. [`Draft::script`] is
//! the text of a migration section, review comments included;
//! `draft(&Schema::default(), &schema, ..)` writes a whole schema, which is
//! what `schema dump` needs (objects in [`Schema::other_objects`] are then
//! listed, not written). [`Draft::transaction`] says whether the section can
//! run in the runtime's transaction (`transaction:false` otherwise).
//!
//! # Other SQL
//!
//! Every other piece of SQL the workspace generates comes from here too, so
//! that one [`quote`] module spells every name and string: [`row_inserts`]
//! (a plausible row per table, to verify a draft on tables holding data);
//! [`select_literals`], [`insert_row`], [`reset_sequences`] and
//! [`delete_rows`] (a squash's rows); [`recreate_objects`] and
//! [`drop_objects`] (the objects the diff leaves out); [`create_database`]
//! and [`drop_database`] (scratch databases).
//!
//! # Checking a draft without a database
//!
//! [`apply`] plays changes on a model the way the engine plays their SQL. The
//! runtime's verification (up then down on scratch databases, compared with
//! [`diff`]) is the real test; `apply` lets tests and `--dry-run` outputs show
//! the state a draft leads to.
//!
//! # Imports
//!
//! `render`, `apply` → `diff`, `warn` → `change`, `hints`, `links` → `model`, `error`
#![deny(missing_docs)]

mod apply;
mod change;
mod diff;
mod error;
mod hints;
mod links;
mod model;
mod render;
mod warn;

#[cfg(test)]
mod tests;

pub use apply::{apply, ApplyError};
pub use change::{Change, EnumPosition, NotGenerated, Presence};
pub use diff::{diff, Diff};
pub use error::{HintError, HintErrorKind, NotRecreatable};
pub use hints::{rename_hints, Hints};
pub use links::link_dependencies;
pub use model::{
    normalize_type, Check, Column, ColumnType, Deferral, Dialect, EnumType, FkAction, ForeignKey,
    Generated, GeneratedKind, Identity, Index, IndexKey, IndexPart, NullsOrder, ObjectKind,
    OtherObject, PrimaryKey, QualifiedName, Schema, SortOrder, Table, TableOptions, TypeShape,
    Unique,
};
pub use render::database;
pub use render::quote;
pub use render::{
    create_database, delete_rows, draft, drop_database, drop_objects, escape_cr, insert_row,
    recreate_objects, reset_sequences, row_inserts, select_literals, select_typed_literals, Draft,
    Dropped, Recreated, Statement,
};
pub use render::{trial_rows, Candidate, TrialRow};
pub use warn::{Warning, WarningKind};
