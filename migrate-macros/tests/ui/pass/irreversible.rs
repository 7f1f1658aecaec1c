use migrate_runtime::{migrations, Migrations};

static MIGRATIONS: Migrations = migrations!("fixtures/irreversible");

fn main() {
    let m = MIGRATIONS.get("a").unwrap();
    assert!(m.is_irreversible());
    assert_eq!(m.down_sql(), None);
}
