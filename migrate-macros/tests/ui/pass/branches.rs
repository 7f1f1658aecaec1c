use migrate_runtime::{migrations, Migrations};

static MIGRATIONS: Migrations = migrations!("fixtures/branches");

fn main() {
    assert_eq!(MIGRATIONS.get("b").unwrap().branch_labels(), ["billing"]);
    assert_eq!(MIGRATIONS.graph().heads().len(), 2);
}
