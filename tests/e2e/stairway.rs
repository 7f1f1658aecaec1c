//! The stairway test (`migrate_devtools::stairway`, `cargo migrate test`)
//! and the test helper (`#[migrate_devtools::test]`, `testing::TestDb`), on
//! every backend.

mod cases;
mod cli;
mod helper;
mod library;

/// Runs an async test body on each backend: `each_backend!(case, ...)` makes
/// a module per case with tests `sqlite`, `postgres` and `mysql`; a server
/// whose variable is unset prints `SKIP` and passes.
macro_rules! each_backend {
    ($($case:ident),+ $(,)?) => {
        $(
            mod $case {
                use $crate::support::Backend;

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$case(Backend::Sqlite).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if Backend::all().contains(&Backend::Postgres) {
                        super::$case(Backend::Postgres).await;
                    }
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn mysql() {
                    if Backend::all().contains(&Backend::MySql) {
                        super::$case(Backend::MySql).await;
                    }
                }
            }
        )+
    };
}
pub(crate) use each_backend;
