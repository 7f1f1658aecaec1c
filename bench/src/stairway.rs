//! The stairway on SQLite: 200 revisions, each creating a table with an
//! index and a foreign key to the previous one, each upgraded, read back,
//! downgraded, read back, upgraded again and read back on an in-memory
//! scratch database. The target: under 10 s.

use migrate_devtools::scratch::ScratchServer;
use migrate_devtools::stairway::Stairway;
use migrate_runtime::Migrations;
use std::path::Path;
use std::time::Instant;

/// Runs the benchmark and prints its figure.
pub(crate) async fn run(tmp: &Path) {
    let n = 200;
    let dir = tmp.join("stairway");
    super::autogen::write_graph(&dir, n);
    let migrations = Migrations::from_dir(&dir).unwrap();
    let start = Instant::now();
    let report = Stairway::new(&migrations, ScratchServer::sqlite())
        .run()
        .await
        .unwrap();
    let took = start.elapsed();
    assert!(report.passed(), "{report:#?}");
    assert_eq!(report.revisions.len(), n);
    println!(
        "stairway, SQLite, {n} revisions / {n} tables with indexes and foreign keys: {:.3} s (target < 10 s; {:.1} ms a revision: up, down, up, 3 schema reads)",
        took.as_secs_f64(),
        took.as_secs_f64() * 1000.0 / n as f64
    );
}
