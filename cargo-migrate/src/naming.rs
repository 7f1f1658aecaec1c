//! New revisions: ids, file names from the template, slugs and dates. The
//! file's text comes from `migrate_graph::RevisionFile`.

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
}
