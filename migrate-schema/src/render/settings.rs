//! An object's settings changed in place: the statements taking one side's
//! settings (comments, a disabled trigger, a domain's default, NOT NULL and
//! constraints) to the other's, undoing what the other side lacks.

use super::quote::ident;
use crate::model::{Dialect, OtherObject};

/// The statement undoing a domain setting `s` that `to` no longer has: a
/// constraint is dropped by name, a default or NOT NULL dropped unless `to`
/// sets another. `None` when `s` is no domain setting.
fn domain_undo(s: &str, to: &[String]) -> Option<Option<String>> {
    let rest = s.strip_prefix("ALTER DOMAIN ")?;
    if let Some((domain, constraint)) = rest.split_once(" ADD CONSTRAINT ") {
        // A name that does not read is left alone: its ADD runs all the
        // same, and fails if the old constraint stands in its way.
        let name = constraint_name(constraint)?;
        return Some(Some(format!(
            "ALTER DOMAIN {domain} DROP CONSTRAINT {name};"
        )));
    }
    if let Some((domain, _)) = rest.split_once(" SET DEFAULT ") {
        let target = format!("ALTER DOMAIN {domain} SET DEFAULT ");
        let kept = to.iter().any(|t| t.starts_with(&target));
        return Some((!kept).then(|| format!("ALTER DOMAIN {domain} DROP DEFAULT;")));
    }
    let domain = rest.strip_suffix(" SET NOT NULL")?;
    Some(Some(format!("ALTER DOMAIN {domain} DROP NOT NULL;")))
}

/// The constraint name at the start of `text` (the catalog's
/// `quote_ident`), read with sqlparser's tokenizer and quoted again.
fn constraint_name(text: &str) -> Option<String> {
    use sqlparser::tokenizer::{Token, Tokenizer};
    let tokens = Tokenizer::new(&sqlparser::dialect::PostgreSqlDialect {}, text)
        .tokenize()
        .ok()?;
    match tokens.into_iter().next()? {
        Token::Word(w) => Some(ident(Dialect::Postgres, &w.value)),
        _ => None,
    }
}

/// The statements taking `from`'s settings to `to`'s: a comment no longer
/// there is set to NULL, a trigger or rule no longer disabled is enabled
/// again, a domain's default, NOT NULL or constraint no longer there is
/// dropped, and every setting `to` has that `from` lacks is run.
pub(super) fn settings_change(from: &OtherObject, to: &OtherObject) -> Vec<String> {
    let mut out = Vec::new();
    for s in from.settings.iter().filter(|s| !to.settings.contains(s)) {
        if let Some(undo) = domain_undo(s, &to.settings) {
            out.extend(undo);
            continue;
        }
        if let Some((target, _)) = s
            .split_once(" IS ")
            .filter(|_| s.starts_with("COMMENT ON "))
        {
            let kept = to
                .settings
                .iter()
                .any(|t| t.starts_with(&format!("{target} IS ")));
            if !kept {
                out.push(format!("{target} IS NULL;"));
            }
            continue;
        }
        // `ALTER TABLE t DISABLE TRIGGER x` (or ENABLE REPLICA / ALWAYS).
        for state in [" DISABLE ", " ENABLE REPLICA ", " ENABLE ALWAYS "] {
            if let Some((table, what)) = s.split_once(state) {
                let replaced = to
                    .settings
                    .iter()
                    .any(|t| t.starts_with(table) && t.ends_with(what) && t.as_str() != s.as_str());
                if !replaced {
                    out.push(format!("{table} ENABLE {what};"));
                }
                break;
            }
        }
    }
    out.extend(
        to.settings
            .iter()
            .filter(|s| !from.settings.contains(s))
            .map(|s| format!("{};", s.trim_end_matches(';'))),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::settings_change;
    use crate::model::{ObjectKind, OtherObject, QualifiedName};

    #[test]
    fn domain_settings_change_one_by_one() {
        let domain = |settings: &[&str]| {
            let name = QualifiedName::new("score");
            let mut o = OtherObject::new(ObjectKind::Domain, name, Some("integer".into()));
            o.settings = settings.iter().map(|s| s.to_string()).collect();
            o
        };
        let from = domain(&[
            "ALTER DOMAIN score SET DEFAULT 0",
            "ALTER DOMAIN score SET NOT NULL",
            "ALTER DOMAIN score ADD CONSTRAINT \"min \"\" one\" CHECK (VALUE >= 0)",
            "ALTER DOMAIN score ADD CONSTRAINT score_max CHECK (VALUE <= 100)",
        ]);
        let to = domain(&[
            "ALTER DOMAIN score SET DEFAULT 1",
            "ALTER DOMAIN score ADD CONSTRAINT score_max CHECK (VALUE <= 10)",
        ]);
        assert_eq!(
            settings_change(&from, &to),
            [
                "ALTER DOMAIN score DROP NOT NULL;",
                "ALTER DOMAIN score DROP CONSTRAINT \"min \"\" one\";",
                "ALTER DOMAIN score DROP CONSTRAINT \"score_max\";",
                "ALTER DOMAIN score SET DEFAULT 1;",
                "ALTER DOMAIN score ADD CONSTRAINT score_max CHECK (VALUE <= 10);",
            ]
        );
        assert_eq!(
            settings_change(&to, &domain(&[])),
            [
                "ALTER DOMAIN score DROP DEFAULT;",
                "ALTER DOMAIN score DROP CONSTRAINT \"score_max\";"
            ]
        );
    }
}
