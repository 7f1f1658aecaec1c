//! A migration set: embedded by `migrations!` or read at run time.
//!
//! Both forms share one type. Its text is `Cow<'static, str>`: borrowed from
//! the binary when embedded (so a `static` holds the whole set, built at
//! compile time), owned when read from a directory (so it is freed with the
//! set, and reading many sets leaks nothing).

use migrate_graph::{Checksum, Down, Graph, MigrationSet, Node, Revision};
use std::borrow::Cow;
use std::sync::OnceLock;

/// A list of ids (`Revises:`, `Depends On:`, branch labels).
type Ids = Cow<'static, [Cow<'static, str>]>;

/// One revision: everything the runtime needs, with no file access at run time.
#[derive(Clone, Debug)]
pub struct Migration {
    id: Cow<'static, str>,
    file_name: Cow<'static, str>,
    message: Cow<'static, str>,
    parents: Ids,
    depends_on: Ids,
    branch_labels: Ids,
    replaces: Ids,
    up: Cow<'static, str>,
    up_transaction: bool,
    down: Option<Cow<'static, str>>,
    down_transaction: bool,
    checksum: [u8; 32],
    order: u32,
}

impl Migration {
    /// What `migrations!` embeds (through `__private::migration`).
    pub(crate) const fn from_raw(raw: RawMigration) -> Migration {
        Migration {
            id: Cow::Borrowed(raw.id),
            file_name: Cow::Borrowed(raw.file_name),
            message: Cow::Borrowed(raw.message),
            parents: Cow::Borrowed(raw.parents),
            depends_on: Cow::Borrowed(raw.depends_on),
            branch_labels: Cow::Borrowed(raw.branch_labels),
            replaces: Cow::Borrowed(raw.replaces),
            up: Cow::Borrowed(raw.up),
            up_transaction: raw.up_transaction,
            down: match raw.down {
                Some(sql) => Some(Cow::Borrowed(sql)),
                None => None,
            },
            down_transaction: raw.down_transaction,
            checksum: raw.checksum,
            order: raw.order,
        }
    }

    /// A migration owning a copy of a parsed revision's text; `order` is its
    /// position in the apply order (`Graph::position`).
    pub fn from_revision(rev: &Revision, order: u32) -> Migration {
        fn ids(items: &[String]) -> Ids {
            items.iter().map(|i| Cow::Owned(i.clone())).collect()
        }
        let (down, down_transaction) = match &rev.down {
            Down::Sql(section) => (Some(Cow::Owned(section.sql.clone())), section.transaction),
            Down::Irreversible => (None, true),
        };
        Migration {
            id: Cow::Owned(rev.id.clone()),
            file_name: Cow::Owned(rev.file_name.clone()),
            message: Cow::Owned(rev.message().to_owned()),
            parents: ids(&rev.parents),
            depends_on: ids(&rev.depends_on),
            branch_labels: ids(&rev.branch_labels),
            replaces: ids(&rev.replaces),
            up: Cow::Owned(rev.up.sql.clone()),
            up_transaction: rev.up.transaction,
            down,
            down_transaction,
            checksum: rev.checksum.0,
            order,
        }
    }

    /// The revision id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The file name inside the migrations directory.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The `Message:` header, or empty.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// `Revises:` ids.
    pub fn parents(&self) -> &[Cow<'static, str>] {
        &self.parents
    }

    /// `Depends On:` ids.
    pub fn depends_on(&self) -> &[Cow<'static, str>] {
        &self.depends_on
    }

    /// Branch labels declared on this revision.
    pub fn branch_labels(&self) -> &[Cow<'static, str>] {
        &self.branch_labels
    }

    /// `Replaces:` ids: the revisions this squash revision stands for;
    /// empty for an ordinary revision.
    pub fn replaces(&self) -> &[Cow<'static, str>] {
        &self.replaces
    }

    /// The up SQL.
    pub fn up_sql(&self) -> &str {
        &self.up
    }

