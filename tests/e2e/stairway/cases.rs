//! The migration graphs the stairway tests run, shared by the library and
//! CLI tests.

use crate::support::{rev, Rev};

/// A table `t` every graph starts from.
pub(crate) fn base() -> Rev {
    rev("a1", &[])
        .up("CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(50));")
        .down("DROP TABLE t;")
}

/// b2's down forgets the index its up creates.
pub(crate) fn forgets_index() -> Vec<Rev> {
    vec![
        base(),
        rev("b2", &["a1"])
            .up("CREATE INDEX t_name_idx ON t (name);")
            .down("SELECT 1;"),
        rev("c3", &["b2"])
            .up("CREATE TABLE v (id INTEGER);")
            .down("DROP TABLE v;"),
    ]
}

/// b2's down also drops the table of a1.
pub(crate) fn drops_too_much() -> Vec<Rev> {
    vec![
        base(),
        rev("b2", &["a1"])
            .up("CREATE TABLE u (id INTEGER);")
            .down("DROP TABLE u;\nDROP TABLE t;"),
    ]
}

/// Rows, a column filled from them, and its way back: passes.
pub(crate) fn data_migration() -> Vec<Rev> {
    vec![
        base(),
        rev("b2", &["a1"])
            .up("INSERT INTO t (id, name) VALUES (1, 'ada'), (2, 'grace');")
            .down("DELETE FROM t;"),
        rev("c3", &["b2"])
            .up("ALTER TABLE t ADD COLUMN shout VARCHAR(50);\nUPDATE t SET shout = UPPER(name);")
            .down("ALTER TABLE t DROP COLUMN shout;"),
    ]
}

/// A linear graph whose every down is right, with an irreversible step.
pub(crate) fn with_irreversible() -> Vec<Rev> {
    vec![
        base(),
        rev("b2", &["a1"])
            .up("CREATE TABLE u (id INTEGER);")
            .irreversible(),
        rev("c3", &["b2"])
            .up("CREATE TABLE w (id INTEGER);")
            .down("DROP TABLE w;"),
    ]
}

/// Two heads on a1 that do not touch each other: any order, same end.
pub(crate) fn two_heads() -> Vec<Rev> {
    vec![
        base(),
        rev("b", &["a1"])
            .up("CREATE TABLE tb (id INTEGER);")
            .down("DROP TABLE tb;"),
        rev("c", &["a1"])
            .up("CREATE TABLE tc (id INTEGER);")
            .down("DROP TABLE tc;"),
    ]
}

/// Two heads whose end depends on the order: `c` copies `t`, `b` adds a
/// column to it. Each passes its own stairway.
pub(crate) fn order_dependent() -> Vec<Rev> {
    vec![
        base(),
        rev("b", &["a1"])
            .up("ALTER TABLE t ADD COLUMN x INTEGER;")
            .down("ALTER TABLE t DROP COLUMN x;"),
        rev("c", &["a1"])
            .up("CREATE TABLE copy AS SELECT * FROM t;")
            .down("DROP TABLE copy;"),
    ]
}

/// Two heads where `c` reads a column only `b` adds: the apply order (b
/// first) works, the reverse order does not apply at all.
pub(crate) fn order_fails() -> Vec<Rev> {
    vec![
        base(),
        rev("b", &["a1"])
            .up("ALTER TABLE t ADD COLUMN x INTEGER;")
            .down("ALTER TABLE t DROP COLUMN x;"),
        rev("c", &["a1"])
            .up("CREATE TABLE copy AS SELECT x FROM t;")
            .down("DROP TABLE copy;"),
    ]
}
