//! Byte-level scanning for the splitter: the tokens that hide a `;` (quotes,
//! comments, dollar quotes, MySQL client `DELIMITER` blocks). The skipping
//! functions take the byte where a token opens and return the byte just past
//! it, or the end of the text when it never closes.

/// The end of a MySQL client `DELIMITER x` block starting at `at`: through the
/// next `DELIMITER` line, or just this line when it restores `;`.
pub(super) fn delimiter_block(b: &[u8], at: usize) -> Option<usize> {
    const KEY: &[u8] = b"DELIMITER";
    let word = b.get(at..at + KEY.len())?;
    if !word.eq_ignore_ascii_case(KEY)
        || !b
            .get(at + KEY.len())
            .is_some_and(|c| *c == b' ' || *c == b'\t')
    {
        return None;
    }
    let line_end = |from: usize| {
        b[from..]
            .iter()
            .position(|&x| x == b'\n')
            .map_or(b.len(), |p| from + p + 1)
    };
    let first = line_end(at);
    let delimiter = std::str::from_utf8(&b[at + KEY.len()..first]).ok()?.trim();
    if delimiter == ";" {
        return Some(first);
    }
    let mut line = first;
    while line < b.len() {
        let next = line_end(line);
        let text = b[line..next].trim_ascii_start();
        if text.len() >= KEY.len() && text[..KEY.len()].eq_ignore_ascii_case(KEY) {
            return Some(next);
        }
        line = next;
    }
    Some(b.len())
}

pub(super) fn is_word_byte(c: Option<u8>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80)
}

pub(super) fn skip_quoted(b: &[u8], open: usize, quote: u8, backslash: bool) -> usize {
    let mut i = open + 1;
    while i < b.len() {
        if backslash && b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == quote {
            if b.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    b.len()
}

pub(super) fn skip_block_comment(b: &[u8], open: usize, nested: bool) -> usize {
    let mut depth = 0;
    let mut i = open;
    while i + 1 < b.len() {
        if b[i] == b'/' && b[i + 1] == b'*' {
            depth += 1;
            i += 2;
            if !nested && depth > 1 {
                depth = 1;
            }
            continue;
        }
        if b[i] == b'*' && b[i + 1] == b'/' {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
            continue;
        }
        i += 1;
    }
    b.len()
}

/// `$tag$` at `at`, if it is a dollar quote (not a `$1` parameter).
pub(super) fn dollar_tag(b: &[u8], at: usize) -> Option<&[u8]> {
    let mut j = at + 1;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] >= 0x80) {
        j += 1;
    }
    if j < b.len() && b[j] == b'$' && !b.get(at + 1).is_some_and(|c| c.is_ascii_digit()) {
        Some(&b[at..=j])
    } else {
        None
    }
}

pub(super) fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}
