use migrate_runtime::{migrations, Migrations};

// `BEGIN ... END` bodies (triggers, PL/pgSQL, `BEGIN ATOMIC`, a routine's own
// `COMMIT`) are not transaction control: the directory compiles.
static MIGRATIONS: Migrations = migrations!("fixtures/bodies");

fn main() {
    assert_eq!(MIGRATIONS.len(), 2);
    assert!(MIGRATIONS.get("b").unwrap().up_transaction());
}
