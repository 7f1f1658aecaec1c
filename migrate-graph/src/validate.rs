//! Validation rules 1-7 of the design, shared by the macro and `cargo migrate
//! check`, and two more: ids fit the version table (checked as the file
//! parses), and a transactional section holds no transaction control.

use crate::graph::Graph;
use crate::graph_error::GraphError;
use crate::node::{Node, Relation};
use crate::parse::{decode, parse_file, ParseError};
use crate::revision::{Revision, Section};
use crate::source::SourceFile;
use crate::split::shorten;
use std::fmt;

/// A validated migration directory: its revisions and their graph.
///
/// `revisions()[i]` is the revision of graph node `i`.
#[derive(Clone, Debug)]
pub struct MigrationSet {
    revisions: Vec<Revision>,
    graph: Graph,
}

impl MigrationSet {
    /// The revisions, indexed like the graph's nodes (by file name).
    pub fn revisions(&self) -> &[Revision] {
        &self.revisions
    }

    /// The revision graph.
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// The revision with node index `i`.
    pub fn revision(&self, i: usize) -> &Revision {
        &self.revisions[i]
    }

    /// Rule 5: several heads are an error unless each has a branch label of its own.
    pub fn unmerged_heads(&self) -> Option<ValidationError> {
        unmerged_heads(&self.graph, &self.revisions)
    }
}

/// One broken rule, located at a file and line, with what to do about it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    /// Rule 1: the file does not parse.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// Rules 2, 3, 4 and 7: duplicate ids, unknown references, cycles, label clashes.
    #[error("{file}:{line}: {error}")]
    Graph {
        /// The file to change.
        file: String,
        /// The line to change.
        line: usize,
        /// What is wrong.
        #[source]
        error: GraphError,
    },
    /// Rule 5: several heads, not each on its own branch label.
    #[error("{file}:{line}: {count} heads: {}; merge them with `cargo migrate merge -m \"merge heads\" {}`, or give each head its own `Branch Labels:`", .heads.iter().map(|(id, f)| format!("{id} ({f})")).collect::<Vec<_>>().join(", "), .heads.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>().join(" "), count = .heads.len())]
    UnmergedHeads {
        /// The first head's file.
        file: String,
        /// Its `Revision ID:` line.
        line: usize,
        /// Every head as (id, file).
        heads: Vec<(String, String)>,
    },
    /// `COMMIT`, `ROLLBACK`, `BEGIN`, `END`, `START TRANSACTION` or `ABORT` at
    /// the top level of a section that runs in a transaction: it would end
    /// the revision's transaction early, so a later failure could no longer
    /// undo what ran, and the version row could be written for SQL that was
    /// rolled back.
    #[error("{file}:{line}: `{statement}` ends or opens a transaction inside the one this section runs in; remove it (each revision already runs in its own transaction), or move it to a section marked `-- migrate:{marker} transaction:false`")]
    TransactionControl {
        /// The file.
        file: String,
        /// The statement's line.
        line: usize,
        /// The statement, shortened.
        statement: String,
        /// The section: `up` or `down`.
        marker: &'static str,
    },
}

impl ValidationError {
    /// The file the error points at.
    pub fn file(&self) -> &str {
        match self {
            ValidationError::Parse(e) => &e.file,
            ValidationError::Graph { file, .. }
            | ValidationError::UnmergedHeads { file, .. }
            | ValidationError::TransactionControl { file, .. } => file,
        }
    }

    /// The 1-based line the error points at.
    pub fn line(&self) -> usize {
        match self {
            ValidationError::Parse(e) => e.line,
            ValidationError::Graph { line, .. }
            | ValidationError::UnmergedHeads { line, .. }
            | ValidationError::TransactionControl { line, .. } => *line,
        }
    }

    /// The message without the `file:line: ` prefix.
    pub fn message(&self) -> String {
        let full = self.to_string();
        let prefix = format!("{}:{}: ", self.file(), self.line());
        full.strip_prefix(&prefix)
            .map(str::to_owned)
            .unwrap_or(full)
    }
}

/// Every problem found in a directory, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationErrors(pub Vec<ValidationError>);

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// Parses and validates a directory's files by every rule, collecting all
/// errors. This is what `migrations!` runs at compile time.
pub fn load(files: &[SourceFile]) -> Result<MigrationSet, ValidationErrors> {
    let set = load_unmerged(files)?;
    match set.unmerged_heads() {
        Some(e) => Err(ValidationErrors(vec![e])),
        None => Ok(set),
    }
}

