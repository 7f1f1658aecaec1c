//! Coming from another tool (issue 21): `cargo migrate import` turns a
//! sqlx, diesel, refinery, dbmate, golang-migrate or Flyway project into
//! our files, `cargo migrate adopt` takes over a database that tool
//! migrated to a middle version, and `upgrade` then runs exactly the rest,
//! ending in the schema the tool's head gives. Also: downgrade where the
//! tool had downs, an edited applied file refused where the tool kept
//! checksums, failed rows refused, re-import byte for byte, the automatic
//! adoption of `Migrator::adopt_from`, and a diesel history of 300
//! revisions.

mod alembic;
mod leftovers;
mod project;

use crate::support::{cli_bin, run_to_end, strings, version_rows, Backend, Ran, Scratch};
use migrate_devtools::catalog::read_schema;
use migrate_runtime::{Db, Migrations, Tool};
use project::{id, migrate_as, steps, write, Step, Theirs};
use std::path::Path;

const OURS: &str = "migrate_versions";

/// `cargo migrate ARGS` in `project` against `url`.
fn cli(project: &Path, url: &str, args: &[&str]) -> Ran {
    run_to_end(
        std::process::Command::new(cli_bin())
            .arg("migrate")
            .args(args)
            .current_dir(project)
            .env("DATABASE_URL", url)
            .env_remove("MIGRATE_TABLE")
            .env_remove("MIGRATE_SOURCE"),
    )
}

fn ok(ran: &Ran, what: &str) {
    assert_eq!(ran.code, 0, "{what}: {}{}", ran.stdout, ran.stderr);
}

/// A project of `tool`'s format with `n` steps (in `<project>/theirs`)
/// and a database that tool migrated to step `k`: where every test here
/// starts.
struct Case {
    tool: Tool,
    backend: Backend,
    steps: Vec<Step>,
    /// Each step's up file, relative to `theirs`.
    ups: Vec<String>,
    db: Db,
    // Declared after `db`: the pool closes before the database is dropped.
    scratch: Scratch,
    project: tempfile::TempDir,
}

impl Case {
    /// `None` (after saying SKIP) when the backend's server is not set.
    async fn new(tool: Tool, backend: Backend, n: usize, k: usize) -> Option<Case> {
        Case::with(tool, backend, n, k, false, |_, _| {}).await
    }

    /// As [`Case::new`]; `failed_last` records step `k` as failed or dirty,
    /// and `edit` changes the tool's files before the tool migrates.
    async fn with(
        tool: Tool,
        backend: Backend,
        n: usize,
        k: usize,
        failed_last: bool,
        edit: impl FnOnce(&Path, &[String]),
    ) -> Option<Case> {
        let scratch = Scratch::new(backend).await?;
        let project = tempfile::tempdir().unwrap();
        let theirs = project.path().join("theirs");
        let steps = steps(n);
        let ups = write(tool, &theirs, &steps);
        edit(&theirs, &ups);
        let db = scratch.db().await;
        migrate_as(
            &Theirs {
                tool,
                dir: &theirs,
                ups: &ups,
                steps: &steps,
            },
            backend,
            &db,
            k,
            failed_last,
        )
        .await;
        Some(Case {
            tool,
            backend,
            steps,
            ups,
            db,
            scratch,
            project,
        })
    }

    /// The tool's directory.
    fn theirs(&self) -> std::path::PathBuf {
        self.project.path().join("theirs")
    }

    /// Our migrations directory, once imported.
    fn ours(&self) -> std::path::PathBuf {
        self.project.path().join("migrations")
    }

    /// `cargo migrate ARGS` in the project, against the database.
    fn cli(&self, args: &[&str]) -> Ran {
        cli(self.project.path(), &self.scratch.url, args)
    }

    /// `import --from TOOL theirs`, which must succeed.
    fn import(&self) -> Ran {
        let ran = self.cli(&["import", "--from", self.tool.name(), "theirs"]);
        ok(&ran, "import");
        ran
    }

