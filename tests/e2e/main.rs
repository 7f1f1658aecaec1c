//! End-to-end tests in one binary (one link step on a 2-core machine): the
//! runtime against real databases, and the `cargo migrate` CLI.

mod cli;
mod runtime;