/// Like [`load`], but accepts several unlabelled heads: `cargo migrate heads`
/// and `merge` must work on exactly such a directory.
pub fn load_unmerged(files: &[SourceFile]) -> Result<MigrationSet, ValidationErrors> {
    let mut errors = Vec::new();
    let mut revisions = Vec::with_capacity(files.len());
    for file in files {
        let parsed =
            decode(&file.name, &file.contents).and_then(|text| parse_file(&file.name, text));
        match parsed {
            Ok(rev) => {
                transaction_control(&rev, &mut errors);
                revisions.push(rev);
            }
            Err(e) => errors.push(ValidationError::Parse(e)),
        }
    }
    revisions.sort_by(|a, b| a.file_name.cmp(&b.file_name).then(a.id.cmp(&b.id)));
    let nodes = revisions.iter().map(|r| Node {
        id: &r.id,
        file_name: &r.file_name,
        parents: r.parents.iter().map(String::as_str).collect(),
        depends_on: r.depends_on.iter().map(String::as_str).collect(),
        branch_labels: r.branch_labels.iter().map(String::as_str).collect(),
        replaces: r.replaces.iter().map(String::as_str).collect(),
    });
    let graph = match Graph::build(nodes) {
        Ok(graph) => Some(graph),
        Err(graph_errors) => {
            // A reference to a revision whose file failed to parse is a symptom
            // of that parse error, not a second problem.
            let parse_failed = !errors.is_empty();
            for error in graph_errors {
                if parse_failed && matches!(error, GraphError::UnknownReference { .. }) {
                    continue;
                }
                let (file, line) = locate(&revisions, &error);
                errors.push(ValidationError::Graph { file, line, error });
            }
            None
        }
    };
    match graph {
        Some(graph) if errors.is_empty() => Ok(MigrationSet { revisions, graph }),
        _ => {
            errors.sort_by(|a, b| (a.file(), a.line()).cmp(&(b.file(), b.line())));
            Err(ValidationErrors(errors))
        }
    }
}

/// Transaction control in the sections that run in a transaction.
fn transaction_control(rev: &Revision, errors: &mut Vec<ValidationError>) {
    let sections = [("up", Some(&rev.up)), ("down", rev.down.section())];
    for (marker, section) in sections {
        let Some(
            section @ Section {
                transaction: true, ..
            },
        ) = section
        else {
            continue;
        };
        for statement in crate::tx_control::transaction_control(&section.sql) {
            errors.push(ValidationError::TransactionControl {
                file: rev.file_name.clone(),
                line: section.line + statement.line - 1,
                statement: shorten(statement.text),
                marker,
            });
        }
    }
}

/// The file and line a graph error should point at.
fn locate(revisions: &[Revision], error: &GraphError) -> (String, usize) {
    let by_file = |file: &str| revisions.iter().find(|r| r.file_name == file);
    let by_id = |id: &str| revisions.iter().find(|r| r.id == id);
    let at = |rev: Option<&Revision>, line: fn(&Revision) -> usize| match rev {
        Some(r) => (r.file_name.clone(), line(r)),
        None => (String::new(), 1),
    };
    match error {
        GraphError::DuplicateId { second, .. } => at(by_file(second), |r| r.lines.id),
        GraphError::UnknownReference { file, relation, .. } => match relation {
            Relation::Revises => at(by_file(file), |r| r.lines.revises),
            Relation::DependsOn => at(by_file(file), |r| r.lines.depends_on),
        },
        GraphError::Cycle { cycle } => at(by_id(&cycle[0]), |r| r.lines.revises),
        GraphError::DuplicateLabel { second, .. } => at(by_file(second), |r| r.lines.branch_labels),
        GraphError::LabelIsRevisionId { file, .. } => at(by_file(file), |r| r.lines.branch_labels),
        GraphError::SquashRevises { file, .. } => at(by_file(file), |r| r.lines.revises),
        GraphError::SquashOverlap { second, .. } => at(by_file(second), |r| r.lines.replaces),
        GraphError::SquashPartial { file, .. }
        | GraphError::SquashNotPrefix { file, .. }
        | GraphError::SquashNested { file, .. } => at(by_file(file), |r| r.lines.replaces),
        GraphError::SquashBranch { file, relation, .. } => match relation {
            Relation::Revises => at(by_file(file), |r| r.lines.revises),
            Relation::DependsOn => at(by_file(file), |r| r.lines.depends_on),
        },
    }
}

