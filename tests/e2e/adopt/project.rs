//! Projects in the other tools' formats, written here (no other project's
//! migrations), and databases migrated by those tools' rules. sqlx's
//! databases are migrated by sqlx's own `Migrator` (the crate is already
//! in the build). The other tools (diesel_cli, refinery_cli, dbmate,
//! golang-migrate, Flyway) take too long to build or need a JVM here, so
//! each step's up SQL is run as the tool runs it and the tool's table is
//! written per its rules:
//! the DDL each tool issues, one row per applied version, and the checksum
//! each computes (SHA-384 of the file for sqlx, SipHash-1-3 of name,
//! version and SQL for refinery, CRC-32 of the lines for Flyway).

use crate::support::{exec, Backend};
use migrate_runtime::{Db, Tool};
use std::fmt::Write as _;
use std::path::Path;

/// One migration, in SQL every backend runs.
#[derive(Clone, Debug)]
pub struct Step {
    pub name: String,
    pub up: String,
    pub down: String,
}

/// `n` steps: tables, columns added to them, rows.
pub fn steps(n: usize) -> Vec<Step> {
    (0..n)
        .map(|i| {
            let t = i - i % 3;
            let (name, up, down) = match i % 3 {
                0 => (
                    format!("create_t{i}"),
                    format!("CREATE TABLE t{i} (id INTEGER PRIMARY KEY, v VARCHAR(20));\n"),
                    format!("DROP TABLE t{i};\n"),
                ),
                1 => (
                    format!("add_c{i}"),
                    format!("ALTER TABLE t{t} ADD COLUMN c{i} INTEGER;\n"),
                    format!("ALTER TABLE t{t} DROP COLUMN c{i};\n"),
                ),
                _ => (
                    format!("seed_t{t}"),
                    format!("INSERT INTO t{t} (id, v) VALUES (1, 'x');\n"),
                    format!("DELETE FROM t{t} WHERE id = 1;\n"),
                ),
            };
            Step { name, up, down }
        })
        .collect()
}

/// The version the tool gives step `i` (as its table records it), and the
/// revision id the import makes of it.
pub fn version(tool: Tool, i: usize) -> String {
    match tool {
        Tool::Sqlx | Tool::Dbmate => format!("{}", 20240101000000u64 + i as u64 + 1),
        Tool::Diesel => format!("2024-01-01-{:06}", i + 1),
        Tool::Refinery | Tool::GolangMigrate => format!("{}", i + 1),
        Tool::Flyway => format!("1.{}", i + 1),
        _ => unreachable!(),
    }
}

/// The revision id of step `i`.
pub fn id(tool: Tool, i: usize) -> String {
    tool.revision_id(&version(tool, i)).unwrap()
}

/// Writes `steps` into `dir` in `tool`'s layout; returns each step's
/// up file (the one the tool checksums), relative to `dir`.
pub fn write(tool: Tool, dir: &Path, steps: &[Step]) -> Vec<String> {
    std::fs::create_dir_all(dir).unwrap();
    let put = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let mut ups = Vec::new();
    for (i, s) in steps.iter().enumerate() {
        let v = version(tool, i);
        let up = match tool {
            Tool::Sqlx | Tool::GolangMigrate => {
                let up = format!("{v}_{}.up.sql", s.name);
                put(&up, &s.up);
                put(&format!("{v}_{}.down.sql", s.name), &s.down);
                up
            }
            Tool::Diesel => {
                let d = format!("{v}_{}", s.name);
                put(&format!("{d}/up.sql"), &s.up);
                put(&format!("{d}/down.sql"), &s.down);
                if i == 1 {
                    put(
                        &format!("{d}/metadata.toml"),
                        "run_in_transaction = false\n",
                    );
                }
                format!("{d}/up.sql")
            }
            Tool::Refinery => {
                let up = format!("V{v}__{}.sql", s.name);
                put(&up, &s.up);
                up
            }
            Tool::Dbmate => {
                let f = format!("{v}_{}.sql", s.name);
                put(
                    &f,
                    &format!("-- migrate:up\n{}\n-- migrate:down\n{}", s.up, s.down),
                );
                f
            }
            Tool::Flyway => {
                let fv = v.replace('.', "_");
                let up = format!("V{fv}__{}.sql", s.name);
                put(&up, &s.up);
                put(&format!("U{fv}__{}.sql", s.name), &s.down);
                up
            }
            _ => unreachable!(),
        };
        ups.push(up);
    }
    if tool == Tool::Flyway {
        put("R__report.sql", "SELECT 1;\n");
    }
    ups
}

/// sqlx's own `Migrator` (the library `sqlx::migrate!` and sqlx-cli use)
/// over a copy of the first `k` migrations: its real `_sqlx_migrations`.
async fn sqlx_itself(p: &Theirs<'_>, db: &Db, k: usize) {
    let copy = tempfile::tempdir().unwrap();
    for up in &p.ups[..k] {
        let down = up.replace(".up.sql", ".down.sql");
        for f in [up, &down] {
            std::fs::copy(p.dir.join(f), copy.path().join(f)).unwrap();
        }
    }
    let m = sqlx::migrate::Migrator::new(copy.path()).await.unwrap();
    match db {
        Db::Sqlite(pool) => m.run(pool).await.unwrap(),
        Db::Postgres(pool) => m.run(pool).await.unwrap(),
        Db::MySql(pool) => m.run(pool).await.unwrap(),
        _ => unreachable!("all backends are enabled in the tests"),
    }
}

