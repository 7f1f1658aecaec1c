//! Dates without a time-zone crate, for the names and headers the toolkit
//! writes: new revision files (`Create Date:`, file-name templates) and
//! backup files. UTC keeps them sortable across a team in several time zones.

use std::time::{SystemTime, UNIX_EPOCH};

/// A moment in UTC, broken down into calendar fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Utc {
    /// Whole seconds since the Unix epoch.
    pub epoch: u64,
    /// Milliseconds past `epoch`, 0-999.
    pub millis: u32,
    /// Calendar year.
    pub year: i64,
    /// 1-12.
    pub month: u32,
    /// 1-31.
    pub day: u32,
    /// 0-23.
    pub hour: u32,
    /// 0-59.
    pub minute: u32,
    /// 0-59.
    pub second: u32,
}

impl Utc {
    /// The current time.
    pub fn now() -> Utc {
        Utc::at(SystemTime::now())
    }

    /// `time` broken down; a time before 1970 (a clock set wrong) counts as
    /// the epoch itself.
    pub fn at(time: SystemTime) -> Utc {
        let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
        Utc {
            millis: since.subsec_millis(),
            ..Utc::from_epoch(since.as_secs())
        }
    }

    /// Breaks down whole seconds since the epoch (Howard Hinnant's
    /// `civil_from_days`, proleptic Gregorian).
    pub fn from_epoch(epoch: u64) -> Utc {
        let days = (epoch / 86_400) as i64;
        let secs = (epoch % 86_400) as u32;
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Utc {
            epoch,
            millis: 0,
            year,
            month,
            day,
            hour: secs / 3600,
            minute: secs / 60 % 60,
            second: secs % 60,
        }
    }

    /// `2026-11-21 12:00:00+00:00`, the `Create Date:` format of a revision
    /// file's header.
    pub fn create_date(&self) -> String {
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}+00:00",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn dates_are_gregorian() {
        assert_eq!(
            Utc::from_epoch(0).create_date(),
            "1970-01-01 00:00:00+00:00"
        );
        assert_eq!(
            Utc::from_epoch(1_795_262_400).create_date(),
            "2026-11-21 12:00:00+00:00"
        );
        // A leap day.
        assert_eq!(
            Utc::from_epoch(951_782_400).create_date(),
            "2000-02-29 00:00:00+00:00"
        );
        // The last second of a year.
        assert_eq!(
            Utc::from_epoch(1_798_761_599).create_date(),
            "2026-12-31 23:59:59+00:00"
        );
    }

    #[test]
    fn milliseconds_are_kept_and_times_before_1970_are_the_epoch() {
        let t = Utc::at(UNIX_EPOCH + Duration::from_millis(1_796_019_302_123));
        assert_eq!(
            (t.epoch, t.millis, t.hour, t.second),
            (1_796_019_302, 123, 6, 2)
        );
        assert_eq!(
            Utc::at(UNIX_EPOCH - Duration::from_secs(5)),
            Utc::from_epoch(0)
        );
    }
}
