//! Stable Rust cannot tell a proc-macro about new files in a directory, so the
//! design relies on the build-script line `cargo:rerun-if-changed=migrations`.
//! This test builds a real crate and proves that an added, an edited and a
//! deleted migration each reach the binary on the next `cargo run`.

use super::app::{migration, runtime_path, App};

#[test]
fn added_edited_and_deleted_migrations_reach_the_binary() {
    let app = App::new(
        "rebuild-app",
        &format!(
            "migrate-runtime = {{ path = {}, default-features = false }}",
            runtime_path()
        ),
        "use migrate_runtime::{migrations, Migrations};\n\
         static M: Migrations = migrations!(\"migrations\");\n\
         fn main() {\n\
             let all: Vec<String> = M.as_slice().iter().map(|m| format!(\"{}:{}\", m.id(), m.message())).collect();\n\
             println!(\"{}\", all.join(\",\"));\n\
         }\n",
    );
    app.write("0001_a.sql", &migration("a1", "", "first"));
    assert_eq!(app.run(&[]).unwrap(), "a1:first");

    app.write("0002_b.sql", &migration("b2", "a1", "second"));
    assert_eq!(
        app.run(&[]).unwrap(),
        "a1:first,b2:second",
        "an added file must rebuild"
    );

    app.write("0002_b.sql", &migration("b2", "a1", "edited"));
    assert_eq!(
        app.run(&[]).unwrap(),
        "a1:first,b2:edited",
        "an edited file must rebuild"
    );

    app.remove("0002_b.sql");
    assert_eq!(
        app.run(&[]).unwrap(),
        "a1:first",
        "a deleted file must rebuild"
    );

    app.write("0003_c.sql", &migration("c3", "nowhere", "broken"));
    let err = app.run(&[]).unwrap_err();
    assert!(
        err.contains("migrations/0003_c.sql:2:"),
        "an added broken file must fail the build:\n{err}"
    );
}
