// `#[migrate_runtime::test]` on a function that is not async, without the
// migration set, and with an `at` that is not a string.
use migrate_runtime::Migrations;

static MIGRATIONS: Migrations = migrate_runtime::migrations!("fixtures/linear");

#[migrate_runtime::test(migrations = MIGRATIONS)]
fn not_async(db: TestDb) {}

#[migrate_runtime::test]
async fn no_migrations(db: TestDb) {}

#[migrate_runtime::test(migrations = MIGRATIONS, at = 3)]
async fn at_not_a_string(db: TestDb) {}

#[migrate_runtime::test(migrations = MIGRATIONS, at = "a", seed = 1)]
async fn unknown_option(db: TestDb) {}

fn main() {}