    /// Whether the up SQL runs inside a transaction (`false` for `transaction:false`).
    pub fn up_transaction(&self) -> bool {
        self.up_transaction
    }

    /// The down SQL, or `None` when the revision is irreversible.
    pub fn down_sql(&self) -> Option<&str> {
        self.down.as_deref()
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
#[derive(Clone, Debug)]
pub struct Migrations {
    list: Cow<'static, [Migration]>,
    graph: OnceLock<Graph>,
}

impl Migrations {
    /// What `migrations!` embeds (through `__private::set`). `list` is
    /// sorted by file name.
    pub(crate) const fn from_static(list: &'static [Migration]) -> Migrations {
        Migrations {
            list: Cow::Borrowed(list),
            graph: OnceLock::new(),
        }
    }

    /// Builds a set from revisions validated at run time (as the CLI does).
    /// The set owns a copy of their text.
    pub fn from_set(set: &MigrationSet) -> Migrations {
        let graph = set.graph();
        let list: Vec<Migration> = set
            .revisions()
            .iter()
            .enumerate()
            .map(|(i, rev)| Migration::from_revision(rev, graph.position(i) as u32))
            .collect();
        Migrations {
            list: Cow::Owned(list),
            graph: OnceLock::from(graph.clone()),
        }
    }

    /// Reads and validates a directory at run time, by the same rules as the macro.
    pub fn from_dir(dir: impl AsRef<std::path::Path>) -> Result<Migrations, LoadError> {
        let files = migrate_graph::read_dir(dir.as_ref())?;
        let set = migrate_graph::load(&files)?;
        Ok(Migrations::from_set(&set))
    }

    /// The migrations, sorted by file name; index `i` is graph node `i`.
    pub fn as_slice(&self) -> &[Migration] {
        &self.list
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
    pub fn get(&self, id: &str) -> Option<&Migration> {
        self.graph().index_of(id).map(|i| &self.list[i])
    }

    /// The revision graph, built on first use.
    pub fn graph(&self) -> &Graph {
        self.graph.get_or_init(|| {
            let nodes = self.list.iter().map(|m| Node {
                id: &m.id,
                file_name: &m.file_name,
                parents: as_strs(&m.parents),
                depends_on: as_strs(&m.depends_on),
                branch_labels: as_strs(&m.branch_labels),
                replaces: as_strs(&m.replaces),
            });
            // The macro validated this exact data at compile time.
            Graph::build(nodes).expect("embedded migrations were validated by migrations!")
        })
    }
}

fn as_strs<'a>(ids: &'a [Cow<'static, str>]) -> Vec<&'a str> {
    ids.iter().map(|id| &**id).collect()
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

/// One embedded revision as the macro writes it, field by field: a struct
/// literal names what each value is, where a long argument list would not.
#[derive(Clone, Copy)]
pub struct RawMigration {
    /// `Revision ID:`.
    pub id: &'static str,
    /// The file name inside the migrations directory.
    pub file_name: &'static str,
    /// `Message:`, or empty.
    pub message: &'static str,
    /// `Revises:`.
    pub parents: &'static [Cow<'static, str>],
    /// `Depends On:`.
    pub depends_on: &'static [Cow<'static, str>],
    /// `Branch Labels:`.
    pub branch_labels: &'static [Cow<'static, str>],
    /// `Replaces:` (a squash revision's replaced ids).
    pub replaces: &'static [Cow<'static, str>],
    /// The up SQL.
    pub up: &'static str,
    /// Whether the up SQL runs in a transaction.
    pub up_transaction: bool,
    /// The down SQL, `None` when irreversible.
    pub down: Option<&'static str>,
    /// Whether the down SQL runs in a transaction.
    pub down_transaction: bool,
    /// Checksum of the normalized file text.
    pub checksum: [u8; 32],
    /// Position in the apply order.
    pub order: u32,
}
