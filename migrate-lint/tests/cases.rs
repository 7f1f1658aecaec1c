//! The rule table: SQL snippets × dialect × the exact rule ids each must
//! report, in order (`&[]`: nothing). Each row is linted as revision `b` of
//! a two-revision set: revision `a` creates `u (id)` and, for rows marked
//! `E`, `t (id, c, d, v varchar(50))` plus the row's `prior` SQL; rows
//! marked `N` create `t` in `b` itself, just before the snippet.

use migrate_graph::{load, Dialect, SourceFile};
use Dialect::{MySql, Postgres, Sqlite};

struct Case {
    dialect: Dialect,
    sql: &'static str,
    existed: bool,
    transaction: bool,
    prior: &'static str,
    expect: &'static [&'static str],
}

const E: bool = true; // t existed before the revision
const N: bool = false; // t is created by the revision
const TX: bool = true;
const NO_TX: bool = false;

const fn case(
    dialect: Dialect,
    sql: &'static str,
    existed: bool,
    transaction: bool,
    expect: &'static [&'static str],
) -> Case {
    Case {
        dialect,
        sql,
        existed,
        transaction,
        prior: "",
        expect,
    }
}

/// A row whose revision `a` also runs `prior`.
const fn after(
    dialect: Dialect,
    prior: &'static str,
    sql: &'static str,
    expect: &'static [&'static str],
) -> Case {
    Case {
        dialect,
        sql,
        existed: E,
        transaction: TX,
        prior,
        expect,
    }
}

const T: &str = "CREATE TABLE t (id INT, c INT, d TEXT, v VARCHAR(50));\n";

