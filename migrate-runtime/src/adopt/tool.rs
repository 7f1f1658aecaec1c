//! The tools whose history can be adopted: each one's version table and the
//! rule that turns its version into the revision id `cargo migrate import`
//! writes, so that import and adopt agree without reading each other.

use std::fmt;
use std::str::FromStr;

/// Another migration tool whose files `cargo migrate import` reads and whose
/// version table `adopt` takes over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Tool {
    /// sqlx (`_sqlx_migrations`).
    Sqlx,
    /// diesel (`__diesel_schema_migrations`).
    Diesel,
    /// refinery (`refinery_schema_history`).
    Refinery,
    /// dbmate (`schema_migrations`, one row per applied version).
    Dbmate,
    /// golang-migrate (`schema_migrations`, one row: the current version and `dirty`).
    GolangMigrate,
    /// Flyway (`flyway_schema_history`).
    Flyway,
    /// Alembic (`alembic_version`, one row per head).
    Alembic,
}

/// Every tool, in the order the help text lists them.
pub const TOOLS: [Tool; 7] = [
    Tool::Alembic,
    Tool::Sqlx,
    Tool::Diesel,
    Tool::Refinery,
    Tool::Dbmate,
    Tool::GolangMigrate,
    Tool::Flyway,
];

impl Tool {
    /// The name users type (`--from sqlx`).
    pub fn name(self) -> &'static str {
        match self {
            Tool::Sqlx => "sqlx",
            Tool::Diesel => "diesel",
            Tool::Refinery => "refinery",
            Tool::Dbmate => "dbmate",
            Tool::GolangMigrate => "golang-migrate",
            Tool::Flyway => "flyway",
            Tool::Alembic => "alembic",
        }
    }

    /// The version table the tool writes by default.
    pub fn table(self) -> &'static str {
        match self {
            Tool::Sqlx => "_sqlx_migrations",
            Tool::Diesel => "__diesel_schema_migrations",
            Tool::Refinery => "refinery_schema_history",
            Tool::Dbmate | Tool::GolangMigrate => "schema_migrations",
            Tool::Flyway => "flyway_schema_history",
            Tool::Alembic => "alembic_version",
        }
    }

    /// Whether the tool records a checksum of each applied file, which
    /// adopt compares with the file the import was made from.
    pub fn has_checksums(self) -> bool {
        matches!(self, Tool::Sqlx | Tool::Refinery | Tool::Flyway)
    }

    /// The revision id of the tool's `version` (as its version table holds
    /// it): the version itself where it is made of letters, digits and `_`
    /// (sqlx, diesel, refinery, dbmate, golang-migrate, Alembic), with `.`
    /// turned into `_` (Flyway's `1.2` is `1_2`). `None` for a version no id
    /// can be made from. Stable: importing again gives the same ids.
    pub fn revision_id(self, version: &str) -> Option<String> {
        let version = version.trim();
        let id = match self {
            Tool::Flyway => version.replace('.', "_"),
            // diesel records the directory's version with `-` removed
            // (`2024-01-02-030405` is `20240102030405`).
            Tool::Diesel => version.replace('-', ""),
            _ => version.to_owned(),
        };
        migrate_graph::is_valid_id(&id).then_some(id)
    }

    /// The first line of an imported revision's up section says where it
    /// came from: `-- imported from <tool> <file>[ checksum <value>]`.
    /// Adopt reads the checksum back from it.
    pub fn provenance(self, file: &str, checksum: Option<&str>) -> String {
        match checksum {
            Some(sum) => format!("{PROVENANCE} {} {file} checksum {sum}", self.name()),
            None => format!("{PROVENANCE} {} {file}", self.name()),
        }
    }
}

/// The words that start a provenance line.
pub(crate) const PROVENANCE: &str = "-- imported from";

/// Reads `(tool name, file, checksum)` back from an imported up section.
#[cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]
pub(crate) fn read_provenance(up_sql: &str) -> Option<(&str, &str, Option<&str>)> {
    let line = up_sql
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with(PROVENANCE))?;
    let mut words = line[PROVENANCE.len()..].split_whitespace();
    let tool = words.next()?;
    let file = words.next()?;
    let checksum = match (words.next(), words.next()) {
        (Some("checksum"), Some(sum)) => Some(sum),
        _ => None,
    };
    Some((tool, file, checksum))
}

impl fmt::Display for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A `--from` value that names no tool.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown tool `{given}`; known: alembic, sqlx, diesel, refinery, dbmate, golang-migrate, flyway")]
pub struct UnknownTool {
    /// What was given.
    pub given: String,
}

impl FromStr for Tool {
    type Err = UnknownTool;
    fn from_str(s: &str) -> Result<Tool, UnknownTool> {
        let lower = s.trim().to_ascii_lowercase();
        let name = match lower.as_str() {
            "migrate" | "golang_migrate" | "golangmigrate" => "golang-migrate",
            "sqlx-cli" => "sqlx",
            "diesel_cli" | "diesel-cli" => "diesel",
            other => other,
        };
        TOOLS
            .into_iter()
            .find(|t| t.name() == name)
            .ok_or_else(|| UnknownTool {
                given: s.to_owned(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_the_versions_made_valid() {
        assert_eq!(
            Tool::Sqlx.revision_id("20240102030405").unwrap(),
            "20240102030405"
        );
        assert_eq!(Tool::Flyway.revision_id("1.2.10").unwrap(), "1_2_10");
        assert_eq!(
            Tool::Diesel.revision_id("2024-01-02-030405").unwrap(),
            "20240102030405"
        );
        assert_eq!(Tool::Dbmate.revision_id("2024 01"), None);
    }

    #[test]
    fn provenance_reads_back() {
        let line = Tool::Sqlx.provenance("1_a.sql", Some("ab12"));
        let text = format!("{line}\nCREATE TABLE t (id INT);\n");
        assert_eq!(
            read_provenance(&text),
            Some(("sqlx", "1_a.sql", Some("ab12")))
        );
        let line = Tool::Diesel.provenance("1_a/up.sql", None);
        assert_eq!(read_provenance(&line), Some(("diesel", "1_a/up.sql", None)));
        assert_eq!(
            "golang-migrate".parse::<Tool>().unwrap(),
            Tool::GolangMigrate
        );
        assert!("liquibase".parse::<Tool>().is_err());
    }
}
