//! The lint over a migration set: every revision in apply order, its up
//! section read statement by statement, findings filtered by the
//! `-- migrate:allow RULE reason` markers above each statement.
//!
//! Only up sections meet the danger rules (as strong_migrations checks only
//! the way up): a down section exists to drop what its up created. Both
//! sections are parsed, so a statement no grammar reads is reported in either.

use crate::analyze::{self, Ctx};
use crate::history::History;
use crate::rules::{Rule, Severity};
use crate::syntax::{head_keywords, parse_section, Parsed, Statement};
use migrate_graph::split::shorten;
use migrate_graph::{Dialect, Down, MigrationSet, Revision};
use serde::Serialize;
use std::collections::HashSet;

/// One finding: where, which rule, and what to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The file name, relative to the migrations directory.
    pub file: String,
    /// 1-based line of the statement in the file.
    pub line: usize,
    /// 1-based column of the statement.
    pub column: usize,
    /// The revision id.
    pub revision: String,
    /// The rule.
    pub rule: Rule,
    /// Error or warning.
    pub severity: Severity,
    /// The statement, shortened to one line.
    pub statement: String,
    /// What the statement does, naming the table and column.
    pub message: String,
    /// Why it is dangerous.
    pub why: &'static str,
    /// What to write instead.
    pub safe_pattern: &'static str,
}

/// Lints every revision of `set` for `dialect`, in apply order. Files whose
/// header says `-- migrate:unchecked` are skipped.
///
/// ```
/// use migrate_graph::{load, Dialect, SourceFile};
/// let files = [
///     SourceFile::new("1.sql", "-- Revision ID: a\n-- Revises:\n-- migrate:up\nCREATE TABLE t (id INT);\n-- migrate:down\nDROP TABLE t;\n"),
///     SourceFile::new("2.sql", "-- Revision ID: b\n-- Revises: a\n-- migrate:up\nDROP TABLE t;\n-- migrate:down irreversible\n"),
/// ];
/// let findings = migrate_lint::lint(&load(&files).unwrap(), Dialect::Postgres);
/// assert_eq!(findings.len(), 1);
/// assert_eq!((findings[0].file.as_str(), findings[0].line, findings[0].rule.id()), ("2.sql", 4, "drop-table"));
/// ```
pub fn lint(set: &MigrationSet, dialect: Dialect) -> Vec<Finding> {
    let graph = set.graph();
    let ids = |i: usize| graph.id(i).to_owned();
    let mut history = History::new(graph);
    let mut findings = Vec::new();
    for &i in graph.order() {
        let revision = set.revision(i);
        let before = history.before(i);
        if revision.unchecked {
            history.record(i, before, Vec::new());
            continue;
        }
        let mut ctx = Ctx {
            dialect,
            transaction: revision.up.transaction,
            before: &before,
            ids: &ids,
            new_tables: HashSet::new(),
            new_columns: HashSet::new(),
            effects: Vec::new(),
        };
        lint_revision(revision, &mut ctx, &mut findings);
        let effects = std::mem::take(&mut ctx.effects);
        history.record(i, before, effects);
    }
    findings
}

