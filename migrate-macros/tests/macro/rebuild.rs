//! Stable Rust cannot tell a proc-macro about new files in a directory, so the
//! design relies on the build-script line `cargo:rerun-if-changed=migrations`.
//! This test builds a real crate and proves that an added, an edited and a
//! deleted migration each reach the binary on the next `cargo run`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn migration(id: &str, revises: &str, message: &str) -> String {
    format!(
        "-- Revision ID: {id}\n-- Revises: {revises}\n-- Message: {message}\n\n-- migrate:up\nCREATE TABLE t_{id} (id INT);\n\n-- migrate:down\nDROP TABLE t_{id};\n"
    )
}

struct App {
    dir: PathBuf,
    target: PathBuf,
}

impl App {
    fn new() -> App {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let dir = std::env::temp_dir().join(format!("migrate-rebuild-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::create_dir_all(dir.join("migrations")).unwrap();
        let runtime = workspace.join("migrate-runtime");
        std::fs::write(
            dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"rebuild-app\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[workspace]\n\n\
                 [dependencies]\nmigrate-runtime = {{ path = {:?}, default-features = false }}\n",
                runtime.display().to_string()
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
        std::fs::write(
            dir.join("src/main.rs"),
            "use migrate_runtime::{migrations, Migrations};\n\
             static M: Migrations = migrations!(\"migrations\");\n\
             fn main() {\n\
                 let all: Vec<String> = M.as_slice().iter().map(|m| format!(\"{}:{}\", m.id(), m.message())).collect();\n\
                 println!(\"{}\", all.join(\",\"));\n\
             }\n",
        )
        .unwrap();
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace.join("target"))
            .join("rebuild-test");
        App { dir, target }
    }

    fn write(&self, name: &str, text: &str) {
        // Cargo compares modification times; keep each change in a later tick.
        std::thread::sleep(Duration::from_millis(1100));
        std::fs::write(self.dir.join("migrations").join(name), text).unwrap();
    }

    fn remove(&self, name: &str) {
        std::thread::sleep(Duration::from_millis(1100));
        std::fs::remove_file(self.dir.join("migrations").join(name)).unwrap();
    }

    /// `cargo run`: Ok(stdout) or Err(stderr).
    fn run(&self) -> Result<String, String> {
        let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["run", "--quiet", "--manifest-path"])
            .arg(self.dir.join("Cargo.toml"))
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

#[test]
fn added_edited_and_deleted_migrations_reach_the_binary() {
    let app = App::new();
    app.write("0001_a.sql", &migration("a1", "", "first"));
    assert_eq!(app.run().unwrap(), "a1:first");

    app.write("0002_b.sql", &migration("b2", "a1", "second"));
    assert_eq!(
        app.run().unwrap(),
        "a1:first,b2:second",
        "an added file must rebuild"
    );

    app.write("0002_b.sql", &migration("b2", "a1", "edited"));
    assert_eq!(
        app.run().unwrap(),
        "a1:first,b2:edited",
        "an edited file must rebuild"
    );

    app.remove("0002_b.sql");
    assert_eq!(
        app.run().unwrap(),
        "a1:first",
        "a deleted file must rebuild"
    );

    app.write("0003_c.sql", &migration("c3", "nowhere", "broken"));
    let err = app.run().unwrap_err();
    assert!(
        err.contains("migrations/0003_c.sql:2:"),
        "an added broken file must fail the build:\n{err}"
    );
}
