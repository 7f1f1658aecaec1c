//! The order a squash writes objects in: each after the objects it really
//! depends on. The catalog's dependencies (`pg_depend`/`pg_rewrite` on
//! PostgreSQL: a view over a view, a view calling a function, a trigger's
//! function; the definition's names on MariaDB and SQLite) are joined by
//! the names a definition's text reads, bodies included: PostgreSQL
//! records nothing for a SQL function reading a view, yet checks the body
//! when the function is created, so the view must come first.

use migrate_schema::{Dialect, ObjectKind, OtherObject};
use sqlparser::dialect::{GenericDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::tokenizer::{Token, Tokenizer};
use std::collections::{BTreeSet, HashMap};

/// `objects` in an order they can be created in: every object after those
/// it depends on; among those ready, extensions, routines, views,
/// materialized views, then the rest, each in catalog order. A cycle (two
/// names that only look like reads) is broken at its first object.
pub(super) fn dependency_order(objects: &[OtherObject], dialect: Dialect) -> Vec<&OtherObject> {
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, o) in objects.iter().enumerate() {
        by_name.entry(key(base(&o.name.name))).or_default().push(i);
    }
    let mut waits = vec![0usize; objects.len()];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); objects.len()];
    for (i, o) in objects.iter().enumerate() {
        let mut deps: BTreeSet<usize> = BTreeSet::new();
        let named = o.depends_on.iter().map(|d| key(base(&d.name)));
        let read = o
            .definition
            .as_deref()
            .filter(|_| reads(&o.kind))
            .map(|d| words(d, dialect))
            .unwrap_or_default();
        for name in named.chain(read) {
            deps.extend(by_name.get(&name).into_iter().flatten().copied());
        }
        deps.remove(&i);
        waits[i] = deps.len();
        for j in deps {
            dependents[j].push(i);
        }
    }
    let mut ready: BTreeSet<(u8, usize)> = (0..objects.len())
        .filter(|&i| waits[i] == 0)
        .map(|i| (rank(&objects[i].kind), i))
        .collect();
    let mut done = vec![false; objects.len()];
    let mut out = Vec::with_capacity(objects.len());
    while out.len() < objects.len() {
        let i = match ready.pop_first() {
            Some((_, i)) => i,
            None => (0..objects.len())
                .find(|&i| !done[i])
                .expect("an object is left"),
        };
        if done[i] {
            continue;
        }
        done[i] = true;
        out.push(&objects[i]);
        for &j in &dependents[i] {
            waits[j] = waits[j].saturating_sub(1);
            if waits[j] == 0 && !done[j] {
                ready.insert((rank(&objects[j].kind), j));
            }
        }
    }
    out
}

/// The kinds whose definitions read other objects.
fn reads(kind: &ObjectKind) -> bool {
    matches!(
        kind,
        ObjectKind::View
            | ObjectKind::MaterializedView
            | ObjectKind::Function
            | ObjectKind::Procedure
            | ObjectKind::Trigger
    ) || *kind == ObjectKind::Other("event".into())
}

/// The order among objects that do not depend on one another (what the
/// squash wrote before it knew the dependencies).
fn rank(kind: &ObjectKind) -> u8 {
    match kind {
        ObjectKind::Extension => 0,
        ObjectKind::Function | ObjectKind::Procedure => 1,
        ObjectKind::View => 2,
        ObjectKind::MaterializedView => 3,
        _ => 4,
    }
}

/// A routine's name without its argument types.
fn base(name: &str) -> &str {
    name.split_once('(').map_or(name, |(b, _)| b)
}

/// Names compare as the servers fold unquoted ones (lower case); a
/// case-only clash errs towards one more ordering edge.
fn key(name: &str) -> String {
    name.to_lowercase()
}

/// The words of `sql` (quoted or not), and those of the bodies it holds as
/// dollar-quoted or quoted strings (a routine's body); empty when it does
/// not tokenize.
fn words(sql: &str, dialect: Dialect) -> Vec<String> {
    let mut out = Vec::new();
    collect(sql, dialect, 0, &mut out);
    out
}

fn collect(sql: &str, dialect: Dialect, depth: u8, out: &mut Vec<String>) {
    let tokens = match dialect {
        Dialect::MySql => Tokenizer::new(&MySqlDialect {}, sql).tokenize(),
        Dialect::Sqlite => Tokenizer::new(&SQLiteDialect {}, sql).tokenize(),
        Dialect::Postgres => Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize(),
    }
    .or_else(|_| Tokenizer::new(&GenericDialect {}, sql).tokenize());
    for token in tokens.unwrap_or_default() {
        match token {
            Token::Word(w) => out.push(key(&w.value)),
            // A body inside a body is read too, two levels down at most
            // (`EXECUTE '...'` inside a dollar-quoted body).
            Token::DollarQuotedString(s) if depth < 2 => collect(&s.value, dialect, depth + 1, out),
            Token::SingleQuotedString(s) if depth < 2 && s.contains(' ') => {
                collect(&s, dialect, depth + 1, out)
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use migrate_schema::QualifiedName;

    fn object(kind: ObjectKind, name: &str, def: &str) -> OtherObject {
        OtherObject::new(kind, QualifiedName::new(name), Some(def.into()))
    }

    fn names(objects: &[OtherObject], dialect: Dialect) -> Vec<String> {
        dependency_order(objects, dialect)
            .into_iter()
            .map(|o| o.name.name.clone())
            .collect()
    }

    #[test]
    fn a_function_reading_a_view_comes_after_it() {
        let objects = [
            object(
                ObjectKind::Function,
                "active_count()",
                "CREATE FUNCTION active_count() RETURNS bigint LANGUAGE sql AS $f$ SELECT count(*) FROM z_active $f$",
            ),
            object(ObjectKind::View, "a_top", " SELECT * FROM z_active"),
            object(ObjectKind::View, "z_active", " SELECT id FROM users"),
        ];
        assert_eq!(
            names(&objects, Dialect::Postgres),
            ["z_active", "active_count()", "a_top"]
        );
    }

    #[test]
    fn catalog_dependencies_count_and_cycles_are_broken() {
        let mut view = object(ObjectKind::View, "a", " SELECT f()");
        view.depends_on = vec![QualifiedName::new("f()")];
        let f = object(
            ObjectKind::Function,
            "f()",
            "CREATE FUNCTION f() RETURNS int AS 'SELECT n FROM b' LANGUAGE sql",
        );
        let b = object(ObjectKind::View, "b", " SELECT 1 AS n");
        assert_eq!(names(&[view, f, b], Dialect::Postgres), ["b", "f()", "a"]);
        let x = object(ObjectKind::View, "x", " SELECT * FROM y");
        let y = object(ObjectKind::View, "y", " SELECT * FROM x");
        assert_eq!(names(&[x, y], Dialect::MySql), ["x", "y"]);
    }
}
