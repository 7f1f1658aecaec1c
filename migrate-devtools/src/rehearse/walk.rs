//! The rehearsal and its options: copy, run the pending revisions on the
//! copy (`steps.rs`), roll back and upgrade again (`rollback.rs`), drop the
//! copy.

use super::copy::copy;
use super::error::RehearseError;
use super::report::RehearsalReport;
use crate::scratch::ScratchServer;
use migrate_runtime::{DatabaseUrl, Migrations, DEFAULT_TABLE};
use std::sync::Arc;
use std::time::Duration;

/// A progress callback: one line of what the rehearsal is doing.
type Progress = Arc<dyn Fn(&str) + Send + Sync>;

/// A rehearsal of the pending migrations on a copy of a database:
/// `Rehearsal::new(&migrations, source).dev(dev_url).run().await`.
pub struct Rehearsal<'m> {
    pub(super) migrations: &'m Migrations,
    pub(super) source: DatabaseUrl,
    pub(super) dev: Option<DatabaseUrl>,
    pub(super) same_server_allowed: bool,
    pub(super) table: String,
    pub(super) target: Option<String>,
    pub(super) down: bool,
    pub(super) keep: bool,
    pub(super) max_lock: Option<Duration>,
    pub(super) sample: Option<f64>,
    pub(super) progress: Option<Progress>,
    pub(super) server: Option<ScratchServer>,
}

impl<'m> Rehearsal<'m> {
    /// Rehearses `migrations` on a copy of `source` (only read).
    pub fn new(migrations: &'m Migrations, source: DatabaseUrl) -> Rehearsal<'m> {
        Rehearsal {
            migrations,
            source,
            dev: None,
            same_server_allowed: false,
            table: DEFAULT_TABLE.to_owned(),
            target: None,
            down: true,
            keep: false,
            max_lock: None,
            sample: None,
            progress: None,
            server: None,
        }
    }

    /// Copies to `server` (of the source's dialect) instead of the server
    /// [`Rehearsal::dev`] names or a private one started for this rehearsal
    /// alone: the rehearsals of a fleet share one. It is still refused when
    /// it is the source's own server, unless
    /// [`Rehearsal::same_server_allowed`]. For a dev server, give its URL
    /// to [`Rehearsal::dev`] too: the copy's URL is made from it.
    pub fn on_server(mut self, server: ScratchServer) -> Self {
        self.server = Some(server);
        self
    }

    /// The server the copy goes to (default: a private server started for
    /// it; see [`ScratchServer::for_project`]). The source's own server is
    /// refused unless [`Rehearsal::same_server_allowed`].
    pub fn dev(mut self, dev: DatabaseUrl) -> Self {
        self.dev = Some(dev);
        self
    }

    /// Allows the dev server to be the source's own server (the project
    /// opted in by name: `dev_url_same_server` in migrate.toml).
    pub fn same_server_allowed(mut self, allowed: bool) -> Self {
        self.same_server_allowed = allowed;
        self
    }

    /// The version table.
    pub fn table(mut self, table: impl Into<String>) -> Self {
        self.table = table.into();
        self
    }

    /// Upgrade to `target` (`heads`, `head`, an id, a prefix or a label)
    /// instead of the heads.
    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// Whether to roll back and upgrade again (default: yes).
    pub fn down(mut self, down: bool) -> Self {
        self.down = down;
        self
    }

    /// Keep the copy afterwards (its URL is in the report).
    pub fn keep(mut self, keep: bool) -> Self {
        self.keep = keep;
        self
    }

    /// Fail when a lock stronger than row-level is held longer.
    pub fn max_lock(mut self, limit: Duration) -> Self {
        self.max_lock = Some(limit);
        self
    }

    /// Copy only `percent` of each table's rows.
    pub fn sample(mut self, percent: f64) -> Self {
        self.sample = Some(percent);
        self
    }

    /// Tells `f` what it is doing, one line at a time.
    pub fn on_progress(mut self, f: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(f));
        self
    }

    pub(super) fn say(&self, line: &str) {
        if let Some(p) = &self.progress {
            p(line);
        }
    }

    /// Runs it. The copy is dropped on every path (unless kept); a cancelled
    /// future leaves it registered with [`crate::scratch::drop_live`].
    pub async fn run(self) -> Result<RehearsalReport, RehearseError> {
        if let Some(p) = self.sample {
            if !(p > 0.0 && p <= 100.0) {
                return Err(RehearseError::Sample(p));
            }
        }
        let dialect = self.source.dialect();
        // Never the source's own server by default: a private server, or the
        // dev server named (refused when it is the source's, unless allowed).
        let server = match &self.server {
            Some(server) => {
                server.check_target(&self.source, self.same_server_allowed)?;
                server.clone()
            }
            None => ScratchServer::for_project(
                dialect,
                Some(&self.source),
                self.dev.as_ref(),
                self.same_server_allowed,
            )?,
        };
        // A private server and all on it go when the command ends: a copy
        // kept there would be a URL pointing at nothing.
        if self.keep && server.is_private() {
            return Err(RehearseError::KeepOnPrivateServer);
        }
        self.say("copying the database");
        let mut copy = copy(
            &self.source,
            &server,
            self.dev.as_ref(),
            self.sample,
            &self.table,
        )
        .await?;
        self.say(&format!(
            "copied in {:.1} s ({})",
            copy.report.duration.as_secs_f64(),
            copy.report.method
        ));
        let result = self.rehearse(&copy).await;
        if self.keep {
            copy.report.kept = Some(copy.url.to_string());
            if let Some(dir) = copy.dir.take() {
                dir.keep();
            }
            copy.db.close().await;
            // Marked kept on the dev server, so that no cleaner drops it.
            if let Some(s) = copy.scratch.take() {
                copy.report.kept = server.keep(s, "rehearse --keep").await;
            }
        } else {
            copy.db.close().await;
            if let Some(s) = copy.scratch.take() {
                server.drop(s).await?;
            }
        }
        let mut report = result?;
        report.copy = copy.report;
        Ok(report)
    }
}
