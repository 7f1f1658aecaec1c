//! Property test on real databases: random (current, desired) schema pairs,
//! each executed on a scratch database and read back; the draft's up
//! statements, run on the current one, must reach the desired schema
//! exactly, and the reverse draft must bring it back.

use crate::on_each_backend;
use crate::support::{exec, Scratch};
use migrate_devtools::catalog::read_schema;
use migrate_runtime::{Db, Dialect};
use migrate_schema::{draft, Hints, Schema};

/// How many random pairs each backend plays.
const PAIRS: u64 = 24;

/// A small deterministic generator (xorshift64*), so a failing pair is
/// reproduced by its number.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Column types per dialect, with a default literal each.
fn types(d: Dialect) -> &'static [(&'static str, &'static str)] {
    match d {
        Dialect::Sqlite => &[("INTEGER", "0"), ("TEXT", "'x'"), ("REAL", "1.5")],
        Dialect::Postgres => &[
            ("integer", "0"),
            ("bigint", "7"),
            ("text", "'x'"),
            ("varchar(20)", "'y'"),
            ("boolean", "false"),
        ],
        Dialect::MySql => &[
            ("int", "0"),
            ("bigint", "7"),
            ("varchar(20)", "'y'"),
            ("varchar(40)", "'z'"),
        ],
    }
}

/// A random schema: up to three tables with an integer primary key, a few
/// columns (type, nullability, default), maybe a unique column, an index
/// (ascending or descending), and a foreign key to the first table.
fn random_ddl(rng: &mut Rng, d: Dialect) -> String {
    let types = types(d);
    let int = types[0].0;
    let mut out = String::new();
    let mut first = true;
    for t in 0..3 {
        if !first && rng.chance(35) {
            continue;
        }
        let table = format!("t{t}");
        let mut columns = vec![format!("id {int} NOT NULL PRIMARY KEY")];
        let mut indexed = Vec::new();
        for c in 0..4 {
            if rng.chance(40) {
                continue;
            }
            let (ty, default) = types[rng.below(types.len() as u64) as usize];
            let mut col = format!("c{c} {ty}");
            if rng.chance(40) {
                col.push_str(" NOT NULL");
            }
            if rng.chance(40) {
                col.push_str(&format!(" DEFAULT {default}"));
            }
            columns.push(col);
            indexed.push(format!("c{c}"));
        }
        if !first && rng.chance(50) {
            columns.push(format!("ref_id {int} REFERENCES t0 (id)"));
            if d == Dialect::MySql {
                // MySQL needs the constraint spelled out; the inline form is ignored.
                columns.pop();
                columns.push(format!("ref_id {int}"));
                columns.push("FOREIGN KEY (ref_id) REFERENCES t0 (id)".to_owned());
            }
        }
        if let Some(c) = indexed.first().filter(|_| rng.chance(40)) {
            columns.push(format!("UNIQUE ({c})"));
        }
        out.push_str(&format!("CREATE TABLE {table} ({});\n", columns.join(", ")));
        if let Some(c) = indexed.last().filter(|_| rng.chance(50)) {
            let order = if rng.chance(40) { " DESC" } else { "" };
            out.push_str(&format!(
                "CREATE INDEX {table}_{c}_idx ON {table} ({c}{order});\n"
            ));
        }
        first = false;
    }
    out
}

/// The schema with columns in name order: `ADD COLUMN` appends, and column
/// order is not something the diff reproduces.
fn comparable(mut s: Schema) -> Schema {
    for t in &mut s.tables {
        t.columns.sort_by(|a, b| a.name.cmp(&b.name));
    }
    s
}

async fn read(db: &Db) -> Schema {
    comparable(read_schema(db, &[]).await.expect("reading the catalog"))
}

async fn random_pairs_round_trip(scratch: Scratch) {
    let backend = scratch.backend;
    let d = backend.dialect();
    let mut failures = Vec::new();
    for pair in 0..PAIRS {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (pair + 1).wrapping_mul(0x1000_0001));
        let (current, desired) = (random_ddl(&mut rng, d), random_ddl(&mut rng, d));
        let a = Scratch::new(backend).await.unwrap();
        let b = Scratch::new(backend).await.unwrap();
        let (da, db) = (a.db().await, b.db().await);
        exec(&da, &current)
            .await
            .unwrap_or_else(|e| panic!("pair {pair}: {current}: {e}"));
        exec(&db, &desired)
            .await
            .unwrap_or_else(|e| panic!("pair {pair}: {desired}: {e}"));
        let (sa, sb) = (read(&da).await, read(&db).await);
        let up = draft(&sa, &sb, &Hints::new(), d);
        let down = draft(&sb, &sa, &Hints::new(), d);
        let failed = async {
            exec(&da, &up.sql().join("\n"))
                .await
                .map_err(|e| format!("up failed: {e}\n{}", up.sql().join("\n")))?;
            if read(&da).await != sb {
                return Err(format!(
                    "up did not reach the desired schema:\n{}",
                    up.sql().join("\n")
                ));
            }
            exec(&da, &down.sql().join("\n"))
                .await
                .map_err(|e| format!("down failed: {e}\n{}", down.sql().join("\n")))?;
            if read(&da).await != sa {
                return Err(format!("down did not return:\n{}", down.sql().join("\n")));
            }
            Ok::<(), String>(())
        }
        .await;
        if let Err(e) = failed {
            failures.push(format!(
                "pair {pair}\n-- current\n{current}-- desired\n{desired}{e}"
            ));
        }
        da.close().await;
        db.close().await;
    }
    assert!(
        failures.is_empty(),
        "{backend:?}: {} of {PAIRS} random pairs failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
on_each_backend!(random_pairs_round_trip, random_pairs_round_trip);
