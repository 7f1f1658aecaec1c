//! The command lines compared, each over its own copy of the same generated
//! migrations: `cargo-migrate` (ours), sqlx-cli, refinery's CLI, and the raw
//! SQL run by psql or sqlite3 with one transaction per revision.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where each tool's binary is, from the environment (`scripts/bench-process`
/// sets them).
pub(crate) struct Paths {
    cargo_migrate: PathBuf,
    sqlx: Option<PathBuf>,
    refinery: Option<PathBuf>,
    psql: PathBuf,
    sqlite3: PathBuf,
}

impl Paths {
    /// `MIGRATE_BENCH_CARGO_MIGRATE`, `MIGRATE_BENCH_SQLX` and
    /// `MIGRATE_BENCH_REFINERY` (required; `none` leaves that tool out),
    /// `MIGRATE_BENCH_PSQL` and `MIGRATE_BENCH_SQLITE3` (default: found on
    /// `PATH`).
    pub(crate) fn from_env() -> Result<Paths, String> {
        let required = |name: &str| {
            std::env::var_os(name).map(PathBuf::from).ok_or_else(|| {
                format!("set {name} to the tool's binary (scripts/bench-process does)")
            })
        };
        let skippable =
            |name: &str| required(name).map(|path| (path.as_os_str() != "none").then_some(path));
        let optional = |name: &str, default: &str| {
            std::env::var_os(name).map_or_else(|| PathBuf::from(default), PathBuf::from)
        };
        Ok(Paths {
            cargo_migrate: required("MIGRATE_BENCH_CARGO_MIGRATE")?,
            sqlx: skippable("MIGRATE_BENCH_SQLX")?,
            refinery: skippable("MIGRATE_BENCH_REFINERY")?,
            psql: optional("MIGRATE_BENCH_PSQL", "psql"),
            sqlite3: optional("MIGRATE_BENCH_SQLITE3", "sqlite3"),
        })
    }

    /// The tools to compare: every one whose binary is given.
    pub(crate) fn tools(&self) -> Vec<Tool> {
        Tool::ALL
            .into_iter()
            .filter(|tool| match tool {
                Tool::SqlxCli => self.sqlx.is_some(),
                Tool::Refinery => self.refinery.is_some(),
                Tool::Ours | Tool::Raw => true,
            })
            .collect()
    }

    fn sqlx(&self) -> &Path {
        self.sqlx.as_deref().expect("sqlx-cli is compared")
    }

    fn refinery(&self) -> &Path {
        self.refinery.as_deref().expect("refinery is compared")
    }
}

/// One tool compared.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tool {
    Ours,
    SqlxCli,
    Refinery,
    Raw,
}

impl Tool {
    /// Every tool, ours first: the ratios are ours over each of the others.
    pub(crate) const ALL: [Tool; 4] = [Tool::Ours, Tool::SqlxCli, Tool::Refinery, Tool::Raw];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Tool::Ours => "cargo-migrate",
            Tool::SqlxCli => "sqlx-cli",
            Tool::Refinery => "refinery",
            Tool::Raw => "raw SQL",
        }
    }

    /// A short name for database names.
    pub(crate) fn slug(self) -> &'static str {
        match self {
            Tool::Ours => "ours",
            Tool::SqlxCli => "sqlx",
            Tool::Refinery => "refinery",
            Tool::Raw => "raw",
        }
    }
}

/// The database a command runs on.
pub(crate) enum Target<'a> {
    /// A PostgreSQL URL.
    Postgres(&'a str),
    /// A SQLite file, which exists (empty when fresh).
    Sqlite(&'a Path),
}

impl Target<'_> {
    /// The URL the migration tools take.
    fn url(&self) -> String {
        match self {
            Target::Postgres(url) => (*url).to_owned(),
            Target::Sqlite(file) => format!("sqlite://{}", file.display()),
        }
    }
}

/// The generated migrations, in each tool's layout under one directory.
pub(crate) struct Layout {
    root: PathBuf,
}

impl Layout {
    /// Writes `n` revisions, revision `i` running `up(i)` and reverted by
    /// dropping its table, in every tool's layout under `root`.
    pub(crate) fn write(root: &Path, n: usize, up: fn(usize) -> String) -> Layout {
        let layout = Layout {
            root: root.to_owned(),
        };
        // Ours: a project directory, found by its migrate.toml.
        let ours = layout.ours();
        crate::write_chain(&ours.join("migrations"), n, |i| {
            (up(i), format!("DROP TABLE t_{i};"))
        });
        std::fs::write(ours.join("migrate.toml"), "source = \"migrations\"\n").unwrap();
        let sqlx = layout.dir("sqlx");
        let refinery = layout.dir("refinery");
        let raw = layout.dir("raw");
        std::fs::create_dir_all(&sqlx).unwrap();
        std::fs::create_dir_all(&refinery).unwrap();
        std::fs::create_dir_all(&raw).unwrap();
        let (mut raw_up, mut raw_down) = (String::new(), String::new());
        for i in 1..=n {
            let down = format!("DROP TABLE t_{i};");
            std::fs::write(sqlx.join(format!("{i}_step.up.sql")), up(i)).unwrap();
            std::fs::write(sqlx.join(format!("{i}_step.down.sql")), &down).unwrap();
            std::fs::write(refinery.join(format!("V{i}__step.sql")), up(i)).unwrap();
            raw_up.push_str(&format!("BEGIN;\n{}\nCOMMIT;\n", up(i)));
        }
        for i in (1..=n).rev() {
            raw_down.push_str(&format!("BEGIN;\nDROP TABLE t_{i};\nCOMMIT;\n"));
        }
        std::fs::write(raw.join("up.sql"), raw_up).unwrap();
        std::fs::write(raw.join("down.sql"), raw_down).unwrap();
        layout
    }

