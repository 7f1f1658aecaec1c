//! The corpus on Postgres: keys, constraints and indexes.

use super::*;

const D: Dialect = Dialect::Postgres;

#[test]
fn keys_and_indexes() {
    check(vec![
        case!(
            D,
            add_unique,
            [
                "ALTER TABLE \"users\" ADD CONSTRAINT \"users_name_key\" UNIQUE (\"name\");",
            ],
            [Lock]
        ),
        case!(
            D,
            drop_unique,
            [
                "ALTER TABLE \"users\" DROP CONSTRAINT \"users_name_key\";",
            ],
            []
        ),
        case!(
            D,
            add_foreign_key,
            [
                "ALTER TABLE \"posts\" ADD CONSTRAINT \"posts_user_id_fkey\" FOREIGN KEY (\"user_id\") REFERENCES \"users\" (\"id\");",
            ],
            [Lock]
        ),
        case!(
            D,
            drop_foreign_key,
            [
                "ALTER TABLE \"posts\" DROP CONSTRAINT \"posts_user_id_fkey\";",
            ],
            []
        ),
        case!(
            D,
            change_on_delete,
            [
                "ALTER TABLE \"posts\" DROP CONSTRAINT \"posts_user_id_fkey\";",
                "ALTER TABLE \"posts\" ADD CONSTRAINT \"posts_user_id_fkey\" FOREIGN KEY (\"user_id\") REFERENCES \"users\" (\"id\") ON DELETE CASCADE;",
            ],
            [Lock]
        ),
        case!(
            D,
            create_tables_with_foreign_key,
            [
                "CREATE TABLE \"posts\" (\n    \"id\" integer NOT NULL,\n    \"user_id\" integer NOT NULL,\n    PRIMARY KEY (\"id\")\n);",
                "CREATE TABLE \"users\" (\n    \"id\" integer NOT NULL,\n    \"name\" text NOT NULL,\n    PRIMARY KEY (\"id\")\n);",
                "ALTER TABLE \"posts\" ADD CONSTRAINT \"posts_user_id_fkey\" FOREIGN KEY (\"user_id\") REFERENCES \"users\" (\"id\") ON DELETE CASCADE;",
            ],
            []
        ),
        case!(
            D,
            drop_tables_in_a_cycle,
            [
                "ALTER TABLE \"a\" DROP CONSTRAINT \"a_b_fkey\";",
                "ALTER TABLE \"b\" DROP CONSTRAINT \"b_a_fkey\";",
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
                "ALTER TABLE \"users\" ADD CONSTRAINT \"users_name_check\" CHECK (length(name) > 0);",
            ],
            [Lock]
        ),
        case!(
            D,
            create_index,
            [
                "CREATE INDEX \"users_name_idx\" ON \"users\" (\"name\");",
            ],
            [Lock]
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
            [Lock]
        ),
        case!(
            D,
            change_primary_key,
            [
                "ALTER TABLE \"memberships\" DROP CONSTRAINT \"memberships_pkey\";",
                "ALTER TABLE \"memberships\" ADD PRIMARY KEY (\"user_id\", \"team_id\");",
            ],
            [Lock]
        ),
        case!(
            D,
            pg_gin_index_and_comment_removed,
            [
                "COMMENT ON COLUMN \"docs\".\"body\" IS NULL;",
                "CREATE INDEX \"docs_body_idx\" ON \"docs\" USING gin (\"body\");",
                "COMMENT ON TABLE \"docs\" IS NULL;",
            ],
            [Lock]
        ),
        case!(
            D,
            retype_both_ends_of_a_foreign_key,
            [
                "ALTER TABLE \"posts\" DROP CONSTRAINT \"posts_user_id_fkey\";",
                "ALTER TABLE \"posts\" ALTER COLUMN \"user_id\" TYPE bigint;",
                "ALTER TABLE \"users\" ALTER COLUMN \"id\" TYPE bigint;",
                "ALTER TABLE \"posts\" ADD CONSTRAINT \"posts_user_id_fkey\" FOREIGN KEY (\"user_id\") REFERENCES \"users\" (\"id\");",
            ],
            [TableRewrite, Lock]
        ),
    ]);
}