fn unmerged_heads(graph: &Graph, revisions: &[Revision]) -> Option<ValidationError> {
    let heads = graph.heads();
    if heads.len() < 2 {
        return None;
    }
    let labels: Vec<Vec<&str>> = heads.iter().map(|&h| graph.branch_labels(h)).collect();
    let own_label = |k: usize| {
        labels[k].iter().any(|l| {
            labels
                .iter()
                .enumerate()
                .all(|(j, other)| j == k || !other.contains(l))
        })
    };
    if (0..heads.len()).all(own_label) {
        return None;
    }
    let first = &revisions[heads[0]];
    Some(ValidationError::UnmergedHeads {
        file: first.file_name.clone(),
        line: first.lines.id,
        heads: heads
            .iter()
            .map(|&h| (revisions[h].id.clone(), revisions[h].file_name.clone()))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, id: &str, revises: &str, extra: &str) -> SourceFile {
        SourceFile::new(
            name,
            format!("-- Revision ID: {id}\n-- Revises: {revises}\n{extra}-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n"),
        )
    }

    fn errors(files: &[SourceFile]) -> Vec<ValidationError> {
        load(files).unwrap_err().0
    }

    #[test]
    fn duplicate_ids_name_both_files() {
        let e = errors(&[file("1.sql", "a", "", ""), file("2.sql", "a", "", "")]);
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].file(), e[0].line()), ("2.sql", 1));
        assert!(e[0].message().contains("both 1.sql and 2.sql"), "{}", e[0]);
    }

    #[test]
    fn unknown_parent_points_at_the_revises_line() {
        let e = errors(&[file("1.sql", "abc", "", ""), file("2.sql", "b", "abd", "")]);
        assert_eq!((e[0].file(), e[0].line()), ("2.sql", 2));
        assert!(e[0].message().contains("did you mean `abc`?"), "{}", e[0]);
    }

    #[test]
    fn unknown_dependency_points_at_its_line() {
        let e = errors(&[file("1.sql", "a", "", "-- Depends On: zzz\n")]);
        assert_eq!((e[0].file(), e[0].line()), ("1.sql", 3));
    }

    #[test]
    fn all_errors_are_collected() {
        let bad = SourceFile::new("0.sql", "-- Revision ID: x\n");
        let e = errors(&[
            bad,
            file("1.sql", "a", "", ""),
            file("2.sql", "a", "", ""),
            file("3.sql", "c", "c", ""),
        ]);
        assert_eq!(e.len(), 3, "{e:?}");
        assert!(matches!(e[0], ValidationError::Parse(_)));
        assert!(
            matches!(
                e[2],
                ValidationError::Graph {
                    error: GraphError::Cycle { .. },
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn two_unlabelled_heads_need_a_merge() {
        let e = errors(&[
            file("1.sql", "a", "", ""),
            file("2.sql", "b", "a", ""),
            file("3.sql", "c", "a", ""),
        ]);
        assert!(
            e[0].message()
                .contains("cargo migrate merge -m \"merge heads\" b c"),
            "{}",
            e[0]
        );
        assert!(load_unmerged(&[
            file("1.sql", "a", "", ""),
            file("2.sql", "b", "a", ""),
            file("3.sql", "c", "a", "")
        ])
        .is_ok());
    }

    #[test]
    fn labelled_heads_are_fine() {
        let files = [
            file("1.sql", "a", "", ""),
            file("2.sql", "b", "a", "-- Branch Labels: one\n"),
            file("3.sql", "c", "a", "-- Branch Labels: two\n"),
        ];
        assert!(load(&files).is_ok());
        // A label on the shared root covers both heads, so it is no one's own.
        let files = [
            file("1.sql", "a", "", "-- Branch Labels: root\n"),
            file("2.sql", "b", "a", ""),
            file("3.sql", "c", "a", ""),
        ];
        assert!(load(&files).is_err());
    }

    #[test]
    fn duplicate_labels_and_label_id_clashes() {
        let e = errors(&[
            file("1.sql", "a", "", "-- Branch Labels: x\n"),
            file("2.sql", "b", "", "-- Branch Labels: x\n"),
        ]);
        assert!(
            matches!(
                &e[0],
                ValidationError::Graph {
                    error: GraphError::DuplicateLabel { .. },
                    line: 3,
                    ..
                }
            ),
            "{e:?}"
        );
        let e = errors(&[
            file("1.sql", "a", "", "-- Branch Labels: b\n"),
            file("2.sql", "b", "a", ""),
        ]);
        assert!(
            matches!(
                &e[0],
                ValidationError::Graph {
                    error: GraphError::LabelIsRevisionId { .. },
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn transaction_control_names_file_line_and_marker() {
        let text = "-- Revision ID: a\n-- Revises:\n-- migrate:up\n\nCREATE TABLE t (x INT);\nCOMMIT;\n-- migrate:down\nBEGIN;\nDROP TABLE t;\n";
        let e = errors(&[SourceFile::new("1.sql", text)]);
        assert_eq!(e.len(), 2, "{e:?}");
        assert_eq!((e[0].file(), e[0].line()), ("1.sql", 6));
        assert_eq!(
            e[0].to_string(),
            "1.sql:6: `COMMIT` ends or opens a transaction inside the one this section runs in; remove it (each revision already runs in its own transaction), or move it to a section marked `-- migrate:up transaction:false`"
        );
        assert_eq!(e[1].line(), 8);
        assert!(
            e[1].message()
                .contains("`-- migrate:down transaction:false`"),
            "{}",
            e[1]
        );
        // Outside a transaction the statements are the author's to use.
        let free = text
            .replace("-- migrate:up\n", "-- migrate:up transaction:false\n")
            .replace("-- migrate:down\n", "-- migrate:down transaction:false\n");
        assert!(load(&[SourceFile::new("1.sql", free)]).is_ok());
    }

    #[test]
    fn dependency_cycle_is_an_error() {
        let e = errors(&[
            file("1.sql", "a", "", "-- Depends On: b\n"),
            file("2.sql", "b", "a", ""),
        ]);
        assert!(
            matches!(
                &e[0],
                ValidationError::Graph {
                    error: GraphError::Cycle { .. },
                    ..
                }
            ),
            "{e:?}"
        );
    }
}
