use migrate_runtime::{migrations, Migrations};

static MIGRATIONS: Migrations = migrations!("fixtures/merge");

fn main() {
    let m = MIGRATIONS.get("m").unwrap();
    assert_eq!(m.parents(), ["b1", "b2"]);
    assert_eq!(m.up_sql(), "");
    assert_eq!(MIGRATIONS.graph().heads().len(), 1);
}
