//! The SQLite copy: SQLite's online backup API, a batch of pages per step,
//! from a read-only connection into a file of a private temporary
//! directory. The source is never written.
//!
//! Why steps rather than one `VACUUM INTO`: between two steps the copy is
//! an ordinary future, so Ctrl-C or SIGTERM (or a dropped rehearsal) ends
//! it at once, and the backup is finished before its directory is removed;
//! a single statement would run on in sqlx's worker thread while its file
//! is deleted. A source another connection has locked is waited for
//! without blocking the runtime.

use super::error::RehearseError;
use super::tools::TempDir;
use migrate_runtime::{DatabaseUrl, Db};

/// Pages a step copies (4 MiB at the default page size): short enough that
/// a step ends within milliseconds, long enough that a step's overhead is
/// lost in its copying.
const PAGES_PER_STEP: i32 = 1024;

/// How long the copy waits for a source another connection keeps locked.
const BUSY_LIMIT: std::time::Duration = std::time::Duration::from_secs(60);

/// How often a locked source is tried again.
const BUSY_RETRY: std::time::Duration = std::time::Duration::from_millis(25);

/// Restarts (another connection wrote to the source between two steps)
/// after which the rest goes in one step, holding the source's read lock
/// until it is done, so a busy writer cannot keep the copy from ending.
const RESTARTS_BEFORE_ONE_STEP: u32 = 3;

#[cfg(not(feature = "sqlite"))]
pub(crate) async fn sqlite(
    _source: &DatabaseUrl,
    _sample: Option<f64>,
    _table: &str,
) -> Result<(Db, DatabaseUrl, TempDir, String), RehearseError> {
    Err(RehearseError::not_built(migrate_runtime::Dialect::Sqlite))
}

/// Copies the SQLite database `source` into `copy.sqlite` of a new private
/// temporary directory, then keeps `sample` percent of each table's rows
/// when asked. Returns a pool on the copy, its URL, its directory (removed
/// when dropped) and how it was made.
#[cfg(feature = "sqlite")]
pub(crate) async fn sqlite(
    source: &DatabaseUrl,
    sample: Option<f64>,
    table: &str,
) -> Result<(Db, DatabaseUrl, TempDir, String), RehearseError> {
    use sqlx::Connection;
    use std::str::FromStr;
    let text = source.driver_text();
    if text.contains(":memory:") || text.contains("mode=memory") {
        return Err(RehearseError::MemorySource);
    }
    let shown = source.to_string();
    let failed = |action: &'static str| RehearseError::query(action, shown.clone());
    // No busy handler: a locked source is waited for here, asynchronously,
    // not inside SQLite's call on the runtime's thread.
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(&text)
        .map_err(failed("read the SQLite URL"))?
        .read_only(true)
        .create_if_missing(false)
        .busy_timeout(std::time::Duration::ZERO);
    let mut from = sqlx::SqliteConnection::connect_with(&options)
        .await
        .map_err(failed("open the database read-only"))?;
    let dir = TempDir::new()?;
    let file = dir.path().join("copy.sqlite");
    let into_options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&file)
        .create_if_missing(true);
    let mut into = sqlx::SqliteConnection::connect_with(&into_options)
        .await
        .map_err(failed("create the copy's file"))?;
    let restarts = backup(&mut from, &mut into, &shown).await?;
    into.close().await.ok();
    from.close().await.ok();
    let url = DatabaseUrl::parse(&format!("sqlite://{}", file.display())).map_err(|e| {
        RehearseError::Io {
            action: format!("name the copy {}: {e}", file.display()),
            source: std::io::Error::other("bad path"),
        }
    })?;
    let db = Db::connect_url(&url).await?;
    let mut method = "SQLite online backup (read-only source)".to_owned();
    if restarts > 0 {
        method.push_str(&format!(
            ", restarted {restarts} time(s) by writes to the source"
        ));
    }
    if let Some(p) = sample {
        super::sample::sqlite_rows(&db, p, table).await?;
        method.push_str(&format!(", then {p}% of each table's rows kept"));
    }
    Ok((db, url, dir, method))
}

/// A backup in progress; finished when dropped, so that a cancelled copy
/// releases both databases before its file is removed.
#[cfg(feature = "sqlite")]
struct Backup(std::ptr::NonNull<libsqlite3_sys::sqlite3_backup>);

// SAFETY: the backup object is used only while both connections' handles
// are locked out of their worker threads (see `backup`), from one task at a
// time; SQLite's default serialized threading mode lets any thread call it.
#[cfg(feature = "sqlite")]
unsafe impl Send for Backup {}

#[cfg(feature = "sqlite")]
impl Backup {
    /// One step of `pages` pages (-1: all that remain).
    fn step(&self, pages: i32) -> i32 {
        // SAFETY: `self.0` is a live backup object (finished only in Drop).
        unsafe { libsqlite3_sys::sqlite3_backup_step(self.0.as_ptr(), pages) }
    }

