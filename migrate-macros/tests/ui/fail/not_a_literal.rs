use migrate_runtime::{migrations, Migrations};

static MIGRATIONS: Migrations = migrations!(concat!("fix", "tures"));

fn main() {}
