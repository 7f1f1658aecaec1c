//! The checks on small crates written in memory: each rule fails on a
//! deliberate violation, naming its files and lines, and passes without it.

use super::deps::{check_dependencies, workspace_dependencies};
use super::stated::{stated_layers, Stated};
use super::{check_crate, check_crate_with};
use std::collections::BTreeMap;

fn crate_of(files: &[(&str, &str)]) -> BTreeMap<String, String> {
    files
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect()
}

fn problems(files: &[(&str, &str)]) -> Vec<String> {
    check_crate("demo", &crate_of(files))
}

const LAYERED_ROOT: &str = "//! A demo.\n//!\n//! # Imports\n//!\n//! `ops` → `run`, `step` → `state`\n\nmod ops;\nmod run;\nmod state;\nmod step;\n";

#[test]
fn references_down_the_stated_layers_pass() {
    let found = problems(&[
        ("src/lib.rs", LAYERED_ROOT),
        (
            "src/ops.rs",
            "use crate::run::Run;\nuse super::{step, state::State};\n",
        ),
        ("src/run.rs", "fn f() { crate::state::g(); }\n"),
        ("src/step.rs", "use super::state;\n"),
        ("src/state.rs", "pub fn g() {}\n"),
    ]);
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn two_modules_importing_each_other_fail_with_both_sites() {
    let found = problems(&[
        ("src/lib.rs", "mod a;\nmod b;\n"),
        ("src/a.rs", "//! A.\n\nuse crate::b::B;\npub struct A;\n"),
        (
            "src/b.rs",
            "pub struct B;\n\nfn f() {\n    let _ = super::a::A;\n}\n",
        ),
    ]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].contains("in crate the modules `a`, `b` import each other"));
    assert!(
        found[0].contains("`a` → `b` at demo/src/a.rs:3"),
        "{}",
        found[0]
    );
    assert!(
        found[0].contains("`b` → `a` at demo/src/b.rs:4"),
        "{}",
        found[0]
    );
}

#[test]
fn a_known_loop_passes_only_while_it_is_there() {
    let looped = crate_of(&[
        ("src/lib.rs", "mod a;\nmod b;\n"),
        ("src/a.rs", "use crate::b::B;\n"),
        ("src/b.rs", "use crate::a::A;\n"),
    ]);
    let known = [("demo", "", "b", "a")];
    assert_eq!(
        check_crate_with("demo", &looped, &known),
        Vec::<String>::new()
    );
    // Another crate's entry tolerates nothing here.
    assert_eq!(
        check_crate_with("demo", &looped, &[("other", "", "b", "a")]).len(),
        1
    );
    let fixed = crate_of(&[
        ("src/lib.rs", "mod a;\nmod b;\n"),
        ("src/a.rs", "use crate::b::B;\n"),
        ("src/b.rs", ""),
    ]);
    let found = check_crate_with("demo", &fixed, &known);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].contains("the known loop through `b` → `a`"));
}

#[test]
fn a_longer_loop_inside_a_folder_fails() {
    let found = problems(&[
        ("src/lib.rs", "mod engine;\n"),
        ("src/engine/mod.rs", "mod a;\nmod b;\nmod c;\n"),
        ("src/engine/a.rs", "use super::b;\n"),
        ("src/engine/b.rs", "use crate::engine::c::X;\n"),
        // From a grandchild, through the folder's own name for it.
        ("src/engine/c.rs", "mod deep;\n"),
        ("src/engine/c/deep.rs", "fn f() { super::super::a::g() }\n"),
    ]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].contains("in crate::engine the modules `a`, `b`, `c`"));
    assert!(found[0].contains("`c` → `a` at demo/src/engine/c/deep.rs:1"));
}

#[test]
fn a_name_the_folder_brings_in_counts_as_its_module() {
    let found = problems(&[
        (
            "src/lib.rs",
            "mod run;\nmod ops;\npub(crate) use run::Run;\n",
        ),
        ("src/run.rs", "use crate::ops;\npub struct Run;\n"),
        ("src/ops.rs", "use crate::Run;\n"),
    ]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].contains("`ops` → `run` at demo/src/ops.rs:1"));
}

