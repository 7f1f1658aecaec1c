//! Resumable state: which tenants a run has finished, written as each one
//! finishes, so that the next run after a crash or Ctrl-C skips them and
//! `--only-failed` finds the failures.
//!
//! The state file holds one header line naming the run (a key over the
//! operation, its target, the migrations' heads and the version table: a
//! new migration or another target starts afresh) and one line per tenant,
//! `done<TAB>id` or `failed<TAB>id`; the last line of a tenant wins. Lines
//! are appended and flushed one at a time, so a killed run loses at most
//! the line it was writing, and that tenant is only run again, which its
//! own lock and version table make a no-op.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

/// What an earlier run of the same key recorded.
#[derive(Debug, Default)]
pub(crate) struct Recorded {
    /// Tenant id to whether it finished successfully.
    pub last: HashMap<String, bool>,
}

impl Recorded {
    /// Whether `id` is done already.
    pub(crate) fn is_done(&self, id: &str) -> bool {
        self.last.get(id) == Some(&true)
    }

    /// Whether `id` failed last time.
    pub(crate) fn failed(&self, id: &str) -> bool {
        self.last.get(id) == Some(&false)
    }
}

/// The state file of one run.
pub(crate) struct StateFile {
    path: PathBuf,
    file: Option<File>,
}

/// The header line: the format, then the run's key.
const HEADER: &str = "migrate-fleet-state v1";

impl StateFile {
    /// Reads `path` when it exists and belongs to `key` (else nothing is
    /// recorded), and opens it for this run's lines.
    pub(crate) fn open(path: &Path, key: &str) -> std::io::Result<(StateFile, Recorded)> {
        let header = format!("{HEADER} {key}");
        let mut recorded = Recorded::default();
        let mut same_run = false;
        if let Ok(f) = File::open(path) {
            let mut lines = BufReader::new(f).lines();
            if let Some(Ok(first)) = lines.next() {
                same_run = first == header;
            }
            if same_run {
                for line in lines.map_while(Result::ok) {
                    if let Some((status, id)) = line.split_once('\t') {
                        recorded.last.insert(id.to_owned(), status == "done");
                    }
                }
            }
        }
        let file = if same_run {
            OpenOptions::new().append(true).open(path)?
        } else {
            let mut f = File::create(path)?;
            writeln!(f, "{header}")?;
            f
        };
        Ok((
            StateFile {
                path: path.to_owned(),
                file: Some(file),
            },
            recorded,
        ))
    }

    /// Records one tenant's end. A write that fails is reported once by
    /// the caller: the run goes on, it only resumes less precisely.
    pub(crate) fn record(&mut self, id: &str, done: bool) -> std::io::Result<()> {
        let Some(f) = self.file.as_mut() else {
            return Ok(());
        };
        let status = if done { "done" } else { "failed" };
        // Ids are URLs without passwords or schema names: no tabs or newlines.
        let id = id.replace(['\t', '\n', '\r'], " ");
        f.write_all(format!("{status}\t{id}\n").as_bytes())?;
        f.flush()
    }

    /// The whole fleet finished: nothing is left to resume, so the file goes.
    pub(crate) fn finish(mut self) -> std::io::Result<()> {
        self.file = None;
        std::fs::remove_file(&self.path)
    }
}

/// A short stable key (FNV-1a, hex) over `parts`.
pub(crate) fn run_key(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0u8]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_run_sees_the_first_runs_tenants_and_a_new_key_starts_afresh() {
        let path = std::env::temp_dir().join(format!("migrate-fleet-{}.state", std::process::id()));
        let (mut s, rec) = StateFile::open(&path, "k1").unwrap();
        assert!(rec.last.is_empty());
        s.record("a", true).unwrap();
        s.record("b", false).unwrap();
        drop(s);
        let (mut s, rec) = StateFile::open(&path, "k1").unwrap();
        assert!(rec.is_done("a") && rec.failed("b") && !rec.is_done("c"));
        s.record("b", true).unwrap();
        drop(s);
        let (_, rec) = StateFile::open(&path, "k1").unwrap();
        assert!(rec.is_done("b"));
        let (s, rec) = StateFile::open(&path, "k2").unwrap();
        assert!(rec.last.is_empty());
        s.finish().unwrap();
        assert!(!path.exists());
        assert_ne!(run_key(&["ab", "c"]), run_key(&["a", "bc"]));
    }
}
