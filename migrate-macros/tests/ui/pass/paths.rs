// By its full path without a `use`, and as a local value rather than a static.
fn main() {
    let local: migrate_runtime::Migrations = migrate_runtime::migrations!("fixtures/linear");
    assert_eq!(local.len(), 3);
    let copy = local.clone();
    assert_eq!(copy.get("b2").unwrap().parents(), ["a1"]);
    assert_eq!(copy.get("a1").unwrap().down_sql(), Some("DROP TABLE users;"));
}
