//! The rehearsal: copy, run each pending revision on the copy with its
//! statements timed and its locks sampled, roll back, check, upgrade
//! again, drop the copy.

use super::copy::{copy, Copy};
use super::error::RehearseError;
use super::locks::{self, Sampler, Span};
use super::report::*;
use super::tables::{contents, layout, Layout};
use crate::autogen::differences;
use crate::catalog::read_schema;
use crate::scratch::ScratchServer;
use migrate_runtime::{
    DatabaseUrl, Direction, Error, Migration, Migrations, Migrator, StatementEvent, StepEvent,
    DEFAULT_TABLE,
};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A progress callback: one line of what the rehearsal is doing.
type Progress = Arc<dyn Fn(&str) + Send + Sync>;

/// A rehearsal of the pending migrations on a copy of a database:
/// `Rehearsal::new(&migrations, source).dev(dev_url).run().await`.
pub struct Rehearsal<'m> {
    migrations: &'m Migrations,
    source: DatabaseUrl,
    dev: Option<DatabaseUrl>,
    same_server_allowed: bool,
    table: String,
    target: Option<String>,
    down: bool,
    keep: bool,
    max_lock: Option<Duration>,
    sample: Option<f64>,
    progress: Option<Progress>,
}

#[derive(Default)]
struct Heard {
    statements: Vec<StatementEvent>,
    steps: Vec<StepEvent>,
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
        }
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

    fn say(&self, line: &str) {
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
        let server = ScratchServer::for_project(
            dialect,
            Some(&self.source),
            self.dev.as_ref(),
            self.same_server_allowed,
        )?;
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

    fn migrator(&self, heard: &Arc<Mutex<Heard>>) -> Migrator<'m> {
        let (a, b) = (heard.clone(), heard.clone());
        self.migrations
            .migrator()
            .table(self.table.clone())
            .on_statement(move |e| {
                a.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .statements
                    .push(e.clone())
            })
            .on_step(move |e| {
                b.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .steps
                    .push(e.clone())
            })
    }

    async fn rehearse(&self, copy: &Copy) -> Result<RehearsalReport, RehearseError> {
        let db = &copy.db;
        let heard = Arc::new(Mutex::new(Heard::default()));
        let migrator = self.migrator(&heard);
        let status = migrator.status(db).await?;
        let pending = self.pending(&status.pending)?;
        let lock_source = locks::source(db).await;
        let exclude = [self.table.as_str()];
        let start_schema = read_schema(db, &exclude).await?;
        let start_rows = if self.down {
            contents(db, &self.table).await?
        } else {
            BTreeMap::new()
        };
        let mut report = RehearsalReport {
            dialect: db.dialect(),
            source: self.source.to_string(),
            copy: copy.report.clone(),
            lock_source,
            started_at: status.heads.clone(),
            revisions: Vec::new(),
            rollback: None,
            long_locks: Vec::new(),
            max_lock: self.max_lock,
        };
        let total = pending.len();
        for (k, m) in pending.iter().enumerate() {
            self.say(&format!(
                "[{}/{total}] upgrading {} ({})",
                k + 1,
                m.id(),
                m.file_name()
            ));
            let before = layout(db, &self.table).await?;
            let sampler = Sampler::start(lock_source, &copy.url, &self.table).await?;
            let begun = Instant::now();
            let result = migrator.upgrade(db, m.id()).await;
            let duration = begun.elapsed();
            let spans = match sampler {
                Some(s) => s.stop().await?,
                None => Vec::new(),
            };
            let after = layout(db, &self.table).await?;
            let events =
                std::mem::take(&mut heard.lock().unwrap_or_else(|p| p.into_inner()).statements);
            let statements = statements(
                m,
                Direction::Up,
                &events,
                &spans,
                lock_source,
                db.dialect(),
                duration,
            );
            let (rewrites, sizes) = compare(&before, &after);
            report.revisions.push(RevisionRun {
                id: m.id().to_owned(),
                file: m.file_name().to_owned(),
                message: m.message().to_owned(),
                duration,
                statements,
                error: result.err().map(|e| e.to_string()),
                rewrites,
                sizes,
                down: None,
            });
            if report.revisions.last().is_some_and(|r| r.error.is_some()) {
                break;
            }
        }
        heard
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .steps
            .clear();
        for r in &report.revisions {
            for s in &r.statements {
                for l in &s.locks {
                    if l.strong && self.max_lock.is_some_and(|max| l.held > max) {
                        report.long_locks.push(LongLock {
                            revision: r.id.clone(),
                            statement: s.number,
                            lock: l.clone(),
                        });
                    }
                }
            }
        }
        let failed = report.revisions.iter().any(|r| r.error.is_some());
        if self.down && !failed && !pending.is_empty() {
            report.rollback = Some(
                self.rollback(
                    copy,
                    &migrator,
                    &heard,
                    &pending,
                    &mut report,
                    start_schema,
                    start_rows,
                )
                .await?,
            );
        }
        Ok(report)
    }

    /// The pending revisions up to the target, in apply order.
    fn pending(&self, pending: &[String]) -> Result<Vec<&'m Migration>, RehearseError> {
        let graph = self.migrations.graph();
        let wanted = match self.target.as_deref() {
            None | Some("heads") => None,
            Some("head") if graph.heads().len() == 1 => None,
            Some(t) => {
                let found = graph
                    .index_of(t)
                    .or_else(|| graph.label_revision(t))
                    .or_else(|| match graph.with_prefix(t) {
                        [one] => Some(*one),
                        _ => None,
                    })
                    .ok_or_else(|| RehearseError::Target {
                        target: t.to_owned(),
                    })?;
                Some(graph.ancestors([found]))
            }
        };
        Ok(pending
            .iter()
            .filter(|id| {
                wanted
                    .as_ref()
                    .is_none_or(|set| graph.index_of(id).is_some_and(|i| set.contains(i)))
            })
            .filter_map(|id| self.migrations.get(id))
            .collect())
    }

    #[allow(clippy::too_many_arguments)]
    async fn rollback(
        &self,
        copy: &Copy,
        migrator: &Migrator<'m>,
        heard: &Arc<Mutex<Heard>>,
        pending: &[&'m Migration],
        report: &mut RehearsalReport,
        start_schema: migrate_schema::Schema,
        start_rows: BTreeMap<String, (i64, String)>,
    ) -> Result<Rollback, RehearseError> {
        let db = &copy.db;
        let dialect = db.dialect();
        let exclude = [self.table.as_str()];
        let mut rb = Rollback {
            skipped: None,
            duration: Duration::ZERO,
            error: None,
            schema_differences: Vec::new(),
            lost: Vec::new(),
            again: None,
            again_error: None,
            again_differences: Vec::new(),
        };
        if let Some(m) = pending.iter().find(|m| m.is_irreversible()) {
            rb.skipped = Some(format!("{} ({}) is irreversible", m.id(), m.file_name()));
            return Ok(rb);
        }
        let target = match report.started_at.as_slice() {
            [] => "base".to_owned(),
            [one] => one.clone(),
            _ => {
                rb.skipped = Some("the copy started at several heads".to_owned());
                return Ok(rb);
            }
        };
        let end_schema = read_schema(db, &exclude).await?;
        self.say(&format!("downgrading to {target}"));
        let sampler = Sampler::start(report.lock_source, &copy.url, &self.table).await?;
        let begun = Instant::now();
        let result = migrator.downgrade(db, target.as_str()).await;
        rb.duration = begun.elapsed();
        let spans = match sampler {
            Some(s) => s.stop().await?,
            None => Vec::new(),
        };
        let (events, steps) = {
            let mut h = heard.lock().unwrap_or_else(|p| p.into_inner());
            (
                std::mem::take(&mut h.statements),
                std::mem::take(&mut h.steps),
            )
        };
        let failed_rev = match &result {
            Err(Error::Migration { revision, .. }) => Some(revision.clone()),
            _ => None,
        };
        for r in report.revisions.iter_mut() {
            let m = pending
                .iter()
                .find(|m| m.id() == r.id)
                .expect("a pending revision");
            let step = steps.iter().find(|s| s.revision == r.id);
            let failed_here = failed_rev.as_deref() == Some(r.id.as_str());
            if step.is_none() && !failed_here {
                continue;
            }
            let mine: Vec<StatementEvent> = events
                .iter()
                .filter(|e| e.revision == r.id)
                .cloned()
                .collect();
            // The failed step has no step event: it took what the
            // downgrade took beyond the steps that finished.
            let finished: Duration = steps.iter().map(|s| s.duration).sum();
            let duration = step.map_or(rb.duration.saturating_sub(finished), |s| s.duration);
            r.down = Some(DownRun {
                duration,
                statements: statements(
                    m,
                    Direction::Down,
                    &mine,
                    &spans,
                    report.lock_source,
                    dialect,
                    duration,
                ),
                error: failed_here
                    .then(|| result.as_ref().err().map(|e| e.to_string()))
                    .flatten(),
            });
        }
        if let Err(e) = result {
            rb.error = Some(e.to_string());
            return Ok(rb);
        }
        let down_schema = read_schema(db, &exclude).await?;
        rb.schema_differences =
            differences(&start_schema, &down_schema, dialect).unwrap_or_default();
        let down_rows = contents(db, &self.table).await?;
        for (table, (rows, hash)) in &start_rows {
            match down_rows.get(table) {
                Some((r, h)) if r == rows && h == hash => {}
                other => rb.lost.push(TableLoss {
                    table: table.clone(),
                    rows_before: *rows,
                    rows_after: other.map(|(r, _)| *r),
                }),
            }
        }
        self.say("upgrading again");
        let target = self.target.clone().unwrap_or_else(|| "heads".to_owned());
        let begun = Instant::now();
        let again = migrator.upgrade(db, target.as_str()).await;
        rb.again = Some(begun.elapsed());
        heard
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .statements
            .clear();
        match again {
            Err(e) => rb.again_error = Some(e.to_string()),
            Ok(_) => {
                let again_schema = read_schema(db, &exclude).await?;
                rb.again_differences =
                    differences(&end_schema, &again_schema, dialect).unwrap_or_default();
            }
        }
        Ok(rb)
    }
}

