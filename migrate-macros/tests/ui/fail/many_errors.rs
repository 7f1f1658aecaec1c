use migrate_runtime::{migrations, Migrations};

static MIGRATIONS: Migrations = migrations!("fixtures/many_errors");

fn main() {}
