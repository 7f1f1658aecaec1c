//! Two versions of an object said in words: a line diff, and for a table
//! whose columns are the same but in another order, which column moved
//! from which position to which.

/// The lines of `a` and `b` as a diff: `- ` for lines only in `a`, `+ `
/// for lines only in `b` (longest common subsequence; objects are small).
pub(super) fn line_diff(a: &[String], b: &[String]) -> Vec<String> {
    let keep = common(a, b);
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    for &(ki, kj) in keep.iter().chain(std::iter::once(&(a.len(), b.len()))) {
        while i < ki {
            out.push(format!("- {}", a[i]));
            i += 1;
        }
        while j < kj {
            out.push(format!("+ {}", b[j]));
            j += 1;
        }
        i += 1;
        j += 1;
    }
    out
}

/// The index pairs of a longest common subsequence of `a` and `b`.
fn common<T: PartialEq>(a: &[T], b: &[T]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    let mut table = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i][j] = if a[i] == b[j] {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut pairs = Vec::new();
    while i < n && j < m {
        if a[i] == b[j] {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if table[i + 1][j] >= table[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

/// The column names of a table's dump lines, in order: the first word of
/// each line inside its `CREATE TABLE (...)` that is not a constraint.
pub(super) fn columns(lines: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in lines {
        let t = line.trim();
        if !inside {
            if t.to_uppercase().starts_with("CREATE") && t.contains("TABLE") && t.ends_with('(') {
                inside = true;
            }
            continue;
        }
        if t.starts_with(')') {
            break;
        }
        let first = t.split_whitespace().next().unwrap_or("");
        let upper = first.to_uppercase();
        if matches!(
            upper.as_str(),
            "CONSTRAINT"
                | "PRIMARY"
                | "UNIQUE"
                | "FOREIGN"
                | "CHECK"
                | "KEY"
                | "INDEX"
                | "FULLTEXT"
                | "SPATIAL"
                | "PERIOD"
        ) {
            continue;
        }
        out.push(
            first
                .trim_matches(|c| c == '"' || c == '`' || c == ',')
                .to_owned(),
        );
    }
    out
}

/// `column c of t moved from position 3 to 5`, for every column whose
/// place among the others changed, when both versions have the same
/// columns; else nothing.
pub(super) fn moved_columns(table: &str, a: &[String], b: &[String]) -> Vec<String> {
    let (ca, cb) = (columns(a), columns(b));
    let mut sa = ca.clone();
    let mut sb = cb.clone();
    sa.sort();
    sb.sort();
    if ca.is_empty() || sa != sb || ca == cb {
        return Vec::new();
    }
    let kept: Vec<usize> = common(&ca, &cb).into_iter().map(|(i, _)| i).collect();
    ca.iter()
        .enumerate()
        .filter(|(i, _)| !kept.contains(i))
        .map(|(i, name)| {
            let to = cb.iter().position(|c| c == name).unwrap_or(0);
            format!(
                "column {name} of {table} moved from position {} to {}",
                i + 1,
                to + 1
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    #[test]
    fn a_column_re_added_at_the_end_is_said_to_move() {
        let a = lines("CREATE TABLE t(\n    id INTEGER,\n    favorite BOOLEAN,\n    name TEXT\n)");
        let b = lines("CREATE TABLE t(\n    id INTEGER,\n    name TEXT,\n    favorite BOOLEAN\n)");
        let words = moved_columns("t", &a, &b);
        assert_eq!(words.len(), 1, "{words:?}");
        assert!(words[0].starts_with("column "), "{words:?}");
        assert!(words[0].contains("of t moved from position"), "{words:?}");
    }

    #[test]
    fn line_diff_marks_both_sides() {
        let d = line_diff(&lines("a\nb\nc"), &lines("a\nx\nc"));
        assert_eq!(d, ["- b", "+ x"]);
    }
}