    fn dir(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    fn ours(&self) -> PathBuf {
        self.dir("ours")
    }

    /// The command that upgrades `target` to the last revision.
    pub(crate) fn upgrade(&self, paths: &Paths, tool: Tool, target: &Target) -> Command {
        match tool {
            Tool::Ours => self.ours_command(paths, target, &["upgrade"]),
            Tool::SqlxCli => self.sqlx_command(paths, target, &["run"]),
            Tool::Refinery => {
                let mut command = Command::new(paths.refinery());
                command
                    .args(["migrate", "-e", "DATABASE_URL", "-p"])
                    .arg(self.dir("refinery"))
                    .env("DATABASE_URL", target.url());
                command
            }
            Tool::Raw => self.raw_command(paths, target, "up.sql"),
        }
    }

    /// The command that reverts every revision, or `None` for a tool that
    /// cannot (refinery has no down migrations).
    pub(crate) fn revert(&self, paths: &Paths, tool: Tool, target: &Target) -> Option<Command> {
        match tool {
            Tool::Ours => Some(self.ours_command(paths, target, &["downgrade", "base"])),
            Tool::SqlxCli => {
                Some(self.sqlx_command(paths, target, &["revert", "--target-version", "0"]))
            }
            Tool::Refinery => None,
            Tool::Raw => Some(self.raw_command(paths, target, "down.sql")),
        }
    }

    /// The launch on an up-to-date database: the tool's upgrade again; for
    /// the raw SQL, sqlite3 or psql opening the database and reading its
    /// catalog once (the floor of any tool that must look before it acts).
    pub(crate) fn noop(&self, paths: &Paths, tool: Tool, target: &Target) -> Command {
        match (tool, target) {
            (Tool::Raw, Target::Sqlite(file)) => {
                let mut command = Command::new(&paths.sqlite3);
                command.arg(file).arg("SELECT count(*) FROM sqlite_master");
                command
            }
            (Tool::Raw, Target::Postgres(url)) => {
                let mut command = Command::new(&paths.psql);
                command.args(["-X", "-q", "-c", "SELECT count(*) FROM pg_class", *url]);
                command
            }
            _ => self.upgrade(paths, tool, target),
        }
    }

    fn ours_command(&self, paths: &Paths, target: &Target, args: &[&str]) -> Command {
        let mut command = Command::new(&paths.cargo_migrate);
        let url = match target {
            Target::Postgres(url) => (*url).to_owned(),
            Target::Sqlite(file) => format!("sqlite:{}", file.display()),
        };
        command
            .arg("migrate")
            .args(args)
            .current_dir(self.ours())
            .env("DATABASE_URL", url);
        command
    }

    fn sqlx_command(&self, paths: &Paths, target: &Target, args: &[&str]) -> Command {
        let mut command = Command::new(paths.sqlx());
        command
            .arg("migrate")
            .args(args)
            .arg("--source")
            .arg(self.dir("sqlx"))
            .env("DATABASE_URL", target.url());
        command
    }

    fn raw_command(&self, paths: &Paths, target: &Target, script: &str) -> Command {
        let script = self.dir("raw").join(script);
        match target {
            Target::Postgres(url) => {
                let mut command = Command::new(&paths.psql);
                command
                    .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f"])
                    .arg(script)
                    .arg(url);
                command
            }
            Target::Sqlite(file) => {
                let mut command = Command::new(&paths.sqlite3);
                command
                    .arg("-bail")
                    .arg(file)
                    .arg(format!(".read {}", script.display()));
                command
            }
        }
    }
}

/// How many `t_*` tables the database holds, read with psql or sqlite3.
pub(crate) fn count_tables(paths: &Paths, target: &Target) -> usize {
    let mut command = match target {
        Target::Postgres(url) => {
            let mut command = Command::new(&paths.psql);
            command.args([
                "-X",
                "-tA",
                "-c",
                r"SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 't\_%'",
                *url,
            ]);
            command
        }
        Target::Sqlite(file) => {
            let mut command = Command::new(&paths.sqlite3);
            command.arg(file).arg(
                r"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 't\_%' ESCAPE '\'",
            );
            command
        }
    };
    let output = command.output().expect("psql or sqlite3 runs");
    assert!(
        output.status.success(),
        "counting tables: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .expect("a count")
}
