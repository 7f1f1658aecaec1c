//! Transaction control inside a section that already runs in a transaction.
//!
//! The runtime wraps each transactional section in its own transaction and
//! writes the version row in it, so the SQL and its record commit together. A
//! `COMMIT` (or `ROLLBACK`, `BEGIN`, ...) at the top level of such a section
//! breaks that: what ran before it stays even if a later statement fails, and
//! the row can be written for a revision whose tables were rolled back. The
//! rule refuses those statements; `transaction:false` sections may use them.
//!
//! The macro knows no dialect, so a section is read as every dialect could
//! read it ([`split_any`]), once with `\` escaping quotes in every string and
//! once without: a statement counts only when both readings find it at the
//! top level. Trigger, routine and `BEGIN ATOMIC` bodies, dollar quotes and
//! `DELIMITER` blocks hide what they hold, so their `BEGIN ... END` never
//! counts.

use crate::split::{split_any, Statement};

/// The top-level statements of `sql` that open or end a transaction.
pub(crate) fn transaction_control(sql: &str) -> Vec<Statement<'_>> {
    if !mentions_an_opener(sql) {
        // Every statement refused starts with one of the openers, so a
        // section that holds none of them anywhere needs no reading: loading
        // a thousand files then lexes none of them twice.
        return Vec::new();
    }
    let found: Vec<Statement<'_>> = split_any(sql, true)
        .into_iter()
        .filter(|s| is_transaction_control(s.text))
        .collect();
    if found.is_empty() {
        return found;
    }
    let other: Vec<*const u8> = split_any(sql, false)
        .into_iter()
        .filter(|s| is_transaction_control(s.text))
        .map(|s| s.text.as_ptr())
        .collect();
    found
        .into_iter()
        .filter(|s| other.contains(&s.text.as_ptr()))
        .collect()
}

/// The words a refused statement starts with (see [`is_transaction_control`]).
const OPENERS: [&str; 6] = ["COMMIT", "ROLLBACK", "ABORT", "END", "START", "BEGIN"];

/// Whether `sql` holds one of [`OPENERS`] anywhere, in any ASCII case, even
/// inside a longer word, a string or a comment: `false` proves that no
/// statement of it is transaction control, in one pass over the bytes.
fn mentions_an_opener(sql: &str) -> bool {
    let b = sql.as_bytes();
    (0..b.len()).any(|i| {
        // `| 0x20` lowercases an ASCII letter; only 'C' and 'c' become 'c'.
        let word = match b[i] | 0x20 {
            b'c' => "COMMIT",
            b'r' => "ROLLBACK",
            b'a' => "ABORT",
            b'e' => "END",
            b's' => "START",
            b'b' => "BEGIN",
            _ => return false,
        };
        b[i..]
            .get(..word.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(word.as_bytes()))
    })
}

/// Whether a statement's leading keywords open or end a transaction.
fn is_transaction_control(statement: &str) -> bool {
    // Most statements start with another word: decide those without
    // allocating (a 50 MB section holds 300,000 statements).
    let first = statement
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
        .count();
    let word = &statement[..first];
    if first > 0 && !OPENERS.iter().any(|k| k.eq_ignore_ascii_case(word)) {
        return false;
    }
    let words = leading_words(statement, 3);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    match words[..] {
        // Two-phase commit acts on a prepared transaction, not this one.
        ["COMMIT" | "ROLLBACK", "PREPARED", ..] => false,
        // Savepoints stay inside the transaction.
        ["ROLLBACK", "TO", ..] | ["ROLLBACK", "WORK" | "TRANSACTION", "TO", ..] => false,
        ["COMMIT" | "ROLLBACK" | "ABORT", ..] => true,
        // `END IF`, `END LOOP`, `END $$` and a label close blocks, not transactions.
        ["END"] | ["END", "WORK" | "TRANSACTION" | "AND", ..] => true,
        ["START", "TRANSACTION", ..] => true,
        // `BEGIN ATOMIC`, `BEGIN NOT ATOMIC` and a compound body are blocks.
        ["BEGIN"]
        | ["BEGIN", "WORK" | "TRANSACTION" | "DEFERRED" | "IMMEDIATE" | "EXCLUSIVE" | "ISOLATION" | "READ"
        | "DEFERRABLE", ..]
        | ["BEGIN", "NOT", "DEFERRABLE", ..] => true,
        _ => false,
    }
}

