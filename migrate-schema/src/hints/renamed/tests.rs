//! The `-- @renamed` scanner on hand-written `schema.sql` snippets.

use super::*;

fn read(dialect: Dialect, sql: &str) -> Result<Hints, HintErrorKind> {
    rename_hints(dialect, "schema.sql", sql).map_err(|e| match e {
        HintError::InFile { kind, .. } => kind,
        other => panic!("{other}"),
    })
}

#[test]
fn table_and_column_hints() {
    let sql = "-- the users\n\
        -- @renamed from=people\n\
        CREATE TABLE Users (\n  id INT PRIMARY KEY,\n  \
        name TEXT NOT NULL, -- @renamed from=full_name\n  \
        note TEXT DEFAULT 'a,b' -- @renamed from=remark\n);\n\
        CREATE TABLE other (x INT);\n";
    let hints = read(Dialect::Postgres, sql).unwrap();
    let mut expected = Hints::new();
    expected.rename_table("people", "users");
    expected.rename_column("users", "full_name", "name");
    expected.rename_column("users", "remark", "note");
    assert_eq!(hints, expected);
}

#[test]
fn quoted_and_qualified_names_keep_their_spelling() {
    let sql = "-- @renamed from=old_bills\nCREATE TABLE \"Billing\".\"Invoices\" (\n\
        \"Amount\" numeric(10, 2), -- @renamed from=amt\n  CHECK (\"Amount\" > 0)\n);";
    let hints = read(Dialect::Postgres, sql).unwrap();
    let table = QualifiedName::in_schema("Billing", "Invoices");
    assert_eq!(
        hints.tables[&QualifiedName::in_schema("Billing", "old_bills")],
        table
    );
    assert_eq!(hints.columns[&(table, "amt".to_string())], "Amount");
}

#[test]
fn mysql_backticks_and_case() {
    let sql = "CREATE TABLE `Orders` (\n  `Total` INT -- @renamed from=sum\n) ENGINE=InnoDB;";
    let hints = read(Dialect::MySql, sql).unwrap();
    assert_eq!(
        hints.columns[&(QualifiedName::new("Orders"), "sum".into())],
        "Total"
    );
}

#[test]
fn hints_inside_strings_are_not_hints() {
    let sql = "CREATE TABLE t (a TEXT DEFAULT '-- @renamed from=x');";
    assert!(read(Dialect::Sqlite, sql).unwrap().is_empty());
}

#[test]
fn dollar_quoted_bodies_are_not_read() {
    let sql =
        "CREATE FUNCTION f() RETURNS int AS $$\n-- @renamed from=x\nSELECT 1 $$ LANGUAGE sql;\n\
               -- @renamed from=old\nCREATE TABLE t (x int);";
    let hints = read(Dialect::Postgres, sql).unwrap();
    assert!(hints.columns.is_empty());
    assert_eq!(
        hints.tables[&QualifiedName::new("old")],
        QualifiedName::new("t")
    );
}

#[test]
fn misplaced_hints_are_errors() {
    let cases = [
        ("-- @renamed from=a\nSELECT 1;", "before a query"),
        (
            "-- @renamed from=a\nCREATE INDEX ON t (x);",
            "before an unnamed index",
        ),
        (
            "CREATE TABLE t (x INT); -- @renamed from=a\n",
            "after statement",
        ),
        (
            "CREATE TABLE t (\n  x INT,\n  -- @renamed from=a\n  y INT\n);",
            "own line",
        ),
        (
            "CREATE TABLE t (x INT, PRIMARY KEY (x) -- @renamed from=a\n);",
            "constraint",
        ),
        ("-- @renamed from=a\n", "dangling at end"),
    ];
    for (sql, what) in cases {
        let err = read(Dialect::Sqlite, sql).expect_err(what);
        assert!(
            matches!(
                err,
                HintErrorKind::NotBeforeTable | HintErrorKind::NotOnColumn
            ),
            "{what}: {err:?}"
        );
    }
}

#[test]
fn malformed_and_duplicate_hints_are_errors() {
    let err = read(Dialect::Sqlite, "-- @renamed old\nCREATE TABLE t (x INT);").unwrap_err();
    assert!(matches!(err, HintErrorKind::Malformed { .. }));
    let err = read(
        Dialect::Sqlite,
        "-- @renamedfrom=a\nCREATE TABLE t (x INT);",
    )
    .unwrap_err();
    assert!(matches!(err, HintErrorKind::Malformed { .. }));
    let sql =
        "-- @renamed from=a\nCREATE TABLE t (x INT);\n-- @renamed from=a\nCREATE TABLE u (x INT);";
    assert!(matches!(
        read(Dialect::Sqlite, sql).unwrap_err(),
        HintErrorKind::Duplicate { .. }
    ));
}

#[test]
fn errors_name_file_and_line() {
    let err = rename_hints(Dialect::Sqlite, "db/schema.sql", "\n\n-- @renamed x\n").unwrap_err();
    assert!(err.to_string().starts_with("db/schema.sql:3: "), "{err}");
    let err = rename_hints(Dialect::Sqlite, "s.sql", "SELECT 'open").unwrap_err();
    assert!(matches!(
        err,
        HintError::InFile {
            kind: HintErrorKind::Tokenize { .. },
            ..
        }
    ));
}

