//! `cargo-migrate`: run as `cargo migrate ...`. All logic lives in the library.

fn main() -> std::process::ExitCode {
    cargo_migrate::main()
}
