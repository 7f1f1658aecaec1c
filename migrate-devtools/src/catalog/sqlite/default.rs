//! Column defaults as `pragma_table_xinfo` prints them, made SQL again.

/// `dflt_value` holds the default's text without the parentheses an
/// expression needs (`DEFAULT (1 + 1)` reads `1 + 1`): put them back, so the
/// text renders into a valid `DEFAULT` clause and reads back the same.
pub(super) fn default_sql(text: &str) -> String {
    let t = text.trim();
    let upper = t.to_ascii_uppercase();
    let literal = is_number(t.strip_prefix(['-', '+']).unwrap_or(t))
        || is_quoted(t, '\'')
        || (upper.starts_with("X'") && is_quoted(&t[1..], '\''))
        || matches!(
            upper.as_str(),
            "NULL" | "TRUE" | "FALSE" | "CURRENT_TIME" | "CURRENT_DATE" | "CURRENT_TIMESTAMP"
        );
    if literal {
        t.to_string()
    } else {
        format!("({t})")
    }
}

/// A decimal (`1`, `1.5e3`, `.5`) or hexadecimal (`0x1F`) literal.
fn is_number(text: &str) -> bool {
    let hex = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .is_some_and(|digits| !digits.is_empty() && digits.chars().all(|c| c.is_ascii_hexdigit()));
    let decimal =
        text.starts_with(|c: char| c.is_ascii_digit() || c == '.') && text.parse::<f64>().is_ok();
    hex || decimal
}

/// Whether `text` is one quoted string (`'it''s'`), not `'a' || 'b'`.
fn is_quoted(text: &str, quote: char) -> bool {
    let Some(inner) = text.strip_prefix(quote).and_then(|t| t.strip_suffix(quote)) else {
        return false;
    };
    text.len() >= 2
        && inner
            .replace(&format!("{quote}{quote}"), "")
            .find(quote)
            .is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_get_the_parentheses_an_expression_needs() {
        assert_eq!(default_sql("0"), "0");
        assert_eq!(default_sql("-1.5"), "-1.5");
        assert_eq!(default_sql("'it''s'"), "'it''s'");
        assert_eq!(default_sql("x'00ff'"), "x'00ff'");
        assert_eq!(default_sql("CURRENT_TIMESTAMP"), "CURRENT_TIMESTAMP");
        assert_eq!(default_sql("NULL"), "NULL");
        assert_eq!(default_sql("0x1F"), "0x1F");
        assert_eq!(default_sql("inf"), "(inf)");
        assert_eq!(default_sql("1+1"), "(1+1)");
        assert_eq!(default_sql("'a' || 'b'"), "('a' || 'b')");
        assert_eq!(default_sql("datetime('now')"), "(datetime('now'))");
    }
}
