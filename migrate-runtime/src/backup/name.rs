//! Backup file names: `<database>-at-<revision>-<UTC timestamp>.<ext>`.

use std::time::SystemTime;

use crate::utc::Utc;

/// The file name of a backup of `database` at `heads` (empty: `base`),
/// taken at `now`.
pub(crate) fn file_name(database: &str, heads: &[String], now: SystemTime, ext: &str) -> String {
    let at = if heads.is_empty() {
        "base".to_owned()
    } else {
        heads.join("+")
    };
    format!(
        "{}-at-{}-{}.{ext}",
        clean(database),
        clean(&at),
        timestamp(now)
    )
}

/// Keeps letters, digits, `_`, `-`, `+` and `.`; anything else (a path
/// separator, a space) becomes `_`, so a name is always one file.
fn clean(text: &str) -> String {
    let s: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let s = s.trim_matches('.').to_owned();
    if s.is_empty() {
        "database".to_owned()
    } else {
        s
    }
}

/// `20261130T061502.123Z`: sorts by time, and two backups in one second
/// still get two names.
fn timestamp(now: SystemTime) -> String {
    let t = Utc::at(now);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}.{:03}Z",
        t.year, t.month, t.day, t.hour, t.minute, t.second, t.millis
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn names_carry_database_revision_and_time() {
        let t = UNIX_EPOCH + Duration::from_millis(1_796_019_302_123);
        let name = file_name("orders", &["1f3a9c0b7d42".into()], t, "sql");
        assert_eq!(name, "orders-at-1f3a9c0b7d42-20261130T061502.123Z.sql");
        let base = file_name("../x y", &[], t, "sqlite");
        assert!(base.starts_with("_x_y-at-base-2026"), "{base}");
        let two = file_name("db", &["a".into(), "b".into()], t, "sql");
        assert!(two.starts_with("db-at-a+b-"), "{two}");
    }
}
