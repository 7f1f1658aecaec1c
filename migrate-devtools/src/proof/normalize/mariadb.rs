//! MariaDB/MySQL: `mariadb-dump --no-data --routines --events --triggers`
//! cut into statements, keyed by object, its noise taken out.

use super::{push, Objects, Rules};

pub(in crate::proof) fn mariadb(text: &str, rules: Rules) -> Objects {
    let mut objects = Objects::new();
    let mut delimiter = ";".to_owned();
    let mut statement: Vec<String> = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(d) = trimmed.strip_prefix("DELIMITER ") {
            delimiter = d.trim().to_owned();
            continue;
        }
        if statement.is_empty() && (trimmed.is_empty() || trimmed.starts_with("--")) {
            continue;
        }
        statement.push(line.trim_end().to_owned());
        if trimmed.ends_with(delimiter.as_str()) {
            let body = std::mem::take(&mut statement);
            let joined = unversioned(&body.join("\n"));
            let head = joined.trim_start();
            if head.starts_with("SET ") || head.starts_with("USE ") || head.is_empty() {
                continue;
            }
            let key = mariadb_key(head);
            let trigger = key.starts_with("trigger ");
            let body = if trigger { trigger_lines(&body) } else { body };
            for (n, l) in body.into_iter().enumerate() {
                let mut l = unversioned(&l);
                // The header is the statement's first line; the body keeps its text.
                if trigger && n == 0 {
                    l = trigger_header(&l);
                }
                if !rules.privileges {
                    l = without_definer(&l);
                }
                if !rules.counters {
                    l = without_counter(&l);
                }
                push(&mut objects, &key, unquoted(l.trim_end()));
            }
        }
    }
    for (key, lines) in objects.iter_mut() {
        if key.starts_with("table ") {
            default_btree(lines);
            constraint_names_folded(lines);
            sort_keys(lines);
        }
    }
    objects
}

/// `KEY i (a) USING BTREE` written `KEY i (a)` where B-tree is the
/// engine's only or default index kind (every engine but MEMORY): the
/// server shows `USING BTREE` exactly when the statement said so, and both
/// are the same index. On a MEMORY table the default is a hash, so there
/// the words say something and stay.
fn default_btree(lines: &mut [String]) {
    let memory = lines.iter().any(|l| {
        let l = l.trim_start().to_ascii_uppercase();
        l.starts_with(") ENGINE=MEMORY") || l.starts_with(") ENGINE=HEAP")
    });
    if memory {
        return;
    }
    const KEYS: [&str; 3] = ["KEY ", "UNIQUE KEY ", "PRIMARY KEY "];
    for l in lines.iter_mut() {
        if !KEYS.iter().any(|k| l.trim_start().starts_with(k)) {
            continue;
        }
        // Right after the key's column list, never inside its comment.
        if let Some(end) = column_list_end(l) {
            if l[end..].starts_with(" USING BTREE") {
                l.replace_range(end..end + " USING BTREE".len(), "");
            }
        }
    }
}

/// `CONSTRAINT Name ...` written with the name in lower case: MariaDB and
/// MySQL compare constraint names without case (a second constraint
/// differing only in case is refused), so `CHK_QTY` and `chk_qty` name the
/// same constraint; the server shows the case it was created with.
fn constraint_names_folded(lines: &mut [String]) {
    for l in lines.iter_mut() {
        let indent = l.len() - l.trim_start().len();
        let Some(rest) = l[indent..].strip_prefix("CONSTRAINT ") else {
            continue;
        };
        let name_len = match rest.strip_prefix('`') {
            Some(quoted) => quoted.find('`').map_or(rest.len(), |e| e + 2),
            None => rest.find(' ').unwrap_or(rest.len()),
        };
        let at = indent + "CONSTRAINT ".len();
        let folded = l[at..at + name_len].to_lowercase();
        l.replace_range(at..at + name_len, &folded);
    }
}