#[test]
fn a_hint_at_the_end_of_the_create_table_line_renames_the_table() {
    let sql = "CREATE TABLE writers ( -- @renamed from=authors\n    id INT, -- @renamed from=\"old id\"\n    name TEXT\n);";
    let hints = rename_hints(Dialect::Postgres, "schema.sql", sql).unwrap();
    let writers = QualifiedName::new("writers");
    assert_eq!(
        hints.tables.get(&QualifiedName::new("authors")),
        Some(&writers)
    );
    assert_eq!(
        hints.columns.get(&(writers, "old id".to_string())),
        Some(&"id".to_string()),
        "a quoted old name keeps its spaces"
    );
    let err = rename_hints(Dialect::Postgres, "s.sql", "-- @renamed from=\"open\n").unwrap_err();
    assert!(matches!(
        err,
        HintError::InFile {
            kind: HintErrorKind::Malformed { .. },
            ..
        }
    ));
}

proptest::proptest! {
    /// Any text gets hints or an error, never a panic: `schema.sql` is user input.
    #[test]
    fn never_panics(pieces in proptest::collection::vec(
        proptest::sample::select(vec![
            "CREATE", "TABLE", "TEMP", "IF", "NOT", "EXISTS", "t", "s.t", "\"Q\"", "(", ")", ",",
            ";", "x INT", "-- @renamed from=a", "-- @renamed", "\n", " ", "'str'", "$$", "--",
            "CONSTRAINT", "PRIMARY KEY",
        ]),
        0..40,
    )) {
        let sql: String = pieces.concat();
        for dialect in [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite] {
            let _ = rename_hints(dialect, "schema.sql", &sql);
        }
    }
}

#[test]
fn index_constraint_and_enum_hints() {
    let sql = "-- @renamed from=people_email\n\
        CREATE UNIQUE INDEX users_email ON app.users (email);\n\
        CREATE INDEX users_name ON users (name); -- @renamed from=people_name\n\
        CREATE TABLE users (\n  id INT,\n  \
        CONSTRAINT users_pk PRIMARY KEY (id), -- @renamed from=people_pk\n  \
        CONSTRAINT users_id_positive CHECK (id > 0) -- @renamed from=positive\n);\n\
        CREATE TYPE mood AS ENUM ( -- @renamed from=feeling\n  \
        'happy', -- @renamed from=glad\n  'sad'\n);\n\
        -- @renamed from=app.old_kind\nCREATE TYPE app.kind AS ENUM ('a');\n";
    let hints = read(Dialect::Postgres, sql).unwrap();
    let mut expected = Hints::new();
    expected.rename_index(
        QualifiedName::in_schema("app", "users"),
        "people_email",
        "users_email",
    );
    expected.rename_index("users", "people_name", "users_name");
    expected.rename_index("users", "people_pk", "users_pk");
    expected.rename_index("users", "positive", "users_id_positive");
    expected.rename_enum("feeling", "mood");
    expected.rename_enum_value("mood", "glad", "happy");
    expected.rename_enum(
        QualifiedName::in_schema("app", "old_kind"),
        QualifiedName::in_schema("app", "kind"),
    );
    assert_eq!(hints, expected);
}

#[test]
fn mysql_keys_are_named_after_their_keyword() {
    let sql = "CREATE TABLE `t` (\n  a INT,\n  \
        UNIQUE KEY `t_a` (a), -- @renamed from=`old a`\n  \
        KEY t_b (a) -- @renamed from=b_idx\n);";
    let hints = read(Dialect::MySql, sql).unwrap();
    let t = QualifiedName::new("t");
    assert_eq!(hints.indexes[&(t.clone(), "old a".into())], "t_a");
    assert_eq!(hints.indexes[&(t, "b_idx".into())], "t_b");
}

#[test]
fn mysql_inline_enum_labels_take_a_hint_at_the_end_of_their_line() {
    let sql = "CREATE TABLE orders (\n  id INT PRIMARY KEY,\n  \
        state ENUM( -- @renamed from=status\n    'open',\n    \
        'closed', -- @renamed from=done\n    \
        'it''s late' -- @renamed from=late\n  ) NOT NULL,\n  \
        kind ENUM('a','b') -- @renamed from=sort\n);";
    let hints = read(Dialect::MySql, sql).unwrap();
    let mut expected = Hints::new();
    expected.rename_column("orders", "status", "state");
    expected.rename_column("orders", "sort", "kind");
    expected.rename_column_label("orders", "state", "done", "closed");
    expected.rename_column_label("orders", "state", "late", "it's late");
    assert_eq!(hints, expected);

    // Reversed, the keys name the table and column as they are today.
    let back = hints.reversed();
    assert_eq!(
        back.column_labels[&(
            QualifiedName::new("orders"),
            "status".to_string(),
            "closed".to_string()
        )],
        "done"
    );
}