#[rustfmt::skip]
const CASES: &[Case] = &[
    // Drops.
    case(Postgres, "DROP TABLE t;", E, TX, &["drop-table"]),
    case(Postgres, "DROP TABLE t;", N, TX, &[]),
    case(Sqlite, "DROP TABLE t;", E, TX, &["drop-table"]),
    case(MySql, "DROP TABLE IF EXISTS t;", E, TX, &["drop-table"]),
    case(Postgres, "DROP TABLE public.t;", E, TX, &["drop-table"]),
    case(Postgres, "DROP TABLE t CASCADE;", E, TX, &["drop-table"]),
    case(Postgres, "ALTER TABLE t DROP COLUMN c;", E, TX, &["drop-column"]),
    case(Postgres, "ALTER TABLE public.t DROP COLUMN c;", E, TX, &["drop-column"]),
    case(Postgres, "ALTER TABLE t DROP COLUMN c;", N, TX, &[]),
    case(Sqlite, "ALTER TABLE t DROP COLUMN c;", N, TX, &[]),
    case(Sqlite, "ALTER TABLE t DROP COLUMN c;", E, TX, &["drop-column"]),
    case(MySql, "ALTER TABLE t DROP COLUMN c;", E, TX, &["drop-column"]),
    case(Postgres, "ALTER TABLE t ADD COLUMN e INT;\nALTER TABLE t DROP COLUMN e;", E, TX, &[]),
    // Tables are keyed by their full name.
    case(Postgres, "CREATE TABLE archive.t (id INT);\nDROP TABLE t;", E, TX, &["drop-table"]),
    case(Postgres, "CREATE TABLE archive.t (id INT);\nDROP TABLE archive.t;", E, TX, &[]),
    case(Postgres, "CREATE TABLE archive.t (id INT);\nALTER TABLE public.t DROP COLUMN c;", E, TX, &["drop-column"]),
    case(Postgres, "DROP TABLE archive.t;", N, TX, &["drop-table"]),
    case(MySql, "CREATE TABLE other.t (id INT);\nDROP TABLE t;", E, TX, &["drop-table"]),
    case(Sqlite, "CREATE TABLE main.x (id INT);\nDROP TABLE x;", E, TX, &[]),
    // Drops inside DO blocks and routines.
    case(Postgres, "DO $$ BEGIN DROP TABLE t; END $$;", E, TX, &["drop-table"]),
    case(Postgres, "DO $$ BEGIN IF true THEN ALTER TABLE t DROP COLUMN c; END IF; END $$;", E, TX, &["drop-column"]),
    case(Postgres, "DO $$ BEGIN EXECUTE 'TRUNCATE t'; END $$;", E, TX, &["truncate"]),
    case(Postgres, "DO $$ BEGIN DROP TABLE t; END $$;", N, TX, &[]),
    case(Postgres, "DO $$ BEGIN RAISE NOTICE 'a;b'; END $$;", E, TX, &[]),
    case(Postgres, "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN DROP TABLE t; END $$;", E, TX, &["drop-table"]),
    case(Postgres, "CREATE PROCEDURE p() LANGUAGE plpgsql AS $$ BEGIN DELETE FROM t; END $$;", E, TX, &["delete-without-where"]),
    case(Postgres, "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;", E, TX, &[]),
    case(MySql, "DELIMITER //\nCREATE PROCEDURE p() BEGIN DROP TABLE t; END//\nDELIMITER ;", E, TX, &["drop-table"]),
    case(MySql, "DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END//\nDELIMITER ;", E, TX, &[]),
    case(MySql, "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM t;", E, TX, &["delete-without-where"]),
    case(Sqlite, "CREATE TRIGGER tr AFTER INSERT ON u BEGIN DELETE FROM t; END;", E, TX, &["delete-without-where"]),
    // Cascades and databases.
    case(Postgres, "DROP SCHEMA s CASCADE;", E, TX, &["drop-cascade"]),
    case(Postgres, "DROP SCHEMA s;", E, TX, &[]),
    case(Postgres, "DROP TYPE mood CASCADE;", E, TX, &["drop-cascade"]),
    case(Postgres, "DROP TYPE mood;", E, TX, &[]),
    case(Postgres, "DROP DOMAIN d CASCADE;", E, TX, &["drop-cascade"]),
    case(Postgres, "DROP FUNCTION f() CASCADE;", E, TX, &["drop-cascade"]),
    case(Postgres, "DROP VIEW w CASCADE;", E, TX, &["drop-cascade"]),
    case(Postgres, "DROP VIEW w;", E, TX, &[]),
    case(Postgres, "DROP DATABASE d;", E, NO_TX, &["drop-database"]),
    case(MySql, "DROP DATABASE d;", E, TX, &["drop-database"]),
    case(MySql, "DROP SCHEMA IF EXISTS d;", E, TX, &["drop-database"]),
    // Row changes.
    case(Postgres, "TRUNCATE t;", E, TX, &["truncate"]),
    case(Postgres, "TRUNCATE TABLE t, u CASCADE;", E, TX, &["truncate", "truncate"]),
    case(Postgres, "TRUNCATE t;", N, TX, &[]),
    case(MySql, "TRUNCATE TABLE t;", E, TX, &["truncate"]),
    case(Postgres, "DELETE FROM t;", E, TX, &["delete-without-where"]),
    case(Postgres, "DELETE FROM t WHERE c IS NULL;", E, TX, &[]),
    case(Postgres, "DELETE FROM t;", N, TX, &[]),
    case(Sqlite, "DELETE FROM t;", E, TX, &["delete-without-where"]),
    case(MySql, "DELETE FROM t;", E, TX, &["delete-without-where", "data-change-without-down"]),
    case(Postgres, "UPDATE t SET c = 0;", E, TX, &["update-without-where"]),
    case(Postgres, "UPDATE t SET c = 0 WHERE c IS NULL;", E, TX, &[]),
    case(Postgres, "UPDATE t SET c = 0;", N, TX, &[]),
    case(Sqlite, "UPDATE t SET d = 'x';", E, TX, &["update-without-where"]),
    case(Postgres, "ALTER TABLE t ADD COLUMN e INT;\nUPDATE t SET e = c;", E, TX, &[]),
    case(MySql, "ALTER TABLE t ADD COLUMN e INT;\nUPDATE t SET e = c;", E, TX, &["mixed-ddl-dml"]),
    case(MySql, "INSERT INTO t (id) VALUES (1);", E, TX, &[]),
    case(MySql, "INSERT INTO t (id) VALUES (1);", N, TX, &["mixed-ddl-dml"]),
    case(MySql, "REPLACE INTO t (id) VALUES (1);", E, TX, &["replace-into"]),
    case(MySql, "INSERT INTO t (id) VALUES (1) ON DUPLICATE KEY UPDATE c = 1;", E, TX, &[]),
    // Renames.
    case(Postgres, "ALTER TABLE t RENAME TO t2;", E, TX, &["rename-table"]),
    case(Postgres, "ALTER TABLE t RENAME TO t2;", N, TX, &[]),
    case(Sqlite, "ALTER TABLE t RENAME TO t2;", E, TX, &["rename-table"]),
    case(MySql, "RENAME TABLE t TO t2;", E, TX, &["rename-table"]),
    case(MySql, "RENAME TABLE t TO t2;", N, TX, &[]),
    case(Postgres, "ALTER TABLE t RENAME COLUMN c TO c2;", E, TX, &["rename-column"]),
    case(Sqlite, "ALTER TABLE t RENAME COLUMN c TO c2;", E, TX, &["rename-column"]),
    case(Sqlite, "ALTER TABLE t RENAME COLUMN c TO c2;", N, TX, &[]),
    // SQLite's rebuild, as autogenerate writes it, keeps the rows.
    case(Sqlite, "CREATE TABLE \"new_t\" (\"id\" INTEGER, \"c\" INTEGER NOT NULL, \"d\" TEXT, \"v\" VARCHAR(50));\nINSERT INTO \"new_t\" (\"id\", \"c\", \"d\", \"v\") SELECT \"id\", \"c\", \"d\", \"v\" FROM \"t\";\nDROP TABLE \"t\";\nALTER TABLE \"new_t\" RENAME TO \"t\";", E, TX, &[]),
    case(Sqlite, "CREATE TABLE new_t (id INTEGER, c INTEGER, d TEXT, v TEXT);\nINSERT INTO new_t (id, c, d, v) SELECT id, c, d, v FROM t;\nDROP TABLE t;\nALTER TABLE new_t RENAME TO t;\nALTER TABLE t DROP COLUMN c;", E, TX, &["drop-column"]),
    // The same, wrapped as a draft writes it, with its foreign-key check.
    case(Sqlite, "PRAGMA foreign_keys = OFF;\nPRAGMA legacy_alter_table = 1;\nBEGIN;\nCREATE TABLE \"new_t\" (\"id\" INTEGER, \"c\" INTEGER, \"d\" TEXT, \"v\" TEXT, PRIMARY KEY (\"id\"));\nINSERT INTO \"new_t\" (\"id\", \"c\", \"d\", \"v\") SELECT \"id\", \"c\", \"d\", \"v\" FROM \"t\";\nDROP TABLE \"t\";\nALTER TABLE \"new_t\" RENAME TO \"t\";\nCREATE TEMP TABLE migrate_foreign_key_check (violations INTEGER CONSTRAINT \"violations\" CHECK (violations = 0));\nINSERT INTO temp.migrate_foreign_key_check SELECT count(*) FROM pragma_foreign_key_check;\nDROP TABLE temp.migrate_foreign_key_check;\nCOMMIT;\nPRAGMA legacy_alter_table = 0;\nPRAGMA foreign_keys = ON;", E, NO_TX, &[]),
    // A rebuild that leaves a column out drops it.
    case(Sqlite, "CREATE TABLE new_t (id INTEGER, c INTEGER, v TEXT);\nINSERT INTO new_t (id, c, v) SELECT id, c, v FROM t;\nDROP TABLE t;\nALTER TABLE new_t RENAME TO t;", E, TX, &["drop-column"]),
    case(Sqlite, "ALTER TABLE t ADD COLUMN e INT;\nCREATE TABLE new_t (id INTEGER, c INTEGER, d TEXT, v TEXT);\nINSERT INTO new_t (id, c, d, v) SELECT id, c, d, v FROM t;\nDROP TABLE t;\nALTER TABLE new_t RENAME TO t;", E, TX, &[]),
    // A copy that is not renamed back is a drop.
    case(Sqlite, "CREATE TABLE new_t (id INTEGER);\nINSERT INTO new_t (id) SELECT id FROM t;\nDROP TABLE t;", E, TX, &["drop-table"]),
    case(Sqlite, "CREATE TABLE new_t (id INTEGER);\nDROP TABLE t;\nALTER TABLE new_t RENAME TO t;", E, TX, &["drop-table"]),
    case(Sqlite, "CREATE TABLE new_t (id INTEGER);\nINSERT INTO new_t (id) SELECT id FROM u;\nDROP TABLE t;\nALTER TABLE new_t RENAME TO t;", E, TX, &["drop-table"]),
    // A generated column dropped and added back (autogenerate's way to
    // change its expression) holds no data of its own.
    after(Postgres, "CREATE TABLE g (a INT, b INT GENERATED ALWAYS AS (a * 2) STORED);\n", "ALTER TABLE g DROP COLUMN b;\nALTER TABLE g ADD COLUMN b INT GENERATED ALWAYS AS (a * 3) STORED;", &["stored-generated-column"]),
    after(Postgres, "CREATE TABLE g (a INT, b INT GENERATED ALWAYS AS (a * 2) STORED);\n", "ALTER TABLE g DROP COLUMN b;", &["drop-column"]),
    after(Postgres, "CREATE TABLE g (a INT, b INT);\n", "ALTER TABLE g DROP COLUMN b;\nALTER TABLE g ADD COLUMN b INT GENERATED ALWAYS AS (a * 3) STORED;", &["drop-column", "stored-generated-column"]),
    // A generated column that becomes a plain one: its values copied to a
    // new column, which takes its name right after the drop.
    after(MySql, "CREATE TABLE g (id INT PRIMARY KEY, a INT, b INT AS (a * 2) VIRTUAL);\n", "ALTER TABLE g ADD COLUMN b__plain INT NULL;\nUPDATE g SET b__plain = b;\nALTER TABLE g DROP COLUMN b;\nALTER TABLE g CHANGE COLUMN b__plain b INT NULL;", &["mixed-ddl-dml"]),
    after(Postgres, "CREATE TABLE g (a INT, b INT GENERATED ALWAYS AS (a * 2) STORED);\n", "ALTER TABLE g ADD COLUMN b2 INT;\nUPDATE g SET b2 = b;\nALTER TABLE g DROP COLUMN b;\nALTER TABLE g RENAME COLUMN b2 TO b;", &[]),
    // ... but not when the column taking the name is another one's, nor
    // when the dropped column held data of its own.
    after(MySql, "CREATE TABLE g (id INT PRIMARY KEY, a INT, b INT AS (a * 2) VIRTUAL, c INT);\n", "ALTER TABLE g DROP COLUMN b;\nALTER TABLE g RENAME COLUMN a TO c2;", &["drop-column", "rename-column"]),
    after(MySql, "CREATE TABLE g (id INT PRIMARY KEY, a INT, b INT, c INT);\n", "ALTER TABLE g DROP COLUMN b;\nALTER TABLE g RENAME COLUMN c TO b;", &["drop-column", "rename-column"]),
    // NOT NULL.
    case(Postgres, "ALTER TABLE t ALTER COLUMN c SET NOT NULL;", E, TX, &["set-not-null"]),
    case(Postgres, "ALTER TABLE t ALTER COLUMN c SET NOT NULL;", N, TX, &[]),
    case(Postgres, "ALTER TABLE t ADD CONSTRAINT c_nn CHECK (c IS NOT NULL) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT c_nn;\nALTER TABLE t ALTER COLUMN c SET NOT NULL;", E, TX, &[]),
    after(Postgres, "ALTER TABLE t ADD CONSTRAINT c_nn CHECK (c IS NOT NULL) NOT VALID;\n", "ALTER TABLE t VALIDATE CONSTRAINT c_nn;\nALTER TABLE t ALTER COLUMN c SET NOT NULL;", &[]),
    after(Postgres, "ALTER TABLE t ADD CONSTRAINT c_nn CHECK (c IS NOT NULL) NOT VALID;\n", "ALTER TABLE t ALTER COLUMN c SET NOT NULL;", &["set-not-null"]),
    case(Postgres, "ALTER TABLE t ADD CONSTRAINT c_nn CHECK (c IS NOT NULL) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT c_nn;\nALTER TABLE t ALTER COLUMN d SET NOT NULL;", E, TX, &["set-not-null"]),
    case(Postgres, "ALTER TABLE t ADD COLUMN e INT NOT NULL;", E, TX, &["add-column-not-null"]),
    case(Postgres, "ALTER TABLE t ADD COLUMN e INT NOT NULL DEFAULT 0;", E, TX, &[]),
    case(Postgres, "ALTER TABLE t ADD COLUMN e INT;", E, TX, &[]),
    case(Postgres, "ALTER TABLE t ADD COLUMN e INT NOT NULL;", N, TX, &[]),
    case(Sqlite, "ALTER TABLE t ADD COLUMN e INT NOT NULL;", N, TX, &["add-column-not-null"]),
    case(Sqlite, "ALTER TABLE t ADD COLUMN e INT NOT NULL DEFAULT 0;", E, TX, &[]),
    case(MySql, "ALTER TABLE t ADD COLUMN e INT NOT NULL;", E, TX, &["add-column-not-null"]),
    // Defaults and generated columns that rewrite the table.
    case(Postgres, "ALTER TABLE t ADD COLUMN e TIMESTAMPTZ NOT NULL DEFAULT now();", E, TX, &[]),
    case(Postgres, "ALTER TABLE t ADD COLUMN e TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP;", E, TX, &[]),
    case(Postgres, "ALTER TABLE t ADD COLUMN e FLOAT8 DEFAULT random();", E, TX, &["volatile-default"]),
    case(Postgres, "ALTER TABLE t ADD COLUMN e TIMESTAMPTZ DEFAULT clock_timestamp();", E, TX, &["volatile-default"]),
    case(Postgres, "ALTER TABLE t ADD COLUMN e UUID NOT NULL DEFAULT gen_random_uuid();", E, TX, &["volatile-default"]),
    case(Postgres, "ALTER TABLE t ADD COLUMN e UUID DEFAULT gen_random_uuid();", N, TX, &[]),
    case(Postgres, "ALTER TABLE t ADD COLUMN e BIGSERIAL;", E, TX, &["volatile-default"]),
    case(Postgres, "ALTER TABLE t ADD COLUMN e BIGINT GENERATED ALWAYS AS IDENTITY;", E, TX, &["volatile-default"]),
    case(Postgres, "ALTER TABLE t ALTER COLUMN c SET DEFAULT random();", E, TX, &[]),
    case(Postgres, "ALTER TABLE t ADD COLUMN e INT GENERATED ALWAYS AS (c * 2) STORED;", E, TX, &["stored-generated-column"]),
    case(Postgres, "ALTER TABLE t ADD COLUMN e INT GENERATED ALWAYS AS (c * 2) STORED;", N, TX, &[]),
    case(MySql, "ALTER TABLE t ADD COLUMN e INT AS (c * 2) STORED;", E, TX, &["stored-generated-column"]),
    case(MySql, "ALTER TABLE t ADD COLUMN e INT AS (c * 2) VIRTUAL;", E, TX, &[]),
    case(MySql, "ALTER TABLE t ADD COLUMN e CHAR(36) DEFAULT (uuid());", E, TX, &[]),
    // Type changes; a VARCHAR that only grows is safe.
    case(Postgres, "ALTER TABLE t ALTER COLUMN c TYPE BIGINT;", E, TX, &["change-column-type"]),
    case(Postgres, "ALTER TABLE t ALTER COLUMN c TYPE BIGINT;", N, TX, &[]),
    case(Postgres, "ALTER TABLE t ALTER COLUMN v TYPE VARCHAR(100);", E, TX, &[]),
    case(Postgres, "ALTER TABLE t ALTER COLUMN v TYPE TEXT;", E, TX, &[]),
    case(Postgres, "ALTER TABLE t ALTER COLUMN v TYPE VARCHAR(20);", E, TX, &["change-column-type"]),
    case(Postgres, "ALTER TABLE t ALTER COLUMN d TYPE VARCHAR(20);", E, TX, &["change-column-type"]),
    case(Postgres, "ALTER TABLE t RENAME COLUMN v TO w;\nALTER TABLE t ALTER COLUMN w TYPE VARCHAR(80);", E, TX, &["rename-column"]),
    case(MySql, "ALTER TABLE t MODIFY COLUMN v VARCHAR(100);", E, TX, &[]),
    case(MySql, "ALTER TABLE t MODIFY COLUMN v TEXT;", E, TX, &[]),
    case(MySql, "ALTER TABLE t MODIFY COLUMN v VARCHAR(10);", E, TX, &["change-column-type"]),
    case(MySql, "ALTER TABLE t MODIFY COLUMN c BIGINT NOT NULL;", E, TX, &["change-column-type"]),
    case(MySql, "ALTER TABLE t CHANGE COLUMN c c2 BIGINT;", E, TX, &["rename-column", "change-column-type"]),
    case(MySql, "ALTER TABLE t CHANGE COLUMN v v VARCHAR(200);", E, TX, &[]),
    case(MySql, "ALTER TABLE t MODIFY COLUMN c BIGINT;", N, TX, &[]),
    // PostgreSQL indexes and transactions.
    case(Postgres, "CREATE INDEX i ON t (c);", E, TX, &["index-not-concurrent"]),
    case(Postgres, "CREATE INDEX i ON t (c);", N, TX, &[]),
    case(Postgres, "CREATE INDEX CONCURRENTLY i ON t (c);", E, NO_TX, &[]),
    case(Postgres, "CREATE INDEX CONCURRENTLY i ON t (c);", E, TX, &["concurrently-in-transaction"]),
    case(Postgres, "CREATE UNIQUE INDEX CONCURRENTLY i ON t (c);", N, TX, &["concurrently-in-transaction"]),
    case(Postgres, "DROP INDEX CONCURRENTLY i;", E, TX, &["concurrently-in-transaction"]),
    case(Postgres, "DROP INDEX CONCURRENTLY i;", E, NO_TX, &[]),
    case(Postgres, "DROP INDEX i;", E, TX, &["drop-index-not-concurrent"]),
    case(Postgres, "DROP INDEX IF EXISTS public.i;", E, TX, &["drop-index-not-concurrent"]),
    case(Postgres, "CREATE INDEX i ON t (c);\nDROP INDEX i;", N, TX, &[]),
    case(MySql, "DROP INDEX i ON t;", E, TX, &[]),
    case(Sqlite, "DROP INDEX i;", E, TX, &[]),
    case(Sqlite, "CREATE INDEX i ON t (c);", E, TX, &[]),
    case(MySql, "CREATE INDEX i ON t (c);", E, TX, &[]),
    // PostgreSQL constraints.
    case(Postgres, "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES u (id);", E, TX, &["constraint-not-valid"]),
    case(Postgres, "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES u (id) NOT VALID;", E, TX, &[]),
    case(Postgres, "ALTER TABLE t ADD CONSTRAINT ck CHECK (c > 0);", E, TX, &["constraint-not-valid"]),
    case(Postgres, "ALTER TABLE t ADD CONSTRAINT ck CHECK (c > 0);", N, TX, &[]),
    case(Postgres, "ALTER TABLE t VALIDATE CONSTRAINT ck;", E, TX, &[]),
    case(Postgres, "ALTER TABLE t ADD PRIMARY KEY (id);", E, TX, &["add-unique-constraint"]),
    case(Postgres, "ALTER TABLE t ADD CONSTRAINT t_c_key UNIQUE (c);", E, TX, &["add-unique-constraint"]),
    case(Postgres, "ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_id_idx;", E, TX, &[]),
    case(Postgres, "ALTER TABLE t ADD CONSTRAINT t_c_key UNIQUE USING INDEX t_c_idx;", E, TX, &[]),
    case(Postgres, "ALTER TABLE t ADD PRIMARY KEY (id);", N, TX, &[]),
    case(MySql, "ALTER TABLE t ADD PRIMARY KEY (id);", E, TX, &[]),
    // Locks, persistence, vacuum.
    case(Postgres, "LOCK TABLE t IN ACCESS EXCLUSIVE MODE;", E, TX, &["lock-table"]),
    case(MySql, "LOCK TABLES t WRITE;", E, TX, &["lock-table"]),
    case(Postgres, "ALTER TABLE t SET UNLOGGED;", E, TX, &["set-logged"]),
    case(Postgres, "ALTER TABLE t SET LOGGED;", E, TX, &["set-logged"]),
    case(Postgres, "ALTER TABLE t SET UNLOGGED;", N, TX, &[]),
    case(Postgres, "VACUUM FULL t;", E, NO_TX, &["vacuum-full"]),
    case(Postgres, "VACUUM FULL t;", E, TX, &["vacuum-in-transaction", "vacuum-full"]),
    case(Postgres, "VACUUM t;", E, TX, &["vacuum-in-transaction"]),
    case(Postgres, "VACUUM t;", E, NO_TX, &[]),
    case(Postgres, "VACUUM (FULL, ANALYZE) t;", E, NO_TX, &["vacuum-full"]),
    // Enum values added and used in one transaction.
    case(Postgres, "ALTER TYPE mood ADD VALUE 'ecstatic';\nUPDATE t SET d = 'ecstatic' WHERE id = 1;", E, TX, &["enum-value-in-transaction"]),
    case(Postgres, "ALTER TYPE mood ADD VALUE 'ecstatic';\nUPDATE t SET d = 'ecstatic' WHERE id = 1;", E, NO_TX, &[]),
    case(Postgres, "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'ecstatic' AFTER 'happy';", E, TX, &[]),
    case(Postgres, "ALTER TYPE mood ADD VALUE 'ecstatic';\nUPDATE t SET d = 'sad' WHERE id = 1;", E, TX, &[]),
    // MySQL table options.
    case(MySql, "ALTER TABLE t ENGINE = MyISAM;", E, TX, &["change-engine"]),
    case(MySql, "ALTER TABLE t ENGINE=InnoDB;", N, TX, &[]),
    case(MySql, "ALTER TABLE t CONVERT TO CHARACTER SET latin1;", E, TX, &["convert-charset"]),
    case(MySql, "ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;", E, TX, &["convert-charset"]),
    // MySQL: implicit commits.
    case(MySql, "UPDATE t SET c = 0 WHERE id = 1;", E, TX, &["data-change-without-down"]),
    // What no grammar reads.
    case(Postgres, "SELEC 1;", E, TX, &["unparsed"]),
    case(Sqlite, "ALTER TABLE t ADD COLUMN;", E, TX, &["unparsed"]),
];

