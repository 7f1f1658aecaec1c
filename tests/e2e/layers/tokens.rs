//! Rust source as tokens, with comments dropped and literals blanked: what
//! a path looks like in code, never in a doc or a string.

/// One token: a word, `::`, a single punctuation character, or `""` for a
/// literal whose contents were dropped; with its line.
#[derive(Clone, Debug, PartialEq)]
pub struct Tok {
    pub text: String,
    pub line: usize,
}

/// The tokens of `src`, comments and literal contents dropped.
pub fn tokens(src: &str) -> Vec<Tok> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    let is_ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(c[i] == '\n');
                    i += 1;
                }
            }
        } else if ch == '"' {
            out.push(Tok {
                text: "\"\"".into(),
                line,
            });
            i = skip_string(&c, i + 1, &mut line);
        } else if ch == '\'' {
            if at(i + 1) == '\\' {
                i += 2;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push(Tok {
                    text: "''".into(),
                    line,
                });
            } else if at(i + 2) == '\'' {
                i += 3;
                out.push(Tok {
                    text: "''".into(),
                    line,
                });
            } else {
                // A lifetime or a label: its name is no path.
                i += 1;
                while i < c.len() && is_ident(c[i]) {
                    i += 1;
                }
            }
        } else if is_ident(ch) {
            let start = i;
            while i < c.len() && is_ident(c[i]) {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            let raw = matches!(word.as_str(), "r" | "br" | "cr");
            if raw && (at(i) == '"' || (at(i) == '#' && matches!(at(i + 1), '#' | '"'))) {
                let mut hashes = 0;
                while at(i) == '#' {
                    hashes += 1;
                    i += 1;
                }
                i += 1;
                out.push(Tok {
                    text: "\"\"".into(),
                    line,
                });
                loop {
                    if i >= c.len() {
                        break;
                    }
                    if c[i] == '"' && (1..=hashes).all(|k| at(i + k) == '#') {
                        i += 1 + hashes;
                        break;
                    }
                    line += usize::from(c[i] == '\n');
                    i += 1;
                }
            } else if word == "r" && at(i) == '#' && is_ident(at(i + 1)) {
                // A raw identifier, `r#type`.
                i += 1;
                let start = i;
                while i < c.len() && is_ident(c[i]) {
                    i += 1;
                }
                out.push(Tok {
                    text: c[start..i].iter().collect(),
                    line,
                });
            } else if matches!(word.as_str(), "b" | "c") && at(i) == '"' {
                out.push(Tok {
                    text: "\"\"".into(),
                    line,
                });
                i = skip_string(&c, i + 1, &mut line);
            } else if word == "b" && at(i) == '\'' {
                i += 1;
                if at(i) == '\\' {
                    i += 1;
                }
                i += 1;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push(Tok {
                    text: "''".into(),
                    line,
                });
            } else {
                out.push(Tok { text: word, line });
            }
        } else if ch == ':' && at(i + 1) == ':' {
            out.push(Tok {
                text: "::".into(),
                line,
            });
            i += 2;
        } else {
            out.push(Tok {
                text: ch.to_string(),
                line,
            });
            i += 1;
        }
    }
    out
}

/// The index after a `"..."` string whose contents start at `i`.
fn skip_string(c: &[char], mut i: usize, line: &mut usize) -> usize {
    while i < c.len() && c[i] != '"' {
        if c[i] == '\\' {
            i += 1;
        }
        if c.get(i) == Some(&'\n') {
            *line += 1;
        }
        i += 1;
    }
    i + 1
}

pub fn word(t: Option<&Tok>) -> Option<&str> {
    let t = t?;
    let first = t.text.chars().next()?;
    (first.is_alphanumeric() || first == '_').then_some(t.text.as_str())
}
