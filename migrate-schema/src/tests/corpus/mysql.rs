//! The corpus on Mysql.

use super::*;

const D: Dialect = Dialect::Mysql;

#[test]
fn corpus() {
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
            add_unique,
            [
                "ALTER TABLE `users` ADD CONSTRAINT `users_name_key` UNIQUE (`name`);",
            ],
            [ImplicitCommit]
        ),
        case!(
            D,
            drop_unique,
            [
                "ALTER TABLE `users` DROP INDEX `users_name_key`;",
            ],
            [ImplicitCommit]
        ),
        case!(
            D,
            add_foreign_key,
            [
                "ALTER TABLE `posts` ADD CONSTRAINT `posts_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`);",
            ],
            [ImplicitCommit]
        ),
        case!(
            D,
            drop_foreign_key,
            [
                "ALTER TABLE `posts` DROP FOREIGN KEY `posts_user_id_fkey`;",
            ],
            [ImplicitCommit]
        ),
        case!(
            D,
            change_on_delete,
            [
                "ALTER TABLE `posts` DROP FOREIGN KEY `posts_user_id_fkey`;",
                "ALTER TABLE `posts` ADD CONSTRAINT `posts_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE;",
            ],
            [ImplicitCommit]
        ),
        case!(
            D,
            create_tables_with_foreign_key,
            [
                "CREATE TABLE `posts` (\n    `id` int NOT NULL,\n    `user_id` int NOT NULL,\n    PRIMARY KEY (`id`)\n);",
                "CREATE TABLE `users` (\n    `id` int NOT NULL,\n    `name` text NOT NULL,\n    PRIMARY KEY (`id`)\n);",
                "ALTER TABLE `posts` ADD CONSTRAINT `posts_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE;",
            ],
            [ImplicitCommit]
        ),
        case!(
            D,
            drop_tables_in_a_cycle,
            [
                "ALTER TABLE `a` DROP FOREIGN KEY `a_b_fkey`;",
                "ALTER TABLE `b` DROP FOREIGN KEY `b_a_fkey`;",
                "DROP TABLE `a`;",
                "DROP TABLE `b`;",
            ],
            [DataLoss, ImplicitCommit]
        ),
        case!(D, unnamed_constraints_match_by_content, [], []),
        case!(
            D,
            add_check,
            [
                "ALTER TABLE `users` ADD CONSTRAINT `users_name_check` CHECK (length(name) > 0);",
            ],
            [ImplicitCommit]
        ),
        case!(
            D,
            create_index,
            [
                "CREATE INDEX `users_name_idx` ON `users` (`name`);",
            ],
            [ImplicitCommit]
        ),
        case!(
            D,
            drop_index,
            [
                "DROP INDEX `users_name_idx` ON `users`;",
            ],
            [ImplicitCommit]
        ),
        case!(
            D,
            partial_expression_index,
            [
                "CREATE UNIQUE INDEX `users_lower_name_idx` ON `users` ((lower(name)));",
            ],
            [ImplicitCommit]
        ),
        case!(
            D,
            change_primary_key,
            [
                "ALTER TABLE `memberships` DROP PRIMARY KEY;",
                "ALTER TABLE `memberships` ADD PRIMARY KEY (`user_id`, `team_id`);",
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
                "ALTER TABLE `users` ADD COLUMN `total` int GENERATED ALWAYS AS (price * 2) STORED NULL;",
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
            mysql_fulltext_and_hash_indexes,
            [
                "CREATE FULLTEXT INDEX `articles_body_ft` ON `articles` (`body`);",
                "CREATE INDEX `articles_slug_hash` ON `articles` (`slug`) USING HASH;",
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
        case!(
            D,
            mysql_foreign_key_with_its_index,
            [
                "CREATE INDEX `posts_user_fk` ON `posts` (`user_id`);",
                "ALTER TABLE `posts` ADD CONSTRAINT `posts_user_fk` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`);",
            ],
            [ImplicitCommit]
        ),
        case!(
            D,
            mysql_drop_foreign_key_with_its_index,
            [
                "ALTER TABLE `posts` DROP FOREIGN KEY `posts_user_fk`;",
                "DROP INDEX `posts_user_fk` ON `posts`;",
            ],
            [ImplicitCommit]
        ),
    ]);
}
