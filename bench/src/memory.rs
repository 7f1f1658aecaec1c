//! Hostile input: one 50 MB migration, read, validated and embedded, with
//! the peak memory it takes (`migrate-bench memory`).

use std::time::Instant;

use migrate_runtime::Migrations;

use super::fmt;

/// Peak resident memory of this process so far, from /proc (Linux), in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Reads and validates one 50 MB migration: peak memory should stay a small
/// multiple of the file (bytes read, the parsed sections, the embedded copy).
pub(crate) fn run() {
    let tmp = tempfile::tempdir().unwrap();
    let mut up = String::with_capacity(50 << 20);
    let mut i = 0;
    while up.len() < 50 << 20 {
        up.push_str(&format!(
            "INSERT INTO big (id, payload) VALUES ({i}, 'abcdefghijklmnopqrstuvwxyz0123456789');\n"
        ));
        i += 1;
    }
    let text = format!(
        "-- Revision ID: big\n-- Revises:\n-- migrate:up\n{up}-- migrate:down\nDELETE FROM big;\n"
    );
    std::fs::write(tmp.path().join("0001_big.sql"), &text).unwrap();
    let size = text.len() as u64;
    drop((up, text));
    let before = peak_rss();
    let start = Instant::now();
    let set = Migrations::from_dir(tmp.path()).unwrap();
    let took = start.elapsed();
    let after = peak_rss();
    assert_eq!(set.len(), 1);
    println!(
        "50 MB migration: read + validate + embed {}, peak memory grew {:.1} MB for a {:.1} MB file ({:.2}x)",
        fmt(took),
        (after.saturating_sub(before)) as f64 / 1e6,
        size as f64 / 1e6,
        after.saturating_sub(before) as f64 / size as f64
    );
}
