//! A dump cut into objects and normalized: what differs between two
//! databases that hold the same schema (comments, `SET` lines, owners unless
//! privileges are compared, the database's name, counters) goes; each
//! object keeps its lines under a key that names it (`table public.users`,
//! `view v`, `trigger t_audit`).

use std::collections::BTreeMap;

/// How a dump is normalized.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Rules {
    /// Keep owners, grants and definers.
    pub privileges: bool,
    /// Keep `AUTO_INCREMENT=` positions (the stairway: the same data).
    pub counters: bool,
}

/// Objects by key, each as its normalized lines.
pub(super) type Objects = BTreeMap<String, Vec<String>>;

fn push(objects: &mut Objects, key: &str, line: String) {
    objects.entry(key.to_owned()).or_default().push(line);
}

/// `pg_dump --schema-only` output: objects under its `-- Name: x; Type: T;
/// Schema: s;` headers.
pub(super) fn postgres(text: &str, rules: Rules) -> Objects {
    let mut objects = Objects::new();
    let mut key: Option<String> = None;
    for line in text.lines() {
        if let Some(header) = line.strip_prefix("-- Name: ") {
            key = Some(pg_key(header));
            continue;
        }
        let trimmed = line.trim();
        if trimmed.is_empty()
            || trimmed.starts_with("--")
            || trimmed.starts_with('\\')
            || trimmed.starts_with("SET ")
            || trimmed.starts_with("SELECT pg_catalog.set_config(")
        {
            continue;
        }
        if !rules.privileges
            && (trimmed.contains(" OWNER TO ")
                || trimmed.starts_with("GRANT ")
                || trimmed.starts_with("REVOKE "))
        {
            continue;
        }
        let Some(key) = &key else { continue };
        push(&mut objects, key, line.trim_end().to_owned());
    }
    objects
}

/// `T s.x` (or `T x` in `public`) from `x; Type: T; Schema: s; Owner: o`.
fn pg_key(header: &str) -> String {
    let mut name = "";
    let mut kind = "";
    let mut schema = "-";
    for (n, part) in header.split("; ").enumerate() {
        if n == 0 {
            name = part;
        } else if let Some(t) = part.strip_prefix("Type: ") {
            kind = t;
        } else if let Some(s) = part.strip_prefix("Schema: ") {
            schema = s;
        }
    }
    let kind = kind.to_lowercase();
    match schema {
        "-" | "public" => format!("{kind} {name}"),
        s => format!("{kind} {s}.{name}"),
    }
}

/// `mariadb-dump --compact --no-data --routines --events --triggers`
/// output: one object per statement, named from its `CREATE`.
mod mariadb;
mod sqlite;

pub(super) use mariadb::mariadb;
pub(super) use sqlite::{sqlite, sqlite_folded, sqlite_lines, sqlite_semantic, stored};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_headers_name_objects_and_noise_goes() {
        let dump = "--\n-- PostgreSQL database dump\n--\nSET statement_timeout = 0;\nSELECT pg_catalog.set_config('search_path', '', false);\n\\restrict abc\n--\n-- Name: v; Type: VIEW; Schema: public; Owner: -\n--\n\nCREATE VIEW public.v AS\n SELECT 1;\nALTER VIEW public.v OWNER TO me;\n";
        let o = postgres(dump, Rules::default());
        assert_eq!(o.len(), 1);
        assert_eq!(o["view v"], ["CREATE VIEW public.v AS", " SELECT 1;"]);
    }
}
