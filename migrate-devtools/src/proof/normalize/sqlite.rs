//! SQLite: `sqlite_schema` rows, compared as stored and, where two texts
//! differ, as the same statement written another way.

use super::Objects;

/// `sqlite_schema` rows (type, name, sql), each object's SQL kept as it
/// is stored (one line): [`sqlite_lines`] normalizes only the objects whose
/// text differs, so that a schema of a thousand tables is compared at the
/// cost of reading it.
pub(in crate::proof) fn sqlite(rows: &[(String, String, String)]) -> Objects {
    rows.iter()
        .map(|(kind, name, sql)| (format!("{kind} {name}"), vec![sql.clone()]))
        .collect()
}

/// The objects of `sqlite_schema`'s `sql` texts joined by ASCII RS (the
/// stairway's one cheap read, without names): each keyed by the type and
/// name its header states, the `sqlite_` tables and the objects of the
/// `exclude`d tables left out. A text whose header cannot be read is kept
/// under a key of its own text, so that it is still compared.
pub(in crate::proof) fn stored(raw: &str, exclude: &[String]) -> Objects {
    let mut objects = Objects::new();
    for sql in raw.split('\u{1e}').filter(|s| !s.is_empty()) {
        let key = match header(sql) {
            Some(h) if h.name.starts_with("sqlite_") || exclude.contains(&h.table) => continue,
            Some(h) => format!("{} {}", h.kind, h.name),
            None => format!("object {sql}"),
        };
        // Two texts under one key are both kept: none is lost to another.
        objects.entry(key).or_default().push(sql.to_owned());
    }
    objects
}

/// What a stored definition's header says: the object's type and name and
/// the table it belongs to (itself for a table or view).
#[derive(Debug, PartialEq, Eq)]
struct Header {
    kind: &'static str,
    name: String,
    table: String,
}

/// Reads the header SQLite writes into `sqlite_schema.sql`: `CREATE TABLE`,
/// `CREATE VIRTUAL TABLE`, `CREATE [UNIQUE] INDEX name ON table`, `CREATE
/// VIEW` or `CREATE TRIGGER name ... ON table`, with `TEMP`, `IF NOT
/// EXISTS` and the schema name already removed by SQLite; the name quoted
/// in any of SQLite's four ways.
fn header(sql: &str) -> Option<Header> {
    use sqlparser::keywords::Keyword;
    use sqlparser::tokenizer::{Token, Tokenizer};
    let tokens = Tokenizer::new(&sqlparser::dialect::SQLiteDialect {}, sql)
        .tokenize()
        .ok()?;
    let mut it = tokens
        .into_iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .peekable();
    let keyword = |t: Option<Token>| match t {
        Some(Token::Word(w)) if w.quote_style.is_none() => Some(w.keyword),
        _ => None,
    };
    // A name, and a `schema.` before it skipped.
    fn name<I: Iterator<Item = Token>>(it: &mut std::iter::Peekable<I>) -> Option<String> {
        let mut name = match it.next()? {
            Token::Word(w) => w.value,
            Token::SingleQuotedString(s) | Token::DoubleQuotedString(s) => s,
            _ => return None,
        };
        while it.next_if_eq(&Token::Period).is_some() {
            name = match it.next()? {
                Token::Word(w) => w.value,
                Token::SingleQuotedString(s) | Token::DoubleQuotedString(s) => s,
                _ => return None,
            };
        }
        Some(name)
    }
    if keyword(it.next()) != Some(Keyword::CREATE) {
        return None;
    }
    let mut kind = keyword(it.next())?;
    if matches!(kind, Keyword::UNIQUE | Keyword::VIRTUAL) {
        kind = match (kind, keyword(it.next())?) {
            (Keyword::UNIQUE, Keyword::INDEX) => Keyword::INDEX,
            (Keyword::VIRTUAL, Keyword::TABLE) => Keyword::TABLE,
            _ => return None,
        };
    }
    let object = name(&mut it)?;
    let (kind, table) = match kind {
        Keyword::TABLE => ("table", object.clone()),
        Keyword::VIEW => ("view", object.clone()),
        Keyword::INDEX => {
            if keyword(it.next()) != Some(Keyword::ON) {
                return None;
            }
            ("index", name(&mut it)?)
        }
        Keyword::TRIGGER => {
            // `BEFORE|AFTER|INSTEAD OF event [OF columns] ON table`: the
            // first bare ON (a column named on must be quoted).
            it.by_ref().find(|t| matches!(t, Token::Word(w) if w.quote_style.is_none() && w.keyword == Keyword::ON))?;
            ("trigger", name(&mut it)?)
        }
        _ => return None,
    };
    Some(Header {
        kind,
        name: object,
        table,
    })
}

