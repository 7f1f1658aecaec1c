// Cargo rescans the directory on every build, so an added or deleted migration
// rebuilds the binary that embeds it.
fn main() {
    println!("cargo:rerun-if-changed=todo-service/migrations");
}