fn base(existed: bool, prior: &str) -> String {
    let t = if existed { T } else { "" };
    format!("-- Revision ID: a\n-- Revises:\n-- migrate:up\n{t}{prior}CREATE TABLE u (id INT PRIMARY KEY);\n-- migrate:down\nDROP TABLE u;\n")
}

fn run(c: &Case) -> Vec<&'static str> {
    let create = if c.existed { "" } else { T };
    let tx = if c.transaction {
        ""
    } else {
        " transaction:false"
    };
    // Only MySQL's data-change rule reads the down section: give it one
    // unless the row is about that rule.
    let down = if c.expect.contains(&"data-change-without-down") {
        " irreversible\n"
    } else {
        "\nSELECT 1;\n"
    };
    let b = format!(
        "-- Revision ID: b\n-- Revises: a\n-- migrate:up{tx}\n{create}{}\n-- migrate:down{down}",
        c.sql
    );
    let files = [
        SourceFile::new("a.sql", base(c.existed, c.prior)),
        SourceFile::new("b.sql", b),
    ];
    migrate_lint::lint(&load(&files).expect("a valid set"), c.dialect)
        .into_iter()
        .inspect(|f| assert_eq!(f.file, "b.sql", "{f:?}"))
        .map(|f| f.rule.id())
        .collect()
}

#[test]
fn every_row_reports_exactly_its_rules() {
    assert!(CASES.len() >= 120, "{} rows", CASES.len());
    let mut failures = Vec::new();
    for c in CASES {
        let got = run(c);
        if got != c.expect {
            failures.push(format!(
                "{} {:?} existed={} tx={}: expected {:?}, got {:?}",
                c.dialect, c.sql, c.existed, c.transaction, c.expect, got
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_has_a_row() {
    let listed: std::collections::HashSet<&str> = CASES
        .iter()
        .flat_map(|c| c.expect.iter().copied())
        .collect();
    let missing: Vec<&str> = migrate_lint::Rule::ALL
        .iter()
        .map(|r| r.id())
        .filter(|id| !listed.contains(id) && *id != "bad-allow")
        .collect();
    assert!(missing.is_empty(), "rules with no row: {missing:?}");
}
