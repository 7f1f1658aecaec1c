use migrate_runtime::{migrations, Migrations};

static MIGRATIONS: Migrations = migrations!("fixtures/linear");

fn main() {
    let ids: Vec<&str> = MIGRATIONS.as_slice().iter().map(|m| m.id()).collect();
    assert_eq!(ids, ["a1", "b2", "c3"]);
    assert_eq!(MIGRATIONS.get("b2").unwrap().parents(), ["a1"]);
    assert_eq!(MIGRATIONS.get("c3").unwrap().order(), 2);
    assert_eq!(MIGRATIONS.get("a1").unwrap().up_sql(), "CREATE TABLE users (id INT);");
}
