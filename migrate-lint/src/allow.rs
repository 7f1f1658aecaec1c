//! `-- migrate:allow RULE reason` markers: a reviewed exception, written on
//! the line(s) above the statement it covers. The reason is required, so
//! that the next reader knows why the danger was accepted.

use crate::rules::Rule;

/// The markers in `gap` (the text between a statement and the one before
/// it): each the rule it allows, or the 0-based line in `gap` and what is
/// wrong with it.
pub(crate) fn markers(gap: &str) -> Vec<Result<Rule, (usize, String)>> {
    gap.lines()
        .enumerate()
        .filter_map(|(n, line)| {
            let rest = line.trim().strip_prefix("--")?.trim_start();
            let rest = rest.strip_prefix("migrate:allow")?;
            if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
                return None;
            }
            // `-- migrate:allow stairway <object> <reason>` is the
            // stairway's, not a lint rule.
            if rest.trim_start().starts_with("stairway ") {
                return None;
            }
            Some(parse(rest.trim()).map_err(|problem| (n, problem)))
        })
        .collect()
}

fn parse(text: &str) -> Result<Rule, String> {
    let (id, reason) = text
        .split_once(char::is_whitespace)
        .map_or((text, ""), |(id, reason)| (id, reason.trim()));
    if id.is_empty() {
        return Err("`-- migrate:allow` names no rule".to_owned());
    }
    let Some(rule) = Rule::from_id(id) else {
        let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        return Err(format!(
            "`-- migrate:allow {id}` names no rule; the rules are {}",
            ids.join(", ")
        ));
    };
    if rule == Rule::BadAllow {
        return Err("`bad-allow` cannot be allowed; fix the marker".to_owned());
    }
    if reason.is_empty() {
        return Err(format!(
            "`-- migrate:allow {id}` gives no reason; say why, e.g. `-- migrate:allow {id} the app stopped using it in v2.3`"
        ));
    }
    Ok(rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_need_a_known_rule_and_a_reason() {
        let gap = "-- migrate:allow drop-table gone since v2\n--migrate:allow drop-column\n-- migrate:allowed x\n-- migrate:allow nope because\n-- migrate:allow\n-- plain comment\n";
        let m = markers(gap);
        assert_eq!(m.len(), 4, "{m:?}");
        assert_eq!(m[0], Ok(Rule::DropTable));
        assert!(matches!(&m[1], Err((1, p)) if p.contains("gives no reason")));
        assert!(matches!(&m[2], Err((3, p)) if p.contains("names no rule")));
        assert!(matches!(&m[3], Err((4, p)) if p.contains("names no rule")));
    }
}
