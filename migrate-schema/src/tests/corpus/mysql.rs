//! The corpus on Mysql: tables, columns, types and renames.

use super::*;

const D: Dialect = Dialect::MySql;

#[test]
fn tables_and_columns() {
    check(vec![
        case!(D, unchanged, [], []),
        case!(
            D,
            create_table,
            [
                "CREATE TABLE `users` (\n    `id` int NOT NULL,\n    `name` text NOT NULL,\n    `email` varchar(255) NOT NULL,\n    `active` tinyint(1) NOT NULL DEFAULT 1,\n    PRIMARY KEY (`id`),\n    CONSTRAINT `users_email_key` UNIQUE (`email`),\n    CONSTRAINT `users_name_check` CHECK (length(name) > 0)\n);",
            ],
            [ImplicitCommit]
        ),
        case!(
            D,
            drop_table,
            [
                "DROP TABLE `users`;",
            ],
            [DataLoss, ImplicitCommit]
        ),
        case!(
            D,
            add_nullable_column,
            [
                "ALTER TABLE `users` ADD COLUMN `email` text NULL;",
            ],
            [ImplicitCommit]
        ),
        case!(
            D,
            add_column_with_default,
            [
                "ALTER TABLE `users` ADD COLUMN `score` int NOT NULL DEFAULT 0;",
            ],
            [ImplicitCommit]
        ),
        case!(
            D,
            add_not_null_without_default,
            [
                "ALTER TABLE `users` ADD COLUMN `email` text NOT NULL;",
            ],
            [NotNull, ImplicitCommit]
        ),
        case!(
            D,
            drop_column,
            [
                "ALTER TABLE `users` DROP COLUMN `email`;",
            ],
            [DataLoss, ImplicitCommit]
        ),
        case!(
            D,
            rename_column,
            [
                "ALTER TABLE `users` RENAME COLUMN `full_name` TO `name`;",
            ],
            [ImplicitCommit]
        ),
        case!(
            D,
            rename_column_without_hint,
            [
                "ALTER TABLE `users` DROP COLUMN `full_name`;",
                "ALTER TABLE `users` ADD COLUMN `name` text NULL;",
            ],
            [DataLoss, ImplicitCommit]
        ),
        case!(
            D,
            rename_table,
            [
                "RENAME TABLE `people` TO `users`;",
            ],
            [ImplicitCommit]
        ),
        case!(D, stale_hints_are_ignored, [], []),
        case!(
            D,
            widen_varchar,
            [
                "ALTER TABLE `users` MODIFY COLUMN `email` varchar(100) NULL;",
            ],
            [ImplicitCommit]
        ),
        case!(
            D,
            narrow_varchar,
            [
                "ALTER TABLE `users` MODIFY COLUMN `email` varchar(50) NULL;",
            ],
            [NarrowingType, TableRewrite, ImplicitCommit]
        ),
        case!(
            D,
            set_not_null,
            [
                "ALTER TABLE `users` MODIFY COLUMN `email` text NOT NULL;",
            ],
            [NotNull, ImplicitCommit]
        ),
        case!(
            D,
            drop_not_null,
            [
                "ALTER TABLE `users` MODIFY COLUMN `email` text NULL;",
            ],
            [ImplicitCommit]
        ),
        case!(
            D,
            change_default,
            [
                "ALTER TABLE `users` MODIFY COLUMN `score` int NULL DEFAULT 10;",
            ],
            [ImplicitCommit]
        ),
        case!(
            D,
            drop_default,
            [
                "ALTER TABLE `users` MODIFY COLUMN `score` int NULL;",
            ],
            [ImplicitCommit]
        ),
        case!(
            D,
            table_comment,
            [
                "ALTER TABLE `users` COMMENT = 'people who log in';",
            ],
            [ImplicitCommit]
        ),
        case!(
            D,
            column_comment,
            [
                "ALTER TABLE `users` MODIFY COLUMN `email` text NULL COMMENT 'where we write';",
            ],
            [ImplicitCommit]
        ),
        case!(
            D,
            add_generated_column,
            [
                "ALTER TABLE `users` ADD COLUMN `total` int GENERATED ALWAYS AS (price * 2) STORED;",
            ],
            [ImplicitCommit]
        ),
        case!(
            D,
            bigint_to_int,
            [
                "ALTER TABLE `users` MODIFY COLUMN `count` int NULL;",
            ],
            [NarrowingType, TableRewrite, ImplicitCommit]
        ),
        case!(
            D,
            text_to_int,
            [
                "ALTER TABLE `users` MODIFY COLUMN `age` int NULL;",
            ],
            [NarrowingType, TableRewrite, ImplicitCommit]
        ),
        case!(
            D,
            rename_and_alter,
            [
                "ALTER TABLE `users` RENAME COLUMN `mail` TO `email`;",
                "ALTER TABLE `users` MODIFY COLUMN `email` varchar(200) NOT NULL;",
            ],
            [NotNull, ImplicitCommit]
        ),
        case!(
            D,
            rename_table_referenced_by_fk,
            [
                "RENAME TABLE `people` TO `users`;",
            ],
            [ImplicitCommit]
        ),
        case!(
            D,
            drop_table_suggests_rename,
            [
                "DROP TABLE `people`;",
                "CREATE TABLE `users` (\n    `id` int NOT NULL,\n    PRIMARY KEY (`id`)\n);",
            ],
            [DataLoss, ImplicitCommit]
        ),
        case!(
            D,
            autoincrement,
            [
                "CREATE TABLE `events` (\n    `id` int NOT NULL AUTO_INCREMENT,\n    `kind` text NULL,\n    PRIMARY KEY (`id`)\n);",
            ],
            [ImplicitCommit]
        ),
        case!(
            D,
            mysql_modify_keeps_every_attribute,
            [
                "ALTER TABLE `books` MODIFY COLUMN `title` varchar(200) COLLATE utf8mb4_bin NOT NULL DEFAULT 'untitled' COMMENT 'shown in lists';",
            ],
            [ImplicitCommit]
        ),
        case!(D, mysql_display_width_is_not_a_change, [], []),
        case!(
            D,
            pg_table_in_new_schema,
            [
                "CREATE TABLE `billing`.`invoices` (\n    `id` int NOT NULL,\n    `amount` numeric(10,2) NOT NULL,\n    PRIMARY KEY (`id`)\n);",
            ],
            [ImplicitCommit]
        ),
    ]);
}
