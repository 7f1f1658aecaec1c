//! `cargo migrate rehearse` end to end on each backend: the report of a
//! rewrite, an index built without CONCURRENTLY, a NOT NULL added to a
//! populated column and a data migration whose down fails on real rows;
//! `--max-lock`; the source left as it was; nothing left behind, SIGTERM
//! and Ctrl-C included.

mod app;
mod fixture;
mod plugin;
mod report;
mod signals;
