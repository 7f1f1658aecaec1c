//! The corpus on Sqlite: tables, columns, types and renames.

use super::*;

const D: Dialect = Dialect::Sqlite;

#[test]
fn tables_and_columns() {
    check(vec![
        case!(D, unchanged, [], []),
        case!(
            D,
            create_table,
            [
                "CREATE TABLE \"users\" (\n    \"id\" INTEGER NOT NULL,\n    \"name\" TEXT NOT NULL,\n    \"email\" VARCHAR(255) NOT NULL,\n    \"active\" BOOL NOT NULL DEFAULT 1,\n    PRIMARY KEY (\"id\"),\n    CONSTRAINT \"users_email_key\" UNIQUE (\"email\"),\n    CONSTRAINT \"users_name_check\" CHECK (length(name) > 0)\n);",
            ],
            []
        ),
        case!(
            D,
            drop_table,
            [
                "DROP TABLE \"users\";",
            ],
            [DataLoss]
        ),
        case!(
            D,
            add_nullable_column,
            [
                "ALTER TABLE \"users\" ADD COLUMN \"email\" TEXT;",
            ],
            []
        ),
        case!(
            D,
            add_column_with_default,
            [
                "ALTER TABLE \"users\" ADD COLUMN \"score\" INTEGER NOT NULL DEFAULT 0;",
            ],
            []
        ),
        case!(
            D,
            add_not_null_without_default,
            [
                "PRAGMA foreign_keys = OFF;",
                "PRAGMA legacy_alter_table = 1;",
                "BEGIN;",
                "CREATE TABLE \"new_users\" (\n    \"id\" INTEGER NOT NULL,\n    \"name\" TEXT NOT NULL,\n    \"email\" TEXT NOT NULL,\n    PRIMARY KEY (\"id\")\n);",
                "INSERT INTO \"new_users\" (\"id\", \"name\") SELECT \"id\", \"name\" FROM \"users\";",
                "DROP TABLE \"users\";",
                "ALTER TABLE \"new_users\" RENAME TO \"users\";",
                "CREATE TEMP TABLE migrate_foreign_key_check (violations INTEGER CONSTRAINT \"the rebuilt tables hold rows that violate a foreign key (see PRAGMA foreign_key_check)\" CHECK (violations = 0));",
                "INSERT INTO temp.migrate_foreign_key_check SELECT count(*) FROM pragma_foreign_key_check;",
                "DROP TABLE temp.migrate_foreign_key_check;",
                "COMMIT;",
                "PRAGMA legacy_alter_table = 0;",
                "PRAGMA foreign_keys = ON;",
            ],
            [NotNull, TableRebuild]
        ),
        case!(
            D,
            drop_column,
            [
                "ALTER TABLE \"users\" DROP COLUMN \"email\";",
            ],
            [DataLoss]
        ),
        case!(
            D,
            rename_column,
            [
                "ALTER TABLE \"users\" RENAME COLUMN \"full_name\" TO \"name\";",
            ],
            []
        ),
        case!(
            D,
            rename_column_without_hint,
            [
                "ALTER TABLE \"users\" DROP COLUMN \"full_name\";",
                "ALTER TABLE \"users\" ADD COLUMN \"name\" TEXT;",
            ],
            [DataLoss]
        ),
        case!(
            D,
            rename_table,
            [
                "ALTER TABLE \"people\" RENAME TO \"users\";",
            ],
            []
        ),
        case!(D, stale_hints_are_ignored, [], []),
        case!(
            D,
            widen_varchar,
            [
                "PRAGMA foreign_keys = OFF;",
                "PRAGMA legacy_alter_table = 1;",
                "BEGIN;",
                "CREATE TABLE \"new_users\" (\n    \"id\" INTEGER NOT NULL,\n    \"name\" TEXT NOT NULL,\n    \"email\" VARCHAR(100),\n    PRIMARY KEY (\"id\")\n);",
                "INSERT INTO \"new_users\" (\"id\", \"name\", \"email\") SELECT \"id\", \"name\", \"email\" FROM \"users\";",
                "DROP TABLE \"users\";",
                "ALTER TABLE \"new_users\" RENAME TO \"users\";",
                "CREATE TEMP TABLE migrate_foreign_key_check (violations INTEGER CONSTRAINT \"the rebuilt tables hold rows that violate a foreign key (see PRAGMA foreign_key_check)\" CHECK (violations = 0));",
                "INSERT INTO temp.migrate_foreign_key_check SELECT count(*) FROM pragma_foreign_key_check;",
                "DROP TABLE temp.migrate_foreign_key_check;",
                "COMMIT;",
                "PRAGMA legacy_alter_table = 0;",
                "PRAGMA foreign_keys = ON;",
            ],
            [TableRebuild]
        ),
        case!(
            D,
            narrow_varchar,
            [
                "PRAGMA foreign_keys = OFF;",
                "PRAGMA legacy_alter_table = 1;",
                "BEGIN;",
                "CREATE TABLE \"new_users\" (\n    \"id\" INTEGER NOT NULL,\n    \"name\" TEXT NOT NULL,\n    \"email\" VARCHAR(50),\n    PRIMARY KEY (\"id\")\n);",
                "INSERT INTO \"new_users\" (\"id\", \"name\", \"email\") SELECT \"id\", \"name\", \"email\" FROM \"users\";",
                "DROP TABLE \"users\";",
                "ALTER TABLE \"new_users\" RENAME TO \"users\";",
                "CREATE TEMP TABLE migrate_foreign_key_check (violations INTEGER CONSTRAINT \"the rebuilt tables hold rows that violate a foreign key (see PRAGMA foreign_key_check)\" CHECK (violations = 0));",
                "INSERT INTO temp.migrate_foreign_key_check SELECT count(*) FROM pragma_foreign_key_check;",
                "DROP TABLE temp.migrate_foreign_key_check;",
                "COMMIT;",
                "PRAGMA legacy_alter_table = 0;",
                "PRAGMA foreign_keys = ON;",
            ],
            [NarrowingType, TableRebuild]
        ),
        case!(
            D,
            set_not_null,
            [
                "PRAGMA foreign_keys = OFF;",
                "PRAGMA legacy_alter_table = 1;",
                "BEGIN;",
                "CREATE TABLE \"new_users\" (\n    \"id\" INTEGER NOT NULL,\n    \"name\" TEXT NOT NULL,\n    \"email\" TEXT NOT NULL,\n    PRIMARY KEY (\"id\")\n);",
                "INSERT INTO \"new_users\" (\"id\", \"name\", \"email\") SELECT \"id\", \"name\", \"email\" FROM \"users\";",
                "DROP TABLE \"users\";",
                "ALTER TABLE \"new_users\" RENAME TO \"users\";",
                "CREATE TEMP TABLE migrate_foreign_key_check (violations INTEGER CONSTRAINT \"the rebuilt tables hold rows that violate a foreign key (see PRAGMA foreign_key_check)\" CHECK (violations = 0));",
                "INSERT INTO temp.migrate_foreign_key_check SELECT count(*) FROM pragma_foreign_key_check;",
                "DROP TABLE temp.migrate_foreign_key_check;",
                "COMMIT;",
                "PRAGMA legacy_alter_table = 0;",
                "PRAGMA foreign_keys = ON;",
            ],
            [NotNull, TableRebuild]
        ),
        case!(
            D,
            drop_not_null,
            [
                "PRAGMA foreign_keys = OFF;",
                "PRAGMA legacy_alter_table = 1;",
                "BEGIN;",
                "CREATE TABLE \"new_users\" (\n    \"id\" INTEGER NOT NULL,\n    \"name\" TEXT NOT NULL,\n    \"email\" TEXT,\n    PRIMARY KEY (\"id\")\n);",
                "INSERT INTO \"new_users\" (\"id\", \"name\", \"email\") SELECT \"id\", \"name\", \"email\" FROM \"users\";",
                "DROP TABLE \"users\";",
                "ALTER TABLE \"new_users\" RENAME TO \"users\";",
                "CREATE TEMP TABLE migrate_foreign_key_check (violations INTEGER CONSTRAINT \"the rebuilt tables hold rows that violate a foreign key (see PRAGMA foreign_key_check)\" CHECK (violations = 0));",
                "INSERT INTO temp.migrate_foreign_key_check SELECT count(*) FROM pragma_foreign_key_check;",
                "DROP TABLE temp.migrate_foreign_key_check;",
                "COMMIT;",
                "PRAGMA legacy_alter_table = 0;",
                "PRAGMA foreign_keys = ON;",
            ],
            [TableRebuild]
        ),
        case!(
            D,
            change_default,
            [
                "PRAGMA foreign_keys = OFF;",
                "PRAGMA legacy_alter_table = 1;",
                "BEGIN;",
                "CREATE TABLE \"new_users\" (\n    \"id\" INTEGER NOT NULL,\n    \"name\" TEXT NOT NULL,\n    \"score\" INTEGER DEFAULT 10,\n    PRIMARY KEY (\"id\")\n);",
                "INSERT INTO \"new_users\" (\"id\", \"name\", \"score\") SELECT \"id\", \"name\", \"score\" FROM \"users\";",
                "DROP TABLE \"users\";",
                "ALTER TABLE \"new_users\" RENAME TO \"users\";",
                "CREATE TEMP TABLE migrate_foreign_key_check (violations INTEGER CONSTRAINT \"the rebuilt tables hold rows that violate a foreign key (see PRAGMA foreign_key_check)\" CHECK (violations = 0));",
                "INSERT INTO temp.migrate_foreign_key_check SELECT count(*) FROM pragma_foreign_key_check;",
                "DROP TABLE temp.migrate_foreign_key_check;",
                "COMMIT;",
                "PRAGMA legacy_alter_table = 0;",
                "PRAGMA foreign_keys = ON;",
            ],
            [TableRebuild]
        ),
        case!(
            D,
            drop_default,
            [
                "PRAGMA foreign_keys = OFF;",
                "PRAGMA legacy_alter_table = 1;",
                "BEGIN;",
                "CREATE TABLE \"new_users\" (\n    \"id\" INTEGER NOT NULL,\n    \"name\" TEXT NOT NULL,\n    \"score\" INTEGER,\n    PRIMARY KEY (\"id\")\n);",
                "INSERT INTO \"new_users\" (\"id\", \"name\", \"score\") SELECT \"id\", \"name\", \"score\" FROM \"users\";",
                "DROP TABLE \"users\";",
                "ALTER TABLE \"new_users\" RENAME TO \"users\";",
                "CREATE TEMP TABLE migrate_foreign_key_check (violations INTEGER CONSTRAINT \"the rebuilt tables hold rows that violate a foreign key (see PRAGMA foreign_key_check)\" CHECK (violations = 0));",
                "INSERT INTO temp.migrate_foreign_key_check SELECT count(*) FROM pragma_foreign_key_check;",
                "DROP TABLE temp.migrate_foreign_key_check;",
                "COMMIT;",
                "PRAGMA legacy_alter_table = 0;",
                "PRAGMA foreign_keys = ON;",
            ],
            [TableRebuild]
        ),
        case!(D, table_comment, [], []),
        case!(D, column_comment, [], []),
        case!(
            D,
            add_generated_column,
            [
                "PRAGMA foreign_keys = OFF;",
                "PRAGMA legacy_alter_table = 1;",
                "BEGIN;",
                "CREATE TABLE \"new_users\" (\n    \"id\" INTEGER NOT NULL,\n    \"name\" TEXT NOT NULL,\n    \"price\" INTEGER,\n    \"total\" INTEGER GENERATED ALWAYS AS (price * 2) STORED,\n    PRIMARY KEY (\"id\")\n);",
                "INSERT INTO \"new_users\" (\"id\", \"name\", \"price\") SELECT \"id\", \"name\", \"price\" FROM \"users\";",
                "DROP TABLE \"users\";",
                "ALTER TABLE \"new_users\" RENAME TO \"users\";",
                "CREATE TEMP TABLE migrate_foreign_key_check (violations INTEGER CONSTRAINT \"the rebuilt tables hold rows that violate a foreign key (see PRAGMA foreign_key_check)\" CHECK (violations = 0));",
                "INSERT INTO temp.migrate_foreign_key_check SELECT count(*) FROM pragma_foreign_key_check;",
                "DROP TABLE temp.migrate_foreign_key_check;",
                "COMMIT;",
                "PRAGMA legacy_alter_table = 0;",
                "PRAGMA foreign_keys = ON;",
            ],
            [TableRebuild]
        ),
        case!(
            D,
            bigint_to_int,
            [
                "PRAGMA foreign_keys = OFF;",
                "PRAGMA legacy_alter_table = 1;",
                "BEGIN;",
                "CREATE TABLE \"new_users\" (\n    \"id\" INTEGER NOT NULL,\n    \"name\" TEXT NOT NULL,\n    \"count\" INTEGER,\n    PRIMARY KEY (\"id\")\n);",
                "INSERT INTO \"new_users\" (\"id\", \"name\", \"count\") SELECT \"id\", \"name\", \"count\" FROM \"users\";",
                "DROP TABLE \"users\";",
                "ALTER TABLE \"new_users\" RENAME TO \"users\";",
                "CREATE TEMP TABLE migrate_foreign_key_check (violations INTEGER CONSTRAINT \"the rebuilt tables hold rows that violate a foreign key (see PRAGMA foreign_key_check)\" CHECK (violations = 0));",
                "INSERT INTO temp.migrate_foreign_key_check SELECT count(*) FROM pragma_foreign_key_check;",
                "DROP TABLE temp.migrate_foreign_key_check;",
                "COMMIT;",
                "PRAGMA legacy_alter_table = 0;",
                "PRAGMA foreign_keys = ON;",
            ],
            [NarrowingType, TableRebuild]
        ),
        case!(
            D,
            text_to_int,
            [
                "PRAGMA foreign_keys = OFF;",
                "PRAGMA legacy_alter_table = 1;",
                "BEGIN;",
                "CREATE TABLE \"new_users\" (\n    \"id\" INTEGER NOT NULL,\n    \"name\" TEXT NOT NULL,\n    \"age\" INTEGER,\n    PRIMARY KEY (\"id\")\n);",
                "INSERT INTO \"new_users\" (\"id\", \"name\", \"age\") SELECT \"id\", \"name\", \"age\" FROM \"users\";",
                "DROP TABLE \"users\";",
                "ALTER TABLE \"new_users\" RENAME TO \"users\";",
                "CREATE TEMP TABLE migrate_foreign_key_check (violations INTEGER CONSTRAINT \"the rebuilt tables hold rows that violate a foreign key (see PRAGMA foreign_key_check)\" CHECK (violations = 0));",
                "INSERT INTO temp.migrate_foreign_key_check SELECT count(*) FROM pragma_foreign_key_check;",
                "DROP TABLE temp.migrate_foreign_key_check;",
                "COMMIT;",
                "PRAGMA legacy_alter_table = 0;",
                "PRAGMA foreign_keys = ON;",
            ],
            [NarrowingType, TableRebuild]
        ),
        case!(
            D,
            rename_and_alter,
            [
                "PRAGMA foreign_keys = OFF;",
                "PRAGMA legacy_alter_table = 1;",
                "BEGIN;",
                "ALTER TABLE \"users\" RENAME COLUMN \"mail\" TO \"email\";",
                "CREATE TABLE \"new_users\" (\n    \"id\" INTEGER NOT NULL,\n    \"name\" TEXT NOT NULL,\n    \"email\" VARCHAR(200) NOT NULL,\n    PRIMARY KEY (\"id\")\n);",
                "INSERT INTO \"new_users\" (\"id\", \"name\", \"email\") SELECT \"id\", \"name\", \"email\" FROM \"users\";",
                "DROP TABLE \"users\";",
                "ALTER TABLE \"new_users\" RENAME TO \"users\";",
                "CREATE TEMP TABLE migrate_foreign_key_check (violations INTEGER CONSTRAINT \"the rebuilt tables hold rows that violate a foreign key (see PRAGMA foreign_key_check)\" CHECK (violations = 0));",
                "INSERT INTO temp.migrate_foreign_key_check SELECT count(*) FROM pragma_foreign_key_check;",
                "DROP TABLE temp.migrate_foreign_key_check;",
                "COMMIT;",
                "PRAGMA legacy_alter_table = 0;",
                "PRAGMA foreign_keys = ON;",
            ],
            [NotNull, TableRebuild]
        ),
        case!(
            D,
            rename_table_referenced_by_fk,
            [
                "ALTER TABLE \"people\" RENAME TO \"users\";",
            ],
            []
        ),
        case!(
            D,
            drop_table_suggests_rename,
            [
                "DROP TABLE \"people\";",
                "CREATE TABLE \"users\" (\n    \"id\" INTEGER NOT NULL,\n    PRIMARY KEY (\"id\")\n);",
            ],
            [DataLoss]
        ),
        case!(
            D,
            autoincrement,
            [
                "CREATE TABLE \"events\" (\n    \"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,\n    \"kind\" TEXT\n);",
            ],
            []
        ),
        case!(
            D,
            sqlite_rebuild_renamed_table_keeps_rows,
            [
                "PRAGMA foreign_keys = OFF;",
                "PRAGMA legacy_alter_table = 1;",
                "BEGIN;",
                "ALTER TABLE \"people\" RENAME TO \"users\";",
                "ALTER TABLE \"users\" RENAME COLUMN \"full_name\" TO \"name\";",
                "CREATE TABLE \"new_users\" (\n    \"id\" INTEGER NOT NULL,\n    \"name\" TEXT,\n    \"age\" INTEGER,\n    PRIMARY KEY (\"id\")\n);",
                "INSERT INTO \"new_users\" (\"id\", \"name\", \"age\") SELECT \"id\", \"name\", \"age\" FROM \"users\";",
                "DROP TABLE \"users\";",
                "ALTER TABLE \"new_users\" RENAME TO \"users\";",
                "CREATE INDEX \"users_name_idx\" ON \"users\" (\"name\");",
                "CREATE TEMP TABLE migrate_foreign_key_check (violations INTEGER CONSTRAINT \"the rebuilt tables hold rows that violate a foreign key (see PRAGMA foreign_key_check)\" CHECK (violations = 0));",
                "INSERT INTO temp.migrate_foreign_key_check SELECT count(*) FROM pragma_foreign_key_check;",
                "DROP TABLE temp.migrate_foreign_key_check;",
                "COMMIT;",
                "PRAGMA legacy_alter_table = 0;",
                "PRAGMA foreign_keys = ON;",
            ],
            [NarrowingType, TableRebuild]
        ),
        case!(
            D,
            sqlite_add_column_with_expression_default,
            [
                "PRAGMA foreign_keys = OFF;",
                "PRAGMA legacy_alter_table = 1;",
                "BEGIN;",
                "CREATE TABLE \"new_logs\" (\n    \"id\" INTEGER NOT NULL,\n    \"at\" TIMESTAMP DEFAULT CURRENT_TIMESTAMP,\n    PRIMARY KEY (\"id\")\n);",
                "INSERT INTO \"new_logs\" (\"id\") SELECT \"id\" FROM \"logs\";",
                "DROP TABLE \"logs\";",
                "ALTER TABLE \"new_logs\" RENAME TO \"logs\";",
                "CREATE TEMP TABLE migrate_foreign_key_check (violations INTEGER CONSTRAINT \"the rebuilt tables hold rows that violate a foreign key (see PRAGMA foreign_key_check)\" CHECK (violations = 0));",
                "INSERT INTO temp.migrate_foreign_key_check SELECT count(*) FROM pragma_foreign_key_check;",
                "DROP TABLE temp.migrate_foreign_key_check;",
                "COMMIT;",
                "PRAGMA legacy_alter_table = 0;",
                "PRAGMA foreign_keys = ON;",
            ],
            [TableRebuild]
        ),
        case!(
            D,
            sqlite_untyped_column,
            [
                "ALTER TABLE \"kv\" ADD COLUMN \"v\";",
            ],
            []
        ),
        case!(
            D,
            pg_create_enum_and_column,
            [
                "ALTER TABLE \"people\" ADD COLUMN \"feeling\" MOOD;",
            ],
            []
        ),
    ]);
}
