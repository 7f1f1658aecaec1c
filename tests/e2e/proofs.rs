//! A pass means pass: the false passes of the stairway, `check --schema`,
//! the drift check and squash, each a test per backend that fails naming
//! the object (the dump net of `migrate_devtools::proof` under the schema
//! model), and a generated history of a few hundred revisions with the
//! shapes real projects have, walked to the end.

mod fingerprint;
mod history;
mod net;
mod privileges;
mod squash;
mod squash_order;
mod stairway;

use crate::support::{files, Backend, Rev};
use migrate_devtools::scratch::ScratchServer;
use migrate_graph::SourceFile;
use migrate_runtime::{DatabaseUrl, Migrations};

/// The scratch server of `backend`: in memory, or the test server.
pub(crate) fn server(backend: Backend) -> ScratchServer {
    match backend.server_url() {
        None => ScratchServer::sqlite(),
        Some(url) => ScratchServer::new(backend.dialect(), &DatabaseUrl::parse(&url).unwrap())
            .expect("a scratch server"),
    }
}

/// The set of `revs` (several heads allowed, as `cargo migrate` allows).
pub(crate) fn set(revs: &[Rev]) -> &'static Migrations {
    let sources: Vec<SourceFile> = files(revs)
        .into_iter()
        .map(|(name, text)| SourceFile::new(name, text))
        .collect();
    let set = migrate_graph::load_unmerged(&sources).expect("valid test migrations");
    Box::leak(Box::new(Migrations::from_set(&set)))
}

/// Runs an async test body on the listed backends: a module per case with
/// a test per backend; a server whose variable is unset passes as SKIP.
macro_rules! on {
    ($case:ident: $($test:ident = $backend:ident),+) => {
        mod $case {
            use $crate::support::Backend;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let b = Backend::$backend;
                    if b == Backend::Sqlite || Backend::all().contains(&b) {
                        super::$case(b).await;
                    }
                }
            )+
        }
    };
}
pub(crate) use on;
