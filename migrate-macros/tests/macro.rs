//! The `migrations!` macro: compile-time behaviour (trybuild), agreement with the
//! run-time reader, rebuilds when files are added, edited or deleted, and use
//! from an application with its own sqlx and a renamed runtime dependency.

use migrate_runtime::{migrations, Migrations};

#[test]
fn ui() {
    // trybuild compiles each case in a scratch crate under target/; point the
    // macro at this directory so case paths like "fixtures/linear" resolve.
    std::env::set_var(
        "MIGRATE_MACROS_MANIFEST_DIR",
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ui"),
    );
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}

static BRANCHES: Migrations = migrations!("tests/ui/fixtures/branches");

/// The macro and `Migrations::from_dir` (the CLI's path) must see the same set.
#[test]
fn embedded_set_equals_the_one_read_at_run_time() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ui/fixtures/branches");
    let read = Migrations::from_dir(dir).unwrap();
    assert_eq!(BRANCHES.len(), read.len());
    for (a, b) in BRANCHES.as_slice().iter().zip(read.as_slice()) {
        assert_eq!(
            (
                a.id(),
                a.file_name(),
                a.message(),
                a.parents(),
                a.depends_on(),
                a.branch_labels()
            ),
            (
                b.id(),
                b.file_name(),
                b.message(),
                b.parents(),
                b.depends_on(),
                b.branch_labels()
            )
        );
        assert_eq!(
            (a.up_sql(), a.down_sql(), a.checksum(), a.order()),
            (b.up_sql(), b.down_sql(), b.checksum(), b.order())
        );
        assert_eq!(
            (a.up_transaction(), a.down_transaction()),
            (b.up_transaction(), b.down_transaction())
        );
    }
    assert_eq!(BRANCHES.graph().order(), read.graph().order());
}

#[path = "macro/app.rs"]
mod app;
#[path = "macro/outside.rs"]
mod outside;
#[path = "macro/rebuild.rs"]
mod rebuild;
