use migrate_runtime::{migrations, Migrations};

static MIGRATIONS: Migrations = migrations!("fixtures/bad_parse");

fn main() {}