    /// `adopt --from TOOL [EXTRA]`.
    fn adopt(&self, extra: &[&str]) -> Ran {
        let mut args = vec!["adopt", "--from", self.tool.name()];
        args.extend(extra);
        self.cli(&args)
    }

    /// The rows of the tool's own table, counted.
    async fn their_rows(&self) -> Vec<String> {
        strings(
            &self.db,
            &format!(
                "SELECT CAST(COUNT(*) AS CHAR(10)) FROM {}",
                self.tool.table()
            ),
        )
        .await
        .unwrap()
    }

    /// After adoption of `k` revisions: `upgrade` runs exactly the rest and
    /// ends in the tool's head schema; `downgrade base` then empties it
    /// (refused as irreversible when the tool had no downs).
    async fn upgrades_to_the_head_and_back(&self, k: usize, reversible: bool) {
        let (tool, b, n) = (self.tool, self.backend, self.steps.len());
        let ran = self.cli(&["upgrade", "-v"]);
        ok(&ran, "upgrade");
        let said = format!("{}{}", ran.stdout, ran.stderr);
        assert!(
            said.contains(&format!("applied {} revision(s)", n - k)),
            "{said}"
        );
        assert_eq!(version_rows(&self.db, OURS).await.len(), n);
        let ours = schema_without(&self.db, &[OURS, tool.table()]).await;
        assert_eq!(ours, head_schema(b, &self.steps).await, "{tool} on {b:?}");
        if reversible {
            ok(&self.cli(&["downgrade", "base"]), "downgrade");
            assert!(version_rows(&self.db, OURS).await.is_empty());
            let left = schema_without(&self.db, &[OURS, tool.table()]).await;
            assert!(left.tables.is_empty(), "{tool} on {b:?}: {:?}", left.tables);
        } else {
            let ran = self.cli(&["downgrade", "base"]);
            assert_eq!(ran.code, 1, "{}", ran.stdout);
            assert!(ran.stderr.contains("irreversible"), "{}", ran.stderr);
        }
    }
}

