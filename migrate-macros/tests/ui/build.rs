// Not compiled: the UI tests point the macro's manifest directory here, and the
// macro reads this file to check that `fixtures/` is watched for new files.
fn main() {
    println!("cargo:rerun-if-changed=fixtures");
}
