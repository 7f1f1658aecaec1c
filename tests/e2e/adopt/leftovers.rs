//! What the first round of issue 21 left: golang-migrate files that carry
//! their own `BEGIN`/`COMMIT`, Flyway's undo rows, and (in the Alembic
//! test) a `depends_on` that names a branch label.

use super::{ok, snapshot, version_rows, Case, OURS};
use crate::support::{exec, Backend};
use migrate_runtime::Tool;

/// golang-migrate runs a file as written, so its authors wrap files in
/// `BEGIN;` ... `COMMIT;` themselves. The import drops that bracket (ours
/// runs each revision in a transaction and refuses transaction control in
/// a file); adopt and upgrade then work as for any golang-migrate project.
#[tokio::test]
async fn golang_migrate_files_with_their_own_transaction_are_taken_over() {
    for b in Backend::all() {
        let wrap = |dir: &std::path::Path, ups: &[String]| {
            for up in ups {
                for f in [up.clone(), up.replace(".up.sql", ".down.sql")] {
                    let body = std::fs::read_to_string(dir.join(&f)).unwrap();
                    std::fs::write(dir.join(&f), format!("BEGIN;\n{body}COMMIT;\n")).unwrap();
                }
            }
        };
        let Some(case) = Case::with(Tool::GolangMigrate, b, 6, 3, false, wrap).await else {
            continue;
        };
        case.import();
        for (name, text) in snapshot(&case.ours()) {
            let upper = text.to_ascii_uppercase();
            assert!(
                !upper.contains("BEGIN;") && !upper.contains("COMMIT;"),
                "{name}: {text}"
            );
        }
        ok(&case.cli(&["check", "--offline"]), "check");
        let ran = case.adopt(&[]);
        ok(&ran, "adopt");
        assert!(
            ran.stdout.contains("recorded 3 revision(s)"),
            "{}",
            ran.stdout
        );
        case.upgrades_to_the_head_and_back(3, true).await;
        case.db.close().await;
    }
}

/// Transaction control anywhere but around the whole file cannot be
/// carried: the import names the file, the line and what to do, and
/// writes nothing.
#[tokio::test]
async fn golang_migrate_transaction_control_inside_a_file_is_refused() {
    let inside = |dir: &std::path::Path, ups: &[String]| {
        let f = dir.join(&ups[1]);
        let body = std::fs::read_to_string(&f).unwrap();
        std::fs::write(&f, format!("{body}BEGIN;\nSELECT 1;\nCOMMIT;\n")).unwrap();
    };
    let case = Case::with(Tool::GolangMigrate, Backend::Sqlite, 3, 1, false, inside)
        .await
        .unwrap();
    let ran = case.cli(&["import", "--from", "golang-migrate", "theirs"]);
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    assert!(
        ran.stderr.contains(&case.ups[1])
            && ran.stderr.contains("line 2")
            && ran.stderr.contains("split the file"),
        "{}",
        ran.stderr
    );
    assert!(!case.ours().exists() || snapshot(&case.ours()).is_empty());
    case.db.close().await;
}

/// Flyway Teams' undo: the database went to 1.4, then `flyway undo` took
/// 1.4 back (its `U` script ran, an `UNDO_SQL` row was added). Adopt
/// records 1.1 to 1.3 only; upgrade runs 1.4 again and the rest.
#[tokio::test]
async fn flyway_undo_rows_take_their_version_back() {
    for b in Backend::all() {
        let Some(case) = Case::new(Tool::Flyway, b, 6, 4).await else {
            continue;
        };
        let step = &case.steps[3];
        exec(&case.db, &step.down).await.unwrap();
        let success = if b == Backend::Postgres { "TRUE" } else { "1" };
        exec(
            &case.db,
            &format!(
                "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) \
                 VALUES (5, '1.4', '{}', 'UNDO_SQL', 'U1_4__{}.sql', NULL, 'flyway', 2, {success})",
                step.name.replace('_', " "),
                step.name
            ),
        )
        .await
        .unwrap();
        case.import();
        let ran = case.adopt(&[]);
        ok(&ran, "adopt");
        assert!(
            ran.stdout.contains("recorded 3 revision(s)"),
            "{}",
            ran.stdout
        );
        let rows = version_rows(&case.db, OURS).await;
        assert!(
            !rows.contains(&format!("{}:applied", super::id(Tool::Flyway, 3))),
            "{rows:?}"
        );
        case.upgrades_to_the_head_and_back(3, true).await;
        case.db.close().await;
    }
}
