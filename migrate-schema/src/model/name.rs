//! Names of schema objects and the SQL dialects the model is read from.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The database engine a model was read from and a draft is rendered for:
/// the one dialect type of the workspace.
pub use migrate_graph::Dialect;

/// A possibly schema-qualified object name, exactly as the catalog stores it.
///
/// `schema` is `None` for the default namespace (`public` on PostgreSQL, the
/// connection's database on MySQL, `main` on SQLite): catalog readers leave it
/// out so that two scratch databases with different names compare equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct QualifiedName {
    /// The namespace, `None` for the default one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The object's own name.
    pub name: String,
}

impl QualifiedName {
    /// A name in the default namespace.
    pub fn new(name: impl Into<String>) -> Self {
        QualifiedName {
            schema: None,
            name: name.into(),
        }
    }

    /// A name in the namespace `schema`.
    pub fn in_schema(schema: impl Into<String>, name: impl Into<String>) -> Self {
        QualifiedName {
            schema: Some(schema.into()),
            name: name.into(),
        }
    }

    /// Parses `name` or `schema.name` (no quoting: hints and flags use this form).
    pub fn parse(text: &str) -> Self {
        match text.split_once('.') {
            Some((schema, name)) => QualifiedName::in_schema(schema, name),
            None => QualifiedName::new(text),
        }
    }
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.schema {
            Some(schema) => write!(f, "{schema}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

impl From<&str> for QualifiedName {
    fn from(text: &str) -> Self {
        QualifiedName::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_qualified_names() {
        assert_eq!(QualifiedName::parse("users"), QualifiedName::new("users"));
        let q = QualifiedName::parse("billing.invoices");
        assert_eq!(q, QualifiedName::in_schema("billing", "invoices"));
        assert_eq!(q.to_string(), "billing.invoices");
    }
}
