// The crate's own tests embed fixture directories with `migrations!`, which
// requires the directory to be watched for added files.
fn main() {
    println!("cargo:rerun-if-changed=tests/ui/fixtures");
}