/// The statements of `m`'s section in `direction`, with the locks whose
/// span began while each ran.
fn statements(
    m: &Migration,
    direction: Direction,
    events: &[StatementEvent],
    spans: &[Span],
    source: LockSource,
    dialect: migrate_runtime::Dialect,
    step: Duration,
) -> Vec<StatementRun> {
    let sql = match direction {
        Direction::Up => m.up_sql(),
        Direction::Down => m.down_sql().unwrap_or_default(),
    };
    let split = migrate_runtime::core::split::split(sql, dialect);
    // Each statement owns the locks first seen (in a sample's answer) while
    // it ran: from its start to the next statement's start. The bounds come
    // from every statement heard, so a span belongs to one statement only;
    // the first statement also owns what was seen before it, the last what
    // was seen after it.
    let start = |e: &StatementEvent| e.finished - e.duration;
    let mut out = Vec::new();
    for (j, e) in events.iter().enumerate() {
        if e.revision != m.id() || e.direction != direction {
            continue;
        }
        let from = (j > 0).then(|| start(e));
        let until = events.get(j + 1).map(start);
        let first = out.is_empty();
        let s = split.get(e.index);
        let text = s
            .map(|s| migrate_runtime::core::split::shorten(s.text))
            .unwrap_or_default();
        let mut locks: Vec<LockHeld> = spans
            .iter()
            .filter(|sp| from.is_none_or(|f| sp.seen >= f) && until.is_none_or(|u| sp.seen < u))
            .map(|sp| LockHeld {
                relation: sp.relation.clone(),
                mode: sp.mode.clone(),
                held: (sp.to - sp.from).max(locks::INTERVAL),
                strong: locks::strong(&sp.mode),
            })
            .collect();
        match source {
            LockSource::Estimated if is_ddl(&text) => locks.push(LockHeld {
                relation: ddl_table(&text).unwrap_or_else(|| "?".to_owned()),
                mode: "exclusive metadata lock (estimated: the statement's duration)".to_owned(),
                held: e.duration,
                strong: true,
            }),
            LockSource::DatabaseLock if first => locks.push(LockHeld {
                relation: "database".to_owned(),
                mode: "write lock (the revision's transaction)".to_owned(),
                held: step,
                strong: true,
            }),
            _ => {}
        }
        out.push(StatementRun {
            number: e.index + 1,
            line: s.map(|s| s.line),
            text,
            duration: e.duration,
            rows_affected: e.rows_affected,
            locks,
        });
    }
    out
}

