//! End-to-end tests in one binary (one link step on a 2-core machine): the
//! runtime against real databases, the `cargo migrate` CLI, and the fuzz
//! targets' corpus.

mod adopt;
mod app;
mod chained;
mod cli;
mod faults;
mod fleet;
mod fuzz_corpus;
mod layers;
mod lint;
mod ops;
mod proofs;
mod rehearse;
mod runtime;
mod sandbox;
mod schema;
mod stairway;
mod support;