/// Up to `n` leading words of a statement, uppercased, skipping comments. A
/// token that is not a word ends the list as `?`, so `END $$` is not `END`.
fn leading_words(text: &str, n: usize) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() && out.len() < n {
        let rest = &b[i..];
        if rest[0].is_ascii_whitespace() {
            i += 1;
        } else if rest.starts_with(b"--") || rest[0] == b'#' {
            i += rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
        } else if rest.starts_with(b"/*") {
            i += rest
                .windows(2)
                .position(|w| w == b"*/")
                .map_or(rest.len(), |p| p + 2);
        } else if rest[0].is_ascii_alphanumeric() || rest[0] == b'_' {
            let len = rest
                .iter()
                .position(|&c| !(c.is_ascii_alphanumeric() || c == b'_'))
                .unwrap_or(rest.len());
            out.push(text[i..i + len].to_ascii_uppercase());
            i += len;
        } else {
            out.push("?".to_owned());
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (what, section SQL, the lines of the statements refused)
    fn cases() -> Vec<(&'static str, &'static str, Vec<usize>)> {
        vec![
            // Refused.
            ("commit", "CREATE TABLE a (x INT);\nCOMMIT;", vec![2]),
            ("lowercase commit work", "commit work;", vec![1]),
            ("commit and chain", "INSERT INTO a VALUES (1);\nCOMMIT AND CHAIN;\n", vec![2]),
            ("commit without semicolon", "SELECT 1;\nCOMMIT", vec![2]),
            ("rollback", "CREATE TABLE r1 (x INT);\nROLLBACK;", vec![2]),
            ("rollback work", "ROLLBACK WORK;", vec![1]),
            ("begin", "BEGIN;\nCREATE TABLE a (x INT);\nCOMMIT;", vec![1, 3]),
            ("begin transaction", "BEGIN TRANSACTION;", vec![1]),
            ("begin work", "BEGIN WORK;", vec![1]),
            ("sqlite begin immediate", "BEGIN IMMEDIATE TRANSACTION;", vec![1]),
            ("postgres begin isolation", "BEGIN ISOLATION LEVEL SERIALIZABLE;", vec![1]),
            ("end", "SELECT 1;\nEND;", vec![2]),
            ("end transaction", "END TRANSACTION;", vec![1]),
            ("start transaction", "START TRANSACTION READ WRITE;", vec![1]),
            ("abort", "ABORT;", vec![1]),
            ("comment before", "-- finish early\n/* really */ COMMIT;", vec![2]),
            (
                "after a trigger",
                "CREATE TRIGGER t AFTER INSERT ON a BEGIN DELETE FROM b; END;\nCOMMIT;",
                vec![2],
            ),
            (
                "after a dollar-quoted function",
                "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN NEW;\nEND $$;\nCOMMIT;",
                vec![5],
            ),
            (
                "after a postgres trigger",
                "CREATE TRIGGER t BEFORE UPDATE ON a FOR EACH ROW\nWHEN (CASE WHEN OLD.x THEN true END)\nEXECUTE FUNCTION f();\nCOMMIT;",
                vec![4],
            ),
            (
                "after a mariadb anonymous block",
                "BEGIN NOT ATOMIC\n  SELECT 1;\nEND;\nROLLBACK;",
                vec![4],
            ),
            // Allowed.
            (
                "mysql trigger with if and signal",
                "CREATE TRIGGER refuse BEFORE INSERT ON v FOR EACH ROW BEGIN IF NEW.r = 'b' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'no'; END IF; END",
                vec![],
            ),
            (
                "mysql handler",
                "CREATE PROCEDURE p()\nBEGIN\n  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;\n  START TRANSACTION;\n  CASE WHEN 1 THEN COMMIT; ELSE ROLLBACK; END CASE;\nEND;",
                vec![],
            ),
            ("savepoints", "SAVEPOINT s;\nROLLBACK TO SAVEPOINT s;\nROLLBACK WORK TO s;\nRELEASE SAVEPOINT s;", vec![]),
            ("two-phase", "COMMIT PREPARED 'x';\nROLLBACK PREPARED 'y';", vec![]),
            ("words in strings", "INSERT INTO log VALUES ('COMMIT;'), ('\nBEGIN;\n');", vec![]),
            ("words in comments", "-- COMMIT;\n/* ROLLBACK; */\nSELECT 1;", vec![]),
            ("a column named end", "SELECT \"end\", begin_at FROM t;\nUPDATE t SET commit_sha = 'x';", vec![]),
            (
                "sqlite trigger",
                "CREATE TRIGGER t AFTER INSERT ON a\nBEGIN\n  INSERT INTO b VALUES (CASE WHEN new.x THEN 1 END);\n  DELETE FROM c;\nEND;",
                vec![],
            ),
            (
                "sqlite trigger with raise",
                "CREATE TEMP TRIGGER IF NOT EXISTS refuse BEFORE INSERT ON v BEGIN SELECT RAISE(ABORT, 'no'); END;",
                vec![],
            ),
            (
                "mysql procedure",
                "CREATE DEFINER=`root`@`%` PROCEDURE p()\nBEGIN\n  START TRANSACTION;\n  IF 1 THEN COMMIT; END IF;\n  ROLLBACK;\nEND;",
                vec![],
            ),
            (
                "mysql trigger",
                "CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW\nBEGIN\n  SET NEW.x = 1;\nEND;",
                vec![],
            ),
            (
                "mysql event",
                "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO BEGIN DELETE FROM t; COMMIT; END;",
                vec![],
            ),
            (
                "mysql delimiter block",
                "DELIMITER //\nCREATE PROCEDURE p()\nBEGIN\n  COMMIT;\nEND//\nDELIMITER ;\nSELECT 1;",
                vec![],
            ),
            (
                "mariadb begin not atomic",
                "BEGIN NOT ATOMIC\n  DECLARE x INT;\n  BEGIN SELECT 1; END;\nEND;",
                vec![],
            ),
            (
                "postgres begin atomic",
                "CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\n  SELECT 2;\nEND;",
                vec![],
            ),
            (
                "postgres procedure with commit",
                "CREATE PROCEDURE p() LANGUAGE plpgsql AS $body$\nBEGIN\n  COMMIT;\nEND;\n$body$;",
                vec![],
            ),
            (
                "postgres do block",
                "DO $$\nBEGIN\n  IF true THEN\n    RAISE NOTICE 'x';\n  END IF;\nEND\n$$;",
                vec![],
            ),
            (
                "postgres event trigger function",
                "CREATE FUNCTION refuse() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no: %', tg_tag; END $$;\nCREATE EVENT TRIGGER refuse ON ddl_command_start EXECUTE FUNCTION refuse();",
                vec![],
            ),
            (
                "old-style quoted plpgsql",
                "CREATE FUNCTION f() RETURNS trigger AS '\nBEGIN\n  RETURN NEW;\nEND;\n' LANGUAGE plpgsql;",
                vec![],
            ),
            (
                "mysql backslash string",
                "INSERT INTO t VALUES ('it\\'s; COMMIT; here');",
                vec![],
            ),
            (
                "standard string ending in a backslash",
                "INSERT INTO t VALUES ('C:\\');\nINSERT INTO t VALUES ('; COMMIT; ');",
                vec![],
            ),
            ("rule with parentheses", "CREATE RULE r AS ON INSERT TO a DO ALSO (INSERT INTO b VALUES (1); DELETE FROM c);", vec![]),
        ]
    }

    #[test]
    fn transaction_control_table() {
        let cases = cases();
        assert!(cases.len() >= 15);
        for (what, sql, lines) in cases {
            let found: Vec<usize> = transaction_control(sql).iter().map(|s| s.line).collect();
            assert_eq!(found, lines, "{what}: {sql}");
        }
    }

    #[test]
    fn only_text_naming_no_opener_is_skipped() {
        // Every refused statement of the table is found by the pre-check.
        for (what, sql, lines) in cases() {
            assert!(lines.is_empty() || mentions_an_opener(sql), "{what}");
        }
        for sql in [
            "commit;",
            "x; RollBack",
            "/* */ aBoRt",
            "END",
            "\nstart transaction",
            "begin",
        ] {
            assert!(mentions_an_opener(sql), "{sql}");
        }
        let plain = "CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);\n\
                     INSERT INTO t (id, name) VALUES (1, 'row é');";
        assert!(!mentions_an_opener(plain));
        assert!(transaction_control(plain).is_empty());
        // Cut short at the end of the text, and not fooled by non-letters.
        assert!(!mentions_an_opener("x; COMMI"));
        assert!(!mentions_an_opener("\u{e3}\u{c3}#@!"));
    }

    #[test]
    fn leading_words_skip_comments() {
        assert_eq!(
            leading_words("BEGIN /* x */ -- y\n TRANSACTION ISOLATION", 3),
            ["BEGIN", "TRANSACTION", "ISOLATION"]
        );
        assert_eq!(leading_words("END$$", 3), ["END", "?"]);
        assert!(!is_transaction_control("END $$"));
        assert!(!is_transaction_control("END//"));
    }
}
