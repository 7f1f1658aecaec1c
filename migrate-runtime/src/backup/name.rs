//! Backup file names: `<database>-at-<revision>-<UTC timestamp>.<ext>`.

use std::time::{SystemTime, UNIX_EPOCH};

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
    let d = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, day) = civil(days as i64);
    format!(
        "{y:04}{m:02}{day:02}T{:02}{:02}{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_millis()
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// `civil_from_days`).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

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

    #[test]
    fn dates_are_gregorian() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(11_016), (2000, 2, 29));
        assert_eq!(civil(-1), (1969, 12, 31));
    }
}
