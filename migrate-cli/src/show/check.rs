//! `check`'s report: the problems found, each with the lines it prints on
//! stderr, and the summary or JSON on stdout.

use super::json::write_json;
use super::Revisions;
use crate::Reporter;
use migrate_runtime::Status;
use serde::Serialize;
use std::io::{self, Write};

/// One problem `check` found.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct Problem {
    /// `file`, `lint`, `schema`, `pending`, `drift`, `unknown` or `failed`.
    pub kind: &'static str,
    /// What is wrong.
    pub message: String,
    /// The file it is in, as the user finds it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The line in that file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The revision it is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// For schema problems: the SQL that would remove the difference.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sql: Vec<String>,
}

impl Problem {
    /// A problem of `kind` that is about no file or revision in particular.
    pub fn new(kind: &'static str, message: impl Into<String>) -> Problem {
        Problem {
            kind,
            message: message.into(),
            file: None,
            line: None,
            revision: None,
            sql: Vec::new(),
        }
    }

    /// At `line` of `file`.
    pub fn at(mut self, file: Option<String>, line: usize) -> Problem {
        self.file = file;
        self.line = Some(line);
        self
    }

    /// About `revision`.
    pub fn revision(mut self, revision: impl Into<String>) -> Problem {
        self.revision = Some(revision.into());
        self
    }

    /// With the SQL that would fix it.
    pub fn sql(mut self, sql: Vec<String>) -> Problem {
        self.sql = sql;
        self
    }
}

/// What `check` found, in the order found; [`Check::finish`] prints it.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    ok: bool,
    revisions: usize,
    heads: Vec<String>,
    database_checked: bool,
    schema_checked: bool,
    pending: Vec<String>,
    pub(super) problems: Vec<Problem>,
    /// What the problems print on stderr.
    #[serde(skip)]
    pub(super) text: String,
}

impl Check {
    /// A check of `revisions` revisions with these heads.
    pub fn new(revisions: usize, heads: Vec<String>) -> Check {
        Check {
            ok: true,
            revisions,
            heads,
            database_checked: false,
            schema_checked: false,
            pending: Vec::new(),
            problems: Vec::new(),
            text: String::new(),
        }
    }

    /// A check of every revision in `revs`.
    pub fn of(revs: &Revisions<'_>) -> Check {
        let graph = revs.graph();
        let heads = graph
            .heads()
            .iter()
            .map(|&h| graph.id(h).to_owned())
            .collect();
        Check::new(graph.len(), heads)
    }

    /// Adds `problem`, which prints as `text` on stderr (newline-terminated).
    pub fn add(&mut self, problem: Problem, text: &str) {
        self.text.push_str(text);
        self.problems.push(problem);
    }

    /// Adds `problem` printed as its `error:` line and `hint`.
    pub fn add_error(&mut self, problem: Problem, hint: Option<&str>) {
        let mut text = format!("error: {}\n", problem.message);
        if let Some(hint) = hint {
            text.push_str(&format!("hint: {hint}\n"));
        }
        self.add(problem, &text);
    }

    /// Records that the schema was compared.
    pub fn schema_checked(&mut self) {
        self.schema_checked = true;
    }

    /// The revisions the database lacks, when it was checked
    /// ([`Check::database`]).
    pub fn pending(&self) -> Option<&[String]> {
        self.database_checked.then_some(&self.pending[..])
    }

    /// Adds what `status` shows of the database: pending revisions, edited
    /// files, revisions the set lacks, failed revisions.
    pub fn database(&mut self, revs: &Revisions<'_>, status: &Status) {
        self.database_checked = true;
        self.pending = status.pending.clone();
        let command = revs.command();
        if !status.pending.is_empty() {
            let message = format!(
                "the database is not up to date: {} revision(s) pending ({})",
                status.pending.len(),
                status.pending.join(", ")
            );
            let hint = format!("run `{command} upgrade heads`");
            self.add_error(Problem::new("pending", message), Some(&hint));
        }
        for (id, file) in &status.drifted {
            let message = format!(
                "revision {id} ({}) was edited after it was applied",
                revs.path(file)
            );
            let problem = Problem::new("drift", message).revision(id);
            self.add_error(problem, Some(&revs.drift_hint(id)));
        }
        if !status.unknown.is_empty() {
            let message = format!(
                "the database has applied revision(s) {} that {} does not contain",
                status.unknown.join(", "),
                revs.home()
            );
            self.add_error(Problem::new("unknown", message), Some(revs.unknown_hint()));
        }
        for id in &status.failed {
            let message =
                format!("revision {id} failed or was interrupted and may be partly applied");
            let hint = format!(
                "check the schema, then `{command} resolve {id} --applied` or `--rolled-back`"
            );
            self.add_error(Problem::new("failed", message).revision(id), Some(&hint));
        }
    }

    /// Prints the report: JSON on `out`, or the `ok:` line, or the problems
    /// on stderr through `reporter`. Returns how many problems there are;
    /// any makes `check` fail.
    pub fn finish(
        mut self,
        out: &mut dyn Write,
        json: bool,
        reporter: &Reporter,
    ) -> io::Result<usize> {
        self.ok = self.problems.is_empty();
        let count = self.problems.len();
        if json {
            write_json(out, &self)?;
        } else if count == 0 {
            let heads = self.heads.join(", ");
            let db = match (self.database_checked, self.schema_checked) {
                (true, true) => {
                    "; the database is up to date; the migrations reproduce the desired schema"
                }
                (true, false) => "; the database is up to date",
                (false, true) => "; the migrations reproduce the desired schema",
                (false, false) => "",
            };
            writeln!(
                out,
                "ok: {} revision(s), head {}{db}",
                self.revisions,
                if heads.is_empty() { "<none>" } else { &heads }
            )?;
        } else {
            out.flush()?;
            reporter.eprint(&self.text);
        }
        Ok(count)
    }
}
