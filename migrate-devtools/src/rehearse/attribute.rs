//! Who did what: each statement of a section with the locks it took (from
//! the statement-boundary probe, and the sampler's spans outside a
//! transaction), the algorithm of a MariaDB `ALTER`, and which statement
//! rewrote which table.

use super::locks::{self, Span};
use super::probe::Boundary;
use super::report::{LockHeld, LockSource, Rewrite, StatementRun, TableSize};
use super::tables::Layout;
use migrate_runtime::{Dialect, Direction, Migration, StatementEvent};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// What was heard and seen of one section (a revision's up or down).
pub(crate) struct Section<'a> {
    /// The revision.
    pub(crate) migration: &'a Migration,
    /// Up or down.
    pub(crate) direction: Direction,
    /// The statements heard, in order (this section's only).
    pub(crate) events: Vec<StatementEvent>,
    /// The probe's looks at their ends (this section's only).
    pub(crate) boundaries: Vec<Boundary>,
    /// The sampler's spans while it ran (empty when it did not sample).
    pub(crate) spans: &'a [Span],
    /// Where locks come from.
    pub(crate) source: LockSource,
    /// The dialect.
    pub(crate) dialect: Dialect,
    /// When the step ended (committed, or failed): the end of a lock still
    /// held at the last statement's end.
    pub(crate) ended: Instant,
    /// Wall time of the step.
    pub(crate) step: Duration,
    /// Storage identity of each table before the section.
    pub(crate) before: &'a BTreeMap<String, Layout>,
}

impl<'a> Section<'a> {
    /// `m`'s section in `direction`, from everything heard and seen during
    /// a call of the migrator.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn of(
        m: &'a Migration,
        direction: Direction,
        events: &[StatementEvent],
        boundaries: &[Boundary],
        spans: &'a [Span],
        (source, dialect): (LockSource, Dialect),
        (ended, step): (Instant, Duration),
        before: &'a BTreeMap<String, Layout>,
    ) -> Section<'a> {
        Section {
            migration: m,
            direction,
            events: events
                .iter()
                .filter(|e| e.revision == m.id() && e.direction == direction)
                .cloned()
                .collect(),
            boundaries: boundaries
                .iter()
                .filter(|b| b.revision == m.id() && b.direction == direction)
                .cloned()
                .collect(),
            spans,
            source,
            dialect,
            ended,
            step,
            before,
        }
    }
}

fn start(e: &StatementEvent) -> Instant {
    e.finished - e.duration
}