/// A stored SQLite definition with its white space collapsed and plain
/// identifiers unquoted (`ALTER TABLE ... RENAME` quotes the name), one
/// line per top-level comma (a column per line).
pub(in crate::proof) fn sqlite_lines(stored: &[String]) -> Vec<String> {
    split_top_level(&collapse(&stored.join("\n")))
}

/// A view's or trigger's [`sqlite_lines`] with their SQL keywords in
/// upper case, to compare by: SQLite reads keywords in any case, and a
/// draft writes the definition as sqlparser prints it (`insert into logs`
/// becomes `INSERT INTO logs`). Names, quoted text, comments and the word
/// after `AS` (a view's column label, which clients see) keep their case;
/// a line the tokenizer cannot read is kept whole. The lines shown to the
/// reader are the unfolded ones.
pub(in crate::proof) fn sqlite_folded(lines: &[String]) -> Vec<String> {
    lines.iter().map(|line| keywords_upper(line)).collect()
}

fn keywords_upper(line: &str) -> String {
    use sqlparser::keywords::Keyword;
    use sqlparser::tokenizer::{Token, Tokenizer};
    let Ok(tokens) = Tokenizer::new(&sqlparser::dialect::SQLiteDialect {}, line).tokenize() else {
        return line.to_owned();
    };
    let mut out = String::with_capacity(line.len());
    let mut after_as = false;
    for token in tokens {
        match &token {
            Token::Word(w) if w.quote_style.is_none() && w.keyword != Keyword::NoKeyword => {
                // `CREATE VIEW v AS SELECT`: no label is spelled SELECT, WITH
                // or VALUES unquoted.
                let statement =
                    matches!(w.keyword, Keyword::SELECT | Keyword::WITH | Keyword::VALUES);
                if after_as && !statement {
                    out.push_str(&w.value);
                } else {
                    out.push_str(&w.value.to_ascii_uppercase());
                }
                after_as = w.keyword == Keyword::AS;
            }
            Token::Whitespace(_) => out.push_str(&token.to_string()),
            _ => {
                out.push_str(&token.to_string());
                after_as = false;
            }
        }
    }
    out
}

/// What two SQLite databases written by different SQL (a squash, a
/// `schema.sql`) are compared by, beyond the model: a table's column names
/// in order (the model reads the rest), views and triggers as normalized
/// text; indexes are the model's alone. `None` to leave the object out.
pub(in crate::proof) fn sqlite_semantic(key: &str, stored: &[String]) -> Option<Vec<String>> {
    let lines = sqlite_lines(stored);
    match key.split_once(' ').map_or(key, |(k, _)| k) {
        "table" => {
            let mut out = vec![lines.first().cloned().unwrap_or_default()];
            out.extend(
                crate::proof::words::columns(&lines)
                    .into_iter()
                    .map(|c| format!("    {c}")),
            );
            out.push(")".to_owned());
            Some(out)
        }
        "index" => None,
        // Views and triggers with their keywords in one case (`sqlite_folded`).
        _ => Some(sqlite_folded(&lines)),
    }
}

/// White space outside quotes collapsed to one space, and none around
/// `(`, `)` and `,`: a table rebuilt from other text is the same table.
fn collapse(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    let mut space = false;
    let mut quoted_at = 0;
    for c in sql.chars() {
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
                unquote_plain(&mut out, quoted_at);
            }
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() && !matches!(c, '(' | ')' | ',') && !out.ends_with(['(', ',']) {
            out.push(' ');
        }
        space = false;
        if matches!(c, '\'' | '"' | '`' | '[') {
            quote = Some(if c == '[' { ']' } else { c });
            quoted_at = out.len();
        }
        out.push(c);
    }
    out
}

/// `"name"` at `at` in `out` written `name` when it is a plain identifier.
fn unquote_plain(out: &mut String, at: usize) {
    let quoted = &out[at..];
    let Some(first) = quoted.chars().next() else {
        return;
    };
    if first == '\'' || quoted.len() < 3 {
        return;
    }
    let inner = &quoted[1..quoted.len() - 1];
    let plain = inner
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        let inner = inner.to_owned();
        out.truncate(at);
        out.push_str(&inner);
    }
}

