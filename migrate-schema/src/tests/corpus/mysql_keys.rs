//! The corpus on Mysql: keys, constraints and indexes.

use super::*;

const D: Dialect = Dialect::MySql;

#[test]
fn keys_and_indexes() {
    check(vec![
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
            mysql_fulltext_and_hash_indexes,
            [
                "CREATE FULLTEXT INDEX `articles_body_ft` ON `articles` (`body`);",
                "CREATE INDEX `articles_slug_hash` ON `articles` (`slug`) USING HASH;",
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
        case!(
            D,
            retype_both_ends_of_a_foreign_key,
            [
                "ALTER TABLE `posts` DROP FOREIGN KEY `posts_user_id_fkey`;",
                "ALTER TABLE `posts` MODIFY COLUMN `user_id` bigint NOT NULL;",
                "ALTER TABLE `users` MODIFY COLUMN `id` bigint NOT NULL;",
                "ALTER TABLE `posts` ADD CONSTRAINT `posts_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`);",
            ],
            [TableRewrite, ImplicitCommit]
        ),
    ]);
}
