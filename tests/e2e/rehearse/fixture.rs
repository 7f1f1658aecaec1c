//! The source database of a rehearsal: a table of 200,000 rows at the base
//! revision, the pending revisions (a)–(d) in each dialect, and what the
//! tests compare before and after (the source's fingerprint, leftovers).

use crate::support::{
    files, int, rev, run_to_end, strings, version_snapshot, Backend, Ran, Rev, Scratch,
};
use migrate_runtime::Db;
use std::path::PathBuf;

/// Rows in the table the revisions work on.
pub const ROWS: i64 = 200_000;

/// The base revision: `orders`, populated.
pub fn base(backend: Backend) -> Rev {
    let fill = match backend {
        Backend::Postgres => format!(
            "INSERT INTO orders SELECT g, g % 1000, 'n' || g FROM generate_series(1, {ROWS}) g;"
        ),
        Backend::MySql => format!(
            "INSERT INTO orders SELECT seq, seq % 1000, CONCAT('n', seq) FROM seq_1_to_{ROWS};"
        ),
        Backend::Sqlite => format!(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {ROWS}) \
             INSERT INTO orders SELECT x, x % 1000, 'n' || x FROM c;"
        ),
    };
    rev("a1", &[])
        .up(&format!(
            "CREATE TABLE orders (id BIGINT PRIMARY KEY, amount INT, note VARCHAR(50) NOT NULL);\n{fill}"
        ))
        .down("DROP TABLE orders;")
}

/// The pending revisions: (a) b2 adds a column with a volatile default,
/// (b) c3 creates an index without CONCURRENTLY, (c) d4 adds NOT NULL to a
/// populated column, (d) e5 is a data migration whose down fails on real
/// rows (and passes on an empty table).
pub fn pending(backend: Backend) -> Vec<Rev> {
    let (add, not_null, not_null_down, relax, down_fails, drop_index) = match backend {
        Backend::Postgres => (
            "ALTER TABLE orders ADD COLUMN token DOUBLE PRECISION DEFAULT random();",
            "ALTER TABLE orders ALTER COLUMN amount SET NOT NULL;",
            "ALTER TABLE orders ALTER COLUMN amount DROP NOT NULL;",
            "ALTER TABLE orders ALTER COLUMN note DROP NOT NULL;",
            "ALTER TABLE orders ALTER COLUMN note SET NOT NULL;",
            "DROP INDEX orders_amount_idx;",
        ),
        Backend::MySql => (
            "ALTER TABLE orders ADD COLUMN token DOUBLE DEFAULT (RAND());",
            "ALTER TABLE orders MODIFY amount INT NOT NULL;",
            "ALTER TABLE orders MODIFY amount INT NULL;",
            "ALTER TABLE orders MODIFY note VARCHAR(50) NULL;",
            "ALTER TABLE orders MODIFY note VARCHAR(50) NOT NULL;",
            "DROP INDEX orders_amount_idx ON orders;",
        ),
        // SQLite refuses a volatile default in ADD COLUMN and has no ALTER
        // for NOT NULL: the table is rebuilt (its documented recipe).
        Backend::Sqlite => (
            "ALTER TABLE orders ADD COLUMN token REAL DEFAULT 0;",
            "CREATE TABLE orders_new (id BIGINT PRIMARY KEY, amount INT NOT NULL, note VARCHAR(50), token REAL DEFAULT 0);\n\
             INSERT INTO orders_new SELECT id, amount, note, token FROM orders;\n\
             DROP TABLE orders;\n\
             ALTER TABLE orders_new RENAME TO orders;\n\
             CREATE INDEX orders_amount_idx ON orders (amount);",
            "CREATE TABLE orders_old (id BIGINT PRIMARY KEY, amount INT, note VARCHAR(50) NOT NULL, token REAL DEFAULT 0);\n\
             INSERT INTO orders_old SELECT id, amount, note, token FROM orders;\n\
             DROP TABLE orders;\n\
             ALTER TABLE orders_old RENAME TO orders;\n\
             CREATE INDEX orders_amount_idx ON orders (amount);",
            "SELECT 1;",
            "CREATE UNIQUE INDEX orders_note_uq ON orders (coalesce(note, ''));",
            "DROP INDEX orders_amount_idx;",
        ),
    };
    vec![
        rev("b2", &["a1"])
            .up(add)
            .down("ALTER TABLE orders DROP COLUMN token;"),
        rev("c3", &["b2"])
            .up("CREATE INDEX orders_amount_idx ON orders (amount);")
            .down(drop_index),
        rev("d4", &["c3"]).up(not_null).down(not_null_down),
        rev("e5", &["d4"])
            .up(&format!(
                "{relax}\nUPDATE orders SET note = NULL WHERE id % 2 = 0;"
            ))
            .down(down_fails),
    ]
}

