//! Scratch and test database names: `<prefix><unix time>_<random>`. The
//! random part keeps two runs apart whatever their host names and process
//! ids (two containers, two test binaries); the time gives a database a
//! short grace period between its creation and its owner's mark.

use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long after its creation a database is left alone by the cleaner:
/// the moment between `CREATE DATABASE` and its owner taking the mark.
/// A clock behind or ahead only delays the cleaning of a leftover; it
/// never makes a live database look dead.
pub(crate) const GRACE: Duration = Duration::from_secs(120);

/// A new name after `prefix`.
pub(crate) fn name_with(prefix: &str) -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!("{prefix}{secs}_{:012x}", random() & 0xffff_ffff_ffff)
}

/// 64 random bits: std's hasher keys come from the operating system's
/// random source, fresh for each `RandomState`.
pub(crate) fn random() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish()
}

/// Whether `name` (after its prefix) was made less than [`GRACE`] ago by
/// its own clock. Names of earlier versions
/// (`<pid>_<time>_<host>_<n>`) carry the time second.
pub(crate) fn young(rest: &str, now: SystemTime) -> bool {
    let Some(secs) = rest
        .split('_')
        .filter_map(|p| p.parse::<u64>().ok())
        .find(|n| *n > 1_000_000_000)
    else {
        return false;
    };
    let made = UNIX_EPOCH + Duration::from_secs(secs);
    match now.duration_since(made) {
        Ok(age) => age < GRACE,
        // Made "in the future": a clock ahead of ours. Young until ours
        // passes it by the grace period.
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_random_and_fit_identifier_limits() {
        let a = name_with("migrate_scratch_");
        let b = name_with("migrate_scratch_");
        assert_ne!(a, b);
        assert!(a.len() <= 63, "{a}");
        assert!(young(
            a.strip_prefix("migrate_scratch_").unwrap(),
            SystemTime::now()
        ));
    }

    #[test]
    fn only_fresh_names_are_young() {
        let now = SystemTime::now();
        let secs = now.duration_since(UNIX_EPOCH).unwrap().as_secs();
        assert!(young(&format!("{}_abc", secs - 10), now));
        assert!(!young(&format!("{}_abc", secs - 600), now));
        assert!(young(&format!("{}_abc", secs + 600), now));
        assert!(!young(&format!("123_{}_deadbeef_0", secs - 7200), now));
        assert!(!young("notes", now));
    }
}
