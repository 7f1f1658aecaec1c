//! Indexes and their key parts: what each part sorts on, in which order, and
//! (MySQL) on how much of the column; (PostgreSQL) the columns an index
//! carries besides its key.

use serde::{Deserialize, Serialize};

use super::options::is_false;

/// An index that backs no constraint.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Index {
    /// The index name.
    pub name: String,
    /// Whether it is a unique index.
    #[serde(default)]
    pub unique: bool,
    /// Key parts in order.
    pub parts: Vec<IndexPart>,
    /// PostgreSQL's `INCLUDE (...)` columns: stored in the index, not part
    /// of its key.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// The `WHERE` predicate of a partial index, as the catalog prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    /// The access method (`btree`, `hash`, `gin`, `gist`, `fulltext`...);
    /// `None` means the engine's default, compared equal to `btree`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// PostgreSQL 15's `NULLS NOT DISTINCT` on a unique index.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nulls_not_distinct: bool,
    /// PostgreSQL storage parameters as the catalog lists them, joined by
    /// `, ` (`fillfactor=70`): written `WITH (...)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<String>,
    /// `COMMENT ON INDEX` (PostgreSQL) or the index's `COMMENT` (MariaDB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Index {
    /// The access method, lowercase, with the default spelled `btree`.
    pub fn method_or_default(&self) -> String {
        self.method
            .as_deref()
            .map_or_else(|| "btree".to_string(), str::to_lowercase)
    }
}

/// One key part of an index: what it sorts on and how.
///
/// Serialized flat, so that a plain part reads as it did before order and
/// prefix existed: `{"column": "a"}`, `{"expression": "lower(b)"}`, and
/// `{"column": "a", "order": "desc", "prefix_length": 10}` otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IndexPart {
    /// The column or expression the part sorts on.
    #[serde(flatten)]
    pub key: IndexKey,
    /// `ASC` (every engine's default) or `DESC`.
    #[serde(default, skip_serializing_if = "SortOrder::is_ascending")]
    pub order: SortOrder,
    /// PostgreSQL's `NULLS FIRST` / `NULLS LAST`; `None` is the default for
    /// [`order`](Self::order) (last when ascending, first when descending),
    /// which is what readers give when the catalog holds the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nulls: Option<NullsOrder>,
    /// MySQL/MariaDB prefix length (`name(10)`): how many leading characters
    /// (bytes for binary types) of the column the index holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix_length: Option<u32>,
    /// PostgreSQL operator class other than the type's default
    /// (`text_pattern_ops`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opclass: Option<String>,
    /// PostgreSQL per-part `COLLATE` other than the column's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
}

impl IndexPart {
    /// An ascending part on the column `name`.
    pub fn column(name: impl Into<String>) -> Self {
        IndexPart::on(IndexKey::Column(name.into()))
    }

    /// An ascending part on `expression`, as the catalog prints it.
    pub fn expression(expression: impl Into<String>) -> Self {
        IndexPart::on(IndexKey::Expression(expression.into()))
    }

    fn on(key: IndexKey) -> Self {
        IndexPart {
            key,
            order: SortOrder::Asc,
            nulls: None,
            prefix_length: None,
            opclass: None,
            collation: None,
        }
    }

    /// This part sorted in `order`.
    pub fn with_order(mut self, order: SortOrder) -> Self {
        self.order = order;
        self
    }

    /// This part with NULLs placed as `nulls` says.
    pub fn with_nulls(mut self, nulls: NullsOrder) -> Self {
        self.nulls = Some(nulls);
        self
    }

    /// This part on the first `length` characters of its column.
    pub fn with_prefix_length(mut self, length: u32) -> Self {
        self.prefix_length = Some(length);
        self
    }

    /// The column, for a part on a column.
    pub fn column_name(&self) -> Option<&str> {
        match &self.key {
            IndexKey::Column(c) => Some(c),
            IndexKey::Expression(_) => None,
        }
    }

    /// The column, for a part that is a whole column in ascending order with
    /// default NULL placement: the only kind a key constraint's column list
    /// can say.
    pub fn plain_column(&self) -> Option<&str> {
        let plain = self.order == SortOrder::Asc
            && self.normalized_nulls().is_none()
            && self.prefix_length.is_none()
            && self.opclass.is_none()
            && self.collation.is_none();
        self.column_name().filter(|_| plain)
    }

    /// [`nulls`](Self::nulls), `None` when it says what the order implies
    /// anyway, so that `ASC NULLS LAST` and `ASC` compare equal.
    pub fn normalized_nulls(&self) -> Option<NullsOrder> {
        self.nulls.filter(|n| *n != self.order.default_nulls())
    }

    /// This part with [`normalized_nulls`](Self::normalized_nulls): the form
    /// the diff compares.
    pub fn normalized(&self) -> Self {
        IndexPart {
            nulls: self.normalized_nulls(),
            ..self.clone()
        }
    }
}

/// What an index key part sorts on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexKey {
    /// A column, by name.
    Column(String),
    /// An expression as the catalog prints it.
    Expression(String),
}

/// The order of an index key part.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// `ASC`, the default.
    #[default]
    Asc,
    /// `DESC`.
    Desc,
}

impl SortOrder {
    /// Whether this is `ASC` (serde skips it then).
    pub fn is_ascending(&self) -> bool {
        *self == SortOrder::Asc
    }

    /// Where PostgreSQL puts NULLs in this order unless told: NULLs sort as
    /// larger than any value, so last ascending and first descending.
    pub fn default_nulls(self) -> NullsOrder {
        match self {
            SortOrder::Asc => NullsOrder::Last,
            SortOrder::Desc => NullsOrder::First,
        }
    }
}

/// Where NULLs go in an index key part (PostgreSQL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NullsOrder {
    /// `NULLS FIRST`.
    First,
    /// `NULLS LAST`.
    Last,
}
