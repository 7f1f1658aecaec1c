//! Running the CLI binary in scratch projects, against scratch databases.
//!
//! Integration tests of another package cannot use `CARGO_BIN_EXE_*`, so the
//! binary is built once per test run with the `cargo` that runs the tests
//! (`$CARGO build -p cargo-migrate`, same profile) and found next to the test
//! executable's own target directory. `MIGRATE_CLI_BIN` overrides the path.

pub(crate) use crate::support::{Backend, Ran as Run, Scratch};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The `cargo-migrate` binary, built on first use.
pub(crate) fn bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(crate::support::cli_bin)
}

/// A scratch project directory with an optional database URL.
pub(crate) struct Project {
    dir: tempfile::TempDir,
    /// Passed as `DATABASE_URL` to every command.
    pub url: Option<String>,
}

impl Project {
    /// An empty directory.
    pub(crate) fn new() -> Project {
        Project {
            dir: tempfile::Builder::new()
                .prefix("cli-e2e-")
                .tempdir()
                .expect("temp dir"),
            url: None,
        }
    }

    /// An empty directory with a `Cargo.toml`, as `init` expects to find.
    pub(crate) fn crate_dir() -> Project {
        let p = Project::new();
        p.write(
            "Cargo.toml",
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        );
        p
    }

    /// The directory.
    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `cargo-migrate migrate ARGS` in this directory, with a clean
    /// environment: nothing from the developer's shell leaks in.
    pub(crate) fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(bin());
        cmd.arg("migrate").args(args).current_dir(self.path());
        for var in [
            "DATABASE_URL",
            "MIGRATE_SOURCE",
            "MIGRATE_CONFIG",
            "MIGRATE_TABLE",
            "RUST_BACKTRACE",
        ] {
            cmd.env_remove(var);
        }
        if let Some(url) = &self.url {
            cmd.env("DATABASE_URL", url);
        }
        cmd
    }

    /// Runs a command and returns what happened.
    pub(crate) fn run(&self, args: &[&str]) -> Run {
        crate::support::run_to_end(&mut self.command(args))
    }

    /// Runs a command that must succeed; returns stdout.
    #[track_caller]
    pub(crate) fn ok(&self, args: &[&str]) -> String {
        let r = self.run(args);
        assert_eq!(
            r.code,
            0,
            "`cargo migrate {}` failed:\nstdout:\n{}\nstderr:\n{}",
            args.join(" "),
            r.stdout,
            r.stderr
        );
        r.stdout
    }

    /// Runs a command that must fail with exit code 1 and no panic; returns stderr.
    #[track_caller]
    pub(crate) fn fail(&self, args: &[&str]) -> String {
        let r = self.run(args);
        assert_eq!(
            r.code,
            1,
            "`cargo migrate {}` should fail with 1:\nstdout:\n{}\nstderr:\n{}",
            args.join(" "),
            r.stdout,
            r.stderr
        );
        assert!(
            r.stderr.starts_with("error: "),
            "stderr should start with `error: `:\n{}",
            r.stderr
        );
        assert!(!r.stderr.contains("panicked"), "panic:\n{}", r.stderr);
        r.stderr
    }

    /// Writes a file relative to the project.
    pub(crate) fn write(&self, rel: &str, text: &str) {
        let path = self.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, text).unwrap();
    }

    /// Reads a file relative to the project.
    pub(crate) fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    /// `revision -m MSG [extra]`; returns the new file's path relative to the project.
    #[track_caller]
    pub(crate) fn revision(&self, message: &str, extra: &[&str]) -> String {
        let mut args = vec!["revision", "-m", message];
        args.extend_from_slice(extra);
        let out = self.ok(&args);
        out.trim()
            .strip_prefix("created ")
            .unwrap_or_else(|| panic!("unexpected output {out:?}"))
            .to_owned()
    }

    /// Replaces the empty sections of a new revision file with SQL.
    pub(crate) fn fill(&self, rel: &str, up: &str, down: &str) {
        let text = self.read(rel);
        let (header, _) = text.split_once("-- migrate:up").expect("up marker");
        self.write(
            rel,
            &format!("{header}-- migrate:up\n{up}\n\n-- migrate:down\n{down}\n"),
        );
    }

    /// The revision id in a file written by `revision`.
    pub(crate) fn id_of(&self, rel: &str) -> String {
        let text = self.read(rel);
        text.lines()
            .find_map(|l| l.strip_prefix("-- Revision ID: "))
            .expect("Revision ID line")
            .trim()
            .to_owned()
    }
}
