use migrate_runtime::{migrations, Migrations};

static MIGRATIONS: Migrations = migrations!("fixtures/empty");

fn main() {
    assert!(MIGRATIONS.is_empty());
}
