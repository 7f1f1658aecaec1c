//! New revisions: ids, file names from the template, slugs, dates, and the
//! text of a fresh migration file.

use std::time::{SystemTime, UNIX_EPOCH};

/// Placeholders a file template may use.
const PLACEHOLDERS: [&str; 9] = [
    "year", "month", "day", "hour", "minute", "second", "epoch", "rev", "slug",
];

/// When a revision is made: the `Create Date:` and the template's date
/// placeholders, in UTC.
pub(crate) use migrate_runtime::Utc;

/// Checks that a template only uses known placeholders, contains `{rev}` (two
/// revisions made in the same minute must not collide) and names a `.sql` file
/// inside the directory. Returns the reason it is not usable.
pub(crate) fn check_template(template: &str) -> Result<(), String> {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err("has a `{` without a matching `}`".to_owned());
        };
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) {
            return Err(format!(
                "uses unknown placeholder `{{{name}}}`; placeholders are {}",
                PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(" ")
            ));
        }
        rest = &after[close + 1..];
    }
    if !template.contains("{rev}") {
        return Err(
            "must contain `{rev}` so that two new files cannot get the same name".to_owned(),
        );
    }
    if !template.to_ascii_lowercase().ends_with(".sql") {
        return Err("must end in `.sql`: other files in the directory are not read".to_owned());
    }
    if template.contains(['/', '\\']) || template.starts_with('.') {
        return Err("must name a visible file directly inside the migrations directory (no `/`, no leading `.`)".to_owned());
    }
    Ok(())
}

/// Fills a checked template.
pub(crate) fn file_name(template: &str, rev: &str, slug: &str, at: &Utc) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}').unwrap_or(after.len());
        let value = match &after[..close] {
            "year" => format!("{:04}", at.year),
            "month" => format!("{:02}", at.month),
            "day" => format!("{:02}", at.day),
            "hour" => format!("{:02}", at.hour),
            "minute" => format!("{:02}", at.minute),
            "second" => format!("{:02}", at.second),
            "epoch" => at.epoch.to_string(),
            "rev" => rev.to_owned(),
            "slug" => slug.to_owned(),
            other => format!("{{{other}}}"),
        };
        out.push_str(&value);
        rest = after.get(close + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// Alembic's slug rule: the message's words (ASCII letters, digits, `_`), joined
/// by `_`, lowercased, cut at `max` characters on a word boundary.
pub(crate) fn slug(message: &str, max: usize) -> String {
    let words: Vec<String> = message
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut slug = words.join("_");
    if slug.len() > max {
        slug.truncate(max);
        // Cut at the last separator rather than mid-word, as Alembic does,
        // unless that would leave nothing.
        if let Some(cut) = slug.rfind('_').filter(|&c| c > 0) {
            slug.truncate(cut);
        }
    }
    slug
}

/// A new revision id: 12 random lowercase hex digits. Falls back to mixing the
/// clock and process id if the OS has no random source, which only costs
/// uniqueness guarantees that the "already exists" check covers anyway.
pub(crate) fn random_id() -> String {
    let mut bytes = [0u8; 6];
    if getrandom::getrandom(&mut bytes).is_err() {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let mixed = nanos ^ (u128::from(std::process::id()) << 64);
        bytes.copy_from_slice(&mixed.to_le_bytes()[..6]);
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What goes into a new file's header.
pub(crate) struct NewRevision<'a> {
    /// The id.
    pub id: &'a str,
    /// Parent ids; empty for a base.
    pub parents: &'a [String],
    /// `Depends On:` ids.
    pub depends_on: &'a [String],
    /// `Branch Labels:`.
    pub branch_labels: &'a [String],
    /// `Replaces:` (a squash revision).
    pub replaces: &'a [String],
    /// When.
    pub created: &'a Utc,
    /// The message.
    pub message: &'a str,
}

/// The text of a new migration file, in the header format of DESIGN.md. Both
/// sections are empty, which is a valid no-op until SQL is written.
pub(crate) fn file_text(rev: &NewRevision<'_>) -> String {
    let mut text = format!("-- Revision ID: {}\n-- Revises:", rev.id);
    if !rev.parents.is_empty() {
        text.push(' ');
        text.push_str(&rev.parents.join(", "));
    }
    text.push('\n');
    if !rev.depends_on.is_empty() {
        text.push_str(&format!("-- Depends On: {}\n", rev.depends_on.join(", ")));
    }
    if !rev.branch_labels.is_empty() {
        text.push_str(&format!(
            "-- Branch Labels: {}\n",
            rev.branch_labels.join(", ")
        ));
    }
    if !rev.replaces.is_empty() {
        text.push_str(&format!("-- Replaces: {}\n", rev.replaces.join(", ")));
    }
    // A message is one header line: folding line breaks keeps the file parseable.
    let message: String = rev
        .message
        .split(['\r', '\n'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    text.push_str(&format!(
        "-- Create Date: {}\n-- Message: {}\n\n-- migrate:up\n\n\n-- migrate:down\n\n",
        rev.created.create_date(),
        message
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_template_matches_design() {
        let at = Utc::from_epoch(1_795_262_400);
        let name = file_name(
            crate::settings::DEFAULT_FILE_TEMPLATE,
            "3f2a9c1b7d4e",
            "create_users_table",
            &at,
        );
        assert_eq!(name, "2026_11_21_1200-3f2a9c1b7d4e_create_users_table.sql");
    }

    #[test]
    fn templates_are_checked() {
        assert!(check_template(crate::settings::DEFAULT_FILE_TEMPLATE).is_ok());
        assert!(check_template("{rev}.sql").is_ok());
        assert!(check_template("{slug}.sql").unwrap_err().contains("{rev}"));
        assert!(check_template("{rev}_{nope}.sql")
            .unwrap_err()
            .contains("unknown placeholder"));
        assert!(check_template("{rev}.txt").unwrap_err().contains(".sql"));
        assert!(check_template("sub/{rev}.sql").is_err());
        assert!(check_template("{rev.sql").is_err());
    }

    #[test]
    fn slugs_follow_alembic() {
        assert_eq!(slug("Create users table!", 40), "create_users_table");
        assert_eq!(slug("add e-mail  column", 40), "add_e_mail_column");
        assert_eq!(slug("one two three", 9), "one_two");
        assert_eq!(slug("abcdefghijkl", 5), "abcde");
        assert_eq!(slug("émoji ✓", 40), "moji");
    }

    #[test]
    fn ids_are_12_lowercase_hex() {
        let id = random_id();
        assert_eq!(id.len(), 12);
        assert!(id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        assert_ne!(random_id(), id);
    }

    #[test]
    fn new_files_parse() {
        let at = Utc::from_epoch(1_795_262_400);
        let parents = vec!["a1".to_owned(), "b2".to_owned()];
        let text = file_text(&NewRevision {
            id: "c3",
            parents: &parents,
            depends_on: &["d4".to_owned()],
            branch_labels: &[],
            replaces: &[],
            created: &at,
            message: "merge\nheads",
        });
        let rev = migrate_graph::parse_file("x.sql", &text).unwrap();
        assert_eq!(rev.parents, parents);
        assert_eq!(rev.depends_on, ["d4"]);
        assert_eq!(rev.message(), "merge heads");
        assert!(!rev.up.has_sql());
    }
}