/// `CREATE TABLE t(a,b)` as `CREATE TABLE t(`, `a,`, `b`, `)`.
fn split_top_level(sql: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for c in sql.chars() {
        current.push(c);
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' | '`' => quote = Some(c),
            '[' => quote = Some(']'),
            '(' => {
                depth += 1;
                if depth == 1 {
                    lines.push(std::mem::take(&mut current));
                }
            }
            ')' => {
                if depth == 1 {
                    current.pop();
                    lines.push(format!("    {}", std::mem::take(&mut current)));
                    current.push(')');
                }
                depth = depth.saturating_sub(1);
            }
            ',' if depth == 1 => lines.push(format!("    {}", std::mem::take(&mut current))),
            _ => {}
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines.retain(|l| !l.trim().is_empty());
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_name_the_object_and_its_table_however_quoted() {
        let h = |sql: &str| header(sql).map(|h| (h.kind, h.name, h.table));
        let own = |kind, name: &str| Some((kind, name.to_owned(), name.to_owned()));
        assert_eq!(h("CREATE TABLE \"A b\" (x int)"), own("table", "A b"));
        assert_eq!(h("CREATE TABLE 'q'(y)"), own("table", "q"));
        assert_eq!(
            h("CREATE VIRTUAL TABLE vt using fts5(a)"),
            own("table", "vt")
        );
        assert_eq!(h("CREATE VIEW `v` as select 1"), own("view", "v"));
        assert_eq!(
            h("CREATE UNIQUE INDEX [i x] on \"A b\"(x)"),
            Some(("index", "i x".to_owned(), "A b".to_owned()))
        );
        assert_eq!(
            h("CREATE TRIGGER tr after update of \"on\", b on main.t begin select 1; end"),
            Some(("trigger", "tr".to_owned(), "t".to_owned()))
        );
        assert_eq!(h("ALTER TABLE t ADD x"), None);
    }

    #[test]
    fn stored_texts_are_cut_by_header_and_none_is_lost() {
        let raw = [
            "CREATE TABLE migrate_versions (revision TEXT PRIMARY KEY)",
            "CREATE INDEX mv ON migrate_versions (revision)",
            "CREATE TABLE sqlite_sequence(name,seq)",
            "CREATE TABLE t (a)",
            "CREATE INDEX i ON t (a)",
            "CREATE TABLE t (b)",
            "CREATE nonsense",
        ]
        .join("\u{1e}");
        let objects = stored(&raw, &["migrate_versions".to_owned()]);
        let keys: Vec<&str> = objects.keys().map(String::as_str).collect();
        assert_eq!(keys, ["index i", "object CREATE nonsense", "table t"]);
        assert_eq!(
            objects["table t"],
            ["CREATE TABLE t (a)", "CREATE TABLE t (b)"]
        );
    }

    #[test]
    fn sqlite_text_is_the_same_however_it_was_spaced() {
        let a = sqlite_lines(&["CREATE TABLE t (a INT,\n  b TEXT DEFAULT 'x  y')".into()]);
        let b = sqlite_lines(&["CREATE TABLE \"t\"(a INT, \"b\" TEXT DEFAULT 'x  y')".into()]);
        assert_eq!(a, b);
        assert_eq!(
            a,
            [
                "CREATE TABLE t(",
                "    a INT,",
                "    b TEXT DEFAULT 'x  y'",
                ")"
            ]
        );
    }

    #[test]
    fn sqlite_keyword_and_name_case_is_not_a_difference_but_a_literals_is() {
        let stored = |sql: &str| sqlite_folded(&sqlite_lines(&[sql.to_owned()]));
        let written = "CREATE TRIGGER t AFTER INSERT ON users BEGIN insert into logs(typ) values ('User it''s'); END";
        let drafted = "CREATE TRIGGER t AFTER INSERT ON \"users\" BEGIN INSERT INTO logs (typ) VALUES ('User it''s'); END";
        assert_eq!(stored(written), stored(drafted));
        let other = "CREATE TRIGGER t AFTER INSERT ON users BEGIN INSERT INTO logs (typ) VALUES ('user it''s'); END";
        assert_ne!(stored(written), stored(other));
        // A view's column label is what clients see: its case counts.
        assert_ne!(
            stored("CREATE VIEW v AS select count(*) as total from t"),
            stored("CREATE VIEW v AS SELECT count(*) AS Total FROM t")
        );
        assert_eq!(
            stored("CREATE VIEW v AS select count(*) as total from t"),
            stored("CREATE VIEW v AS SELECT count(*) AS total FROM t")
        );
    }
}
