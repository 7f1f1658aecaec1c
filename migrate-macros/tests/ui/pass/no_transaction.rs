use migrate_runtime::{migrations, Migrations};

static MIGRATIONS: Migrations = migrations!("fixtures/no_transaction");

fn main() {
    let m = MIGRATIONS.get("a").unwrap();
    assert!(!m.up_transaction());
    assert!(!m.down_transaction());
}
