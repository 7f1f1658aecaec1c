//! `cargo migrate rehearse` end to end on each backend: the report of a
//! rewrite, an index built without CONCURRENTLY, a NOT NULL added to a
//! populated column and a data migration whose down fails on real rows;
//! `--max-lock` (ups and downs); the source left as it was; nothing left
//! behind, SIGTERM and Ctrl-C included (SQLite's run too); MariaDB's
//! metadata_lock_info plugin; the application's own `migrate rehearse`;
//! the runtime hook it stands on (`Migrator::after_statement`).

mod app;
mod fixture;
mod hook;
mod keep;
mod plugin;
mod report;
mod signals;