/// Where a key line's column list ends (just past its closing parenthesis),
/// counting parentheses outside backquotes and string literals (an
/// expression key part has its own).
fn column_list_end(line: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '`' | '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// A table's indexes and constraints in name order, commas dropped: the
/// server lists them in the order they were made, which says nothing about
/// the table (a squash makes them in another order).
fn sort_keys(lines: &mut [String]) {
    const KEYS: [&str; 6] = [
        "KEY ",
        "UNIQUE KEY ",
        "FULLTEXT KEY ",
        "SPATIAL KEY ",
        "CONSTRAINT ",
        "PRIMARY KEY ",
    ];
    let is_key = |l: &str| KEYS.iter().any(|k| l.trim_start().starts_with(k));
    let Some(first) = lines.iter().position(|l| is_key(l)) else {
        return;
    };
    let end = first + lines[first..].iter().take_while(|l| is_key(l)).count();
    for l in &mut lines[..] {
        if l.starts_with("  ") && l.ends_with(',') {
            l.pop();
        }
    }
    lines[first..end].sort();
}

/// `` `name` `` written `name` outside string literals when it is a plain
/// identifier: the server keeps a trigger's or view's text as it was
/// written, quoted or not, and both spell the same object.
fn unquoted(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == '\'' {
                in_string = false;
            }
            continue;
        }
        match c {
            '\'' => {
                in_string = true;
                out.push(c);
            }
            '`' => {
                let mut name = String::new();
                let mut closed = false;
                for n in chars.by_ref() {
                    if n == '`' {
                        closed = true;
                        break;
                    }
                    name.push(n);
                }
                let plain = name
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if plain && closed {
                    out.push_str(&name);
                } else {
                    out.push('`');
                    out.push_str(&name);
                    if closed {
                        out.push('`');
                    }
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// A trigger's statement as its header on one line (white space between
/// words collapsed, outside quotes), then its body's lines from its first
/// word: the server keeps the header as written, over several lines or one
/// (`FOR EACH ROW\nBEGIN` and `FOR EACH ROW BEGIN` are one trigger). The
/// header ends after `FOR EACH ROW` and a `FOLLOWS`/`PRECEDES` name; a
/// statement without it is left as it is.
fn trigger_lines(body: &[String]) -> Vec<String> {
    let text = body.join("\n");
    let words = words_outside_quotes(&text);
    let Some(row) = words.windows(3).position(|w| {
        w[0].1.eq_ignore_ascii_case("FOR")
            && w[1].1.eq_ignore_ascii_case("EACH")
            && w[2].1.eq_ignore_ascii_case("ROW")
    }) else {
        return body.to_vec();
    };
    let mut last = row + 2;
    if words.get(last + 1).is_some_and(|(_, w)| {
        w.eq_ignore_ascii_case("FOLLOWS") || w.eq_ignore_ascii_case("PRECEDES")
    }) && words.get(last + 2).is_some()
    {
        last += 2;
    }
    let end = words[last].0 + words[last].1.len();
    let header = words[..=last]
        .iter()
        .map(|(_, w)| *w)
        .collect::<Vec<_>>()
        .join(" ");
    let mut out = vec![header];
    out.extend(text[end..].trim_start().lines().map(str::to_owned));
    out
}

/// The words of `text` (split at white space outside backquotes and string
/// literals) with their byte offsets.
fn words_outside_quotes(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c.is_whitespace() => {
                if let Some(s) = start.take() {
                    out.push((s, &text[s..i]));
                }
                continue;
            }
            None if matches!(c, '`' | '\'' | '"') => quote = Some(c),
            None => {}
        }
        start.get_or_insert(i);
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out
}

/// A trigger's header keywords in one case (`before update ON t FOR EACH
/// ROW` as `BEFORE UPDATE ON t FOR EACH ROW`): the server keeps the header
/// as written, a draft writes it from `information_schema`, and these words
/// mean the same in any case. Names and the body are left as they are.
fn trigger_header(line: &str) -> String {
    const WORDS: [&str; 11] = [
        "BEFORE", "AFTER", "INSERT", "UPDATE", "DELETE", "ON", "FOR", "EACH", "ROW", "FOLLOWS",
        "PRECEDES",
    ];
    let mut words: Vec<String> = line.split(' ').map(str::to_owned).collect();
    let Some(at) = words.iter().position(|w| w.eq_ignore_ascii_case("TRIGGER")) else {
        return line.to_owned();
    };
    // After `TRIGGER name`, up to `ROW` and a `FOLLOWS`/`PRECEDES` after it.
    let mut after_row = false;
    for w in words.iter_mut().skip(at + 2).filter(|w| !w.is_empty()) {
        let upper = w.to_ascii_uppercase();
        if after_row {
            if upper == "FOLLOWS" || upper == "PRECEDES" {
                *w = upper;
            }
            break;
        }
        if WORDS.contains(&upper.as_str()) {
            after_row = upper == "ROW";
            *w = upper;
        }
    }
    words.join(" ")
}

/// `/*!50003 CREATE*/` read as `CREATE`: the versioned comments are content.
fn unversioned(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("/*!") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 3..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        rest = after[digits..]
            .strip_prefix(' ')
            .unwrap_or(&after[digits..]);
        if let Some(end) = rest.find("*/") {
            out.push_str(&rest[..end]);
            rest = &rest[end + 2..];
        }
    }
    out.push_str(rest);
    out
}

fn without_definer(line: &str) -> String {
    let Some(at) = line.find("DEFINER=") else {
        return line.to_owned();
    };
    let rest = &line[at..];
    let end = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
    format!("{}{}", &line[..at], rest[end..].trim_start())
}

fn without_counter(line: &str) -> String {
    let Some(at) = line.find(" AUTO_INCREMENT=") else {
        return line.to_owned();
    };
    let rest = &line[at + 1..];
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    format!("{}{}", &line[..at], &rest[end..])
}

/// `view v` from `CREATE ALGORITHM=UNDEFINED VIEW `v` AS ...`.
fn mariadb_key(statement: &str) -> String {
    const KINDS: [&str; 8] = [
        "TABLE",
        "VIEW",
        "TRIGGER",
        "PROCEDURE",
        "FUNCTION",
        "EVENT",
        "INDEX",
        "SEQUENCE",
    ];
    let words: Vec<&str> = statement.split_whitespace().take(12).collect();
    for (n, w) in words.iter().enumerate() {
        let upper = w.to_uppercase();
        if KINDS.contains(&upper.as_str()) {
            let name = words
                .get(n + 1)
                .map(|x| {
                    if x.eq_ignore_ascii_case("IF") {
                        words.get(n + 4).copied().unwrap_or("")
                    } else {
                        x
                    }
                })
                .unwrap_or("");
            let name = name
                .split('(')
                .next()
                .unwrap_or("")
                .trim_matches(|c| c == '`' || c == ';');
            return format!("{} {name}", upper.to_lowercase());
        }
    }
    let first: String = statement
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    format!("statement {first}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraint_names_differing_in_case_are_one_constraint() {
        let dump = |name: &str, literal: &str| {
            let text = format!("CREATE TABLE `t` (\n  `q` varchar(5) DEFAULT NULL,\n  CONSTRAINT `{name}` CHECK (`q` <> '{literal}')\n) ENGINE=InnoDB;\n");
            mariadb(&text, Rules::default())
        };
        assert_eq!(dump("CHK_Q", "x"), dump("chk_q", "x"));
        assert_eq!(dump("My Check", "x"), dump("my check", "x"));
        // The check's own text keeps its case.
        assert_ne!(dump("chk_q", "X"), dump("chk_q", "x"));
    }

    #[test]
    fn mariadb_trigger_header_keywords_in_any_case_are_one_trigger() {
        let dump = |header: &str, body: &str| {
            let text = format!("DELIMITER ;;\n/*!50003 CREATE*/ /*!50003 TRIGGER tr {header} ON t FOR EACH ROW {body} */;;\nDELIMITER ;\n");
            mariadb(&text, Rules::default())
        };
        assert_eq!(
            dump("before update", "SET NEW.a = 1"),
            dump("BEFORE UPDATE", "SET NEW.a = 1")
        );
        // The body is the trigger's own text: its case still counts, and so
        // does the event.
        assert_ne!(
            dump("before update", "set NEW.a = 'x'"),
            dump("before update", "set NEW.a = 'X'")
        );
        assert_ne!(
            dump("before update", "SET NEW.a = 1"),
            dump("before insert", "SET NEW.a = 1")
        );
        // A header over several lines is the same header; the body's own
        // lines still count.
        let body = "BEGIN\n  SET NEW.a = 1;\nEND";
        assert_eq!(
            dump("BEFORE UPDATE", body),
            dump("\n  BEFORE  UPDATE\n", &format!("\n{body}"))
        );
        assert_ne!(
            dump("BEFORE UPDATE", body),
            dump("BEFORE UPDATE", "BEGIN SET NEW.a = 1;\nEND")
        );
        // White space inside a quoted name is the name's own.
        let named = |name: &str| {
            let text = format!("DELIMITER ;;\n/*!50003 CREATE*/ /*!50003 TRIGGER `{name}` BEFORE UPDATE ON t FOR EACH ROW SET NEW.a = 1 */;;\nDELIMITER ;\n");
            mariadb(&text, Rules::default())
        };
        assert_ne!(named("a  b"), named("a b"));
    }

    #[test]
    fn mariadb_key_order_and_identifier_quotes_are_not_differences() {
        let a = "CREATE TABLE `t` (\n  `id` int(11) NOT NULL,\n  `a` int(11),\n  KEY `b` (`a`),\n  KEY `a` (`a`)\n) ENGINE=InnoDB;\n\
                 CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW INSERT INTO l VALUES ('`x`');\n";
        let b = "CREATE TABLE `t` (\n  `id` int(11) NOT NULL,\n  `a` int(11),\n  KEY `a` (`a`),\n  KEY `b` (`a`)\n) ENGINE=InnoDB;\n\
                 CREATE TRIGGER `tr` AFTER INSERT ON `t` FOR EACH ROW INSERT INTO l VALUES ('`x`');\n";
        assert_eq!(mariadb(a, Rules::default()), mariadb(b, Rules::default()));
        // A string's text is content: a quote inside it stays.
        let c = b.replace("'`x`'", "'x'");
        assert_ne!(mariadb(a, Rules::default()), mariadb(&c, Rules::default()));
    }

    #[test]
    fn mariadb_using_btree_is_the_default_except_on_memory_tables() {
        let table = |using: &str, engine: &str| {
            format!("CREATE TABLE `t` (\n  `a` int(11),\n  KEY `i` (`a`){using},\n  KEY `j` (`a`){using} COMMENT 'c'\n) ENGINE={engine};\n")
        };
        let same = |a: &str, b: &str| mariadb(a, Rules::default()) == mariadb(b, Rules::default());
        assert!(same(&table(" USING BTREE", "InnoDB"), &table("", "InnoDB")));
        assert!(!same(
            &table(" USING BTREE", "MEMORY"),
            &table("", "MEMORY")
        ));
        assert!(!same(&table(" USING HASH", "InnoDB"), &table("", "InnoDB")));
        // Words in a comment are the comment's.
        let commented = |c: &str| {
            format!("CREATE TABLE `t` (\n  `a` int(11),\n  KEY `i` (`a`) COMMENT '{c}'\n) ENGINE=InnoDB;\n")
        };
        assert!(!same(&commented("x) USING BTREE"), &commented("x)")));
        // An expression key part has parentheses of its own.
        let expr = |using: &str| {
            format!("CREATE TABLE `t` (\n  `a` int(11),\n  KEY `i` ((`a` + 1)){using}\n) ENGINE=InnoDB;\n")
        };
        assert!(same(&expr(" USING BTREE"), &expr("")));
    }

    #[test]
    fn mariadb_statements_are_keyed_and_definers_and_counters_go() {
        let dump = "/*!40101 SET @saved_cs_client     = @@character_set_client */;\nCREATE TABLE `t` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB AUTO_INCREMENT=7 DEFAULT CHARSET=utf8mb4;\nDELIMITER ;;\n/*!50003 CREATE*/ /*!50017 DEFINER=`me`@`%`*/ /*!50003 TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.id = 1 */;;\nDELIMITER ;\n";
        let o = mariadb(dump, Rules::default());
        assert_eq!(
            o.keys().collect::<Vec<_>>(),
            ["table t", "trigger tr"],
            "{o:?}"
        );
        assert!(
            o["table t"].iter().all(|l| !l.contains("AUTO_INCREMENT=")),
            "{o:?}"
        );
        assert!(
            o["trigger tr"].iter().all(|l| !l.contains("DEFINER")),
            "{o:?}"
        );
        let kept = mariadb(
            dump,
            Rules {
                privileges: true,
                counters: true,
            },
        );
        assert!(kept["table t"]
            .iter()
            .any(|l| l.contains("AUTO_INCREMENT=7")));
    }
}
