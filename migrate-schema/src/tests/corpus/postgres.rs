//! The corpus on Postgres: tables, columns, types and renames.

use super::*;

const D: Dialect = Dialect::Postgres;

#[test]
fn tables_and_columns() {
    check(vec![
        case!(D, unchanged, [], []),
        case!(
            D,
            create_table,
            [
                "CREATE TABLE \"users\" (\n    \"id\" integer NOT NULL,\n    \"name\" text NOT NULL,\n    \"email\" character varying(255) NOT NULL,\n    \"active\" boolean NOT NULL DEFAULT true,\n    PRIMARY KEY (\"id\"),\n    CONSTRAINT \"users_email_key\" UNIQUE (\"email\"),\n    CONSTRAINT \"users_name_check\" CHECK (length(name) > 0)\n);",
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
                "ALTER TABLE \"users\" ADD COLUMN \"email\" text;",
            ],
            []
        ),
        case!(
            D,
            add_column_with_default,
            [
                "ALTER TABLE \"users\" ADD COLUMN \"score\" integer NOT NULL DEFAULT 0;",
            ],
            []
        ),
        case!(
            D,
            add_not_null_without_default,
            [
                "ALTER TABLE \"users\" ADD COLUMN \"email\" text NOT NULL;",
            ],
            [NotNull]
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
                "ALTER TABLE \"users\" ADD COLUMN \"name\" text;",
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
                "ALTER TABLE \"users\" ALTER COLUMN \"email\" TYPE character varying(100);",
            ],
            []
        ),
        case!(
            D,
            narrow_varchar,
            [
                "ALTER TABLE \"users\" ALTER COLUMN \"email\" TYPE character varying(50);",
            ],
            [NarrowingType, TableRewrite]
        ),
        case!(
            D,
            set_not_null,
            [
                "ALTER TABLE \"users\" ALTER COLUMN \"email\" SET NOT NULL;",
            ],
            [NotNull]
        ),
        case!(
            D,
            drop_not_null,
            [
                "ALTER TABLE \"users\" ALTER COLUMN \"email\" DROP NOT NULL;",
            ],
            []
        ),
        case!(
            D,
            change_default,
            [
                "ALTER TABLE \"users\" ALTER COLUMN \"score\" SET DEFAULT 10;",
            ],
            []
        ),
        case!(
            D,
            drop_default,
            [
                "ALTER TABLE \"users\" ALTER COLUMN \"score\" DROP DEFAULT;",
            ],
            []
        ),
        case!(
            D,
            table_comment,
            [
                "COMMENT ON TABLE \"users\" IS 'people who log in';",
            ],
            []
        ),
        case!(
            D,
            column_comment,
            [
                "COMMENT ON COLUMN \"users\".\"email\" IS 'where we write';",
            ],
            []
        ),
        case!(
            D,
            add_generated_column,
            [
                "ALTER TABLE \"users\" ADD COLUMN \"total\" integer GENERATED ALWAYS AS (price * 2) STORED;",
            ],
            [TableRewrite]
        ),
        case!(
            D,
            bigint_to_int,
            [
                "ALTER TABLE \"users\" ALTER COLUMN \"count\" TYPE integer;",
            ],
            [NarrowingType, TableRewrite]
        ),
        case!(
            D,
            text_to_int,
            [
                "ALTER TABLE \"users\" ALTER COLUMN \"age\" TYPE integer USING \"age\"::integer;",
            ],
            [NarrowingType, TableRewrite]
        ),
        case!(
            D,
            rename_and_alter,
            [
                "ALTER TABLE \"users\" RENAME COLUMN \"mail\" TO \"email\";",
                "ALTER TABLE \"users\" ALTER COLUMN \"email\" TYPE character varying(200);",
                "ALTER TABLE \"users\" ALTER COLUMN \"email\" SET NOT NULL;",
            ],
            [NotNull]
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
                "CREATE TABLE \"users\" (\n    \"id\" integer NOT NULL,\n    PRIMARY KEY (\"id\")\n);",
            ],
            [DataLoss]
        ),
        case!(
            D,
            autoincrement,
            [
                "CREATE TABLE \"events\" (\n    \"id\" integer GENERATED BY DEFAULT AS IDENTITY NOT NULL,\n    \"kind\" text,\n    PRIMARY KEY (\"id\")\n);",
            ],
            []
        ),
        case!(
            D,
            pg_create_enum_and_column,
            [
                "CREATE TYPE \"mood\" AS ENUM ('sad', 'ok');",
                "ALTER TABLE \"people\" ADD COLUMN \"feeling\" mood;",
            ],
            []
        ),
        case!(
            D,
            pg_drop_enum_and_column,
            [
                "ALTER TABLE \"people\" DROP COLUMN \"feeling\";",
                "DROP TYPE \"mood\";",
            ],
            [DataLoss]
        ),
        case!(
            D,
            pg_add_enum_values,
            [
                "ALTER TYPE \"mood\" ADD VALUE 'meh' BEFORE 'sad';",
                "ALTER TYPE \"mood\" ADD VALUE 'happy';",
            ],
            []
        ),
        case!(
            D,
            pg_remove_enum_value,
            [
                "ALTER TYPE \"mood\" RENAME TO \"mood_old\";",
                "CREATE TYPE \"mood\" AS ENUM ('sad', 'happy');",
                "ALTER TABLE \"people\" ALTER COLUMN \"feeling\" TYPE \"mood\" USING \"feeling\"::text::\"mood\";",
                "DROP TYPE \"mood_old\";",
            ],
            [DataLoss]
        ),
        case!(
            D,
            pg_table_in_new_schema,
            [
                "CREATE SCHEMA \"billing\";",
                "CREATE TABLE \"billing\".\"invoices\" (\n    \"id\" integer NOT NULL,\n    \"amount\" numeric(10,2) NOT NULL,\n    PRIMARY KEY (\"id\")\n);",
            ],
            []
        ),
        case!(
            D,
            pg_drop_schema_with_table,
            [
                "DROP TABLE \"billing\".\"invoices\";",
                "DROP SCHEMA \"billing\";",
            ],
            [DataLoss]
        ),
        case!(
            D,
            pg_add_identity,
            [
                "ALTER TABLE \"events\" ALTER COLUMN \"id\" ADD GENERATED ALWAYS AS IDENTITY;",
                "SELECT setval(pg_get_serial_sequence('\"events\"', 'id'), GREATEST(MAX(\"id\") + 1, 1), false) FROM \"events\" HAVING MAX(\"id\") IS NOT NULL;",
            ],
            []
        ),
        case!(
            D,
            pg_drop_identity_and_not_null,
            [
                "ALTER TABLE \"events\" ALTER COLUMN \"id\" DROP IDENTITY;",
                "ALTER TABLE \"events\" ALTER COLUMN \"id\" DROP NOT NULL;",
            ],
            []
        ),
        case!(
            D,
            pg_change_generation_expression,
            [
                "ALTER TABLE \"items\" DROP COLUMN \"total\";",
                "ALTER TABLE \"items\" ADD COLUMN \"total\" integer GENERATED ALWAYS AS (price * 3) STORED;",
            ],
            []
        ),
        case!(
            D,
            pg_stop_generating,
            [
                "ALTER TABLE \"items\" ALTER COLUMN \"total\" DROP EXPRESSION;",
            ],
            []
        ),
        case!(
            D,
            pg_type_change_with_default,
            [
                "ALTER TABLE \"items\" ALTER COLUMN \"code\" DROP DEFAULT;",
                "ALTER TABLE \"items\" ALTER COLUMN \"code\" TYPE text;",
                "ALTER TABLE \"items\" ALTER COLUMN \"code\" SET DEFAULT '0'::text;",
            ],
            [TableRewrite]
        ),
        case!(
            D,
            pg_move_table_to_schema,
            [
                "ALTER TABLE \"invoices\" SET SCHEMA \"billing\";",
                "ALTER TABLE \"billing\".\"invoices\" RENAME TO \"bills\";",
            ],
            []
        ),
        case!(
            D,
            pg_collation,
            [
                "ALTER TABLE \"names\" ALTER COLUMN \"value\" TYPE text COLLATE \"C\";",
            ],
            []
        ),
        case!(
            D,
            pg_remove_enum_value_with_default_and_array,
            [
                "ALTER TYPE \"mood\" RENAME TO \"mood_old\";",
                "CREATE TYPE \"mood\" AS ENUM ('happy', 'sad');",
                "ALTER TABLE \"people\" ALTER COLUMN \"feeling\" DROP DEFAULT;",
                "ALTER TABLE \"people\" ALTER COLUMN \"feeling\" TYPE \"mood\" USING \"feeling\"::text::\"mood\";",
                "ALTER TABLE \"people\" ALTER COLUMN \"history\" TYPE \"mood\"[] USING \"history\"::text[]::\"mood\"[];",
                "ALTER TABLE \"people\" ALTER COLUMN \"feeling\" SET DEFAULT 'sad'::mood;",
                "DROP TYPE \"mood_old\";",
            ],
            [DataLoss]
        ),
    ]);
}
