use migrate_runtime::{migrations, Migrations};

// No argument: the default directory, `migrations`, which this crate lacks.
static MIGRATIONS: Migrations = migrations!();

fn main() {}
