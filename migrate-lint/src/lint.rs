//! The lint over a migration set: every revision in apply order, its up
//! section read statement by statement, findings filtered by the
//! `-- migrate:allow RULE reason` markers above each statement.
//!
//! Only up sections meet the danger rules (as strong_migrations checks only
//! the way up): a down section exists to drop what its up created. Both
//! sections are parsed, so a statement no grammar reads is reported in either.

use crate::analyze::{self, ident_key, names_key, Ctx, Next};
use crate::history::History;
use crate::rules::{Rule, Severity};
use crate::syntax::{parse_statement, parse_statements, Parsed, Statement};
use migrate_graph::split::shorten;
use migrate_graph::{Dialect, Down, MigrationSet, Revision};
use serde::Serialize;
use sqlparser::ast::{AlterTableOperation, RenameTableNameKind, Statement as Ast};

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
        let mut ctx = Ctx::new(dialect, revision.up.transaction, i, &ids, before);
        lint_revision(revision, &mut ctx, &mut findings);
        let effects = std::mem::take(&mut ctx.effects);
        history.record(i, ctx.now, effects);
    }
    findings
}

/// The findings of one statement, read by the grammar or, where it cannot
/// read it, from its tokens; a procedural body's statements included.
fn findings_of(ctx: &mut Ctx<'_>, s: &Statement<'_>) -> (analyze::Found, bool) {
    let mut found = Vec::new();
    let mut dml = false;
    analyze::enum_use(ctx, s.text, &mut found);
    match &s.parsed {
        Parsed::Ast(asts) => {
            for ast in asts {
                analyze::statement(ctx, ast, &mut found);
                dml |= analyze::is_dml(ast);
            }
        }
        Parsed::Opaque => {
            analyze::opaque(ctx, s.text, &mut found);
            dml = analyze::is_dml_text(s.text);
        }
        Parsed::Error(e) => found.push((
            Rule::Unparsed,
            format!(
                "the {} grammar cannot read this statement: {}",
                ctx.dialect, e.message
            ),
        )),
    }
    if !matches!(s.parsed, Parsed::Error(_)) {
        if let Some((what, statements)) = analyze::bodies(s.text, ctx.dialect) {
            ctx.next = None;
            for text in statements {
                let Ok(asts) = parse_statement(&text, ctx.dialect) else {
                    continue;
                };
                let mut inner = Vec::new();
                for ast in &asts {
                    analyze::statement(ctx, ast, &mut inner);
                }
                found.extend(
                    inner
                        .into_iter()
                        .map(|(rule, m)| (rule, format!("{m} (inside {what})"))),
                );
            }
        }
    }
    (found, dml)
}

/// What the statement is, if it is one [`Next`] describes.
fn next_of(s: &Statement<'_>, dialect: Dialect) -> Option<Next> {
    let Parsed::Ast(asts) = &s.parsed else {
        return None;
    };
    let [Ast::AlterTable(at)] = asts.as_slice() else {
        return None;
    };
    let table = names_key(dialect, &at.name);
    match at.operations.as_slice() {
        [AlterTableOperation::RenameTable { table_name }] => {
            let (RenameTableNameKind::As(to) | RenameTableNameKind::To(to)) = table_name;
            Some(Next::Rename(table, names_key(dialect, to)))
        }
        [AlterTableOperation::AddColumn { column_def, .. }] => {
            Some(Next::AddColumn(table, ident_key(&column_def.name)))
        }
        [AlterTableOperation::ChangeColumn { new_name, .. }] => {
            Some(Next::TakesName(table, ident_key(new_name)))
        }
        [AlterTableOperation::RenameColumn {
            new_column_name, ..
        }] => Some(Next::TakesName(table, ident_key(new_column_name))),
        _ => None,
    }
}

fn lint_revision(revision: &Revision, ctx: &mut Ctx<'_>, findings: &mut Vec<Finding>) {
    let dialect = ctx.dialect;
    let sql = revision.up.sql.as_str();
    let mut first_ddl = false;
    // The first statement that changes rows, kept without its syntax tree
    // (with where the text above it starts) for the MySQL rules.
    let mut first_dml: Option<(Statement<'_>, usize)> = None;
    let mut gap_start = 0;
    let mut statements = parse_statements(&revision.file_name, &revision.up, dialect).peekable();
    while let Some(s) = statements.next() {
        ctx.next = statements.peek().and_then(|n| next_of(n, dialect));
        let (found, dml) = findings_of(ctx, &s);
        first_ddl |= analyze::is_ddl_text(s.text);
        report(revision, sql, &s, gap_start, found, dialect, findings);
        if dml && first_dml.is_none() {
            first_dml = Some((s.clone_text(), gap_start));
        }
        gap_start = s.offset + s.text.len();
    }
    if let (Dialect::MySql, Some((dml, gap))) = (dialect, &first_dml) {
        if first_ddl {
            let what = "changes rows in a revision that also changes the schema".to_owned();
            let found = vec![(Rule::MixedDdlDml, what)];
            report(revision, sql, dml, *gap, found, dialect, findings);
        }
        let no_down = match &revision.down {
            Down::Irreversible => true,
            Down::Sql(s) => !s.has_sql(),
        };
        if no_down {
            let what = "changes rows, and the revision has no down section".to_owned();
            let found = vec![(Rule::DataChangeWithoutDown, what)];
            report(revision, sql, dml, *gap, found, dialect, findings);
        }
    }

    if let Some(down) = revision.down.section() {
        let mut gap_start = 0;
        for s in parse_statements(&revision.file_name, down, dialect) {
            if let Parsed::Error(e) = &s.parsed {
                let what = format!(
                    "the {dialect} grammar cannot read this statement: {}",
                    e.message
                );
                let found = vec![(Rule::Unparsed, what)];
                report(revision, &down.sql, &s, gap_start, found, dialect, findings);
            }
            gap_start = s.offset + s.text.len();
        }
    }
}

/// Turns a statement's raw findings into [`Finding`]s, minus those an
/// allow marker above it silences, plus the markers' own problems.
/// `gap_start` is where the text after the previous statement starts.
fn report(
    revision: &Revision,
    sql: &str,
    s: &Statement<'_>,
    gap_start: usize,
    found: Vec<(Rule, String)>,
    dialect: Dialect,
    findings: &mut Vec<Finding>,
) {
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
