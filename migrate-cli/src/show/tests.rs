//! The two sources print alike but for what must differ: paths, dates,
//! "this build" or the directory, the command the advice names.

use super::*;
use crate::Reporter;
use migrate_graph::MigrationSet;
use migrate_runtime::{AppliedRow, Migrations, RowState, Status};
use std::path::Path;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../examples/todo-service/migrations"
);
const HEAD: &str = "c41d7e5a9f20";

fn sources() -> (Migrations, MigrationSet) {
    let files = migrate_graph::read_dir(Path::new(DIR)).unwrap();
    let set = migrate_graph::load(&files).unwrap();
    (Migrations::from_set(&set), set)
}

fn text(f: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    f(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn status() -> Status {
    Status {
        rows: vec![AppliedRow {
            revision: "1f3a9c0b7d42".to_owned(),
            checksum: String::new(),
            applied_at: "2026-11-30 08:00:00".to_owned(),
            duration_ms: 3,
            state: RowState::Applied,
        }],
        heads: vec!["1f3a9c0b7d42".to_owned()],
        pending: vec!["8b2e4d6f0a13".to_owned(), HEAD.to_owned()],
        drifted: vec![(
            "1f3a9c0b7d42".to_owned(),
            "2026_11_21_1200-1f3a9c0b7d42_create_todos.sql".to_owned(),
        )],
        unknown: vec!["ffff00001111".to_owned()],
        failed: Vec::new(),
    }
}

#[test]
fn heads_and_history_read_the_same_from_either_source() {
    let (ms, set) = sources();
    let (app, dir) = (
        Revisions::embedded(&ms),
        Revisions::in_dir(Path::new("db"), &set),
    );
    let heads = |r: &Revisions<'_>| text(|o| super::heads(o, r, false, false));
    assert_eq!(heads(&app), format!("{HEAD} (head), seed welcome todo\n"));
    assert_eq!(heads(&app), heads(&dir));
    let all = history_revisions(app.graph(), None, None).unwrap();
    assert_eq!(app.id(all[0]), HEAD, "newest first");
    let lines = |r: &Revisions<'_>| text(|o| history(o, r, &all, None, false, false));
    assert_eq!(lines(&app), lines(&dir));
    // Verbose blocks differ in the path and the date, which only files have.
    let block = |r: &Revisions<'_>| text(|o| history(o, r, &all[..1], None, true, false));
    let (app_block, dir_block) = (block(&app), block(&dir));
    assert!(app_block.contains("\nPath: 2026_11_21_1220-c41d7e5a9f20_seed_welcome_todo.sql\n"));
    assert!(!app_block.contains("Create Date"), "{app_block}");
    assert!(dir_block.contains("\nPath: db/2026_11_21_1220-c41d7e5a9f20_seed_welcome_todo.sql\n"));
    assert!(dir_block.contains("\nCreate Date: 2026-11-21 12:20:00+00:00\n"));
}

#[test]
fn json_keeps_the_field_order_and_marks_the_current_revisions() {
    let (ms, _) = sources();
    let app = Revisions::embedded(&ms);
    let all = history_revisions(app.graph(), None, None).unwrap();
    let current = [all[1]];
    let out = text(|o| history(o, &app, &all, Some(&current), false, true));
    let first = out.find("\"id\"").unwrap();
    assert!(first < out.find("\"file\"").unwrap(), "{out}");
    assert!(out.find("\"file\"").unwrap() < out.find("\"irreversible\"").unwrap());
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["revisions"][0]["create_date"], serde_json::Value::Null);
    assert_eq!(v["revisions"][0]["current"], false);
    assert_eq!(v["revisions"][1]["current"], true);
    assert_eq!(v["current"][0], "8b2e4d6f0a13");
    // Without the database, neither the flag nor the list appears.
    let out = text(|o| history(o, &app, &all, None, false, true));
    assert!(!out.contains("current"), "{out}");
}

#[test]
fn current_names_what_the_set_lacks_by_its_home() {
    let (ms, set) = sources();
    let status = status();
    let app = text(|o| current(o, &Revisions::embedded(&ms), &status, false, false));
    assert_eq!(
        app,
        "1f3a9c0b7d42, create todos\nffff00001111 (not in this build)\n"
    );
    let dir = Revisions::in_dir(Path::new("migrations"), &set);
    let verbose = text(|o| current(o, &dir, &status, true, false));
    assert!(
        verbose.contains("ffff00001111 (not in migrations)\n"),
        "{verbose}"
    );
    assert!(verbose.contains("    Applied: 2026-11-30 08:00:00 (3 ms)\n"));
    assert!(verbose.ends_with("2 revision(s) pending\n"), "{verbose}");
    let position = Position::of(dir.graph(), &status);
    assert!(!position.at_heads());
    assert_eq!(position.heads, [HEAD]);
}

#[test]
fn check_advice_names_the_command_line_that_prints_it() {
    let (ms, set) = sources();
    let status = status();
    let app = Revisions::embedded(&ms);
    let mut check = Check::of(&app);
    check.database(&app, &status);
    assert_eq!(check.pending(), Some(&status.pending[..]));
    assert_eq!(check.problems.len(), 3);
    assert!(check.text.contains("hint: run `migrate upgrade heads`\n"));
    assert!(check
        .text
        .contains("(2026_11_21_1200-1f3a9c0b7d42_create_todos.sql) was edited"));
    assert!(check.text.contains("that this build does not contain"));

    let dir = Revisions::in_dir(Path::new("migrations"), &set);
    let mut check = Check::of(&dir);
    check.database(&dir, &status);
    assert!(check
        .text
        .contains("hint: run `cargo migrate upgrade heads`\n"));
    assert!(check
        .text
        .contains("(migrations/2026_11_21_1200-1f3a9c0b7d42_create_todos.sql) was edited"));
    assert!(check.text.contains("that migrations does not contain"));
    let mut out = Vec::new();
    let count = check.finish(&mut out, true, &Reporter::default()).unwrap();
    assert_eq!(count, 3);
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["problems"][1]["kind"], "drift");
    assert_eq!(v["problems"][1]["revision"], "1f3a9c0b7d42");
    assert!(v["problems"][0].get("sql").is_none());
}

#[test]
fn a_clean_check_says_what_it_compared() {
    let (ms, _) = sources();
    let app = Revisions::embedded(&ms);
    let mut check = Check::of(&app);
    check.database(&app, &Status::default());
    let mut out = Vec::new();
    assert_eq!(
        check.finish(&mut out, false, &Reporter::default()).unwrap(),
        0
    );
    assert_eq!(
        String::from_utf8(out).unwrap(),
        format!("ok: 3 revision(s), head {HEAD}; the database is up to date\n")
    );
}

#[test]
fn history_ranges_start_at_a_lone_revision_and_may_count_from_current() {
    let (range, relative) = history_range("8b2e").unwrap();
    assert!(range.from.is_some() && range.to.is_none() && !relative);
    let (_, relative) = history_range("-1:").unwrap();
    assert!(relative);
    assert!(history_range("a:b:c").is_err());
}
