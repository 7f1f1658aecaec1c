use migrate_runtime::{migrations, Migrations};

// The replaced files are deleted: the squash is a base, and `c3`, which
// revises the deleted `b2`, follows it.
static MIGRATIONS: Migrations = migrations!("fixtures/squashed");

fn main() {
    let graph = MIGRATIONS.graph();
    let order: Vec<&str> = graph.order().iter().map(|&i| graph.id(i)).collect();
    assert_eq!(order, ["s2", "c3"]);
    assert_eq!(MIGRATIONS.get("s2").unwrap().replaces(), ["a1", "b2"]);
}
