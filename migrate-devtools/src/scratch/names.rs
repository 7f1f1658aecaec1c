//! Scratch database names: `migrate_scratch_<pid>_<unix time>_<host>_<n>`,
//! and which of them a dead or old run left behind.

use super::{LEFTOVER_AGE, SCRATCH_PREFIX};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

static SEQ: AtomicUsize = AtomicUsize::new(0);

pub(super) fn new_name() -> String {
    name_with(SCRATCH_PREFIX)
}

/// A name like a scratch database's, after another prefix: the test
/// helper's databases, which the leftover cleaning must not take.
pub(crate) fn name_with(prefix: &str) -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!(
        "{prefix}{}_{secs}_{}_{}",
        std::process::id(),
        host_tag(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    )
}

/// Eight hex digits naming this host (FNV-1a of its name), so that a dead
/// pid is only believed for scratch databases made on this machine.
fn host_tag() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_default();
    let mut hash: u32 = 0x811c_9dc5;
    for b in host.trim().bytes() {
        hash = (hash ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    format!("{hash:08x}")
}

/// Whether the scratch database `name` belongs to no live run.
pub(super) fn is_leftover(name: &str, now: SystemTime) -> bool {
    let Some(rest) = name.strip_prefix(SCRATCH_PREFIX) else {
        return false;
    };
    let parts: Vec<&str> = rest.split('_').collect();
    let [pid, secs, host, _seq] = parts.as_slice() else {
        return false;
    };
    let (Ok(pid), Ok(secs)) = (pid.parse::<u32>(), secs.parse::<u64>()) else {
        return false;
    };
    let made = UNIX_EPOCH + Duration::from_secs(secs);
    if now.duration_since(made).unwrap_or_default() > LEFTOVER_AGE {
        return true;
    }
    *host == host_tag() && pid != std::process::id() && !pid_alive(pid)
}

/// Whether process `pid` exists on this machine; `true` when that cannot
/// be told (no `/proc`), so only the age rule applies there.
fn pid_alive(pid: u32) -> bool {
    if !std::path::Path::new("/proc/self").exists() {
        return true;
    }
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_are_dead_or_old_runs_only() {
        let now = SystemTime::now();
        let secs = now.duration_since(UNIX_EPOCH).unwrap().as_secs();
        let host = host_tag();
        let me = std::process::id();
        // A live run (this process) of a minute ago stays.
        assert!(!is_leftover(
            &format!("{SCRATCH_PREFIX}{me}_{}_{host}_0", secs - 60),
            now
        ));
        // A dead pid on this host goes (pid 0 is never a user process).
        assert!(is_leftover(
            &format!("{SCRATCH_PREFIX}4000000_{secs}_{host}_0"),
            now
        ));
        // A dead pid on another host stays unless old.
        assert!(!is_leftover(
            &format!("{SCRATCH_PREFIX}4000000_{secs}_zzzzzzzz_0"),
            now
        ));
        assert!(is_leftover(
            &format!("{SCRATCH_PREFIX}{me}_{}_{host}_0", secs - 7200),
            now
        ));
        // Not ours at all.
        assert!(!is_leftover("migrate_scratch_notes", now));
        assert!(!is_leftover("app", now));
    }

    #[test]
    fn names_are_recognisable_and_fit_identifier_limits() {
        let name = new_name();
        assert!(name.starts_with(SCRATCH_PREFIX));
        assert!(name.len() <= 63, "{name}");
        assert!(!is_leftover(&name, SystemTime::now()));
    }
}
