//! A scratch crate outside the workspace, built and run with cargo the way an
//! application is: for what only a real build shows (rebuilds, dependency
//! names, the application's own sqlx).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// A migration creating `t_<id>`.
pub(crate) fn migration(id: &str, revises: &str, message: &str) -> String {
    format!(
        "-- Revision ID: {id}\n-- Revises: {revises}\n-- Message: {message}\n\n-- migrate:up\nCREATE TABLE t_{id} (id INT);\n\n-- migrate:down\nDROP TABLE t_{id};\n"
    )
}

/// A crate in a temporary directory, with a build script watching
/// `migrations/`, removed on drop.
pub(crate) struct App {
    pub(crate) dir: PathBuf,
    target: PathBuf,
}

impl App {
    /// The crate `name`, with `dependencies` (the lines of its
    /// `[dependencies]` table) and `main` as `src/main.rs`.
    pub(crate) fn new(name: &str, dependencies: &str, main: &str) -> App {
        let workspace = workspace();
        let dir = std::env::temp_dir().join(format!("migrate-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::create_dir_all(dir.join("migrations")).unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[workspace]\n\n\
                 [dependencies]\n{dependencies}\n"
            ),
        )
        .unwrap();
        // Same versions as the workspace, so the dependency build is reused.
        std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
        std::fs::write(
            dir.join("build.rs"),
            "fn main() { println!(\"cargo:rerun-if-changed=migrations\"); }\n",
        )
        .unwrap();
        std::fs::write(dir.join("src/main.rs"), main).unwrap();
        // One target directory for every scratch crate: they share most
        // dependencies, which are then built once.
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace.join("target"))
            .join("rebuild-test");
        App { dir, target }
    }

    /// Writes `migrations/<name>`.
    pub(crate) fn write(&self, name: &str, text: &str) {
        // Cargo compares modification times; keep each change in a later tick.
        std::thread::sleep(Duration::from_millis(1100));
        std::fs::write(self.dir.join("migrations").join(name), text).unwrap();
    }

    /// Deletes `migrations/<name>`.
    pub(crate) fn remove(&self, name: &str) {
        std::thread::sleep(Duration::from_millis(1100));
        std::fs::remove_file(self.dir.join("migrations").join(name)).unwrap();
    }

    /// `cargo run -- args`: Ok(stdout) or Err(stderr).
    pub(crate) fn run(&self, args: &[&str]) -> Result<String, String> {
        let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["run", "--quiet", "--manifest-path"])
            .arg(self.dir.join("Cargo.toml"))
            .arg("--")
            .args(args)
            .env("CARGO_TARGET_DIR", &self.target)
            // The UI test points the macro elsewhere for its own cases.
            .env_remove("MIGRATE_MACROS_MANIFEST_DIR")
            .output()
            .expect("cargo runs");
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The workspace root.
pub(crate) fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

/// `path = "<workspace>/migrate-runtime"`, as a TOML string.
pub(crate) fn runtime_path() -> String {
    format!(
        "{:?}",
        workspace().join("migrate-runtime").display().to_string()
    )
}
