//! The catalog readers on real databases: a corpus of (current, desired)
//! schema pairs per dialect run through draft, apply and read-back in four
//! phases, the objects listed but not diffed, and the time to read 1,000
//! tables.

mod corpus;
mod mysql;
mod postgres;
mod random;
mod sqlite;
