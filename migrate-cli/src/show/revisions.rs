//! The revisions the read commands show, from either source, and the
//! Alembic-style lines every listing is made of.

use migrate_graph::{Graph, MigrationSet};
use migrate_runtime::Migrations;
use std::io::{self, Write};
use std::path::Path;

/// The revisions a read command shows, with what tells the two command
/// lines apart: where the files are, and which command names the fixes.
pub struct Revisions<'a> {
    graph: &'a Graph,
    list: Vec<Entry<'a>>,
    home: Home<'a>,
}

/// Where the revisions come from.
#[derive(Clone, Copy)]
enum Home<'a> {
    /// Embedded in the running binary: `myapp migrate`.
    Build,
    /// A migrations directory, as the user named it: `cargo migrate`.
    Dir(&'a Path),
}

/// One revision, as the listings show it.
struct Entry<'a> {
    id: &'a str,
    file_name: &'a str,
    message: &'a str,
    parents: Vec<&'a str>,
    depends_on: Vec<&'a str>,
    labels: Vec<&'a str>,
    create_date: Option<&'a str>,
    irreversible: bool,
}

impl<'a> Revisions<'a> {
    /// The set this binary embeds (or any [`Migrations`]), shown by file
    /// name, as the application's own `migrate` command shows it.
    pub fn embedded(migrations: &'a Migrations) -> Revisions<'a> {
        let strs = |ids: &'a [std::borrow::Cow<'static, str>]| ids.iter().map(|s| &**s).collect();
        Revisions {
            graph: migrations.graph(),
            list: migrations
                .as_slice()
                .iter()
                .map(|m| Entry {
                    id: m.id(),
                    file_name: m.file_name(),
                    message: m.message(),
                    parents: Vec::new(),
                    depends_on: strs(m.depends_on()),
                    labels: strs(m.branch_labels()),
                    create_date: None,
                    irreversible: m.is_irreversible(),
                })
                .collect(),
            home: Home::Build,
        }
        .with_graph_parents()
    }

