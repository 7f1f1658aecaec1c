use migrate_runtime::{migrations, Migrations};

static MIGRATIONS: Migrations = migrations!("fixtures/syntax_sqlite", dialect = "sqlite");

fn main() {}