    /// Ends the backup; SQLite's result code for the whole of it.
    fn finish(self) -> i32 {
        let raw = self.0.as_ptr();
        std::mem::forget(self);
        // SAFETY: finished once: Drop will not run for `self`.
        unsafe { libsqlite3_sys::sqlite3_backup_finish(raw) }
    }

    /// Pages still to copy after the last step.
    fn remaining(&self) -> i32 {
        // SAFETY: as in `step`.
        unsafe { libsqlite3_sys::sqlite3_backup_remaining(self.0.as_ptr()) }
    }
}

#[cfg(feature = "sqlite")]
impl Drop for Backup {
    fn drop(&mut self) {
        // SAFETY: finished once; the handles it names are still locked by
        // the caller, whose guards are dropped after this one.
        unsafe {
            libsqlite3_sys::sqlite3_backup_finish(self.0.as_ptr());
        }
    }
}

/// Copies the main database of `from` over that of `into`, a step at a
/// time; returns how many times another connection's write restarted it.
#[cfg(feature = "sqlite")]
async fn backup(
    from: &mut sqlx::SqliteConnection,
    into: &mut sqlx::SqliteConnection,
    shown: &str,
) -> Result<u32, RehearseError> {
    use libsqlite3_sys::{SQLITE_BUSY, SQLITE_DONE, SQLITE_LOCKED, SQLITE_OK};
    let failed = |message: String| RehearseError::Backup {
        database: shown.to_owned(),
        message,
    };
    let locked = |e: sqlx::Error| failed(e.to_string());
    // Declared before the backup so that they are dropped after it.
    let mut source = from.lock_handle().await.map_err(locked)?;
    let mut dest = into.lock_handle().await.map_err(locked)?;
    // No raw pointer may live across an await (the future must stay
    // `Send`): the backup object is wrapped at once, and the handles are
    // asked for again where an error is read.
    let backup = {
        let dest_raw = dest.as_raw_handle().as_ptr();
        // SAFETY: both handles are locked out of their worker threads for
        // as long as the backup lives; the names are NUL-terminated.
        let raw = unsafe {
            libsqlite3_sys::sqlite3_backup_init(
                dest_raw,
                c"main".as_ptr(),
                source.as_raw_handle().as_ptr(),
                c"main".as_ptr(),
            )
        };
        match std::ptr::NonNull::new(raw) {
            Some(raw) => Backup(raw),
            None => return Err(failed(errmsg(dest_raw))),
        }
    };
    let mut waited = std::time::Duration::ZERO;
    let mut told = false;
    let mut restarts = 0;
    let mut last_remaining = i32::MAX;
    loop {
        let pages = if restarts >= RESTARTS_BEFORE_ONE_STEP {
            -1
        } else {
            PAGES_PER_STEP
        };
        match backup.step(pages) {
            SQLITE_DONE => break,
            SQLITE_OK => {
                let remaining = backup.remaining();
                if remaining > last_remaining {
                    restarts += 1;
                }
                last_remaining = remaining;
                // Lets a signal or a dropped rehearsal end the copy here.
                tokio::task::yield_now().await;
            }
            SQLITE_BUSY | SQLITE_LOCKED => {
                if waited >= BUSY_LIMIT {
                    return Err(RehearseError::SourceBusy {
                        database: shown.to_owned(),
                        seconds: waited.as_secs(),
                    });
                }
                if !told && waited >= std::time::Duration::from_secs(2) {
                    tracing::warn!(
                        target: "migrate",
                        database = shown,
                        "the source is locked by another connection; the copy waits (up to {} s)",
                        BUSY_LIMIT.as_secs()
                    );
                    told = true;
                }
                tokio::time::sleep(BUSY_RETRY).await;
                waited += BUSY_RETRY;
            }
            rc => return Err(failed(errstr(rc))),
        }
    }
    if backup.finish() != SQLITE_OK {
        return Err(failed(errmsg(dest.as_raw_handle().as_ptr())));
    }
    Ok(restarts)
}

/// The last error SQLite recorded on `db`.
#[cfg(feature = "sqlite")]
fn errmsg(db: *mut libsqlite3_sys::sqlite3) -> String {
    // SAFETY: `db` is a locked, open handle; SQLite returns a NUL-terminated
    // string it owns, copied here before any other call.
    unsafe { std::ffi::CStr::from_ptr(libsqlite3_sys::sqlite3_errmsg(db)) }
        .to_string_lossy()
        .into_owned()
}

/// SQLite's words for the result code `rc`.
#[cfg(feature = "sqlite")]
fn errstr(rc: i32) -> String {
    // SAFETY: SQLite returns a static, NUL-terminated string for any code.
    let text = unsafe { std::ffi::CStr::from_ptr(libsqlite3_sys::sqlite3_errstr(rc)) };
    format!("{} (code {rc})", text.to_string_lossy())
}
