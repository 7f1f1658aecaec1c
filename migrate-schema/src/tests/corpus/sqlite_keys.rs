//! The corpus on Sqlite: keys, constraints and indexes.

use super::*;

const D: Dialect = Dialect::Sqlite;

#[test]
fn keys_and_indexes() {
    check(vec![
        case!(
            D,
            add_unique,
            [
                "PRAGMA foreign_keys = OFF;",
                "PRAGMA legacy_alter_table = 1;",
                "BEGIN;",
                "CREATE TABLE \"new_users\" (\n    \"id\" INTEGER NOT NULL,\n    \"name\" TEXT NOT NULL,\n    PRIMARY KEY (\"id\"),\n    CONSTRAINT \"users_name_key\" UNIQUE (\"name\")\n);",
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
            [TableRebuild]
        ),
        case!(
            D,
            drop_unique,
            [
                "PRAGMA foreign_keys = OFF;",
                "PRAGMA legacy_alter_table = 1;",
                "BEGIN;",
                "CREATE TABLE \"new_users\" (\n    \"id\" INTEGER NOT NULL,\n    \"name\" TEXT NOT NULL,\n    PRIMARY KEY (\"id\")\n);",
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
            [TableRebuild]
        ),
        case!(
            D,
            add_foreign_key,
            [
                "PRAGMA foreign_keys = OFF;",
                "PRAGMA legacy_alter_table = 1;",
                "BEGIN;",
                "CREATE TABLE \"new_posts\" (\n    \"id\" INTEGER NOT NULL,\n    \"user_id\" INTEGER NOT NULL,\n    PRIMARY KEY (\"id\"),\n    CONSTRAINT \"posts_user_id_fkey\" FOREIGN KEY (\"user_id\") REFERENCES \"users\" (\"id\")\n);",
                "INSERT INTO \"new_posts\" (\"id\", \"user_id\") SELECT \"id\", \"user_id\" FROM \"posts\";",
                "DROP TABLE \"posts\";",
                "ALTER TABLE \"new_posts\" RENAME TO \"posts\";",
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
            drop_foreign_key,
            [
                "PRAGMA foreign_keys = OFF;",
                "PRAGMA legacy_alter_table = 1;",
                "BEGIN;",
                "CREATE TABLE \"new_posts\" (\n    \"id\" INTEGER NOT NULL,\n    \"user_id\" INTEGER NOT NULL,\n    PRIMARY KEY (\"id\")\n);",
                "INSERT INTO \"new_posts\" (\"id\", \"user_id\") SELECT \"id\", \"user_id\" FROM \"posts\";",
                "DROP TABLE \"posts\";",
                "ALTER TABLE \"new_posts\" RENAME TO \"posts\";",
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
            change_on_delete,
            [
                "PRAGMA foreign_keys = OFF;",
                "PRAGMA legacy_alter_table = 1;",
                "BEGIN;",
                "CREATE TABLE \"new_posts\" (\n    \"id\" INTEGER NOT NULL,\n    \"user_id\" INTEGER NOT NULL,\n    PRIMARY KEY (\"id\"),\n    CONSTRAINT \"posts_user_id_fkey\" FOREIGN KEY (\"user_id\") REFERENCES \"users\" (\"id\") ON DELETE CASCADE\n);",
                "INSERT INTO \"new_posts\" (\"id\", \"user_id\") SELECT \"id\", \"user_id\" FROM \"posts\";",
                "DROP TABLE \"posts\";",
                "ALTER TABLE \"new_posts\" RENAME TO \"posts\";",
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
            create_tables_with_foreign_key,
            [
                "CREATE TABLE \"posts\" (\n    \"id\" INTEGER NOT NULL,\n    \"user_id\" INTEGER NOT NULL,\n    PRIMARY KEY (\"id\"),\n    CONSTRAINT \"posts_user_id_fkey\" FOREIGN KEY (\"user_id\") REFERENCES \"users\" (\"id\") ON DELETE CASCADE\n);",
                "CREATE TABLE \"users\" (\n    \"id\" INTEGER NOT NULL,\n    \"name\" TEXT NOT NULL,\n    PRIMARY KEY (\"id\")\n);",
            ],
            []
        ),
        case!(
            D,
            drop_tables_in_a_cycle,
            [
                "PRAGMA defer_foreign_keys = ON;",
                "DROP TABLE \"a\";",
                "DROP TABLE \"b\";",
            ],
            [DataLoss]
        ),
        case!(D, unnamed_constraints_match_by_content, [], []),
        case!(
            D,
            add_check,
            [
                "PRAGMA foreign_keys = OFF;",
                "PRAGMA legacy_alter_table = 1;",
                "BEGIN;",
                "CREATE TABLE \"new_users\" (\n    \"id\" INTEGER NOT NULL,\n    \"name\" TEXT NOT NULL,\n    PRIMARY KEY (\"id\"),\n    CONSTRAINT \"users_name_check\" CHECK (length(name) > 0)\n);",
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
            [TableRebuild]
        ),
        case!(
            D,
            create_index,
            [
                "CREATE INDEX \"users_name_idx\" ON \"users\" (\"name\");",
            ],
            []
        ),
        case!(
            D,
            drop_index,
            [
                "DROP INDEX \"users_name_idx\";",
            ],
            []
        ),
        case!(
            D,
            partial_expression_index,
            [
                "CREATE UNIQUE INDEX \"users_lower_name_idx\" ON \"users\" ((lower(name))) WHERE name <> '';",
            ],
            []
        ),
        case!(
            D,
            change_primary_key,
            [
                "PRAGMA foreign_keys = OFF;",
                "PRAGMA legacy_alter_table = 1;",
                "BEGIN;",
                "CREATE TABLE \"new_memberships\" (\n    \"user_id\" INTEGER NOT NULL,\n    \"team_id\" INTEGER NOT NULL,\n    PRIMARY KEY (\"user_id\", \"team_id\")\n);",
                "INSERT INTO \"new_memberships\" (\"user_id\", \"team_id\") SELECT \"user_id\", \"team_id\" FROM \"memberships\";",
                "DROP TABLE \"memberships\";",
                "ALTER TABLE \"new_memberships\" RENAME TO \"memberships\";",
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
            sqlite_drop_constrained_column,
            [
                "PRAGMA foreign_keys = OFF;",
                "PRAGMA legacy_alter_table = 1;",
                "BEGIN;",
                "CREATE TABLE \"new_tags\" (\n    \"id\" INTEGER NOT NULL,\n    \"note\" TEXT,\n    PRIMARY KEY (\"id\")\n);",
                "INSERT INTO \"new_tags\" (\"id\", \"note\") SELECT \"id\", \"note\" FROM \"tags\";",
                "DROP TABLE \"tags\";",
                "ALTER TABLE \"new_tags\" RENAME TO \"tags\";",
                "CREATE TEMP TABLE migrate_foreign_key_check (violations INTEGER CONSTRAINT \"the rebuilt tables hold rows that violate a foreign key (see PRAGMA foreign_key_check)\" CHECK (violations = 0));",
                "INSERT INTO temp.migrate_foreign_key_check SELECT count(*) FROM pragma_foreign_key_check;",
                "DROP TABLE temp.migrate_foreign_key_check;",
                "COMMIT;",
                "PRAGMA legacy_alter_table = 0;",
                "PRAGMA foreign_keys = ON;",
            ],
            [DataLoss, TableRebuild]
        ),
        case!(
            D,
            retype_both_ends_of_a_foreign_key,
            [
                "PRAGMA foreign_keys = OFF;",
                "PRAGMA legacy_alter_table = 1;",
                "BEGIN;",
                "CREATE TABLE \"new_users\" (\n    \"id\" BIGINT NOT NULL,\n    PRIMARY KEY (\"id\")\n);",
                "INSERT INTO \"new_users\" (\"id\") SELECT \"id\" FROM \"users\";",
                "DROP TABLE \"users\";",
                "ALTER TABLE \"new_users\" RENAME TO \"users\";",
                "CREATE TABLE \"new_posts\" (\n    \"id\" INTEGER NOT NULL,\n    \"user_id\" BIGINT NOT NULL,\n    PRIMARY KEY (\"id\"),\n    CONSTRAINT \"posts_user_id_fkey\" FOREIGN KEY (\"user_id\") REFERENCES \"users\" (\"id\")\n);",
                "INSERT INTO \"new_posts\" (\"id\", \"user_id\") SELECT \"id\", \"user_id\" FROM \"posts\";",
                "DROP TABLE \"posts\";",
                "ALTER TABLE \"new_posts\" RENAME TO \"posts\";",
                "CREATE TEMP TABLE migrate_foreign_key_check (violations INTEGER CONSTRAINT \"the rebuilt tables hold rows that violate a foreign key (see PRAGMA foreign_key_check)\" CHECK (violations = 0));",
                "INSERT INTO temp.migrate_foreign_key_check SELECT count(*) FROM pragma_foreign_key_check;",
                "DROP TABLE temp.migrate_foreign_key_check;",
                "COMMIT;",
                "PRAGMA legacy_alter_table = 0;",
                "PRAGMA foreign_keys = ON;",
            ],
            [TableRebuild]
        ),
    ]);
}
