//! Rows of another tool's table in, the revisions to record out: pure, so
//! every refusal is decided before anything is written.

use super::error::AdoptError;
use super::record::OtherRow;
use super::tool::{read_provenance, Tool};
use crate::embedded::Migrations;
use migrate_graph::Applied;

/// What the other tool's table says, in our revisions.
#[derive(Clone, Debug)]
pub struct Adoption {
    /// The tool.
    pub tool: Tool,
    /// The revisions to record as applied, in apply order.
    pub revisions: Vec<String>,
    /// Their heads: what `stamp` would be given for the same state.
    pub heads: Vec<String>,
    /// Rows left out, each with why (Flyway's repeatable migrations).
    pub skipped: Vec<String>,
    pub(crate) applied: Applied,
}

/// Decides what to record for `rows` of `tool`'s table `table`.
pub fn plan(
    set: &Migrations,
    tool: Tool,
    table: &str,
    rows: &[OtherRow],
) -> Result<Adoption, AdoptError> {
    let graph = set.graph();
    let mut applied = Applied::empty(graph.len());
    let mut skipped = Vec::new();
    let index = |version: &str| -> Result<usize, AdoptError> {
        let id = tool.revision_id(version);
        id.as_deref()
            .and_then(|id| graph.index_of(id))
            .ok_or_else(|| AdoptError::UnknownVersion {
                tool,
                table: table.to_owned(),
                version: version.to_owned(),
                id: id.unwrap_or_default(),
            })
    };
    for row in rows {
        if !row.ok {
            let (state, hint) = match tool {
                Tool::GolangMigrate => (
                    "dirty",
                    "`migrate force <version>` once the schema is right",
                ),
                Tool::Flyway => ("failed", "`flyway repair`"),
                _ => ("failed", "`cargo sqlx migrate revert`, or delete the row"),
            };
            return Err(AdoptError::Failed {
                tool,
                table: table.to_owned(),
                version: row.version.clone(),
                state,
                hint,
            });
        }
        let kind = row.kind.as_deref().unwrap_or("SQL").to_ascii_uppercase();
        if tool == Tool::Flyway {
            if row.version.is_empty() {
                skipped.push(format!(
                    "repeatable migration {} (not carried over)",
                    row.name.as_deref().unwrap_or("?")
                ));
                continue;
            }
            match kind.as_str() {
                "SQL" | "JDBC" => {}
                "BASELINE" => {
                    // Everything up to a baseline counts as applied.
                    let i = index(&row.version)?;
                    applied.union(&graph.ancestors([i]));
                    continue;
                }
                "SCHEMA" => continue,
                // Flyway Teams' undo: the version is no longer applied
                // (rows come in installed_rank order, so a later SQL row
                // applies it again).
                "UNDO_SQL" | "UNDO_JDBC" | "UNDO_SCRIPT" => {
                    let i = index(&row.version)?;
                    applied.remove(i);
                    continue;
                }
                _ => {
                    return Err(AdoptError::Unsupported {
                        tool,
                        table: table.to_owned(),
                        detail: format!("{} of type {kind}", row.version),
                        hint: "delete rows are not carried over: settle them with Flyway (`flyway repair`, then migrate to the version wanted), then adopt",
                    })
                }
            }
        }
        let i = index(&row.version)?;
        match tool {
            // One row: the current version, which stands for all before it;
            // Alembic's rows are its heads.
            Tool::GolangMigrate | Tool::Alembic => applied.union(&graph.ancestors([i])),
            _ => {
                applied.insert(i);
            }
        }
        if let Some(recorded) = &row.checksum {
            check_sum(set, tool, table, i, recorded)?;
        }
    }
    // A tool that records every version may have run them out of order
    // (dbmate, diesel, refinery allow it): our record must be closed under
    // "comes before".
    let list = set.as_slice();
    for i in applied.iter() {
        let m = &list[i];
        for before in m.parents().iter().chain(m.depends_on()) {
            if graph.index_of(before).is_some_and(|a| !applied.contains(a)) {
                return Err(AdoptError::Gap {
                    tool,
                    revision: m.id().to_owned(),
                    missing: before.to_string(),
                });
            }
        }
    }
    let revisions = graph
        .in_order(&applied)
        .into_iter()
        .map(|i| graph.id(i).to_owned())
        .collect();
    let heads = graph
        .heads_of(&applied)
        .into_iter()
        .map(|i| graph.id(i).to_owned())
        .collect();
    Ok(Adoption {
        tool,
        revisions,
        heads,
        skipped,
        applied,
    })
}

/// Compares the checksum the tool recorded with the one the import wrote
/// in the revision's provenance line.
fn check_sum(
    set: &Migrations,
    tool: Tool,
    table: &str,
    i: usize,
    recorded: &str,
) -> Result<(), AdoptError> {
    let m = &set.as_slice()[i];
    let Some((_, file, Some(imported))) = read_provenance(m.up_sql()) else {
        // Written by hand or by an import that had no checksum: nothing
        // to compare with.
        return Ok(());
    };
    let norm = |s: &str| s.trim().to_ascii_lowercase();
    if norm(imported) == norm(recorded) {
        return Ok(());
    }
    Err(AdoptError::Edited {
        tool,
        table: table.to_owned(),
        revision: m.id().to_owned(),
        file: file.to_owned(),
        recorded: recorded.trim().to_owned(),
        imported: imported.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use migrate_graph::SourceFile;

    fn set() -> Migrations {
        let file = |n: usize, parent: &str| {
            SourceFile::new(
                format!("{n:04}_{n}.sql"),
                format!(
                    "-- Revision ID: {n}\n-- Revises: {parent}\n\n-- migrate:up\nCREATE TABLE t{n} (id INT);\n\n-- migrate:down\nDROP TABLE t{n};\n"
                ),
            )
        };
        let files = [file(1, ""), file(2, "1"), file(3, "2")];
        Migrations::from_set(&migrate_graph::load(&files).unwrap())
    }

    fn row(version: &str, kind: &str) -> OtherRow {
        OtherRow {
            version: version.to_owned(),
            name: None,
            ok: true,
            checksum: None,
            kind: Some(kind.to_owned()),
        }
    }

    #[test]
    fn flyway_undo_rows_take_their_version_back() {
        let set = set();
        let t = "flyway_schema_history";
        let undone = [
            row("1", "SQL"),
            row("2", "SQL"),
            row("3", "SQL"),
            row("3", "UNDO_SQL"),
        ];
        let a = plan(&set, Tool::Flyway, t, &undone).unwrap();
        assert_eq!(
            (a.revisions.as_slice(), a.heads.as_slice()),
            (&["1".to_owned(), "2".to_owned()][..], &["2".to_owned()][..])
        );
        // Undone, then applied again.
        let again = [
            row("1", "SQL"),
            row("2", "SQL"),
            row("2", "UNDO_SQL"),
            row("2", "SQL"),
        ];
        assert_eq!(plan(&set, Tool::Flyway, t, &again).unwrap().heads, ["2"]);
        let deleted = [row("1", "SQL"), row("2", "DELETE")];
        let err = plan(&set, Tool::Flyway, t, &deleted)
            .unwrap_err()
            .to_string();
        assert!(err.contains("flyway repair"), "{err}");
    }
}