/// A project with a source database at the base revision.
pub struct Source {
    /// The source database.
    pub db: Scratch,
    /// The project directory (migrations/).
    pub dir: tempfile::TempDir,
    /// The rehearsal's own temporary directory (TMPDIR): empty afterwards.
    pub tmp: tempfile::TempDir,
}

impl Source {
    /// `revs` written, the database created and upgraded to `at`.
    pub async fn new(backend: Backend, revs: &[Rev], at: &str) -> Option<Source> {
        let db = Scratch::new(backend).await?;
        let dir = tempfile::Builder::new()
            .prefix("rehearse-")
            .tempdir()
            .unwrap();
        let tmp = tempfile::Builder::new()
            .prefix("rehearse-tmp-")
            .tempdir()
            .unwrap();
        std::fs::create_dir(dir.path().join("migrations")).unwrap();
        for (name, text) in files(revs) {
            std::fs::write(dir.path().join("migrations").join(name), text).unwrap();
        }
        let source = Source { db, dir, tmp };
        let ran = run_to_end(&mut source.command(&["upgrade", at]));
        assert_eq!(ran.code, 0, "{ran:?}");
        Some(source)
    }

    /// `cargo migrate ARGS` in the project, on the source, TMPDIR private.
    pub fn command(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(crate::support::cli_bin());
        cmd.arg("migrate").args(args).current_dir(self.dir.path());
        for var in [
            "MIGRATE_SOURCE",
            "MIGRATE_CONFIG",
            "MIGRATE_TABLE",
            "MIGRATE_DEV_URL",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("DATABASE_URL", &self.db.url)
            .env("TMPDIR", self.tmp.path());
        cmd
    }

    /// Runs `rehearse ARGS`; returns what it did and its pid.
    pub fn rehearse(&self, args: &[&str]) -> (Ran, u32) {
        let mut cmd = self.command(&["rehearse"]);
        cmd.args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let child = cmd.spawn().expect("starting cargo-migrate");
        let pid = child.id();
        (child.wait_with_output().expect("waiting").into(), pid)
    }

    /// The source's schema, rows and version rows (for SQLite the file's
    /// bytes), to compare before and after.
    pub async fn fingerprint(&self) -> Vec<String> {
        let backend = self.db.backend;
        if backend == Backend::Sqlite {
            let bytes = std::fs::read(&self.db.name).unwrap();
            return vec![
                format!("{} bytes", bytes.len()),
                format!("{:x}", digest(&bytes)),
            ];
        }
        let db: Db = self.db.db().await;
        let queries: &[&str] = match backend {
            Backend::Postgres => &[
                "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1",
                "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
                "SELECT count(*)::text || ' ' || md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))) FROM orders t",
            ],
            _ => &[
                "SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME, ' ', COLUMN_TYPE, ' ', IS_NULLABLE) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1",
                "SELECT CONCAT(TABLE_NAME, '.', INDEX_NAME, '.', COLUMN_NAME) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1",
                "SELECT CONCAT(COUNT(*), ' ', BIT_XOR(CRC32(CONCAT_WS('|', id, amount, note)))) FROM orders",
            ],
        };
        let mut out = Vec::new();
        for q in queries {
            out.extend(strings(&db, q).await.unwrap_or_else(|e| panic!("{q}: {e}")));
        }
        out.extend(version_snapshot(&db, "migrate_versions").await);
        db.close().await;
        out
    }

    /// Whether the database `name` exists on the source's server.
    pub async fn exists_on_server(&self, name: &str) -> bool {
        let server = self.db.backend.server_url().expect("a server backend");
        let db = Db::connect(&server).await.unwrap();
        let sql = match self.db.backend {
            Backend::Postgres => {
                format!("SELECT datname FROM pg_database WHERE datname = '{name}'")
            }
            _ => format!(
                "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '{name}'"
            ),
        };
        let found = !strings(&db, &sql).await.unwrap().is_empty();
        db.close().await;
        found
    }

    /// Makes the source's own server the dev server for the copy (opted in
    /// by name in migrate.toml, as a project must): the copy is then
    /// visible to the test on that server. Returns the `--dev-url` arguments.
    pub fn share_the_server(&self) -> Vec<String> {
        let name = self.db.name.clone();
        std::fs::write(
            self.dir.path().join("migrate.toml"),
            format!("dev_url_same_server = \"{name}\"\n"),
        )
        .unwrap();
        vec![
            "--dev-url".to_owned(),
            self.db.backend.server_url().expect("a server backend"),
        ]
    }

    /// What the rehearsal left in its TMPDIR.
    pub fn tmp_left(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.tmp.path())
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect()
    }

    /// Rows in the source's `orders`.
    pub async fn rows(&self) -> i64 {
        let db = self.db.db().await;
        let n = int(&db, "SELECT COUNT(*) FROM orders").await.unwrap();
        db.close().await;
        n
    }
}

/// A content digest (FNV-1a, 64 bits): enough to see a changed byte.
fn digest(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100000001b3)
    })
}
