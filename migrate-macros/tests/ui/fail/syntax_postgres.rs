use migrate_runtime::{migrations, Migrations};

static MIGRATIONS: Migrations = migrations!("fixtures/syntax_postgres", dialect = "postgres");

fn main() {}
