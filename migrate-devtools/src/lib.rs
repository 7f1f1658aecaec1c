//! The schema toolkit over `migrate-runtime`'s public API: what a developer
//! and CI run before a migration ships, never what a service links to
//! migrate itself.
//!
//! - [`proof`] is the dump net under every proof: the servers' own schema
//!   dumps, normalized and compared.
//! - [`catalog::read_schema`] reads a live database into `migrate-schema`'s
//!   model.
//! - [`scratch`] makes, and always drops, the throw-away databases the rest
//!   works on (in memory for SQLite, on a dev server otherwise).
//! - [`autogen::Pipeline`] replays the migrations and runs the desired
//!   schema on them, and verifies a draft (up and down, on empty tables and
//!   with a row in every table) before `cargo migrate revision
//!   --autogenerate` writes it; [`autogen::SquashDraft`] is `cargo migrate
//!   squash`'s.
//! - [`stairway::Stairway`] is the stairway test behind `cargo migrate
//!   test`: every revision upgraded, downgraded and upgraded again on a
//!   scratch database, the schema compared after each step.
//! - [`rehearse::Rehearsal`] runs the pending migrations on a copy of a
//!   database (`cargo migrate rehearse`), measuring each statement, its
//!   locks and rewrites, then rolls back and checks what came back.
//! - [`macro@test`] and [`testing::TestDb`] give each test its own freshly
//!   migrated database.
//!
//! # Imports
//!
//! `testing`, `stairway`, `rehearse` → `autogen` → `proof`, `catalog`, `scratch`, `import`
//!
//! Below them, `migrate-runtime` and `migrate-schema`. Nothing imports back
//! up that chain (`tests/e2e/layers.rs` fails when something does).
//!
//! Enable the backends the runtime enables (`sqlite`, the default,
//! `postgres`, `mysql`).
#![deny(missing_docs)]

#[cfg(not(any(feature = "sqlite", feature = "postgres", feature = "mysql")))]
compile_error!("migrate-devtools needs a backend: enable `sqlite`, `postgres` or `mysql`");

pub mod autogen;
pub mod catalog;
pub mod import;
pub mod proof;
pub mod rehearse;
pub mod scratch;
pub mod stairway;
pub mod testing;

/// The error text for a database whose backend this crate was built
/// without: the runtime's features can be wider than ours when another crate
/// in the build turns one on.
pub(crate) struct NotBuilt(pub(crate) migrate_runtime::Dialect);

impl std::fmt::Display for NotBuilt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let feature = match self.0 {
            migrate_runtime::Dialect::Sqlite => "sqlite",
            migrate_runtime::Dialect::Postgres => "postgres",
            migrate_runtime::Dialect::MySql => "mysql",
        };
        write!(
            f,
            "migrate-devtools was built without the {feature} backend; enable its `{feature}` feature"
        )
    }
}

/// Runs an `async fn` test on its own freshly migrated database:
/// `#[migrate_devtools::test(migrations = MIGRATIONS)]`, with `at = "rev"`
/// to stop at a revision. See the [`testing`] module.
pub use migrate_macros::test;

/// What `#[migrate_devtools::test]` expands to names; not a stable API.
#[doc(hidden)]
pub mod __private {
    /// The names the attribute's expansion uses.
    pub mod testing {
        pub use crate::testing::{run, run_should_panic, TestDb};
        pub use migrate_runtime::Migrations;
    }
}

#[cfg(test)]
mod tests {
    use super::NotBuilt;
    use migrate_runtime::Dialect;

    /// A backend the runtime has but this crate was built without names the
    /// feature to turn on, for each dialect.
    #[test]
    fn a_missing_backend_names_its_feature() {
        for (dialect, feature) in [
            (Dialect::Sqlite, "`sqlite` feature"),
            (Dialect::Postgres, "`postgres` feature"),
            (Dialect::MySql, "`mysql` feature"),
        ] {
            let text = NotBuilt(dialect).to_string();
            assert!(text.contains(feature), "{text}");
            assert!(
                text.starts_with("migrate-devtools was built without"),
                "{text}"
            );
        }
    }
}