/// The tool's version-table DDL, as it creates the table.
fn create(tool: Tool, b: Backend) -> String {
    let pg = b == Backend::Postgres;
    let my = b == Backend::MySql;
    match tool {
        Tool::Sqlx => format!(
            "CREATE TABLE IF NOT EXISTS _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, installed_on {} NOT NULL DEFAULT {}, success BOOLEAN NOT NULL, checksum {} NOT NULL, execution_time BIGINT NOT NULL)",
            if pg { "TIMESTAMPTZ" } else { "TIMESTAMP" },
            if pg { "now()" } else { "CURRENT_TIMESTAMP" },
            if pg { "BYTEA" } else { "BLOB" },
        ),
        Tool::Diesel => "CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)".into(),
        Tool::Refinery => format!(
            "CREATE TABLE IF NOT EXISTS refinery_schema_history (version {} PRIMARY KEY, name VARCHAR(255), applied_on VARCHAR(255), checksum VARCHAR(255))",
            if pg { "INT4" } else if my { "INT" } else { "INTEGER" }
        ),
        Tool::Dbmate => "CREATE TABLE IF NOT EXISTS schema_migrations (version VARCHAR(128) NOT NULL PRIMARY KEY)".into(),
        Tool::GolangMigrate => "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT NOT NULL PRIMARY KEY, dirty BOOLEAN NOT NULL)".into(),
        Tool::Flyway => "CREATE TABLE flyway_schema_history (installed_rank INT NOT NULL PRIMARY KEY, version VARCHAR(50), description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum INT, installed_by VARCHAR(100) NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, execution_time INT NOT NULL, success BOOLEAN NOT NULL)".into(),
        _ => unreachable!(),
    }
}

fn bytes(b: Backend, data: &[u8]) -> String {
    let hex: String = data.iter().map(|x| format!("{x:02x}")).collect();
    if b == Backend::Postgres {
        format!("decode('{hex}', 'hex')")
    } else {
        format!("X'{hex}'")
    }
}

fn boolean(b: Backend, v: bool) -> &'static str {
    match (b, v) {
        (Backend::Postgres, true) => "TRUE",
        (Backend::Postgres, false) => "FALSE",
        (_, true) => "1",
        (_, false) => "0",
    }
}

/// refinery's checksum, computed with std's SipHash-1-3 (zero keys), the
/// hasher refinery's rule names.
#[allow(deprecated)]
fn refinery_sum(name: &str, version: i32, sql: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    name.hash(&mut h);
    version.hash(&mut h);
    sql.hash(&mut h);
    h.finish()
}

/// A project of another tool on disk.
pub struct Theirs<'a> {
    pub tool: Tool,
    /// Its directory.
    pub dir: &'a Path,
    /// Each step's up file, relative to `dir` (what [`write`] returned).
    pub ups: &'a [String],
    pub steps: &'a [Step],
}

/// Migrates `db` as the tool would to step `k` (its first `k` steps),
/// reading its files for the checksums; `failed_last` records the last
/// one as failed/dirty instead.
pub async fn migrate_as(p: &Theirs<'_>, b: Backend, db: &Db, k: usize, failed_last: bool) {
    let (tool, dir, ups, steps) = (p.tool, p.dir, p.ups, p.steps);
    if tool == Tool::Sqlx && !failed_last {
        return sqlx_itself(p, db, k).await;
    }
    for s in &steps[..k] {
        exec(db, &s.up).await.unwrap();
    }
    exec(db, &create(tool, b)).await.unwrap();
    let mut sql = String::new();
    for (i, s) in steps[..k].iter().enumerate() {
        let v = version(tool, i);
        let ok = !(failed_last && i + 1 == k);
        let file = std::fs::read(dir.join(&ups[i])).unwrap();
        let row = match tool {
            Tool::Sqlx => {
                use sha2::Digest;
                format!(
                    "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES ({v}, '{}', {}, {}, 3)",
                    s.name.replace('_', " "),
                    boolean(b, ok),
                    bytes(b, &sha2::Sha384::digest(&file))
                )
            }
            Tool::Diesel => format!(
                "INSERT INTO __diesel_schema_migrations (version) VALUES ('{}')",
                v.replace('-', "")
            ),
            Tool::Refinery => format!(
                "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) VALUES ({v}, '{}', '2024-01-01T00:00:00Z', '{}')",
                s.name,
                refinery_sum(&s.name, v.parse().unwrap(), std::str::from_utf8(&file).unwrap())
            ),
            Tool::Dbmate => format!("INSERT INTO schema_migrations (version) VALUES ('{v}')"),
            // golang-migrate keeps one row: the current version.
            Tool::GolangMigrate if i + 1 == k => format!(
                "INSERT INTO schema_migrations (version, dirty) VALUES ({v}, {})",
                boolean(b, !ok)
            ),
            Tool::GolangMigrate => continue,
            Tool::Flyway => format!(
                "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) VALUES ({}, '{v}', '{}', 'SQL', '{}', {}, 'flyway', 4, {})",
                i + 1,
                s.name.replace('_', " "),
                ups[i],
                migrate_devtools::import::checksum::flyway(std::str::from_utf8(&file).unwrap()),
                boolean(b, ok)
            ),
            _ => unreachable!(),
        };
        let _ = writeln!(sql, "{row};");
    }
    if !sql.is_empty() {
        exec(db, &sql).await.unwrap();
    }
}
