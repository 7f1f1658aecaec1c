//! `cargo migrate` end to end.
