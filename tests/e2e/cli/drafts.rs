//! Drafts right by construction (issue 19): the row autogenerate inserts
//! to verify a draft on a table holding data fits the desired CHECKs and
//! enums, so a correct draft is written; when no made-up row can fit, the
//! draft is still written and the table named in a warning, never refused.

use super::autogen::{autogenerate, schema_project};
use super::harness::Backend;
use super::session::per_backend;

const FIRST: &str = "\
CREATE TABLE items (
    id INTEGER NOT NULL PRIMARY KEY,
    status VARCHAR(10) NOT NULL,
    qty INTEGER NOT NULL,
    kind VARCHAR(10) NOT NULL
);
";

/// `items` with CHECKs a made-up `'a'` / `1` breaks, and on MariaDB an
/// ENUM column a made-up `'a'` cannot be converted to. (No `IN` list:
/// PostgreSQL prints one over `varchar` in a form that does not read back
/// the same, a renderer matter apart from rows.)
fn constrained(backend: Backend) -> String {
    let kind = match backend {
        Backend::MySql => "kind ENUM('x', 'y') NOT NULL",
        _ => "kind VARCHAR(10) NOT NULL,\n    CONSTRAINT items_kind CHECK (kind LIKE 'x%')",
    };
    format!(
        "CREATE TABLE items (
    id INTEGER NOT NULL PRIMARY KEY,
    status VARCHAR(10) NOT NULL,
    qty INTEGER NOT NULL,
    {kind},
    CONSTRAINT items_status CHECK (status = 'draft' OR status = 'done'),
    CONSTRAINT items_qty CHECK (qty > 4)
);
"
    )
}

per_backend!(rows_fit_the_desired_checks_and_enums:
    rows_fit_the_desired_checks_and_enums_sqlite => Backend::Sqlite,
    rows_fit_the_desired_checks_and_enums_postgres => Backend::Postgres,
    rows_fit_the_desired_checks_and_enums_mysql => Backend::MySql,
);

/// Adding CHECKs (and an ENUM) to a table is drafted and verified with a
/// row in it, no table left empty: before, the made-up row broke the new
/// constraints and the draft was refused.
fn rows_fit_the_desired_checks_and_enums(backend: Backend) {
    let (p, _db) = schema_project(backend, FIRST);
    autogenerate(&p, "items").expect("a first revision");
    p.ok(&["upgrade"]);
    p.write("schema.sql", &constrained(backend));
    let r = p.run(&["revision", "--autogenerate", "-m", "constraints"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.starts_with("created "), "{}", r.stdout);
    assert!(
        !r.stderr.contains("no row could be made up"),
        "every table should hold a row:\n{}",
        r.stderr
    );
    p.ok(&["upgrade"]);
    p.ok(&["check", "--schema"]);
}

per_backend!(a_row_no_value_fits_is_a_warning_not_a_refusal:
    a_row_no_value_fits_is_a_warning_not_a_refusal_sqlite => Backend::Sqlite,
    a_row_no_value_fits_is_a_warning_not_a_refusal_postgres => Backend::Postgres,
    a_row_no_value_fits_is_a_warning_not_a_refusal_mysql => Backend::MySql,
);

/// A CHECK no made-up value satisfies (a text of exactly 37 characters):
/// the draft is written, verified on the empty table, and the warning names
/// the table.
fn a_row_no_value_fits_is_a_warning_not_a_refusal(backend: Backend) {
    let (p, _db) = schema_project(backend, FIRST);
    autogenerate(&p, "items").expect("a first revision");
    p.ok(&["upgrade"]);
    let length = match backend {
        Backend::MySql => "CHAR_LENGTH",
        _ => "length",
    };
    p.write(
        "schema.sql",
        &FIRST.replace(
            "kind VARCHAR(10) NOT NULL",
            &format!(
                "kind VARCHAR(40) NOT NULL,\n    CONSTRAINT items_kind CHECK ({length}(kind) = 37)"
            ),
        ),
    );
    let r = p.run(&["revision", "--autogenerate", "-m", "odd check"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.starts_with("created "), "{}", r.stdout);
    assert!(
        r.stderr
            .contains("verified on an empty table only, no row could be made up for items"),
        "{}",
        r.stderr
    );
    p.ok(&["upgrade"]);
    p.ok(&["check", "--schema"]);
}
