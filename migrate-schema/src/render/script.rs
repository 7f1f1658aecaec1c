//! A draft as the text of a migration section: comment blocks for the
//! reviewer (warnings, objects not generated, notes), then the statements.

use super::Draft;
use crate::change::Presence;

impl Draft {
    /// The section text: `-- Warnings:`, `-- Not generated:` and `-- Notes:`
    /// comment blocks (each only when it has lines), then one statement per
    /// line (a `CREATE TABLE` spans several). Ends with a newline unless empty.
    pub fn script(&self) -> String {
        let mut lines: Vec<String> = Vec::new();
        let mut block = |title: &str, items: Vec<String>| {
            if items.is_empty() {
                return;
            }
            lines.push(format!("-- {title}:"));
            for item in items {
                // A multi-line note stays inside the comment.
                lines.push(format!("--   {}", item.replace('\n', "\n--   ")));
            }
        };
        block(
            "Warnings",
            self.warnings.iter().map(|w| w.to_string()).collect(),
        );
        block(
            "Not generated",
            self.not_generated
                .iter()
                .map(|n| {
                    let how = match n.presence {
                        Presence::DesiredOnly => "only in the desired schema, not created",
                        Presence::CurrentOnly => "only in the current schema, not dropped",
                        Presence::Changed => "definition differs, not changed",
                        Presence::Unknown => "on both sides, not compared",
                    };
                    format!("{} {}: {how}", n.object.kind, n.object.name)
                })
                .collect(),
        );
        block("Notes", self.notes.clone());
        lines.extend(self.up.iter().map(|s| s.sql.clone()));
        if lines.is_empty() {
            return String::new();
        }
        let mut text = lines.join("\n");
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use crate::*;

    #[test]
    fn script_puts_comment_blocks_above_the_sql() {
        let d = Dialect::Postgres;
        let mut users = Table::new("users");
        users
            .columns
            .push(Column::new("id", ColumnType::new(d, "integer")));
        users
            .columns
            .push(Column::new("email", ColumnType::new(d, "text")));
        let current = Schema {
            tables: vec![users.clone()],
            ..Schema::default()
        };
        users.columns.pop();
        let view = OtherObject::new(
            ObjectKind::Other("composite type".into()),
            QualifiedName::new("active_users"),
            Some("a integer".into()),
        );
        let desired = Schema {
            tables: vec![users],
            other_objects: vec![view],
            ..Schema::default()
        };
        let text = draft(&current, &desired, &Hints::new(), d).script();
        assert_eq!(
            text,
            "-- Warnings:\n\
             --   data loss: users.email: the column and its values are dropped\n\
             -- Not generated:\n\
             --   composite type active_users: only in the desired schema, not created\n\
             ALTER TABLE \"users\" DROP COLUMN \"email\";\n"
        );
        // Same view on both sides, nothing to do: no text at all.
        assert_eq!(draft(&desired, &desired, &Hints::new(), d).script(), "");
    }
}
