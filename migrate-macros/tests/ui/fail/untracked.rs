use migrate_runtime::{migrations, Migrations};

static MIGRATIONS: Migrations = migrations!("untracked");

fn main() {}
