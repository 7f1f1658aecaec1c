//! Table options: what a table is besides its columns and constraints
//! (MariaDB character set, collation and system versioning, SQLite `STRICT`
//! and `WITHOUT ROWID`, PostgreSQL's partition key).

use serde::{Deserialize, Serialize};

/// The options of one table. Every field's default is what a plain
/// `CREATE TABLE` gives, so that readers fill only what differs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TableOptions {
    /// MariaDB/MySQL: the table's default character set, when it is not the
    /// database's (`DEFAULT CHARSET=...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charset: Option<String>,
    /// MariaDB/MySQL: the table's default collation, when it is not the
    /// database's (`COLLATE=...`). Column collations are read against it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// MariaDB: `WITH SYSTEM VERSIONING`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub system_versioning: bool,
    /// SQLite: `STRICT`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub strict: bool,
    /// SQLite: `WITHOUT ROWID`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub without_rowid: bool,
    /// PostgreSQL: the key of a partitioned table, as `pg_get_partkeydef`
    /// prints it (`RANGE (created_at)`); its partitions are other objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_by: Option<String>,
}

impl TableOptions {
    /// Whether every option is the default (serde skips the field then).
    pub fn is_default(&self) -> bool {
        *self == TableOptions::default()
    }

    /// Whether the character set or collation differs from `other`'s.
    pub fn charset_differs(&self, other: &TableOptions) -> bool {
        self.charset != other.charset || self.collation != other.collation
    }
}

/// serde's `skip_serializing_if` for the flags here and in the table model.
pub(crate) fn is_false(b: &bool) -> bool {
    !*b
}