/// The file names and texts of a directory, sorted.
fn snapshot(dir: &Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// What the tool's head gives: every step's up SQL on a fresh database.
async fn head_schema(b: Backend, steps: &[Step]) -> migrate_schema::Schema {
    let scratch = Scratch::new(b).await.unwrap();
    let db = scratch.db().await;
    for s in steps {
        crate::support::exec(&db, &s.up).await.unwrap();
    }
    let schema = read_schema(&db, &[]).await.unwrap();
    db.close().await;
    schema
}

async fn schema_without(db: &Db, tables: &[&str]) -> migrate_schema::Schema {
    read_schema(db, tables).await.unwrap()
}

/// The whole path for one tool on one backend: a project of `n` steps, a
/// database the tool migrated to `k`.
async fn takes_over(tool: Tool, b: Backend, n: usize, k: usize, reversible: bool) {
    let Some(case) = Case::new(tool, b, n, k).await else {
        return;
    };
    let their_rows = case.their_rows().await;

    let ran = case.import();
    assert!(
        ran.stdout.contains(&format!("imported {n} revision(s)")),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains("next:"), "{}", ran.stdout);
    let first = snapshot(&case.ours());
    ok(&case.cli(&["check", "--offline"]), "check");

    // Importing again gives the same files, byte for byte.
    std::fs::remove_dir_all(case.ours()).unwrap();
    case.import();
    assert_eq!(snapshot(&case.ours()), first);

    // --sql reads their table and prints our rows, writing nothing.
    let ran = case.adopt(&["--sql"]);
    ok(&ran, "adopt --sql");
    assert!(
        ran.stdout.contains(&format!("'{}'", id(tool, k - 1))),
        "{}",
        ran.stdout
    );
    assert!(
        !ran.stdout.contains(&format!("'{}'", id(tool, k))),
        "{}",
        ran.stdout
    );
    assert!(version_rows(&case.db, OURS).await.is_empty());

    let ran = case.adopt(&[]);
    ok(&ran, "adopt");
    assert!(
        ran.stdout.contains(&format!("recorded {k} revision(s)")),
        "{}",
        ran.stdout
    );
    let rows = version_rows(&case.db, OURS).await;
    assert_eq!(rows.len(), k, "{rows:?}");
    assert!(rows.contains(&format!("{}:applied", id(tool, k - 1))));
    // Their table is left as it was.
    assert_eq!(case.their_rows().await, their_rows);

    case.upgrades_to_the_head_and_back(k, reversible).await;
    case.db.close().await;
}

async fn every_backend(tool: Tool, reversible: bool) {
    for b in Backend::all() {
        takes_over(tool, b, 9, 5, reversible).await;
    }
}

#[tokio::test]
async fn sqlx_project_and_database_are_taken_over() {
    every_backend(Tool::Sqlx, true).await;
}

#[tokio::test]
async fn diesel_project_and_database_are_taken_over() {
    every_backend(Tool::Diesel, true).await;
}

#[tokio::test]
async fn refinery_project_and_database_are_taken_over() {
    every_backend(Tool::Refinery, false).await;
}

#[tokio::test]
async fn dbmate_project_and_database_are_taken_over() {
    every_backend(Tool::Dbmate, true).await;
}

#[tokio::test]
async fn golang_migrate_project_and_database_are_taken_over() {
    every_backend(Tool::GolangMigrate, true).await;
}

#[tokio::test]
async fn flyway_project_and_database_are_taken_over() {
    every_backend(Tool::Flyway, true).await;
}

/// A file edited after the tool applied it is refused, naming it, and
/// nothing is recorded.
async fn edited_file_is_refused(tool: Tool) {
    for b in Backend::all() {
        let Some(case) = Case::new(tool, b, 6, 4).await else {
            continue;
        };
        let edited = case.theirs().join(&case.ups[2]);
        let text = std::fs::read_to_string(&edited).unwrap();
        std::fs::write(&edited, format!("{text}-- edited later\n")).unwrap();
        case.import();
        let ran = case.adopt(&[]);
        assert_eq!(ran.code, 1, "{tool} on {b:?}: {}", ran.stdout);
        let name = Path::new(&case.ups[2])
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            ran.stderr.contains(&name) && ran.stderr.contains("edited"),
            "{}",
            ran.stderr
        );
        assert!(version_rows(&case.db, OURS).await.is_empty());
        case.db.close().await;
    }
}

#[tokio::test]
async fn sqlx_file_edited_after_it_was_applied_is_refused() {
    edited_file_is_refused(Tool::Sqlx).await;
}

#[tokio::test]
async fn refinery_file_edited_after_it_was_applied_is_refused() {
    edited_file_is_refused(Tool::Refinery).await;
}

#[tokio::test]
async fn flyway_file_edited_after_it_was_applied_is_refused() {
    edited_file_is_refused(Tool::Flyway).await;
}

/// A failed sqlx row or a dirty golang-migrate version is refused with
/// what to do, and nothing is recorded.
#[tokio::test]
async fn failed_or_dirty_rows_are_refused() {
    for tool in [Tool::Sqlx, Tool::GolangMigrate, Tool::Flyway] {
        for b in Backend::all() {
            let Some(case) = Case::with(tool, b, 4, 3, true, |_, _| {}).await else {
                continue;
            };
            case.import();
            let ran = case.adopt(&[]);
            assert_eq!(ran.code, 1, "{tool} on {b:?}: {}", ran.stdout);
            assert!(
                ran.stderr.contains(&project::version(tool, 2)),
                "{}",
                ran.stderr
            );
            assert!(
                ran.stderr.contains("dirty") || ran.stderr.contains("failed"),
                "{}",
                ran.stderr
            );
            assert!(version_rows(&case.db, OURS).await.is_empty());
            case.db.close().await;
        }
    }
}

/// A database with no table of the tool is refused, saying so.
#[tokio::test]
async fn a_database_the_tool_never_migrated_is_refused() {
    let project = tempfile::tempdir().unwrap();
    let scratch = Scratch::new(Backend::Sqlite).await.unwrap();
    write(Tool::Sqlx, &project.path().join("theirs"), &steps(2));
    ok(
        &cli(
            project.path(),
            &scratch.url,
            &["import", "--from", "sqlx", "theirs"],
        ),
        "import",
    );
    let ran = cli(project.path(), &scratch.url, &["adopt", "--from", "sqlx"]);
    assert_eq!(ran.code, 1);
    assert!(ran.stderr.contains("_sqlx_migrations"), "{}", ran.stderr);
}

