//! `.env` loading: the first `.env` file in the current directory or above
//! sets the variables the real environment lacks, so the environment wins
//! over the file, and the file over nothing.
//!
//! A line that does not parse is reported by file and line number only:
//! its text is never printed, since it may hold a secret
//! (`API_TOKEN="hunter2...`), and the file's other lines still load.

use std::path::{Path, PathBuf};

/// Loads `.env` if there is one; returns a warning per problem.
pub(crate) fn load() -> Vec<String> {
    let Some(path) = find() else {
        return Vec::new();
    };
    match std::fs::read(&path) {
        Ok(bytes) => load_bytes(&shown(&path), &bytes),
        Err(e) => vec![format!("ignoring {}: {e}", shown(&path))],
    }
}

/// dotenvy's own search: `.env` in the current directory, else the nearest
/// parent that has one.
fn find() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors()
        .map(|dir| dir.join(".env"))
        .find(|p| p.is_file())
}

/// The path as a user would type it: `.env` when it is in the current
/// directory.
fn shown(path: &Path) -> String {
    let here = std::env::current_dir().ok().map(|d| d.join(".env"));
    if here.as_deref() == Some(path) {
        ".env".to_owned()
    } else {
        path.display().to_string()
    }
}

fn load_bytes(file: &str, bytes: &[u8]) -> Vec<String> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = String::from_utf8_lossy(body);
    let mut problems = Vec::new();
    let mut cursor = 0;
    for item in dotenvy::from_read_iter(body) {
        match item {
            Ok((key, value)) => {
                if std::env::var_os(&key).is_none() {
                    // Edition 2021, and no thread has started yet.
                    std::env::set_var(key, value);
                }
            }
            Err(dotenvy::Error::LineParse(line, _)) => {
                let at = match line_of(&text, &line, cursor) {
                    Some((number, next)) => {
                        cursor = next;
                        format!("line {number} of {file}")
                    }
                    None => format!("a line of {file}"),
                };
                problems.push(format!(
                    "ignoring {at}: it is not `NAME=value` (the line is not shown, as it may hold a secret)"
                ));
            }
            Err(dotenvy::Error::Io(e)) => {
                problems.push(format!("ignoring the rest of {file}: {e}"));
                break;
            }
            Err(_) => {
                problems.push(format!("ignoring the rest of {file}: it cannot be read"));
                break;
            }
        }
    }
    problems
}

/// The 1-based number of the line where `line` (a logical line, as the
/// parser saw it) starts, searching from byte `from`, and where to search
/// next. A match at the start of a line is preferred.
fn line_of(text: &str, line: &str, from: usize) -> Option<(usize, usize)> {
    let line = line.trim_end();
    if line.is_empty() {
        return None;
    }
    let rest = text.get(from..)?;
    let matches = || rest.match_indices(line).map(|(i, _)| from + i);
    let at = matches()
        .find(|&i| i == 0 || text.as_bytes()[i - 1] == b'\n')
        .or_else(|| matches().next())?;
    let number = text[..at].bytes().filter(|&b| b == b'\n').count() + 1;
    Some((number, at + line.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_lines_are_named_by_number_and_the_rest_loads() {
        let key = format!("MIGRATE_DOTENV_TEST_{}", std::process::id());
        let text = format!(
            "# comment\nAPI_TOKEN=\"hunter2-secret\nnot a line with hunter3\n{key}_A=one\n\nbroken line hunter4\n{key}_B='two'\n"
        );
        let problems = load_bytes(".env", text.as_bytes());
        let all = problems.join("\n");
        for secret in ["hunter2", "hunter3", "hunter4", "API_TOKEN"] {
            assert!(!all.contains(secret), "{all}");
        }
        assert!(all.contains("line 2 of .env"), "{all}");
        assert_eq!(std::env::var(format!("{key}_A")).ok(), None, "{all}");
        // The unclosed quote swallows the lines up to the end: one problem.
        assert_eq!(problems.len(), 1, "{all}");

        let text = format!("{key}_C=three\nnot valid hunter5\n{key}_D=four\nhunter6 too\n");
        let problems = load_bytes("/x/.env", text.as_bytes());
        assert_eq!(
            problems.iter().map(|p| &p[..22]).collect::<Vec<_>>(),
            ["ignoring line 2 of /x/", "ignoring line 4 of /x/"]
        );
        assert!(!problems.join("").contains("hunter"), "{problems:?}");
        assert_eq!(std::env::var(format!("{key}_C")).unwrap(), "three");
        assert_eq!(std::env::var(format!("{key}_D")).unwrap(), "four");
    }

    #[test]
    fn line_numbers_prefer_line_starts() {
        let text = "A=x bad\nx bad\n";
        assert_eq!(line_of(text, "x bad", 0), Some((2, 13)));
        assert_eq!(line_of(text, "nothing", 0), None);
    }
}
