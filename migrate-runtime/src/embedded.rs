//! The embedded migration set that `migrations!` expands to.

use migrate_graph::{Checksum, Down, Graph, MigrationSet, Node, Revision};
use std::sync::OnceLock;

/// One revision as embedded in a binary: everything the runtime needs, with
/// no file access at run time.
#[derive(Debug)]
pub struct Migration {
    id: &'static str,
    file_name: &'static str,
    message: &'static str,
    parents: &'static [&'static str],
    depends_on: &'static [&'static str],
    branch_labels: &'static [&'static str],
    up: &'static str,
    up_transaction: bool,
    down: Option<&'static str>,
    down_transaction: bool,
    checksum: [u8; 32],
    order: u32,
}

impl Migration {
    /// Used by `migrations!`; not a stable API.
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)]
    pub const fn __new(
        id: &'static str,
        file_name: &'static str,
        message: &'static str,
        parents: &'static [&'static str],
        depends_on: &'static [&'static str],
        branch_labels: &'static [&'static str],
        up: &'static str,
        up_transaction: bool,
        down: Option<&'static str>,
        down_transaction: bool,
        checksum: [u8; 32],
        order: u32,
    ) -> Migration {
        Migration {
            id,
            file_name,
            message,
            parents,
            depends_on,
            branch_labels,
            up,
            up_transaction,
            down,
            down_transaction,
            checksum,
            order,
        }
    }

    /// Converts a parsed revision, leaking its text to obtain `'static`
    /// borrows. Meant for one-shot processes such as the CLI, which read a
    /// directory once and exit.
    pub fn leak(rev: &Revision, order: u32) -> Migration {
        fn s(text: &str) -> &'static str {
            Box::leak(text.to_owned().into_boxed_str())
        }
        fn list(items: &[String]) -> &'static [&'static str] {
            Box::leak(
                items
                    .iter()
                    .map(|i| s(i))
                    .collect::<Vec<_>>()
                    .into_boxed_slice(),
            )
        }
        let (down, down_transaction) = match &rev.down {
            Down::Sql(section) => (Some(s(&section.sql)), section.transaction),
            Down::Irreversible => (None, true),
        };
        Migration {
            id: s(&rev.id),
            file_name: s(&rev.file_name),
            message: s(rev.message()),
            parents: list(&rev.parents),
            depends_on: list(&rev.depends_on),
            branch_labels: list(&rev.branch_labels),
            up: s(&rev.up.sql),
            up_transaction: rev.up.transaction,
            down,
            down_transaction,
            checksum: rev.checksum.0,
            order,
        }
    }

    /// The revision id.
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// The file name inside the migrations directory.
    pub fn file_name(&self) -> &'static str {
        self.file_name
    }

    /// The `Message:` header, or empty.
    pub fn message(&self) -> &'static str {
        self.message
    }

    /// `Revises:` ids.
    pub fn parents(&self) -> &'static [&'static str] {
        self.parents
    }

    /// `Depends On:` ids.
    pub fn depends_on(&self) -> &'static [&'static str] {
        self.depends_on
    }

    /// Branch labels declared on this revision.
    pub fn branch_labels(&self) -> &'static [&'static str] {
        self.branch_labels
    }

    /// The up SQL.
    pub fn up_sql(&self) -> &'static str {
        self.up
    }

    /// Whether the up SQL runs inside a transaction (`false` for `transaction:false`).
    pub fn up_transaction(&self) -> bool {
        self.up_transaction
    }

    /// The down SQL, or `None` when the revision is irreversible.
    pub fn down_sql(&self) -> Option<&'static str> {
        self.down
    }

    /// Whether the down SQL runs inside a transaction.
    pub fn down_transaction(&self) -> bool {
        self.down_transaction
    }

    /// Whether a downgrade past this revision is refused.
    pub fn is_irreversible(&self) -> bool {
        self.down.is_none()
    }

    /// Checksum of the normalized file text.
    pub fn checksum(&self) -> Checksum {
        Checksum(self.checksum)
    }

    /// Position in the deterministic apply order.
    pub fn order(&self) -> u32 {
        self.order
    }
}

/// A validated set of migrations: embedded by `migrations!`, or read from a
/// directory at run time with [`Migrations::from_dir`].
///
/// ```
/// use migrate_runtime::Migrations;
/// // In an application: `static MIGRATIONS: Migrations = migrations!("migrations");`
/// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/todo-service/migrations");
/// let migrations = Migrations::from_dir(dir).unwrap();
/// assert!(migrations.len() >= 2);
/// assert_eq!(migrations.graph().heads().len(), 1);
/// ```
#[derive(Debug)]
pub struct Migrations {
    list: &'static [Migration],
    graph: OnceLock<Graph>,
}

impl Migrations {
    /// Used by `migrations!`; not a stable API. `list` is sorted by file name.
    #[doc(hidden)]
    pub const fn __embedded(list: &'static [Migration]) -> Migrations {
        Migrations {
            list,
            graph: OnceLock::new(),
        }
    }

    /// Builds a set from revisions validated at run time (as the CLI does).
    /// The text is leaked to match the embedded form; see [`Migration::leak`].
    pub fn from_set(set: &MigrationSet) -> Migrations {
        let graph = set.graph();
        let list: Vec<Migration> = set
            .revisions()
            .iter()
            .enumerate()
            .map(|(i, rev)| Migration::leak(rev, graph.position(i) as u32))
            .collect();
        let lock = OnceLock::new();
        let _ = lock.set(graph.clone());
        Migrations {
            list: Box::leak(list.into_boxed_slice()),
            graph: lock,
        }
    }

    /// Reads and validates a directory at run time, by the same rules as the macro.
    pub fn from_dir(dir: impl AsRef<std::path::Path>) -> Result<Migrations, LoadError> {
        let files = migrate_graph::read_dir(dir.as_ref())?;
        let set = migrate_graph::load(&files)?;
        Ok(Migrations::from_set(&set))
    }

    /// The migrations, sorted by file name; index `i` is graph node `i`.
    pub fn as_slice(&self) -> &'static [Migration] {
        self.list
    }

    /// Number of revisions.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The migration with this exact id.
    pub fn get(&self, id: &str) -> Option<&'static Migration> {
        self.graph().index_of(id).map(|i| &self.list[i])
    }

    /// The revision graph, built on first use.
    pub fn graph(&self) -> &Graph {
        self.graph.get_or_init(|| {
            let nodes = self.list.iter().map(|m| Node {
                id: m.id,
                file_name: m.file_name,
                parents: m.parents.to_vec(),
                depends_on: m.depends_on.to_vec(),
                branch_labels: m.branch_labels.to_vec(),
            });
            // The macro validated this exact data at compile time.
            Graph::build(nodes).expect("embedded migrations were validated by migrations!")
        })
    }
}

/// A directory that could not be read or failed validation at run time.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The directory could not be read.
    #[error(transparent)]
    Source(#[from] migrate_graph::SourceError),
    /// The files break a validation rule.
    #[error("{0}")]
    Invalid(#[from] migrate_graph::ValidationErrors),
}
