use migrate_runtime::{migrations, Migrations};

static MIGRATIONS: Migrations = migrations!("/etc/migrations");

fn main() {}
