//! What a migrator does on a database: take the lock, read the version
//! table once, plan with the graph, run each step with its version-table
//! write, release. Generic over the session's [`Backend`](crate::session::Backend);
//! the dialect files and the protocol hold all SQL.
//!
//! Files, in the one direction their imports flow:
//! `state` (rows in, state and policy errors out; pure) ← `run` (a run's
//! session, options and what it holds) ← `lock` (polling the lock) ← `tx`
//! (transactions, reads under the lock, the end of a run) ← `squash` (what
//! rows mean when a squash replaces revisions, and the collapse) ← `step`
//! (one revision: a plan and one executor per strategy) ← `ops` (one
//! function per operation).

mod lock;
pub(crate) mod ops;
mod run;
mod squash;
mod state;
mod step;
mod tx;
mod watch;

pub(crate) use run::Run;

/// Runs `$body` (an expression using `$run`, a `&mut Run` of whichever
/// backend `$db` is) and ends the run on every path: one arm per enabled
/// backend, each monomorphized, with nothing to convert on the way back.
macro_rules! with_run {
    ($migrator:expr, $db:expr, |$run:ident| $body:expr) => {{
        match $crate::db::Database::backend($db) {
            #[cfg(feature = "sqlite")]
            $crate::db::BackendRef::Sqlite(pool) => {
                #[allow(unused_mut)]
                let mut $run =
                    $crate::engine::Run::<$crate::backend::sqlite::Lite>::open($migrator, pool)
                        .await?;
                let result = $body.await;
                $run.finish(result).await
            }
            #[cfg(feature = "postgres")]
            $crate::db::BackendRef::Postgres(pool) => {
                #[allow(unused_mut)]
                let mut $run =
                    $crate::engine::Run::<$crate::backend::postgres::Pg>::open($migrator, pool)
                        .await?;
                let result = $body.await;
                $run.finish(result).await
            }
            #[cfg(feature = "mysql")]
            $crate::db::BackendRef::MySql(pool) => {
                #[allow(unused_mut)]
                let mut $run =
                    $crate::engine::Run::<$crate::backend::mysql::My>::open($migrator, pool)
                        .await?;
                let result = $body.await;
                $run.finish(result).await
            }
        }
    }};
}
pub(crate) use with_run;