/// The service's one-line switch: a migrator with `adopt_from(Tool::Sqlx)`
/// adopts on first start (our table missing) and runs only the rest; a
/// second start adopts nothing again.
#[tokio::test]
async fn a_service_adopts_on_its_first_start() {
    for b in Backend::all() {
        let Some(case) = Case::new(Tool::Sqlx, b, 7, 4).await else {
            continue;
        };
        let db = &case.db;
        let imported = migrate_devtools::import::import(Tool::Sqlx, &case.theirs()).unwrap();
        let dir = case.ours();
        imported.write_to(&dir).unwrap();
        let set: &'static Migrations = Box::leak(Box::new(Migrations::from_dir(&dir).unwrap()));
        let report = set
            .migrator()
            .adopt_from(Tool::Sqlx)
            .upgrade(db, "heads")
            .await
            .unwrap();
        assert_eq!(report.steps.len(), 3, "{b:?}: {report:?}");
        assert_eq!(report.heads, [id(Tool::Sqlx, 6)]);
        let again = set
            .migrator()
            .adopt_from(Tool::Sqlx)
            .upgrade(db, "heads")
            .await
            .unwrap();
        assert!(again.steps.is_empty());
        assert_eq!(version_rows(db, OURS).await.len(), 7);
        db.close().await;
    }
}

/// The same switch through the application's own command:
/// `MigrateCommand::adopt_from` makes its first `migrate upgrade` adopt;
/// without it the same upgrade replays sqlx's revisions and fails.
#[tokio::test]
async fn the_application_command_adopts_on_its_first_upgrade() {
    #[derive(clap::Parser)]
    struct App {
        #[command(subcommand)]
        command: Sub,
    }
    #[derive(clap::Subcommand)]
    enum Sub {
        Migrate(migrate_cli::MigrateCommand),
    }
    let command = || {
        let App {
            command: Sub::Migrate(cmd),
        } = <App as clap::Parser>::try_parse_from(["app", "migrate", "upgrade"]).unwrap();
        cmd
    };
    for b in Backend::all() {
        for adopt in [false, true] {
            let Some(case) = Case::new(Tool::Sqlx, b, 7, 4).await else {
                break;
            };
            let db = &case.db;
            let imported = migrate_devtools::import::import(Tool::Sqlx, &case.theirs()).unwrap();
            let dir = case.ours();
            imported.write_to(&dir).unwrap();
            let set: &'static Migrations = Box::leak(Box::new(Migrations::from_dir(&dir).unwrap()));
            let cmd = if adopt {
                command().adopt_from(Tool::Sqlx)
            } else {
                command()
            };
            let code = format!("{:?}", cmd.run_with(set, db).await);
            if adopt {
                assert_eq!(
                    code,
                    format!("{:?}", std::process::ExitCode::SUCCESS),
                    "{b:?}"
                );
                let rows = version_rows(db, OURS).await;
                assert_eq!(rows.len(), 7, "{b:?}: {rows:?}");
            } else {
                assert_eq!(
                    code,
                    format!("{:?}", std::process::ExitCode::FAILURE),
                    "{b:?}"
                );
            }
            db.close().await;
        }
    }
}

/// A diesel history of realistic size: 300 revisions, the database at 200.
#[tokio::test]
async fn a_diesel_history_of_three_hundred_revisions() {
    takes_over(Tool::Diesel, Backend::Sqlite, 300, 200, true).await;
    if Backend::Postgres.server_url().is_some() {
        takes_over(Tool::Diesel, Backend::Postgres, 300, 200, true).await;
    }
}