impl Section<'_> {
    fn boundary(&self, index: usize) -> Option<&Boundary> {
        self.boundaries.iter().find(|b| b.index == index)
    }

    /// The storage of each table before statement `k` (0-based).
    fn storage_before(&self, k: usize) -> BTreeMap<String, Option<i64>> {
        match k.checked_sub(1).and_then(|p| self.boundary(p)) {
            Some(b) if b.error.is_none() => b.storage.clone(),
            _ if k == 0 => self
                .before
                .iter()
                .map(|(t, l)| (t.clone(), l.storage))
                .collect(),
            _ => BTreeMap::new(),
        }
    }

    /// Each statement with what it did.
    pub(crate) fn statements(&self) -> Vec<StatementRun> {
        let sql = match self.direction {
            Direction::Up => self.migration.up_sql(),
            Direction::Down => self.migration.down_sql().unwrap_or_default(),
        };
        let split = migrate_runtime::core::split::split(sql, self.dialect);
        let mut out = Vec::new();
        for (j, e) in self.events.iter().enumerate() {
            let s = split.get(e.index);
            let text = s
                .map(|s| migrate_runtime::core::split::shorten(s.text))
                .unwrap_or_default();
            let mut locks = self.boundary_locks(j);
            // Outside a transaction a statement's locks end with it: the
            // sampler's spans first seen while it ran are its own.
            let until = self.events.get(j + 1).map(start);
            let from = (j > 0).then(|| start(e));
            for sp in self
                .spans
                .iter()
                .filter(|sp| from.is_none_or(|f| sp.seen >= f) && until.is_none_or(|u| sp.seen < u))
            {
                if !locks
                    .iter()
                    .any(|l| l.relation == sp.relation && l.mode == sp.mode)
                {
                    locks.push(LockHeld {
                        relation: sp.relation.clone(),
                        mode: sp.mode.clone(),
                        // At most this long: to the first look without it.
                        held: (sp.gone - sp.from).max(locks::INTERVAL),
                        strong: locks::strong(&sp.mode),
                    });
                }
            }
            let algorithm = self.algorithm(e, &text);
            match self.source {
                LockSource::Estimated | LockSource::MetadataLocks if is_ddl(&text) => {
                    locks.push(LockHeld {
                        relation: ddl_table(&text).unwrap_or_else(|| "?".to_owned()),
                        mode: "exclusive metadata lock (estimated: the statement's duration)"
                            .to_owned(),
                        held: e.duration,
                        strong: true,
                    })
                }
                LockSource::DatabaseLock if out.is_empty() => locks.push(LockHeld {
                    relation: "database".to_owned(),
                    mode: "write lock (the revision's transaction)".to_owned(),
                    held: self.step,
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
                algorithm,
            });
        }
        out
    }

    /// The locks first seen at statement `j`'s end (not at the previous
    /// one's): it took them. Each is held from the statement's start until
    /// the first look that no longer shows it, or until the step ended.
    fn boundary_locks(&self, j: usize) -> Vec<LockHeld> {
        let e = &self.events[j];
        let Some(here) = self.boundary(e.index).filter(|b| b.error.is_none()) else {
            return Vec::new();
        };
        let earlier: BTreeSet<&(String, String)> = j
            .checked_sub(1)
            .and_then(|p| self.boundary(self.events[p].index))
            .map(|b| b.locks.iter().collect())
            .unwrap_or_default();
        here.locks
            .iter()
            .filter(|l| !earlier.contains(l))
            .map(|l| {
                let released = self.events[j + 1..]
                    .iter()
                    .find(|later| {
                        self.boundary(later.index)
                            .is_some_and(|b| b.error.is_none() && !b.locks.contains(l))
                    })
                    .map_or(self.ended, |later| later.finished);
                LockHeld {
                    relation: l.0.clone(),
                    mode: l.1.clone(),
                    held: released.saturating_duration_since(start(e)),
                    strong: locks::strong(&l.1),
                }
            })
            .collect()
    }

    /// MariaDB/MySQL: the algorithm of a DDL statement, from its outcome.
    fn algorithm(&self, e: &StatementEvent, text: &str) -> Option<String> {
        if self.dialect != Dialect::MySql || !is_ddl(text) {
            return None;
        }
        let table = ddl_table(text)?;
        let before = self
            .storage_before(e.index)
            .get(&table)
            .copied()
            .flatten()?;
        let after = self
            .boundary(e.index)
            .filter(|b| b.error.is_none())?
            .storage
            .get(&table)
            .copied()
            .flatten()?;
        Some(if before == after {
            "INSTANT or INPLACE (table kept)".to_owned()
        } else if e.rows_affected > 0 {
            "COPY".to_owned()
        } else {
            "INPLACE (table rebuilt)".to_owned()
        })
    }

    /// Tables given new storage, and by which statement: seen at that
    /// statement's end when it committed by itself; inside a transaction
    /// the catalog shows the change only after the commit, so the statement
    /// is the one that held `AccessExclusiveLock` on the table while new,
    /// not yet visible storage appeared.
    pub(crate) fn rewrites(&self, after: &BTreeMap<String, Layout>) -> Vec<Rewrite> {
        let mut out: Vec<Rewrite> = Vec::new();
        for e in &self.events {
            let Some(b) = self.boundary(e.index).filter(|b| b.error.is_none()) else {
                continue;
            };
            let earlier = self.storage_before(e.index);
            for (table, now) in &b.storage {
                if let (Some(now), Some(Some(then))) = (now, earlier.get(table)) {
                    if now != then && !out.iter().any(|w| &w.table == table) {
                        out.push(self.rewrite(table, Some(e)));
                    }
                }
            }
        }
        for (table, a) in after {
            let changed = matches!(
                (self.before.get(table).and_then(|b| b.storage), a.storage),
                (Some(x), Some(y)) if x != y
            );
            if changed && !out.iter().any(|w| &w.table == table) {
                let by = self.events.iter().enumerate().find(|(j, e)| {
                    let unseen = |k: usize| self.boundary(k).map_or(0, |b| b.unseen);
                    let before = j.checked_sub(1).map_or(0, |p| unseen(self.events[p].index));
                    self.boundary(e.index).is_some_and(|b| {
                        b.unseen > before
                            && b.locks
                                .iter()
                                .any(|(r, m)| r == table && m == "AccessExclusiveLock")
                    })
                });
                out.push(self.rewrite(table, by.map(|(_, e)| e)));
            }
        }
        out
    }

    fn rewrite(&self, table: &str, by: Option<&StatementEvent>) -> Rewrite {
        let how = match self.dialect {
            Dialect::Postgres => "rewritten: new relfilenode".to_owned(),
            Dialect::MySql => match by {
                Some(e) if e.rows_affected > 0 => format!(
                    "rebuilt: new InnoDB table id (ALGORITHM=COPY, {} rows copied)",
                    e.rows_affected
                ),
                Some(_) => "rebuilt: new InnoDB table id (ALGORITHM=INPLACE)".to_owned(),
                None => "rebuilt: new InnoDB table id".to_owned(),
            },
            _ => "rewritten: new root page".to_owned(),
        };
        Rewrite {
            table: table.to_owned(),
            how,
            statement: by.map(|e| e.index + 1),
        }
    }
}

/// Size changes between two layouts.
pub(crate) fn sizes(
    before: &BTreeMap<String, Layout>,
    after: &BTreeMap<String, Layout>,
) -> Vec<TableSize> {
    let mut sizes = Vec::new();
    for (name, a) in after {
        let b = before.get(name);
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
    sizes
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
