//! The version table's name: what a user may configure.

use crate::error::Error;

/// A validated version-table name: `table` or `schema.table`, each part made of
/// ASCII letters, digits and `_`, at most 63 characters (PostgreSQL's
/// identifier limit, the smallest of the three). Always quoted in SQL, so a
/// name that happens to be a keyword (`order`) works too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TableName {
    schema: Option<String>,
    name: String,
}

/// The longest identifier part accepted.
const MAX_IDENT: usize = 63;

/// Schemas whose tables vanish when the connection closes: a version table
/// there would forget every revision at disconnect.
fn is_temporary_schema(schema: &str) -> bool {
    let lower = schema.to_ascii_lowercase();
    lower == "temp" || lower == "temporary" || lower == "pg_temp" || lower.starts_with("pg_temp_")
}

impl TableName {
    /// Validates `text`; anything else is [`Error::InvalidTableName`], so no
    /// caller-supplied text ever reaches SQL unvalidated.
    pub(crate) fn parse(text: &str) -> Result<TableName, Error> {
        let invalid = |reason: &'static str| Error::InvalidTableName {
            name: crate::error::shorten(text, 80),
            reason,
        };
        let ok = |part: &str| {
            !part.is_empty()
                && part.len() <= MAX_IDENT
                && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        };
        let (schema, name) = match text.split_once('.') {
            Some((schema, name)) => (Some(schema), name),
            None => (None, text),
        };
        if !ok(name) || schema.is_some_and(|s| !ok(s)) {
            return Err(invalid(
                "use letters, digits and `_` (optionally `schema.table`), at most 63 characters a part",
            ));
        }
        if schema.is_some_and(is_temporary_schema) {
            return Err(invalid(
                "a temporary schema's tables vanish when the connection closes, and the record of applied revisions with them; use a regular schema",
            ));
        }
        Ok(TableName {
            schema: schema.map(str::to_owned),
            name: name.to_owned(),
        })
    }

    /// The same table placed in `schema` (the schema a session resolved an
    /// unqualified name to), unless it names one already.
    #[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
    pub(crate) fn in_schema(&self, schema: &str) -> TableName {
        TableName {
            schema: Some(self.schema.clone().unwrap_or_else(|| schema.to_owned())),
            name: self.name.clone(),
        }
    }

    /// The name as the user wrote it (`schema.table`), for messages and lock keys.
    pub(crate) fn display(&self) -> String {
        match &self.schema {
            Some(s) => format!("{s}.{}", self.name),
            None => self.name.clone(),
        }
    }

    /// The schema part, if any.
    pub(crate) fn schema(&self) -> Option<&str> {
        self.schema.as_deref()
    }

    /// The table part.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_are_validated() {
        assert!(TableName::parse("migrate_versions").is_ok());
        assert!(TableName::parse("app.migrate_versions").is_ok());
        assert!(TableName::parse("Order").is_ok());
        for bad in [
            "",
            "a.b.c",
            ".t",
            "t.",
            "t; DROP TABLE users",
            "t\"",
            "t`",
            "t--",
            "ta ble",
            "tä",
            &"x".repeat(64),
            "temp.x",
            "TEMP.x",
            "temporary.x",
            "pg_temp.x",
            "pg_temp_3.x",
        ] {
            assert!(
                matches!(TableName::parse(bad), Err(Error::InvalidTableName { .. })),
                "{bad:?} was accepted"
            );
        }
        assert!(TableName::parse(&"x".repeat(63)).is_ok());
        assert!(TableName::parse("temps.x").is_ok());
    }
}