/// Alembic, with the real tool: a project with a branch and a merge, a
/// database Alembic upgraded to both branch tips (two rows in
/// `alembic_version`), imported (graph from the version files, SQL from
/// Alembic's offline mode), adopted, upgraded through the merge to the
/// head; the schema equals Alembic's head, and downgrade to base works.
#[tokio::test]
async fn alembic_project_with_branches_and_merges_is_taken_over() {
    if !alembic::available() {
        return;
    }
    for b in Backend::all() {
        let (Some(ours), Some(reference)) = (Scratch::new(b).await, Scratch::new(b).await) else {
            continue;
        };
        let project = tempfile::tempdir().unwrap();
        let theirs = project.path().join("theirs");
        alembic::write(&theirs, b, &ours.url);
        alembic::alembic(&theirs, &["upgrade", "b1b1b1b1b1b1"]);
        alembic::alembic(&theirs, &["upgrade", "c1c1c1c1c1c1"]);
        let db = ours.db().await;
        let mut heads = strings(
            &db,
            "SELECT version_num FROM alembic_version ORDER BY version_num",
        )
        .await
        .unwrap();
        heads.sort();
        assert_eq!(heads, ["b1b1b1b1b1b1", "c1c1c1c1c1c1"]);

        let dialect = match b {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
            Backend::MySql => "mysql",
        };
        let ran = cli(
            project.path(),
            &ours.url,
            &[
                "import",
                "--from",
                "alembic",
                "theirs",
                "--dialect",
                dialect,
            ],
        );
        ok(&ran, "import");
        assert!(!ran.stdout.contains("TODO"), "{}", ran.stdout);
        let first = snapshot(&project.path().join("migrations"));
        assert_eq!(first.len(), 5);
        let merge = &first.iter().find(|(n, _)| n.starts_with("m1m1")).unwrap().1;
        assert!(
            merge.contains("-- Revises: b1b1b1b1b1b1, c1c1c1c1c1c1"),
            "{merge}"
        );
        assert!(!first.iter().any(|(_, t)| t.contains("alembic_version")));
        // `depends_on = 'posts'` (a branch label) names the revision that
        // declares the label.
        let index = &first.iter().find(|(n, _)| n.starts_with("d1d1")).unwrap().1;
        assert!(index.contains("-- Depends On: c1c1c1c1c1c1"), "{index}");
        ok(
            &cli(project.path(), &ours.url, &["check", "--offline"]),
            "check",
        );
        std::fs::remove_dir_all(project.path().join("migrations")).unwrap();
        ok(
            &cli(
                project.path(),
                &ours.url,
                &[
                    "import",
                    "--from",
                    "alembic",
                    "theirs",
                    "--dialect",
                    dialect,
                ],
            ),
            "re-import",
        );
        assert_eq!(snapshot(&project.path().join("migrations")), first);

        let ran = cli(project.path(), &ours.url, &["adopt", "--from", "alembic"]);
        ok(&ran, "adopt");
        assert!(
            ran.stdout.contains("recorded 3 revision(s)"),
            "{}",
            ran.stdout
        );
        let ran = cli(project.path(), &ours.url, &["upgrade", "-v"]);
        ok(&ran, "upgrade");
        let said = format!("{}{}", ran.stdout, ran.stderr);
        assert!(said.contains("applied 2 revision(s)"), "{said}");
        assert_eq!(version_rows(&db, OURS).await.len(), alembic::ids().len());

        // Alembic's own head on another database.
        let reference_dir = project.path().join("reference");
        alembic::write(&reference_dir, b, &reference.url);
        alembic::alembic(&reference_dir, &["upgrade", "head"]);
        let rdb = reference.db().await;
        let want = read_schema(&rdb, &["alembic_version"]).await.unwrap();
        rdb.close().await;
        assert_eq!(
            schema_without(&db, &[OURS, "alembic_version"]).await,
            want,
            "{b:?}"
        );

        ok(
            &cli(project.path(), &ours.url, &["downgrade", "base"]),
            "downgrade",
        );
        let left = schema_without(&db, &[OURS, "alembic_version"]).await;
        assert!(left.tables.is_empty(), "{b:?}: {:?}", left.tables);
        db.close().await;
    }
}
