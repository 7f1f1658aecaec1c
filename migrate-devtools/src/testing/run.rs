//! What `#[migrate_devtools::test]` expands to calls: a runtime, a test
//! database, the test's future with its panic caught, and the database
//! dropped or kept by the outcome.

use super::{Cleanup, TestDb};
use migrate_runtime::Migrations;
use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

/// What a test returns: `()` or a `Result`. A test passes when it returns
/// `()` or `Ok`, and fails when it returns `Err` or panics.
pub trait TestOutcome {
    /// Whether the test passed.
    fn passed(&self) -> bool;
}

impl TestOutcome for () {
    fn passed(&self) -> bool {
        true
    }
}

impl<T, E> TestOutcome for Result<T, E> {
    fn passed(&self) -> bool {
        self.is_ok()
    }
}

/// Runs one test on a fresh database: on a single-threaded runtime of its
/// own, migrated to `at` (or the heads). The database is dropped when the
/// test passes; when it fails (`Err` or a panic) it is kept and named on
/// stderr, which the test harness shows with the failure.
pub fn run<F, Fut, R>(migrations: &'static Migrations, at: Option<&str>, test: F) -> R
where
    F: FnOnce(TestDb) -> Fut,
    Fut: Future<Output = R>,
    R: TestOutcome,
{
    run_expecting(migrations, at, false, test)
}

/// [`run`] for a `#[should_panic]` test: a panic is its passing outcome,
/// so its database is dropped then (and kept when it returns normally,
/// which fails it).
pub fn run_should_panic<F, Fut, R>(migrations: &'static Migrations, at: Option<&str>, test: F) -> R
where
    F: FnOnce(TestDb) -> Fut,
    Fut: Future<Output = R>,
    R: TestOutcome,
{
    run_expecting(migrations, at, true, test)
}

fn run_expecting<F, Fut, R>(
    migrations: &'static Migrations,
    at: Option<&str>,
    should_panic: bool,
    test: F,
) -> R
where
    F: FnOnce(TestDb) -> Fut,
    Fut: Future<Output = R>,
    R: TestOutcome,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime for the test");
    runtime.block_on(async {
        let mut options = TestDb::options(migrations);
        if let Some(at) = at {
            options = options.at(at);
        }
        let mut db = match options.create().await {
            Ok(db) => db,
            Err(e) => panic!("cannot set up the test database: {}", chain(&e)),
        };
        let cleanup = db.cleanup.take();
        let outcome = CatchUnwind(Box::pin(test(db))).await;
        let passed = match &outcome {
            Ok(r) => r.passed() && !should_panic,
            Err(_) => should_panic,
        };
        if let Some(c) = cleanup {
            if passed {
                c.drop_database().await;
            } else {
                c.keep("the test failed").await;
            }
        }
        match outcome {
            Ok(r) => r,
            Err(panic) => resume_unwind(panic),
        }
    })
}

impl Cleanup {
    /// Drops the database; a failure is a warning, not a failed test.
    pub(super) async fn drop_database(self) {
        let name = self.shown.clone();
        if let Err(e) = self.server.drop(self.scratch).await {
            eprintln!("migrate_devtools::test: could not drop the test database {name}: {e}");
        }
    }

    /// Leaves the database on its server, marked kept so that no cleaner
    /// drops it, and says so in one line.
    pub(super) async fn keep(self, why: &str) {
        if self.scratch.name.is_none() {
            return;
        }
        let private = self.server.is_private();
        let kept = self.server.keep(self.scratch, why).await;
        say_kept(why, kept.as_deref(), private);
    }

    /// [`Cleanup::keep`] from a `Drop`.
    pub(super) fn keep_blocking(self, why: &str) {
        if self.scratch.name.is_none() {
            return;
        }
        let private = self.server.is_private();
        let kept = self.server.keep_blocking(self.scratch, why);
        say_kept(why, kept.as_deref(), private);
    }
}

fn say_kept(why: &str, kept: Option<&str>, private: bool) {
    match kept {
        Some(url) => eprintln!(
            "migrate_devtools::test: {why}; its database is kept: {url}"
        ),
        None if private => eprintln!(
            "migrate_devtools::test: {why}; its database was on this test binary's private server, which is removed when it exits (set {} to keep failed tests' databases)",
            super::TEST_URL_ENV
        ),
        None => {}
    }
}

/// An error and its sources on one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// A future whose panic is caught and returned instead of unwinding.
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn Any + Send>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.get_mut().0.as_mut();
        match catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}