fn lint_revision(revision: &Revision, ctx: &mut Ctx<'_>, findings: &mut Vec<Finding>) {
    let dialect = ctx.dialect;
    let up = parse_section(&revision.file_name, &revision.up, dialect);
    let mut first_ddl = None;
    let mut first_dml = None;
    for (n, s) in up.iter().enumerate() {
        let mut found = Vec::new();
        match &s.parsed {
            Parsed::Ast(asts) => {
                for ast in asts {
                    analyze::statement(ctx, ast, &mut found);
                    if analyze::is_dml(ast) {
                        first_dml.get_or_insert(n);
                    }
                }
            }
            Parsed::Opaque => {
                let head = head_keywords(s.text, dialect);
                if dialect == Dialect::Postgres
                    && ctx.transaction
                    && analyze::says_concurrently(&head)
                {
                    found.push((
                        Rule::ConcurrentlyInTransaction,
                        "runs CONCURRENTLY in a section that runs in a transaction".into(),
                    ));
                }
                if analyze::is_dml_text(s.text) {
                    first_dml.get_or_insert(n);
                }
            }
            Parsed::Error(e) => found.push((
                Rule::Unparsed,
                format!(
                    "the {dialect} grammar cannot read this statement: {}",
                    e.message
                ),
            )),
        }
        if analyze::is_ddl_text(s.text) {
            first_ddl.get_or_insert(n);
        }
        report(revision, &revision.up.sql, &up, n, found, dialect, findings);
    }

    if dialect == Dialect::MySql {
        if let (Some(_), Some(dml)) = (first_ddl, first_dml) {
            let what = "changes rows in a revision that also changes the schema".to_owned();
            let found = vec![(Rule::MixedDdlDml, what)];
            report(
                revision,
                &revision.up.sql,
                &up,
                dml,
                found,
                dialect,
                findings,
            );
        }
        let no_down = match &revision.down {
            Down::Irreversible => true,
            Down::Sql(s) => !s.has_sql(),
        };
        if let (Some(dml), true) = (first_dml, no_down) {
            let what = "changes rows, and the revision has no down section".to_owned();
            let found = vec![(Rule::DataChangeWithoutDown, what)];
            report(
                revision,
                &revision.up.sql,
                &up,
                dml,
                found,
                dialect,
                findings,
            );
        }
    }

    if let Some(down) = revision.down.section() {
        let statements = parse_section(&revision.file_name, down, dialect);
        for (n, s) in statements.iter().enumerate() {
            if let Parsed::Error(e) = &s.parsed {
                let what = format!(
                    "the {dialect} grammar cannot read this statement: {}",
                    e.message
                );
                let found = vec![(Rule::Unparsed, what)];
                report(
                    revision,
                    &down.sql,
                    &statements,
                    n,
                    found,
                    dialect,
                    findings,
                );
            }
        }
    }
}

/// Turns statement `n`'s raw findings into [`Finding`]s, minus those an
/// allow marker above it silences, plus the markers' own problems.
fn report(
    revision: &Revision,
    sql: &str,
    statements: &[Statement<'_>],
    n: usize,
    found: Vec<(Rule, String)>,
    dialect: Dialect,
    findings: &mut Vec<Finding>,
) {
    let s = &statements[n];
    let gap_start = n
        .checked_sub(1)
        .map_or(0, |p| statements[p].offset + statements[p].text.len());
    let gap = &sql[gap_start..s.offset];
    let gap_first_line = s.line - gap.matches('\n').count();
    let markers = crate::allow::markers(gap);
    let finding = |rule: Rule, message: String, line: usize, column: usize| Finding {
        file: revision.file_name.clone(),
        line,
        column,
        revision: revision.id.clone(),
        rule,
        severity: severity(rule, dialect),
        statement: shorten(s.text),
        message,
        why: rule.why(),
        safe_pattern: rule.safe_pattern(),
    };
    // A marker is checked once, with the statement below it, whichever
    // finding (if any) led here first.
    for marker in markers.iter() {
        if let Err((offset_line, problem)) = marker {
            let line = gap_first_line + offset_line;
            let f = finding(Rule::BadAllow, problem.clone(), line, 1);
            if !findings.contains(&f) {
                findings.push(f);
            }
        }
    }
    let allowed: Vec<Rule> = markers
        .iter()
        .filter_map(|m| m.as_ref().ok().copied())
        .collect();
    for (rule, message) in found {
        if !allowed.contains(&rule) {
            findings.push(finding(rule, message, s.line, s.column));
        }
    }
}

/// A finding's severity: the rule's, except where a dialect makes it milder.
fn severity(rule: Rule, dialect: Dialect) -> Severity {
    match (rule, dialect) {
        // MySQL fills the column with 0 or '' instead of failing.
        (Rule::AddColumnNotNull, Dialect::MySql) => Severity::Warning,
        _ => rule.severity(),
    }
}
