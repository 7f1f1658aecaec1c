//! Catalog readers on real databases: a corpus of schema pairs per dialect
//! played in four phases, objects listed but not diffed, and read timings.

mod sqlite;