#[test]
fn an_import_up_the_stated_layers_fails() {
    let found = problems(&[
        ("src/lib.rs", LAYERED_ROOT),
        ("src/ops.rs", ""),
        ("src/run.rs", ""),
        ("src/step.rs", ""),
        ("src/state.rs", "\n\nuse crate::step::Plan;\n"),
    ]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].contains("demo/src/lib.rs:5 states the imports' direction"));
    assert!(found[0].contains("`state` refers to `step` (listed before it) at demo/src/state.rs:3"));
}

#[test]
fn modules_of_one_layer_must_not_refer_to_each_other() {
    let found = problems(&[
        ("src/lib.rs", LAYERED_ROOT),
        ("src/ops.rs", ""),
        ("src/run.rs", "fn f() { crate::step::go() }\n"),
        ("src/step.rs", ""),
        ("src/state.rs", ""),
    ]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].contains("`run` refers to `step` (on its own layer) at demo/src/run.rs:1"));
}

#[test]
fn a_stale_name_or_a_wrapped_line_in_the_doc_fails() {
    let stale = problems(&[
        (
            "src/lib.rs",
            "//! # Imports\n//!\n//! `a` → `gone`\n\nmod a;\n",
        ),
        ("src/a.rs", ""),
    ]);
    assert_eq!(stale.len(), 1, "{stale:#?}");
    assert!(stale[0].contains("lists `gone`, which is not a module of this folder"));
    for wrong in [
        "//! # Imports\n//!\n//! `a` → `b` →\n//! `c`\n",
        "//! # Imports\n//!\n//! `a` and `b` → `c`\n",
        "//! # Imports\n//!\n//! Prose first.\n",
        "//! # Imports\n//!\n//! # Next\n",
    ] {
        assert!(matches!(stated_layers(wrong), Some(Err(_))), "{wrong}");
    }
    assert_eq!(
        stated_layers("//! A.\n//!\n//! # Imports\n//!\n//! `a`, `b` → `c`\n//!\n//! Why.\n"),
        Some(Ok(Stated {
            line: 5,
            layers: vec![vec!["a".into(), "b".into()], vec!["c".into()]]
        }))
    );
    assert_eq!(stated_layers("//! Nothing stated.\n"), None);
}

#[test]
fn tests_comments_and_strings_are_not_imports() {
    let found = problems(&[
        ("src/lib.rs", "mod a;\nmod b;\n#[cfg(test)]\nmod tests;\n"),
        ("src/a.rs", "use crate::b;\n"),
        (
            "src/b.rs",
            concat!(
                "//! Links [`A`](crate::a::A) in docs are no imports.\n",
                "/* crate::a::x */\n",
                "const S: &str = \"crate::a::A\";\n",
                "const R: &str = r#\"super::a::A\"#;\n",
                "fn f<'a>(x: &'a str) -> char { 'a' }\n",
                "#[cfg(test)]\n",
                "mod tests {\n    use crate::a::A;\n}\n",
                "#[cfg(test)]\n",
                "fn helper() -> Result<(), ()> { crate::a::f() }\n",
            ),
        ),
        ("src/tests.rs", "use crate::a;\nuse crate::b;\n"),
    ]);
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn a_dependency_the_table_does_not_allow_fails() {
    let toml = "[package]\nname = \"migrate-lint\"\n\n[dependencies]\nmigrate-graph.workspace = true\nrt = { package = \"migrate-runtime\", path = \"../x\" }\n\n[dev-dependencies]\nmigrate-schema.workspace = true\n";
    assert_eq!(
        workspace_dependencies(toml),
        [
            ("migrate-graph".to_owned(), 5),
            ("migrate-runtime".to_owned(), 6)
        ]
    );
    let found = check_dependencies("migrate-lint", toml);
    assert_eq!(
        found,
        ["migrate-lint/Cargo.toml:6: `migrate-lint` may not import `migrate-runtime` (README: who may import whom)"]
    );
    assert_eq!(
        check_dependencies("cargo-migrate", toml),
        Vec::<String>::new()
    );
}