    /// The revisions read from `dir`, shown by path, as `cargo migrate`
    /// shows them.
    pub fn in_dir(dir: &'a Path, set: &'a MigrationSet) -> Revisions<'a> {
        let strs = |ids: &'a [String]| ids.iter().map(String::as_str).collect();
        Revisions {
            graph: set.graph(),
            list: set
                .revisions()
                .iter()
                .map(|r| Entry {
                    id: &r.id,
                    file_name: &r.file_name,
                    message: r.message(),
                    parents: Vec::new(),
                    depends_on: strs(&r.depends_on),
                    labels: strs(&r.branch_labels),
                    create_date: r.create_date.as_deref(),
                    irreversible: r.down.section().is_none(),
                })
                .collect(),
            home: Home::Dir(dir),
        }
        .with_graph_parents()
    }

    /// Parents as the graph has them: the `Revises:` ids, except where a
    /// squash stands for the revision named (after the last revision it
    /// replaces, or in place of deleted ones).
    fn with_graph_parents(mut self) -> Self {
        let graph = self.graph;
        for (i, entry) in self.list.iter_mut().enumerate() {
            entry.parents = graph.parents(i).iter().map(|&p| graph.id(p)).collect();
        }
        self
    }

    /// The graph; node `i` is revision `i`.
    pub fn graph(&self) -> &'a Graph {
        self.graph
    }

    /// Revision `i`'s file as the user finds it: its name in the binary, or
    /// its path in the directory.
    pub fn file(&self, i: usize) -> String {
        self.path(self.list[i].file_name)
    }

    /// A file name of the set as the user finds it.
    pub(super) fn path(&self, file_name: &str) -> String {
        match self.home {
            Home::Build => file_name.to_owned(),
            Home::Dir(dir) => dir.join(file_name).display().to_string(),
        }
    }

    /// What holds the revisions, as messages name it: `this build`, or the
    /// directory.
    pub(super) fn home(&self) -> String {
        match self.home {
            Home::Build => "this build".to_owned(),
            Home::Dir(dir) => dir.display().to_string(),
        }
    }

    /// The command that the advice names: `migrate` or `cargo migrate`.
    pub(super) fn command(&self) -> &'static str {
        match self.home {
            Home::Build => "migrate",
            Home::Dir(_) => "cargo migrate",
        }
    }

    /// What to do about an applied revision whose file was edited.
    pub(super) fn drift_hint(&self, id: &str) -> String {
        match self.home {
            Home::Build => format!("deploy a build with the applied file, or accept the edit with `migrate stamp --accept-checksum {id}`"),
            Home::Dir(_) => format!("revert the edit, or accept it with `cargo migrate stamp --accept-checksum {id}`"),
        }
    }

    /// What to do about applied revisions the set lacks.
    pub(super) fn unknown_hint(&self) -> &'static str {
        match self.home {
            Home::Build => "deploy the build that applied them, or downgrade with it",
            Home::Dir(_) => {
                "check out the branch that has them, or downgrade with the build that has them"
            }
        }
    }

    pub(super) fn id(&self, i: usize) -> &'a str {
        self.list[i].id
    }

    pub(super) fn message(&self, i: usize) -> &'a str {
        self.list[i].message
    }

    pub(super) fn parents(&self, i: usize) -> &[&'a str] {
        &self.list[i].parents
    }

    pub(super) fn depends_on(&self, i: usize) -> &[&'a str] {
        &self.list[i].depends_on
    }

    pub(super) fn declared_labels(&self, i: usize) -> &[&'a str] {
        &self.list[i].labels
    }

    pub(super) fn create_date(&self, i: usize) -> Option<&'a str> {
        self.list[i].create_date
    }

    pub(super) fn irreversible(&self, i: usize) -> bool {
        self.list[i].irreversible
    }

    /// ` (label) (head) (branchpoint) (mergepoint) (current)`: the labels
    /// declared on revision `i`, then its flags.
    pub fn flags(&self, i: usize, current: bool) -> String {
        let mut s = labels(self.declared_labels(i));
        if self.graph.heads().contains(&i) {
            s.push_str(" (head)");
        }
        if self.graph.is_branch_point(i) {
            s.push_str(" (branchpoint)");
        }
        if self.parents(i).len() > 1 {
            s.push_str(" (mergepoint)");
        }
        if current {
            s.push_str(" (current)");
        }
        s
    }

    /// `a1 -> b2 (label) (head) (current), message`: `history`'s line.
    pub fn write_line(&self, out: &mut dyn Write, i: usize, current: bool) -> io::Result<()> {
        let parents = if self.parents(i).is_empty() {
            "<base>".to_owned()
        } else {
            self.parents(i).join(", ")
        };
        writeln!(
            out,
            "{parents} -> {}{}, {}",
            self.id(i),
            self.flags(i, current),
            self.message(i)
        )
    }

    /// Alembic's verbose block: `Rev:`, parents, branches, labels,
    /// dependencies, path, date, then the message.
    pub fn write_block(&self, out: &mut dyn Write, i: usize, current: bool) -> io::Result<()> {
        let graph = self.graph;
        let parents = self.parents(i);
        writeln!(out, "Rev: {}{}", self.id(i), self.flags(i, current))?;
        if parents.len() > 1 {
            writeln!(out, "Merges: {}", parents.join(", "))?;
        } else {
            writeln!(
                out,
                "Parent: {}",
                parents.first().copied().unwrap_or("<base>")
            )?;
        }
        if graph.is_branch_point(i) {
            let children: Vec<&str> = graph.children(i).iter().map(|&c| graph.id(c)).collect();
            writeln!(out, "Branches into: {}", children.join(", "))?;
        }
        let inherited = graph.branch_labels(i);
        if !inherited.is_empty() {
            writeln!(out, "Branch names: {}", inherited.join(", "))?;
        }
        if !self.depends_on(i).is_empty() {
            writeln!(out, "Also depends on: {}", self.depends_on(i).join(", "))?;
        }
        let replaced = graph.replaces(i);
        if let (Some(first), Some(last)) = (replaced.first(), replaced.last()) {
            let state = if graph.replaced_nodes(i).next().is_some() {
                "files present: databases part-way through run the rest"
            } else {
                "files deleted"
            };
            writeln!(
                out,
                "Replaces: {} revisions, {first} .. {last} ({state})",
                replaced.len()
            )?;
        }
        writeln!(out, "Path: {}", self.file(i))?;
        if let Some(date) = self.create_date(i) {
            writeln!(out, "Create Date: {date}")?;
        }
        if self.irreversible(i) {
            writeln!(out, "Irreversible: yes")?;
        }
        writeln!(out)?;
        writeln!(out, "    {}", self.message(i))?;
        writeln!(out)
    }
}

/// ` (a, b)`, or nothing.
pub(super) fn labels(labels: &[&str]) -> String {
    if labels.is_empty() {
        String::new()
    } else {
        format!(" ({})", labels.join(", "))
    }
}
