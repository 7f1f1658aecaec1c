//! The private server's process and directory: a temporary directory only
//! its owner can enter, and a watchdog that stops the server and removes the
//! directory as soon as this process lets go of it, whichever way it ends.
//!
//! The watchdog is a small `sh` script started in a process group of its
//! own (so that a Ctrl-C in the terminal reaches this process, which cleans
//! up, and not the server halfway through). It starts the server, then
//! waits for end of file on its standard input: a pipe whose only writer is
//! this process. A normal end closes the pipe on purpose; an error, a
//! panic, Ctrl-C, SIGTERM and SIGHUP close it on the way out, and so does
//! SIGKILL, since the kernel closes a dead process's files. The watchdog
//! then stops the server and deletes the directory.

use std::io::Read;
use std::os::unix::fs::DirBuilderExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const WATCHDOG: &str = r#"dir=$1; sig=$2; shift 2
trap '' INT TERM HUP
"$@" </dev/null >>"$dir/server.log" 2>&1 &
pid=$!
echo "$pid" >"$dir/server.pid"
read -r _ || true
kill -"$sig" "$pid" 2>/dev/null
wait "$pid"
rm -rf "$dir"
"#;

/// A fresh directory only its owner can enter: `migrate-scratch-<pid>-<random>`
/// in the temporary directory (in `/tmp` when that path is too long for a
/// Unix socket), handed to `owner` when the server runs as another user.
pub(crate) fn private_dir(owner: Option<(u32, u32)>) -> std::io::Result<PathBuf> {
    let mut base = std::env::temp_dir();
    if base.as_os_str().len() > 60 {
        base = PathBuf::from("/tmp");
    }
    let dir = base.join(format!(
        "migrate-scratch-{}-{:016x}",
        std::process::id(),
        crate::scratch::names::random()
    ));
    std::fs::DirBuilder::new().mode(0o700).create(&dir)?;
    if let Some((uid, gid)) = owner {
        if let Err(e) = std::os::unix::fs::chown(&dir, Some(uid), Some(gid)) {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e);
        }
    }
    Ok(dir)
}

/// Runs a set-up program (`initdb`, `mariadb-install-db`) to its end, as
/// `user` when given; its output goes to `log` for the error message.
pub(crate) fn run_setup(
    program: &Path,
    args: &[String],
    user: Option<(u32, u32)>,
    dir: &Path,
) -> Result<(), String> {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .env_remove("PGDATA")
        .env("LC_ALL", "C");
    if let Some((uid, gid)) = user {
        cmd.uid(uid).gid(gid);
    }
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    if out.status.success() {
        return Ok(());
    }
    let mut text = String::from_utf8_lossy(&out.stderr).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stdout));
    Err(format!(
        "{} failed ({}): {}",
        program.display(),
        out.status,
        last_lines(&text)
    ))
}

/// The server under its watchdog.
#[derive(Debug)]
pub(crate) struct Watched {
    child: Child,
    dir: PathBuf,
}

impl Watched {
    /// Starts `program args` under the watchdog, which stops it with signal
    /// `stop_signal` (`QUIT`, `KILL`) and removes `dir` when released.
    pub(crate) fn spawn(
        dir: &Path,
        program: &Path,
        args: &[String],
        stop_signal: &str,
        user: Option<(u32, u32)>,
    ) -> Result<Watched, String> {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(WATCHDOG)
            .arg("migrate-scratch-watchdog")
            .arg(dir)
            .arg(stop_signal)
            .arg(program)
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .env("LC_ALL", "C")
            .process_group(0);
        if let Some((uid, gid)) = user {
            cmd.uid(uid).gid(gid);
        }
        let child = cmd
            .spawn()
            .map_err(|e| format!("cannot start sh for {}: {e}", program.display()))?;
        Ok(Watched {
            child,
            dir: dir.to_owned(),
        })
    }

    /// Why the server is not running any more, when it is not: its log.
    pub(crate) fn exited(&mut self) -> Option<String> {
        let pid = std::fs::read_to_string(self.dir.join("server.pid")).ok();
        let gone = match pid.as_deref().map(str::trim).map(str::parse::<u32>) {
            Some(Ok(pid)) => !alive(pid),
            _ => matches!(self.child.try_wait(), Ok(Some(_))),
        };
        gone.then(|| self.log())
    }

    /// The end of the server's log.
    pub(crate) fn log(&self) -> String {
        let mut text = String::new();
        if let Ok(mut f) = std::fs::File::open(self.dir.join("server.log")) {
            let _ = f.read_to_string(&mut text);
        }
        last_lines(&text)
    }

    /// Releases the watchdog and waits (up to 20 s) until it has stopped the
    /// server and removed the directory; past that, kills it and removes
    /// what it can.
    pub(crate) fn stop(&mut self) {
        drop(self.child.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) | Err(_) => break,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10))
                }
                Ok(None) => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    break;
                }
            }
        }
        if self.dir.exists() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Whether process `pid` exists and is not a zombie.
fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit_once(") ")
            .is_none_or(|(_, rest)| !rest.starts_with('Z')),
        Err(_) => false,
    }
}

fn last_lines(text: &str) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(6)..].join(" | ")
}