/// The words of a statement, as sqlparser's tokenizer reads them.
fn words(text: &str) -> Vec<String> {
    use sqlparser::tokenizer::{Token, Tokenizer};
    let dialect = sqlparser::dialect::MySqlDialect {};
    Tokenizer::new(&dialect, text)
        .tokenize()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|t| match t {
            Token::Word(w) => Some(w.value),
            _ => None,
        })
        .take(6)
        .collect()
}

fn is_ddl(text: &str) -> bool {
    words(text).first().is_some_and(|w| {
        ["ALTER", "CREATE", "DROP", "RENAME", "TRUNCATE", "OPTIMIZE"]
            .iter()
            .any(|k| w.eq_ignore_ascii_case(k))
    })
}

/// The table a DDL statement names: `ALTER TABLE t`, `CREATE [UNIQUE]
/// INDEX i ON t`, `DROP TABLE t`, `RENAME TABLE t`.
fn ddl_table(text: &str) -> Option<String> {
    let w = words(text);
    let upper: Vec<String> = w.iter().map(|s| s.to_ascii_uppercase()).collect();
    if let Some(on) = upper.iter().position(|s| s == "ON") {
        return w.get(on + 1).cloned();
    }
    let t = upper.iter().position(|s| s == "TABLE")?;
    w.get(t + 1).cloned()
}

/// Rewrites (storage identity changed) and size changes.
fn compare(
    before: &BTreeMap<String, Layout>,
    after: &BTreeMap<String, Layout>,
) -> (Vec<Rewrite>, Vec<TableSize>) {
    let mut rewrites = Vec::new();
    let mut sizes = Vec::new();
    for (name, a) in after {
        let b = before.get(name);
        if let (
            Some(Layout {
                storage: Some(x), ..
            }),
            Some(y),
        ) = (b, a.storage)
        {
            if *x != y {
                rewrites.push(Rewrite {
                    table: name.clone(),
                    how: "rewritten: its storage changed (PostgreSQL relfilenode, InnoDB table id, SQLite root page)".to_owned(),
                });
            }
        }
        let before_size = b.and_then(|l| l.size);
        if b.is_none() || before_size != a.size {
            sizes.push(TableSize {
                table: name.clone(),
                before: before_size,
                after: a.size,
            });
        }
    }
    for (name, b) in before {
        if !after.contains_key(name) {
            sizes.push(TableSize {
                table: name.clone(),
                before: b.size,
                after: None,
            });
        }
    }
    (rewrites, sizes)
}
