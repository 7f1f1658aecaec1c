use migrate_runtime::{migrations, Migrations};

static MIGRATIONS: Migrations = migrations!("fixtures/syntax_mysql", dialect = "mysql");

fn main() {}
