// `#[migrate_devtools::test]` (as `migrate_macros::test`: these errors come before
// any expansion) not async, without the set, and with an `at` not a string.
use migrate_runtime::Migrations;

static MIGRATIONS: Migrations = migrate_runtime::migrations!("fixtures/linear");

#[migrate_macros::test(migrations = MIGRATIONS)]
fn not_async(db: TestDb) {}

#[migrate_macros::test]
async fn no_migrations(db: TestDb) {}

#[migrate_macros::test(migrations = MIGRATIONS, at = 3)]
async fn at_not_a_string(db: TestDb) {}

#[migrate_macros::test(migrations = MIGRATIONS, at = "a", seed = 1)]
async fn unknown_option(db: TestDb) {}

fn main() {}
