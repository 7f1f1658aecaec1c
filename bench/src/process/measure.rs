//! One whole-process run timed: wall time from spawn to exit, and the CPU
//! time (user + system) the process used, from the kernel's account of
//! reaped children.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one run cost.
#[derive(Clone, Copy)]
pub(crate) struct Cost {
    pub(crate) wall: Duration,
    pub(crate) cpu: Duration,
}

/// The user + system time of every child this process has reaped so far.
fn children_cpu() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage), 0);
        usage
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// Runs `command` to its end (output discarded, stderr kept for a failure's
/// message) and returns what it cost. Panics when it fails: a figure of a
/// run that did not do the work would be worse than none.
pub(crate) fn run(mut command: Command) -> Cost {
    let before = children_cpu();
    let start = Instant::now();
    let output = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .unwrap_or_else(|e| panic!("cannot start {:?}: {e}", command.get_program()));
    let wall = start.elapsed();
    let cpu = children_cpu() - before;
    assert!(
        output.status.success(),
        "{command:?} failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    Cost { wall, cpu }
}
