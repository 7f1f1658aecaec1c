use migrate_runtime::{migrations, Migrations};

// Real-world SQL per dialect, read with that dialect's grammar at build time:
// PL/pgSQL and DO blocks in dollar quotes, triggers, CREATE INDEX
// CONCURRENTLY, a MySQL DELIMITER procedure, SQLite trigger bodies, and a
// file marked `-- migrate:unchecked`.
static POSTGRES: Migrations = migrations!("fixtures/sql_postgres", dialect = "postgres");
static MYSQL: Migrations = migrations!("fixtures/sql_mysql", dialect = "mysql");
static SQLITE: Migrations = migrations!("fixtures/sql_sqlite", dialect = "sqlite");

fn main() {
    assert_eq!(POSTGRES.len(), 3);
    assert_eq!(MYSQL.len(), 1);
    assert_eq!(SQLITE.len(), 1);
}
